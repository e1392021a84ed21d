//! The contract over HTTP: [`HttpProcessor`] and [`HttpTransformer`] implement the pipeline's
//! traits by calling service1 and service2. A call posts `{"value": N}`, checks the status, then
//! reads the body as the result; whatever goes wrong becomes the contract's [`CallError`].
//! Timeouts bound every wait; a failure that may pass is tried again first (`retry.rs`).

use std::time::Duration;

use common::{ErrorBody, Health, ProcessResult, REQUEST_ID_HEADER, TransformResult, ValueRequest};
use serde::de::DeserializeOwned;

use crate::pipeline::{CallError, Failure, Processor, Transformer};
use crate::retry;

/// How long to wait for a TCP connection: on loopback or a LAN it takes well under a millisecond,
/// so seconds mean nobody is there.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);

/// The one client the app uses for every call: connections stay open between calls (keep-alive).
pub fn client(timeout: Duration) -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        .connect_timeout(CONNECT_TIMEOUT.min(timeout))
        .timeout(timeout)
        // An `HTTP_PROXY` set for the web must not reroute calls to 127.0.0.1 through a proxy.
        .no_proxy()
        .build()
}

/// One service as the app sees it: its name, where it is, and the shared client.
#[derive(Debug, Clone)]
pub struct HttpService {
    client: reqwest::Client,
    pub name: &'static str,
    pub base_url: String,
    /// The client's request timeout, to word the error when it fires.
    timeout: Duration,
}

impl HttpService {
    /// `url` is the service's root, such as `http://127.0.0.1:3001`.
    pub fn new(client: &reqwest::Client, name: &'static str, url: &str, timeout: Duration) -> Self {
        let (client, base_url) = (client.clone(), url.trim_end_matches('/').to_string());
        Self {
            client,
            name,
            base_url,
            timeout,
        }
    }

    /// `POST path` with `{"value": value}` and the pipeline's id in a header. `T` is the result's
    /// type: any type serde can build from the body's bytes (`DeserializeOwned`).
    async fn post_value<T: DeserializeOwned>(
        &self,
        path: &str,
        value: i32,
        request_id: &str,
    ) -> Result<T, CallError> {
        let url = format!("{}{path}", self.base_url);
        // `call()` returns one try's future, not yet run (no `.await` here); `with_backoff` calls
        // it for each try and awaits that future, up to 3 times.
        let call = || {
            let request = self.client.post(&url).header(REQUEST_ID_HEADER, request_id);
            self.send(request.json(&ValueRequest { value }))
        };
        let answer = retry::with_backoff(call).await;
        answer.map_err(|failure| self.error(failure))
    }

    /// One request: the answer's body as `T`, or what went wrong.
    async fn send<T: DeserializeOwned>(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<T, Failure> {
        let failure = |error| retry::failure(&error, self.timeout); // reqwest's, in our words
        let response = request.send().await.map_err(failure)?;
        let status = response.status();
        // Read the whole body first: an error answer carries its message in it.
        let body = response.bytes().await.map_err(failure)?;
        if !status.is_success() {
            // `::<ErrorBody>` names the type to read the body as (here, `{"error": "..."}`).
            let message = match serde_json::from_slice::<ErrorBody>(&body) {
                Ok(ErrorBody { error }) => error,
                // Not one of our services, or a proxy in between: show a bounded piece of it.
                Err(_) => String::from_utf8_lossy(&body).chars().take(200).collect(),
            };
            let answer = format!("{}: {message}", status.as_u16());
            return Err(if status.is_server_error() {
                Failure::Failed(answer) // 5xx: the service's trouble; it may pass
            } else {
                Failure::Refused(answer) // 4xx: the request's fault; the same next time
            });
        }
        serde_json::from_slice(&body).map_err(|error| Failure::BadReply(error.to_string()))
    }

    fn error(&self, failure: Failure) -> CallError {
        CallError {
            service: self.name,
            at: self.base_url.clone(),
            failure,
        }
    }

    /// `GET /health`, once: who answers at this URL. [`crate::health`] keeps asking.
    pub async fn health(&self) -> Result<Health, CallError> {
        let request = self.client.get(format!("{}/health", self.base_url));
        self.send(request)
            .await
            .map_err(|failure| self.error(failure))
    }
}

/// The [`Processor`] of steps 03 to 05, now a client of service1's `POST /process`.
#[derive(Debug, Clone)]
pub struct HttpProcessor(pub HttpService);

impl Processor for HttpProcessor {
    async fn process(&self, value: i32, request_id: &str) -> Result<ProcessResult, CallError> {
        self.0.post_value("/process", value, request_id).await
    }

    fn validate(&self, data: &ProcessResult) -> bool {
        data.processed && data.value >= 0
    }
}

/// The [`Transformer`] of steps 03 to 05, now a client of service2's `POST /transform`.
#[derive(Debug, Clone)]
pub struct HttpTransformer(pub HttpService);

impl Transformer for HttpTransformer {
    async fn transform(&self, value: i32, request_id: &str) -> Result<TransformResult, CallError> {
        self.0.post_value("/transform", value, request_id).await
    }

    fn analyze(&self, data: &TransformResult) -> String {
        format!("Analysis: {} maps to {}", data.original, data.transformed)
    }
}
