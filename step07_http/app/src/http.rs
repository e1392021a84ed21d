//! The contract over HTTP: [`HttpProcessor`] and [`HttpTransformer`] post `{"value": N}` to
//! service1 and service2; whatever goes wrong becomes a [`CallError`] naming URL and status.

use std::time::Duration;

use common::{ErrorBody, ValueRequest};
use serde::de::DeserializeOwned;

use crate::pipeline::{CallError, ProcessResult, Processor, TransformResult, Transformer};

/// How long a call may take, connection included, before the app gives up on it.
pub const TIMEOUT: Duration = Duration::from_secs(5);

/// One service as the app sees it: where it is, and the HTTP client that calls it.
pub struct HttpService {
    component: String, // `service1 at http://127.0.0.1:3001`, as every error names it
    url: String,
    client: reqwest::Client,
}

impl HttpService {
    pub fn new(name: &str, url: &str) -> Result<Self, reqwest::Error> {
        let builder = reqwest::Client::builder().timeout(TIMEOUT);
        let client = builder.no_proxy().build()?; // an `HTTP_PROXY` must not reroute 127.0.0.1
        let (component, url) = (format!("{name} at {url}"), url.to_string());
        Ok(Self {
            component,
            url,
            client,
        })
    }

    /// `POST path` with `{"value": value}`; the answer's body read as `T` (`DeserializeOwned`).
    pub async fn post<T: DeserializeOwned>(
        &self,
        path: &str,
        value: i32,
        request_id: &str,
    ) -> Result<T, CallError> {
        let request = self.client.post(format!("{}{path}", self.url));
        let request = request.header("x-request-id", request_id);
        // `send()` returns a future: nothing is sent until `.await`, which waits for the answer.
        let sent = request.json(&ValueRequest { value }).send().await;
        let response = sent.map_err(|error| self.failed(error))?;
        let status = response.status();
        let body = response.bytes().await.map_err(|error| self.failed(error))?;
        if status.is_success() {
            let no_result = |e| format!("POST {path} answered {status} with no result: {e}");
            return serde_json::from_slice(&body).map_err(|e| self.unavailable(no_result(e)));
        }
        // Our services say why in `{"error": "..."}`; anything else: its first 200 characters.
        let message = match serde_json::from_slice::<ErrorBody>(&body) {
            Ok(ErrorBody { error }) => error,
            Err(_) => String::from_utf8_lossy(&body).chars().take(200).collect(),
        };
        let reason = format!("POST {path} answered {status}: {message}");
        if status.is_client_error() {
            let component = self.component.clone(); // 4xx: this input, refused: the same next time
            return Err(CallError::Rejected { component, reason });
        }
        Err(self.unavailable(reason)) // 5xx: the service's own trouble
    }

    /// reqwest's error in the contract's words: no answer in time, or no answer at all.
    fn failed(&self, error: reqwest::Error) -> CallError {
        if error.is_timeout() && !error.is_connect() {
            let (component, waited) = (self.component.clone(), TIMEOUT);
            return CallError::TimedOut { component, waited };
        }
        // The useful part, such as "Connection refused", is at the end of the chain of causes.
        let causes = std::iter::successors(Some(&error as &dyn std::error::Error), |e| e.source());
        self.unavailable(causes.last().map(ToString::to_string).unwrap_or_default())
    }

    fn unavailable(&self, reason: String) -> CallError {
        let component = self.component.clone();
        CallError::Unavailable { component, reason }
    }
}

/// Step 06's `Processor`, now a client of service1's `POST /process`.
pub struct HttpProcessor(pub HttpService);

impl Processor for HttpProcessor {
    async fn process(&self, value: i32, request_id: &str) -> Result<ProcessResult, CallError> {
        let body: common::ProcessResult = self.0.post("/process", value, request_id).await?;
        let (value, processed) = (body.value, body.processed);
        Ok(ProcessResult { value, processed })
    }
}

/// Step 06's `Transformer`, now a client of service2's `POST /transform`.
pub struct HttpTransformer(pub HttpService);

impl Transformer for HttpTransformer {
    async fn transform(&self, value: i32, request_id: &str) -> Result<TransformResult, CallError> {
        let body: common::TransformResult = self.0.post("/transform", value, request_id).await?;
        let (original, transformed) = (body.original, body.transformed);
        Ok(TransformResult {
            original,
            transformed,
        })
    }
}
