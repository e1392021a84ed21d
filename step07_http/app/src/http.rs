use std::time::Duration;

use common::{ErrorBody, ValueRequest};
use reqwest::{Client, RequestBuilder, StatusCode};

use crate::pipeline::{CallError, ProcessResult, Processor, TransformResult, Transformer};

/// How long a call may take, connecting included, before the app gives up on it.
pub const TIMEOUT: Duration = Duration::from_secs(5);

/// One service as the app sees it: a `Processor` and a `Transformer` (at the bottom).
pub struct HttpService {
    client: Client,
    url: String,
    component: String, // "service1 at http://127.0.0.1:40123": how errors name it
}

/// Sends `request`. The answer's status and headers arrive first, its body after: two waits.
async fn send(request: RequestBuilder) -> Result<(StatusCode, String), reqwest::Error> {
    let response = request.send().await?;
    let status = response.status();
    Ok((status, response.text().await?))
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

    /// `POST {"value": value}` to `path`, the request id in a header: the body of a 2xx answer,
    /// or the `CallError` that says why there is none.
    async fn post(&self, path: &str, value: i32, id: &str) -> Result<String, CallError> {
        let url = format!("{}{path}", self.url);
        let request = self.client.post(url).header("x-request-id", id);
        let request = request.json(&ValueRequest { value });
        let component = self.component.clone();
        let (status, text) = match send(request).await {
            Ok(answer) => answer,
            Err(error) if error.is_timeout() => {
                let waited = TIMEOUT;
                return Err(CallError::TimedOut { component, waited });
            }
            Err(error) => {
                let reason = crate::root_cause(&error); // "Connection refused (os error 111)"
                return Err(CallError::Unavailable { component, reason });
            }
        };
        if status.is_success() {
            return Ok(text);
        }
        // Our services say why in `{"error": "..."}`; another server, in its own words.
        let body: Result<ErrorBody, serde_json::Error> = serde_json::from_str(&text);
        let why = match body {
            Ok(body) => body.error,
            Err(_) => text.chars().take(200).collect(), // its first 200 characters
        };
        let reason = format!("POST {path} answered {status}: {why}");
        if status.is_client_error() {
            return Err(CallError::Rejected { component, reason }); // 4xx: it refused this request
        }
        Err(CallError::Unavailable { component, reason }) // 5xx (or another status): it failed
    }

    /// A 2xx answer whose body is not the result asked for.
    fn no_result(&self, error: serde_json::Error) -> CallError {
        let component = self.component.clone();
        let reason = format!("its answer is no result: {error}");
        CallError::Unavailable { component, reason }
    }
}

impl Processor for HttpService {
    async fn process(&self, value: i32, request_id: &str) -> Result<ProcessResult, CallError> {
        let text = self.post("/process", value, request_id).await?;
        let answer: common::ProcessResult =
            serde_json::from_str(&text).map_err(|error| self.no_result(error))?;
        Ok(ProcessResult {
            value: answer.value,
            processed: answer.processed,
        })
    }
}

impl Transformer for HttpService {
    async fn transform(&self, value: i32, request_id: &str) -> Result<TransformResult, CallError> {
        let text = self.post("/transform", value, request_id).await?;
        let answer: common::TransformResult =
            serde_json::from_str(&text).map_err(|error| self.no_result(error))?;
        Ok(TransformResult {
            original: answer.original,
            transformed: answer.transformed,
        })
    }
}
