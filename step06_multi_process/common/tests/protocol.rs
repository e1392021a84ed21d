//! The wire format as the app and the services see it: every message survives a trip through JSON
//! unchanged, and the lines on the wire are exactly the ones documented in the crate and README.

use common::{
    ErrorCode, PROTOCOL_VERSION, ProcessResult, Reply, ReplyBody, Request, RequestBody,
    TransformResult,
};

fn every_request() -> Vec<Request> {
    let bodies = [
        RequestBody::Hello {
            protocol: PROTOCOL_VERSION,
        },
        RequestBody::Process { value: 42 },
        RequestBody::Transform { value: -84 },
    ];
    bodies
        .into_iter()
        .enumerate()
        .map(|(id, body)| Request {
            id: id as u64,
            body,
        })
        .collect()
}

fn every_reply() -> Vec<Reply> {
    let bodies = [
        ReplyBody::Hello {
            protocol: PROTOCOL_VERSION,
            service: "service1".into(),
            component: "component1".into(),
            version: "0.1.0".into(),
        },
        ReplyBody::Processed(ProcessResult {
            value: i32::MIN,
            processed: false,
        }),
        ReplyBody::Transformed(TransformResult {
            original: 84,
            transformed: "Value-0084 \"quoted\"\nnew line".into(),
        }),
        ReplyBody::error(ErrorCode::Overflow, "overflow"),
    ];
    let mut replies: Vec<Reply> = bodies
        .into_iter()
        .enumerate()
        .map(|(id, body)| Reply {
            id: Some(id as u64),
            body,
        })
        .collect();
    replies.push(Reply {
        id: None,
        body: ReplyBody::error(ErrorCode::BadRequest, "not JSON"),
    });
    replies
}

#[test]
fn every_request_round_trips_through_one_json_line() {
    for request in every_request() {
        let line = serde_json::to_string(&request).unwrap();
        assert!(
            !line.contains('\n'),
            "a message must fit on one line: {line}"
        );
        assert_eq!(common::parse_request(line.as_bytes()), Ok(request));
    }
}

#[test]
fn every_reply_round_trips_through_one_json_line() {
    for reply in every_reply() {
        let line = serde_json::to_string(&reply).unwrap();
        assert!(
            !line.contains('\n'),
            "a message must fit on one line: {line}"
        );
        assert_eq!(serde_json::from_str::<Reply>(&line).unwrap(), reply);
    }
}

#[test]
fn requests_look_on_the_wire_as_documented() {
    let lines: Vec<String> = every_request()
        .iter()
        .take(3)
        .map(|request| serde_json::to_string(request).unwrap())
        .collect();
    assert_eq!(
        lines,
        [
            r#"{"id":0,"type":"hello","protocol":1}"#,
            r#"{"id":1,"type":"process","value":42}"#,
            r#"{"id":2,"type":"transform","value":-84}"#,
        ]
    );
}

#[test]
fn replies_look_on_the_wire_as_documented() {
    let reply = |id, body| serde_json::to_string(&Reply { id, body }).unwrap();
    assert_eq!(
        reply(Some(0), every_reply().remove(0).body),
        r#"{"id":0,"type":"hello","protocol":1,"service":"service1","component":"component1","version":"0.1.0"}"#
    );
    assert_eq!(
        reply(
            Some(1),
            ReplyBody::Processed(ProcessResult {
                value: 84,
                processed: true
            })
        ),
        r#"{"id":1,"type":"processed","value":84,"processed":true}"#
    );
    assert_eq!(
        reply(
            Some(1),
            ReplyBody::Transformed(TransformResult {
                original: 84,
                transformed: "Value-0084".into()
            })
        ),
        r#"{"id":1,"type":"transformed","original":84,"transformed":"Value-0084"}"#
    );
    assert_eq!(
        reply(None, ReplyBody::error(ErrorCode::UnknownMessage, "no")),
        r#"{"id":null,"type":"error","code":"unknown_message","error":"no"}"#
    );
}

#[test]
fn unknown_extra_fields_are_ignored_so_a_newer_peer_can_add_some() {
    let line = br#"{"id":5,"type":"process","value":1,"trace":"abc"}"#;
    assert_eq!(
        common::parse_request(line),
        Ok(Request {
            id: 5,
            body: RequestBody::Process { value: 1 }
        })
    );
}
