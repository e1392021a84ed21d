use common::ValueRequest;
use reqwest::{Client, Response};

use crate::pipeline::{CallError, ProcessResult, Processor, TransformResult, Transformer};

pub const TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// One service as the app sees it: a `Processor` and a `Transformer` (at the bottom). `main` uses
/// service1's as the processor, service2's as the transformer. service1 has no `/transform`
/// route: asked to transform, it would answer 404, which comes back as a `Rejected`.
pub struct HttpService {
    client: Client,
    url: String,
    component: String, // "service1 at http://127.0.0.1:40123": how errors name it
}

impl HttpService {
    pub fn new(name: &str, url: &str) -> Result<Self, reqwest::Error> {
        // `no_proxy`: ignore an `HTTP_PROXY` setting; a proxy cannot reach our 127.0.0.1.
        let client = Client::builder().timeout(TIMEOUT).no_proxy().build()?;
        Ok(Self {
            client,
            url: url.to_string(),
            component: format!("{name} at {url}"),
        })
    }

    fn failed(&self, error: reqwest::Error) -> CallError {
        let component = self.component.clone();
        if error.is_timeout() {
            let waited = TIMEOUT;
            return CallError::TimedOut { component, waited };
        }
        let reason = root_cause(&error); // at the bottom of this file
        CallError::Unavailable { component, reason }
    }

    /// `POST {"value": value}` to `path`, the request id in a header: a 2xx answer, or why not.
    async fn post(&self, path: &str, value: i32, id: &str) -> Result<Response, CallError> {
        let url = format!("{}{path}", self.url);
        let request = self.client.post(url).header("x-request-id", id);
        let request = request.json(&ValueRequest { value });
        let response = request.send().await.map_err(|e| self.failed(e))?;
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        // The status came first; the body may still be on its way, so reading it is awaited too.
        let text = response.text().await.map_err(|e| self.failed(e))?; // ours: {"error":"..."}
        let first_line = text.lines().next().unwrap_or("");
        let reason = format!("POST {path} answered {status}: {first_line:.200}"); // .200: at most 200 chars
        let component = self.component.clone();
        if status.is_client_error() {
            return Err(CallError::Rejected { component, reason }); // 4xx: it refused
        }
        Err(CallError::Unavailable { component, reason }) // 5xx (or other): it failed
    }
}

impl Processor for HttpService {
    async fn process(&self, value: i32, request_id: &str) -> Result<ProcessResult, CallError> {
        let response = self.post("/process", value, request_id).await?;
        // The JSON body, read by serde into the type this returns, `ProcessResult`.
        response.json().await.map_err(|e| self.failed(e))
    }
}

impl Transformer for HttpService {
    async fn transform(&self, value: i32, request_id: &str) -> Result<TransformResult, CallError> {
        let response = self.post("/transform", value, request_id).await?;
        response.json().await.map_err(|e| self.failed(e))
    }
}

/// The error at the bottom of `error`'s chain of causes (each one's `source()`), the one that says
/// why: under reqwest's "error sending request" lies, say, "Connection refused (os error 111)".
pub fn root_cause(error: &dyn std::error::Error) -> String {
    let mut cause = error;
    while let Some(source) = cause.source() {
        cause = source;
    }
    cause.to_string()
}
