//! The contract over HTTP: [`HttpProcessor`] and [`HttpTransformer`] implement the pipeline's
//! traits by posting `{"value": N}` to service1 and service2. Whatever goes wrong on the way
//! becomes the contract's [`CallError`], worded with the URL and the status.

use std::time::Duration;

use common::{ErrorBody, ValueRequest};
use serde::de::DeserializeOwned;

use crate::pipeline::{CallError, ProcessResult, Processor, TransformResult, Transformer};

/// One service as the app sees it: its name, its root URL, and the HTTP client.
#[derive(Debug, Clone)]
pub struct HttpService {
    pub name: &'static str,
    pub url: String,
    client: reqwest::Client,
    timeout: Duration,
}

impl HttpService {
    /// `url` is the service's root, such as `http://127.0.0.1:3001`; `timeout` is how long a
    /// call may take, connection included, before the app gives up on it.
    pub fn new(name: &'static str, url: &str, timeout: Duration) -> Result<Self, CallError> {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            // An `HTTP_PROXY` set for the web must not reroute calls to 127.0.0.1.
            .no_proxy()
            .build();
        let url = url.trim_end_matches('/').to_string();
        let component = format!("{name} at {url}");
        let client = client.map_err(|error| CallError::Unavailable {
            component,
            reason: error.to_string(),
        })?;
        Ok(Self {
            name,
            url,
            client,
            timeout,
        })
    }

    /// `POST path` with `{"value": value}` and the request id in a header; the answer's body
    /// read as `T`, any type serde can build (`DeserializeOwned`).
    pub async fn post<T: DeserializeOwned>(
        &self,
        path: &str,
        value: i32,
        request_id: &str,
    ) -> Result<T, CallError> {
        let url = format!("{}{path}", self.url);
        let component = format!("{} at {}", self.name, self.url);
        let request = self.client.post(&url).header("x-request-id", request_id);
        // Nothing is sent until `.await`: `send()` only builds the future that will send it.
        let response = request.json(&ValueRequest { value }).send().await;
        let response = response.map_err(|error| self.failed(component.clone(), error))?;
        let status = response.status();
        let body = response.bytes().await;
        let body = body.map_err(|error| self.failed(component.clone(), error))?;

        let reason = format!("POST {path} answered {status}: {}", message(&body));
        if status.is_client_error() {
            return Err(CallError::Rejected { component, reason }); // 4xx: the same next time
        }
        if !status.is_success() {
            return Err(CallError::Unavailable { component, reason }); // 5xx: its trouble
        }
        serde_json::from_slice(&body).map_err(|error| CallError::Unavailable {
            component,
            reason: format!("POST {path} answered {status} with a body that is no result: {error}"),
        })
    }

    /// reqwest's error in the contract's words. A failed connection is "unavailable", whatever
    /// ended it; a request that ran past the timeout is "timed out".
    fn failed(&self, component: String, error: reqwest::Error) -> CallError {
        if error.is_timeout() && !error.is_connect() {
            let waited = self.timeout;
            return CallError::TimedOut { component, waited };
        }
        // reqwest says "error sending request for url (...)"; the useful part, such as
        // "Connection refused (os error 111)", is at the end of the chain of causes.
        let causes = std::iter::successors(Some(&error as &dyn std::error::Error), |e| e.source());
        let reason = causes.last().map(ToString::to_string).unwrap_or_default();
        CallError::Unavailable { component, reason }
    }
}

/// The message of an error body `{"error": "..."}`, or, from something that is not one of our
/// services, the first 200 characters of whatever it sent.
fn message(body: &[u8]) -> String {
    match serde_json::from_slice::<ErrorBody>(body) {
        Ok(ErrorBody { error }) => error,
        Err(_) => String::from_utf8_lossy(body).chars().take(200).collect(),
    }
}

/// Step 06's `Processor`, now a client of service1's `POST /process`.
#[derive(Debug, Clone)]
pub struct HttpProcessor(pub HttpService);

impl Processor for HttpProcessor {
    async fn process(&self, value: i32, request_id: &str) -> Result<ProcessResult, CallError> {
        let reply: common::ProcessResult = self.0.post("/process", value, request_id).await?;
        let common::ProcessResult { value, processed } = reply;
        Ok(ProcessResult { value, processed })
    }
}

/// Step 06's `Transformer`, now a client of service2's `POST /transform`.
#[derive(Debug, Clone)]
pub struct HttpTransformer(pub HttpService);

impl Transformer for HttpTransformer {
    async fn transform(&self, value: i32, request_id: &str) -> Result<TransformResult, CallError> {
        let reply: common::TransformResult = self.0.post("/transform", value, request_id).await?;
        let common::TransformResult {
            original,
            transformed,
        } = reply;
        Ok(TransformResult {
            original,
            transformed,
        })
    }
}
