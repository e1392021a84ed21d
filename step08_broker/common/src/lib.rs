//! What the app and the workers share: the messages, which travel as JSON, and the queue names;
//! [`broker`] (connect, declare a queue) and [`worker`] (the workers' loop) for RabbitMQ.

#[cfg(feature = "broker")] // a Cargo feature: the components turn it off, they need only the types
pub mod broker;
#[cfg(feature = "broker")]
pub mod worker;

use serde::{Deserialize, Serialize};

/// The workers' queues: service1 (component1) answers `process`, service2 `transform`.
pub const PROCESS_QUEUE: &str = "process";
pub const TRANSFORM_QUEUE: &str = "transform";

/// `queue` with `QUEUE_PREFIX` before it (none if unset): tests set one to keep their queues apart.
pub fn queue_name(queue: &str) -> String {
    let prefix = std::env::var("QUEUE_PREFIX").unwrap_or_default();
    format!("{prefix}{queue}")
}

/// A request: `{"value":42}`. A message of another shape is not a request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValueRequest {
    pub value: i32,
}

/// component1's result: `{"value":84,"processed":true}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProcessResult {
    pub value: i32,
    pub processed: bool,
}

/// component2's result: `{"original":84,"transformed":"Value-0084"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransformResult {
    pub original: i32,
    pub transformed: String,
}

/// A reply: the result, or `{"error":"..."}`. `untagged`: serde tells them apart by their fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Reply<T> {
    Ok(T),
    Err { error: String },
}
