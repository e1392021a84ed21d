//! The JSON bodies that cross the network, shared by the services and the app so that they cannot
//! disagree on a field name; [`server`] (feature `server`): serving them over HTTP.

#[cfg(feature = "server")] // compiled only for a crate that turns on this Cargo feature
pub mod server;

use serde::{Deserialize, Serialize};

/// The body of `POST /process` and `POST /transform`: `{"value": 42}`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)] // `{"value": 1, "valeu": 2}` is a client's bug: say so
pub struct ValueRequest {
    pub value: i32,
}

/// What service1 answers: `{"value":84,"processed":true}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessResult {
    pub value: i32,
    pub processed: bool,
}

/// What service2 answers: `{"original":84,"transformed":"Value-0084"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransformResult {
    pub original: i32,
    pub transformed: String,
}

/// The body of every error a service answers, whatever the status: `{"error": "..."}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: String,
}
