use std::time::Duration;

use common::{ErrorBody, ValueRequest};
use serde::de::DeserializeOwned;

use crate::pipeline::{CallError, ProcessResult, Processor, TransformResult, Transformer};

/// How long a call may take, connecting included, before the app gives up on it.
pub const TIMEOUT: Duration = Duration::from_secs(5);

/// One service as the app sees it: an HTTP client, the service's URL, and how errors name it.
pub struct HttpService {
    client: reqwest::Client,
    url: String,
    component: String, // "service1 at http://127.0.0.1:40123"
}

impl HttpService {
    pub fn new(name: &str, url: &str) -> Result<Self, reqwest::Error> {
        let client = reqwest::Client::builder().timeout(TIMEOUT).no_proxy();
        Ok(Self {
            client: client.build()?,
            url: url.to_string(),
            component: format!("{name} at {url}"),
        })
    }

    /// A call that got no whole answer: it took too long, or the connection failed.
    fn failed(&self, error: reqwest::Error) -> CallError {
        let component = self.component.clone();
        if error.is_timeout() {
            let waited = TIMEOUT;
            return CallError::TimedOut { component, waited };
        }
        // reqwest says "error sending request"; the error under it (`source()`), down to the
        // first cause, says why: "Connection refused".
        let mut cause: &dyn std::error::Error = &error;
        while let Some(source) = cause.source() {
            cause = source;
        }
        let reason = cause.to_string();
        CallError::Unavailable { component, reason }
    }

    /// `POST {"value": value}` to `path`, with the request id in a header. The answer's JSON is
    /// read as a `T`, the type the caller asks for (any type serde can build from JSON).
    async fn post<T: DeserializeOwned>(
        &self,
        path: &str,
        value: i32,
        id: &str,
    ) -> Result<T, CallError> {
        let url = format!("{}{path}", self.url);
        let request = self.client.post(url).header("x-request-id", id);
        let response = request.json(&ValueRequest { value }).send().await;
        let response = response.map_err(|error| self.failed(error))?;
        let status = response.status();
        let text = response.text().await.map_err(|error| self.failed(error))?;
        let component = self.component.clone();
        let answered = format!("POST {path} answered {status}");
        if status.is_success() {
            return serde_json::from_str(&text).map_err(|error| {
                let reason = format!("{answered} with no result: {error}");
                CallError::Unavailable { component, reason }
            });
        }
        // Our services say why in `{"error": "..."}`; from another server, its first 200 characters.
        let why = match serde_json::from_str(&text) {
            Ok(ErrorBody { error }) => error,
            Err(_) => text.chars().take(200).collect(),
        };
        let reason = format!("{answered}: {why}");
        if status.is_client_error() {
            return Err(CallError::Rejected { component, reason }); // 4xx: it refused this request
        }
        Err(CallError::Unavailable { component, reason }) // 5xx (or another status): it failed
    }
}

pub struct HttpProcessor(pub HttpService);

impl Processor for HttpProcessor {
    async fn process(&self, value: i32, request_id: &str) -> Result<ProcessResult, CallError> {
        // serde reads the answer into `common`'s `ProcessResult`; the pipeline's own is a copy.
        let answer: common::ProcessResult = self.0.post("/process", value, request_id).await?;
        Ok(ProcessResult {
            value: answer.value,
            processed: answer.processed,
        })
    }
}

pub struct HttpTransformer(pub HttpService);

impl Transformer for HttpTransformer {
    async fn transform(&self, value: i32, request_id: &str) -> Result<TransformResult, CallError> {
        let answer: common::TransformResult = self.0.post("/transform", value, request_id).await?;
        Ok(TransformResult {
            original: answer.original,
            transformed: answer.transformed,
        })
    }
}
