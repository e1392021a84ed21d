//! `validate` and `analyze` stay local (no call crosses the network for them) and keep the
//! rules component1 and component2 had in step 04.

use app::pipeline::{ProcessResult, TransformResult, analyze, validate};

#[test]
fn validate_accepts_a_processed_non_negative_value_only() {
    let result = |value, processed| ProcessResult { value, processed };
    assert!(validate(&result(84, true)));
    assert!(!validate(&result(-2, true)));
    assert!(!validate(&result(84, false)));
}

#[test]
fn analyze_says_what_maps_to_what() {
    let data = TransformResult {
        original: 84,
        transformed: "Value-0084".into(),
    };
    assert_eq!(analyze(&data), "Analysis: 84 maps to Value-0084");
}
