//! The client's decisions that need no server: what is retried, how an error reads, and the
//! checks that stay local.

use std::time::Duration;

use app::http::{HttpProcessor, HttpService, HttpTransformer, client};
use app::pipeline::{CallError, Failure, Processor, Transformer};
use app::retry::worth_retrying;
use common::{ProcessResult, TransformResult};

#[test]
fn only_connection_trouble_and_5xx_are_retried() {
    assert!(worth_retrying(&Failure::Unreachable("refused".into())));
    assert!(worth_retrying(&Failure::ConnectionLost("reset".into())));
    assert!(worth_retrying(&Failure::Failed("503: busy".into())));
    assert!(!worth_retrying(&Failure::Refused("422: overflow".into())));
    assert!(!worth_retrying(&Failure::TimedOut(Duration::from_secs(1))));
    assert!(!worth_retrying(&Failure::BadReply("eof".into())));
}

#[test]
fn an_unreachable_service_is_named_with_its_url_and_cause() {
    let error = CallError {
        service: "service1",
        at: "http://127.0.0.1:3001".to_string(),
        failure: Failure::Unreachable("connection refused".into()),
    };
    assert_eq!(
        error.to_string(),
        "service1 at http://127.0.0.1:3001 is unreachable: connection refused"
    );
}

#[test]
fn validate_and_analyze_stay_local_and_keep_their_step_03_rules() {
    let timeout = Duration::from_secs(5);
    let client = client(timeout).unwrap();
    let service = HttpService::new(&client, "unused", "http://127.0.0.1:9/", timeout);
    assert_eq!(service.base_url, "http://127.0.0.1:9");
    let processor = HttpProcessor(service.clone());
    assert!(processor.validate(&ProcessResult {
        value: 84,
        processed: true
    }));
    assert!(!processor.validate(&ProcessResult {
        value: -2,
        processed: true
    }));
    assert!(!processor.validate(&ProcessResult {
        value: 84,
        processed: false
    }));
    let transformer = HttpTransformer(service);
    let data = TransformResult {
        original: 84,
        transformed: "Value-0084".into(),
    };
    assert_eq!(
        transformer.analyze(&data),
        "Analysis: 84 maps to Value-0084"
    );
}
