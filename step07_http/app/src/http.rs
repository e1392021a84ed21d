//! The HTTP side of the contract: [`HttpProcessor`] and [`HttpTransformer`] implement the
//! pipeline's traits by calling service1 and service2.
//!
//! What makes this a good client rather than a `reqwest::get` in a loop:
//!
//! - **one [`reqwest::Client`]** for both services, built once ([`build_client`]): it keeps
//!   connections open between requests (keep-alive), so a pipeline does not pay a TCP handshake
//!   per call;
//! - **a connect timeout and a request timeout**: a service that is down or stuck costs a bounded
//!   wait, never a hang;
//! - **statuses checked**: a 4xx or 5xx answer becomes a [`CallError`] carrying the service's own
//!   JSON error message, instead of a body decoded as if it were a result;
//! - **a bounded retry with backoff**, only where retrying can help: when the connection failed
//!   or the service answered 5xx. A 4xx will be the same next time (the request is wrong), and a
//!   timeout already waited as long as we were prepared to. Retrying is safe here because both
//!   calls are pure: doing one twice changes nothing.

use std::fmt;
use std::time::Duration;

use common::{ErrorBody, Health, ProcessResult, REQUEST_ID_HEADER, TransformResult, ValueRequest};
use serde::de::DeserializeOwned;

use crate::pipeline::{Processor, Transformer};

/// How long to wait for a TCP connection: on loopback or a LAN it takes well under a millisecond,
/// so seconds mean nobody is there.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
/// Default for a whole request (connect, send, wait, read); `--timeout-ms` changes it.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(5);
/// Tries per call, the first one included.
pub const MAX_ATTEMPTS: u32 = 3;
/// Wait before the first retry; doubled before each next one (100 ms, then 200 ms).
pub const FIRST_BACKOFF: Duration = Duration::from_millis(100);

/// The one client the app uses for every call.
pub fn build_client(request_timeout: Duration) -> Result<reqwest::Client, reqwest::Error> {
    reqwest::Client::builder()
        .connect_timeout(CONNECT_TIMEOUT.min(request_timeout))
        .timeout(request_timeout)
        // The services are on this machine or this network: an `HTTP_PROXY` set for the web must
        // not reroute calls to 127.0.0.1 through a proxy.
        .no_proxy()
        .build()
}

/// Why a call to a service failed. It names the service and its URL, so a reader of the error
/// knows which of the three processes to look at.
#[derive(Debug)]
pub struct CallError {
    pub service: &'static str,
    pub url: String,
    pub kind: CallErrorKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum CallErrorKind {
    /// No connection could be made: nothing listens there, or the host is unreachable.
    Unreachable(String),
    /// The connection broke during the call (the service died or was restarted).
    ConnectionLost(String),
    /// No complete answer within the request timeout.
    TimedOut(Duration),
    /// The service answered with an error status and this message.
    Status { status: u16, message: String },
    /// A success status, but a body that is not what the contract says.
    BadReply(String),
}

impl CallError {
    /// Connection trouble and 5xx answers may go away on their own; everything else will not.
    pub fn is_worth_retrying(&self) -> bool {
        match &self.kind {
            CallErrorKind::Unreachable(_) | CallErrorKind::ConnectionLost(_) => true,
            CallErrorKind::Status { status, .. } => *status >= 500,
            CallErrorKind::TimedOut(_) | CallErrorKind::BadReply(_) => false,
        }
    }
}

impl fmt::Display for CallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self { service, url, kind } = self;
        match kind {
            CallErrorKind::Unreachable(cause) => {
                write!(f, "{service} at {url} is unreachable: {cause}")
            }
            CallErrorKind::ConnectionLost(cause) => {
                write!(f, "{service} at {url} dropped the connection: {cause}")
            }
            CallErrorKind::TimedOut(after) => write!(
                f,
                "{service} at {url} did not answer within {} ms (raise it with --timeout-ms)",
                after.as_millis()
            ),
            CallErrorKind::Status { status, message } => {
                write!(f, "{service} at {url} answered {status}: {message}")
            }
            CallErrorKind::BadReply(cause) => {
                write!(
                    f,
                    "{service} at {url} answered something that is not the contract's JSON: {cause}"
                )
            }
        }
    }
}

impl std::error::Error for CallError {}

/// One service as the app sees it: its name, where it is, and the shared client.
#[derive(Debug, Clone)]
pub struct HttpService {
    client: reqwest::Client,
    name: &'static str,
    base_url: String,
    timeout: Duration,
}

impl HttpService {
    /// `base_url` is the service's root, such as `http://127.0.0.1:3001`. `timeout` must be the
    /// one `client` was built with; it is only used to word the timeout error.
    pub fn new(
        client: reqwest::Client,
        name: &'static str,
        base_url: &str,
        timeout: Duration,
    ) -> Self {
        Self {
            client,
            name,
            base_url: base_url.trim_end_matches('/').to_string(),
            timeout,
        }
    }

    pub fn name(&self) -> &'static str {
        self.name
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// `GET /health`, once, without retries: the caller decides how long to keep asking.
    pub async fn health(&self) -> Result<Health, CallError> {
        let request = self.client.get(format!("{}/health", self.base_url));
        self.send_once(request).await
    }

