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
        // `no_proxy`: an `HTTP_PROXY` set for the web must not reroute calls to 127.0.0.1.
        let client = reqwest::Client::builder().timeout(TIMEOUT).no_proxy();
        Ok(Self {
            component: format!("{name} at {url}"),
            url: url.to_string(),
            client: client.build()?,
        })
    }

    /// `POST path` with the body `{"value": value}` and the header `x-request-id`; the answer's
    /// JSON read as a `T` (`T: DeserializeOwned`: any type serde can build from JSON).
    pub async fn post<T: DeserializeOwned>(
        &self,
        path: &str,
        value: i32,
        request_id: &str,
    ) -> Result<T, CallError> {
        let response = self
            .client
            .post(format!("{}{path}", self.url))
            .header("x-request-id", request_id)
            .json(&ValueRequest { value })
            .send()
            .await
            .map_err(|error| self.failed(error))?;
        let status = response.status();
        let body = response.bytes().await.map_err(|error| self.failed(error))?;
        let answered = format!("POST {path} answered {status}");
        let component = self.component.clone();
        if status.is_success() {
            return serde_json::from_slice(&body).map_err(|error| {
                let reason = format!("{answered} with no result: {error}");
                CallError::Unavailable { component, reason }
            });
        }
        // Our services say why in `{"error": "..."}`; another server: its first 200 characters.
        let why = match serde_json::from_slice::<ErrorBody>(&body) {
            Ok(ErrorBody { error }) => error,
            Err(_) => String::from_utf8_lossy(&body).chars().take(200).collect(),
        };
        let reason = format!("{answered}: {why}");
        if status.is_client_error() {
            return Err(CallError::Rejected { component, reason }); // 4xx: it refused this request
        }
        // 5xx: the service's own trouble (or another status, which our services never send).
        Err(CallError::Unavailable { component, reason })
    }

    /// A call that got no whole answer: it took too long, or the connection failed.
    fn failed(&self, error: reqwest::Error) -> CallError {
        let component = self.component.clone();
        if error.is_timeout() {
            let waited = TIMEOUT;
            return CallError::TimedOut { component, waited };
        }
        // reqwest says "error sending request"; the last error in its chain of `source()`s, the
        // first cause, says why: "Connection refused".
        let mut cause: &dyn std::error::Error = &error;
        while let Some(source) = cause.source() {
            cause = source;
        }
        let reason = cause.to_string();
        CallError::Unavailable { component, reason }
    }
}

/// Step 06's `Processor`, now a client of service1's `POST /process`.
pub struct HttpProcessor(pub HttpService);

// The answer is `common`'s `ProcessResult`, the JSON type service1 sends; the contract's own
// knows no JSON (step 08 sends it another way), so it is copied field by field.
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
