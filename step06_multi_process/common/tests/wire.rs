//! The wire format as the app and the services see it: the lines are the ones documented in
//! `src/lib.rs`, and every reply survives a trip through one JSON line unchanged.

use common::{ProcessResult, Reply, Request, TransformResult};

#[test]
fn requests_and_replies_look_on_the_wire_as_documented() {
    let request = serde_json::to_string(&Request::Process { value: 42 }).unwrap();
    assert_eq!(request, r#"{"type":"process","value":42}"#);
    let processed = Reply::Processed(ProcessResult {
        value: 84,
        processed: true,
    });
    let reply = serde_json::to_string(&processed).unwrap();
    assert_eq!(reply, r#"{"type":"processed","value":84,"processed":true}"#);
    let transform = serde_json::to_string(&Request::Transform { value: 84 }).unwrap();
    assert_eq!(transform, r#"{"type":"transform","value":84}"#);
}

#[test]
fn every_reply_round_trips_through_the_one_line_to_line_writes() {
    let replies = [
        Reply::Processed(ProcessResult {
            value: -10,
            processed: true,
        }),
        Reply::Transformed(TransformResult {
            original: 84,
            transformed: "Value-0084 \"quoted\"\nnew line".into(),
        }),
        Reply::Error {
            error: "overflow".into(),
        },
    ];
    for reply in replies {
        let line = common::to_line(&reply);
        let json = line.strip_suffix('\n').expect("a line ends with a newline");
        assert!(!json.contains('\n'), "one message, one line: {line}");
        assert_eq!(serde_json::from_str::<Reply>(json).unwrap(), reply);
    }
}
