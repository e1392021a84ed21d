//! What the app and the workers share: the queue names and the messages, which travel as JSON;
//! reaching RabbitMQ (`broker.rs`) and the workers' loop (`worker.rs`).

pub mod broker;
pub mod worker;

use serde::{Deserialize, Serialize};

/// service1 answers the requests in the queue `process`, service2 those in `transform`.
pub const PROCESS_QUEUE: &str = "process";
pub const TRANSFORM_QUEUE: &str = "transform";

/// A request: `{"value":42}`. A message of another shape is not a request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValueRequest {
    pub value: i32,
}

/// component1's result: `{"value":84,"processed":true}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessResult {
    pub value: i32,
    pub processed: bool,
}

/// component2's result: `{"original":84,"transformed":"Value-0084"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransformResult {
    pub original: i32,
    pub transformed: String,
}

/// A reply: a result as above, or `{"error":"..."}`. `untagged`: the JSON names no variant;
/// serde takes the one whose fields it finds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Reply<T> {
    Ok(T),
    Err { error: String },
}
