//! What the app and the workers share: messages, queue names, [`broker`] and [`worker`]. `broker` is a
//! Cargo feature (an optional part of this crate, on by default): `#[cfg(feature = "broker")]`
//! builds those modules only when it is on. The components turn it off: they need the types only.

use serde::{Deserialize, Serialize};

#[cfg(feature = "broker")]
pub mod broker;
#[cfg(feature = "broker")]
pub mod worker;

/// The queues of `service1` (component1) and `service2` (component2).
pub const PROCESS_QUEUE: &str = "process";
pub const TRANSFORM_QUEUE: &str = "transform";

/// `queue` with `QUEUE_PREFIX` before it (none if unset): tests set one to keep their queues apart.
pub fn queue_name(queue: &str) -> String {
    let prefix = std::env::var("QUEUE_PREFIX").unwrap_or_default();
    format!("{prefix}{queue}")
}

/// component1's result. On the wire: `{"value":84,"processed":true}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProcessResult {
    pub value: i32,
    pub processed: bool,
}

/// component2's result. On the wire: `{"original":84,"transformed":"Value-0084"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransformResult {
    pub original: i32,
    pub transformed: String,
}

/// Every request: `{"value":42}`. Another shape is refused, not guessed at.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValueRequest {
    pub value: i32,
}

/// A reply: the result or `{"error":"..."}`; `untagged`: serde tells them apart by their fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Reply<T> {
    Ok(T),
    Err { error: String },
}
