//! The HTTP side of the contract: [`HttpProcessor`] and [`HttpTransformer`] implement the
//! pipeline's traits by calling service1 and service2. What makes it a good client:
//!
//! - **one [`reqwest::Client`]** for both services ([`client`]): connections stay open between
//!   requests (keep-alive), so a pipeline does not pay a TCP handshake per call;
//! - **a connect timeout and a request timeout**: a service down or stuck costs a bounded wait;
//! - **statuses checked**: a 4xx or 5xx answer becomes a [`CallError`] with the service's message;
//! - **a bounded retry with backoff**, only for a failed connection or a 5xx: a 4xx will be the
//!   same next time, and a timeout already waited as long as we were prepared to. Retrying is
//!   safe because both calls are idempotent.
//!
//! The error is the contract's [`CallError`]: `HttpService::failure` turns the wire's into it.

use std::time::Duration;

use common::{ErrorBody, Health, ProcessResult, REQUEST_ID_HEADER, TransformResult, ValueRequest};
use serde::de::DeserializeOwned;

use crate::pipeline::{CallError, Failure, Processor, Transformer};

/// How long to wait for a TCP connection: on loopback or a LAN it takes well under a millisecond,
/// so seconds mean nobody is there.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
/// Tries per call, the first one included.
pub const MAX_ATTEMPTS: u32 = 3;
/// Wait before the first retry; doubled before each next one (100 ms, then 200 ms).
pub const FIRST_BACKOFF: Duration = Duration::from_millis(100);

/// The one client the app uses for every call.
pub fn client(timeout: Duration) -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        .connect_timeout(CONNECT_TIMEOUT.min(timeout))
        .timeout(timeout)
        // The services are on this machine or this network: an `HTTP_PROXY` set for the web must
        // not reroute calls to 127.0.0.1 through a proxy.
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

    /// `POST path` with `{"value": value}`, retried as the module documentation says.
    async fn post_value<T: DeserializeOwned>(
        &self,
        path: &str,
        value: i32,
        request_id: &str,
    ) -> Result<T, CallError> {
        let url = format!("{}{path}", self.base_url);
        let (mut attempt, mut backoff) = (1, FIRST_BACKOFF);
        loop {
            let request = self
                .client
                .post(&url)
                .header(REQUEST_ID_HEADER, request_id)
                .json(&ValueRequest { value });
            match self.send(request).await {
                Err(failure) if worth_retrying(&failure) && attempt < MAX_ATTEMPTS => {
                    tokio::time::sleep(backoff).await;
                    backoff *= 2;
                    attempt += 1;
                }
                result => return result.map_err(|failure| self.error(failure)),
            }
        }
    }

    /// One request: the answer's body as `T`, or what went wrong.
    async fn send<T: DeserializeOwned>(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<T, Failure> {
        let response = request.send().await.map_err(|e| self.failure(&e))?;
        let status = response.status();
        // Read the whole body first: an error answer carries its message in it.
        let body = response.bytes().await.map_err(|e| self.failure(&e))?;
        if !status.is_success() {
            let message = match serde_json::from_slice::<ErrorBody>(&body) {
                Ok(ErrorBody { error }) => error,
                // Not one of our services, or a proxy in between: show a bounded piece of it.
                Err(_) => String::from_utf8_lossy(&body).chars().take(200).collect(),
            };
            let failure = if status.is_server_error() {
                Failure::Failed
            } else {
                Failure::Refused
            };
            return Err(failure(format!("{}: {message}", status.as_u16())));
        }
        serde_json::from_slice(&body).map_err(|error| Failure::BadReply(error.to_string()))
    }

    /// reqwest's error, as the contract words it. A failed connect is "unreachable" whatever
    /// ended it, refused or timed out: on Windows a refused connection to a closed loopback port
    /// is retried for about 2 s, as long as [`CONNECT_TIMEOUT`], so telling the two apart by
    /// which came first would give a different answer on every run.
    fn failure(&self, error: &reqwest::Error) -> Failure {
        let cause = root_cause(error);
        if error.is_connect() {
            Failure::Unreachable(cause)
        } else if error.is_timeout() {
            Failure::TimedOut(self.timeout)
        } else {
            Failure::ConnectionLost(cause)
        }
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

/// Connection trouble and 5xx answers may go away on their own; everything else will not.
pub fn worth_retrying(failure: &Failure) -> bool {
    match failure {
        Failure::Unreachable(_) | Failure::ConnectionLost(_) | Failure::Failed(_) => true,
        Failure::Refused(_) | Failure::TimedOut(_) | Failure::BadReply(_) => false,
    }
}

/// reqwest's own message is "error sending request for url (...)"; the useful part, such as
/// "Connection refused (os error 111)", is at the bottom of the chain of sources.
fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let causes = std::iter::successors(Some(error), |error| error.source());
    causes.last().map(ToString::to_string).unwrap_or_default()
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
