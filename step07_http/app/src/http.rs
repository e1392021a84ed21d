//! The contract over HTTP: [`HttpProcessor`] posts `{"value": N}` to service1's `/process`,
//! [`HttpTransformer`] to service2's `/transform`; whatever goes wrong becomes a [`CallError`].

use std::time::Duration;

use common::{ErrorBody, ValueRequest};
use serde::de::DeserializeOwned;

use crate::pipeline::{CallError, ProcessResult, Processor, TransformResult, Transformer};

/// How long a call may take, connection included, before the app gives up on it.
pub const TIMEOUT: Duration = Duration::from_secs(5);

/// One service as the app sees it: where it is, and the HTTP client that calls it.
pub struct HttpService {
    component: String, // `service1 at http://127.0.0.1:40123`: how every error names it
    url: String,
    client: reqwest::Client,
}

impl HttpService {
    pub fn new(name: &str, url: &str) -> Result<Self, reqwest::Error> {
        let client = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .no_proxy() // an `HTTP_PROXY` set for the web must not reroute calls to 127.0.0.1
            .build()?;
        Ok(Self {
            component: format!("{name} at {url}"),
            url: url.to_string(),
            client,
        })
    }

    /// `POST path` with `{"value": value}` and the request id; the JSON answer read as a `T`
    /// (`T: DeserializeOwned`, a trait bound: any type that serde can build from JSON).
    pub async fn post<T: DeserializeOwned>(
        &self,
        path: &str,
        value: i32,
        request_id: &str,
    ) -> Result<T, CallError> {
        let request = self
            .client
            .post(format!("{}{path}", self.url))
            .header("x-request-id", request_id)
            .json(&ValueRequest { value });
        let response = request.send().await.map_err(|error| self.failed(error))?;
        let status = response.status();
        let body = response.bytes().await.map_err(|error| self.failed(error))?;
        if status.is_success() {
            return serde_json::from_slice(&body).map_err(|error| {
                self.unavailable(format!(
                    "POST {path} answered {status} with no result: {error}"
                ))
            });
        }
        // Our services say why in `{"error": "..."}`; another server: its first 200 characters.
        // (`from_slice::<ErrorBody>` names the type to read, as `let body: T` does above.)
        let message = match serde_json::from_slice::<ErrorBody>(&body) {
            Ok(ErrorBody { error }) => error,
            Err(_) => String::from_utf8_lossy(&body).chars().take(200).collect(),
        };
        let reason = format!("POST {path} answered {status}: {message}");
        if status.is_client_error() {
            // 4xx: the service refused this request (its input, or its path).
            let component = self.component.clone();
            return Err(CallError::Rejected { component, reason });
        }
        Err(self.unavailable(reason)) // 5xx: the service's own trouble
    }

    fn failed(&self, error: reqwest::Error) -> CallError {
        if error.is_timeout() {
            let (component, waited) = (self.component.clone(), TIMEOUT);
            return CallError::TimedOut { component, waited };
        }
        // reqwest says "error sending request"; the last error in its chain of `source()`s, the
        // first cause, says why: "Connection refused".
        let mut cause: &dyn std::error::Error = &error;
        while let Some(source) = cause.source() {
            cause = source;
        }
        self.unavailable(cause.to_string())
    }

    fn unavailable(&self, reason: String) -> CallError {
        let component = self.component.clone();
        CallError::Unavailable { component, reason }
    }
}

/// Step 06's `Processor`, now a client of service1's `POST /process`.
pub struct HttpProcessor(pub HttpService);

// The body is `common`'s type, shared with service1; the contract's own `ProcessResult` knows
// nothing of JSON (step 08 sends it another way), so the adapter copies one into the other.
impl Processor for HttpProcessor {
    async fn process(&self, value: i32, request_id: &str) -> Result<ProcessResult, CallError> {
        let body: common::ProcessResult = self.0.post("/process", value, request_id).await?;
        Ok(ProcessResult {
            value: body.value,
            processed: body.processed,
        })
    }
}

/// Step 06's `Transformer`, now a client of service2's `POST /transform`.
pub struct HttpTransformer(pub HttpService);

impl Transformer for HttpTransformer {
    async fn transform(&self, value: i32, request_id: &str) -> Result<TransformResult, CallError> {
        let body: common::TransformResult = self.0.post("/transform", value, request_id).await?;
        Ok(TransformResult {
            original: body.original,
            transformed: body.transformed,
        })
    }
}