    /// `POST path` with `{"value": value}`, retried as the module documentation says.
    async fn post_value<T: DeserializeOwned>(
        &self,
        path: &str,
        value: i32,
        request_id: &str,
    ) -> Result<T, CallError> {
        let url = format!("{}{path}", self.base_url);
        let mut backoff = FIRST_BACKOFF;
        let mut attempt = 1;
        loop {
            let request = self
                .client
                .post(&url)
                .header(REQUEST_ID_HEADER, request_id)
                .json(&ValueRequest { value });
            match self.send_once(request).await {
                Err(error) if error.is_worth_retrying() && attempt < MAX_ATTEMPTS => {
                    tokio::time::sleep(backoff).await;
                    backoff *= 2;
                    attempt += 1;
                }
                result => return result,
            }
        }
    }

    async fn send_once<T: DeserializeOwned>(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<T, CallError> {
        let response = request
            .send()
            .await
            .map_err(|error| self.transport_error(&error))?;
        let status = response.status();
        // Read the whole body first: an error answer carries its message in it.
        let body = response
            .bytes()
            .await
            .map_err(|error| self.transport_error(&error))?;
        if !status.is_success() {
            let message = match serde_json::from_slice::<ErrorBody>(&body) {
                Ok(ErrorBody { error }) => error,
                // Not one of our services, or a proxy in between: show a bounded piece of it.
                Err(_) => String::from_utf8_lossy(&body).chars().take(200).collect(),
            };
            return Err(self.error(CallErrorKind::Status {
                status: status.as_u16(),
                message,
            }));
        }
        serde_json::from_slice(&body)
            .map_err(|error| self.error(CallErrorKind::BadReply(error.to_string())))
    }

    fn transport_error(&self, error: &reqwest::Error) -> CallError {
        let cause = root_cause(error);
        let kind = if error.is_timeout() {
            CallErrorKind::TimedOut(self.timeout)
        } else if error.is_connect() {
            CallErrorKind::Unreachable(cause)
        } else {
            CallErrorKind::ConnectionLost(cause)
        };
        self.error(kind)
    }

    fn error(&self, kind: CallErrorKind) -> CallError {
        CallError {
            service: self.name,
            url: self.base_url.clone(),
            kind,
        }
    }
}

/// reqwest's own message is "error sending request for url (...)"; the useful part, such as
/// "Connection refused (os error 111)", is at the bottom of the chain of sources.
fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut current = error;
    while let Some(source) = current.source() {
        current = source;
    }
    current.to_string()
}

/// The [`Processor`] of steps 03 to 05, now a client of service1's `POST /process`.
#[derive(Debug, Clone)]
pub struct HttpProcessor {
    pub service: HttpService,
}

impl Processor for HttpProcessor {
    async fn process(&self, value: i32, request_id: &str) -> Result<ProcessResult, CallError> {
        self.service.post_value("/process", value, request_id).await
    }

    fn validate(&self, data: &ProcessResult) -> bool {
        data.processed && data.value >= 0
    }
}

/// The [`Transformer`] of steps 03 to 05, now a client of service2's `POST /transform`.
#[derive(Debug, Clone)]
pub struct HttpTransformer {
    pub service: HttpService,
}

impl Transformer for HttpTransformer {
    async fn transform(&self, value: i32, request_id: &str) -> Result<TransformResult, CallError> {
        self.service
            .post_value("/transform", value, request_id)
            .await
    }

    fn analyze(&self, data: &TransformResult) -> String {
        format!("Analysis: {} maps to {}", data.original, data.transformed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(kind: CallErrorKind) -> CallError {
        CallError {
            service: "service1",
            url: "http://127.0.0.1:3001".to_string(),
            kind,
        }
    }

    #[test]
    fn only_connection_trouble_and_5xx_are_retried() {
        assert!(error(CallErrorKind::Unreachable("refused".into())).is_worth_retrying());
        assert!(error(CallErrorKind::ConnectionLost("reset".into())).is_worth_retrying());
        let status = |status| CallErrorKind::Status {
            status,
            message: String::new(),
        };
        assert!(error(status(503)).is_worth_retrying());
        assert!(!error(status(422)).is_worth_retrying());
        assert!(!error(CallErrorKind::TimedOut(Duration::from_secs(1))).is_worth_retrying());
        assert!(!error(CallErrorKind::BadReply("eof".into())).is_worth_retrying());
    }

    #[test]
    fn an_unreachable_service_is_named_with_its_url_and_cause() {
        let text = error(CallErrorKind::Unreachable("connection refused".into())).to_string();
        assert_eq!(
            text,
            "service1 at http://127.0.0.1:3001 is unreachable: connection refused"
        );
    }

    #[test]
    fn validate_and_analyze_stay_local_and_keep_their_step_03_rules() {
        let client = build_client(DEFAULT_REQUEST_TIMEOUT).unwrap();
        let service = HttpService::new(
            client,
            "unused",
            "http://127.0.0.1:9/",
            DEFAULT_REQUEST_TIMEOUT,
        );
        assert_eq!(service.base_url(), "http://127.0.0.1:9");
        let processor = HttpProcessor {
            service: service.clone(),
        };
        assert!(processor.validate(&ProcessResult {
            value: 84,
            processed: true
        }));
        assert!(!processor.validate(&ProcessResult {
            value: -2,
            processed: true
        }));
        assert!(!processor.validate(&ProcessResult {
            value: 84,
            processed: false
        }));
        let transformer = HttpTransformer { service };
        let data = TransformResult {
            original: 84,
            transformed: "Value-0084".into(),
        };
        assert_eq!(
            transformer.analyze(&data),
            "Analysis: 84 maps to Value-0084"
        );
    }
}
