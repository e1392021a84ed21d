//! What every service of this step does the same way, written once.
//!
//! A service only declares its own route (`POST /process`, `POST /transform`) and hands its
//! router to [`finish_router`], which adds what a service needs to be a good citizen on a network:
//!
//! - `GET /health`, answering the service's name and version;
//! - an answer for every bad request, always with a JSON body `{"error": "..."}`: an unknown
//!   route (404), a wrong method (405), a body over [`BODY_LIMIT`] (413), and, through the
//!   [`JsonBody`] extractor, a missing or wrong content type (415), malformed JSON (400) and
//!   well-formed JSON of the wrong shape (422);
//! - a request timeout (503 with a JSON body, so a stuck handler cannot hold a client forever);
//! - a request id: taken from the `x-request-id` header the app sends (or made up when a client
//!   such as curl sends none), echoed in the response and written in the service's one log line
//!   per request.
//!
//! [`ServerConfig::from_env`] reads `PORT`, `BIND_ADDR` and `REQUEST_LOG`; [`serve`] binds, says
//! where it listens on stdout, and serves until Ctrl-C or SIGTERM, letting in-flight requests
//! finish; [`run`] is a service's whole `main` around it.

use std::fmt;
use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::Json;
use axum::Router;
use axum::extract::rejection::JsonRejection;
use axum::extract::{DefaultBodyLimit, FromRequest, Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::de::DeserializeOwned;

use crate::{ErrorBody, Health, REQUEST_ID_HEADER};

/// The largest request body a service reads. The real bodies are about 15 bytes; anything near
/// this size is a mistake or an attack, and refusing it early keeps memory bounded.
pub const BODY_LIMIT: usize = 64 * 1024;

/// How long a request may take inside a service before it is abandoned with a 503.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// Who a service is: used by `/health`, the log lines and the line announcing the port.
#[derive(Debug, Clone, Copy)]
pub struct ServiceInfo {
    pub name: &'static str,
    pub version: &'static str,
    pub default_port: u16,
}

/// Where and how a service runs, read from the environment so the same binary runs in a
/// terminal, as a child of the app, and in a container.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// `BIND_ADDR`, default `127.0.0.1` (only this machine can connect; containers set `0.0.0.0`).
    pub bind_addr: IpAddr,
    /// `PORT`, default [`ServiceInfo::default_port`]; `0` lets the OS pick a free port.
    pub port: u16,
    pub request_timeout: Duration,
    /// `REQUEST_LOG`, default `on`: one line on stderr per request. `off` is for measurements.
    pub log_requests: bool,
}

impl ServerConfig {
    /// Reads `PORT`, `BIND_ADDR` and `REQUEST_LOG`, falling back to the defaults when unset.
    pub fn from_env(info: &ServiceInfo) -> Result<Self, ServerError> {
        let log: LogSwitch = env_or("REQUEST_LOG", LogSwitch(true), "on or off")?;
        Ok(Self {
            bind_addr: env_or(
                "BIND_ADDR",
                IpAddr::V4(Ipv4Addr::LOCALHOST),
                "an IP address such as 127.0.0.1 or 0.0.0.0",
            )?,
            port: env_or("PORT", info.default_port, "a port number from 0 to 65535")?,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            log_requests: log.0,
        })
    }
}

/// `on`/`off` (also `1`/`0`, `true`/`false`) for `REQUEST_LOG`.
struct LogSwitch(bool);

impl FromStr for LogSwitch {
    type Err = ();
    fn from_str(text: &str) -> Result<Self, ()> {
        match text.to_ascii_lowercase().as_str() {
            "on" | "1" | "true" => Ok(Self(true)),
            "off" | "0" | "false" => Ok(Self(false)),
            _ => Err(()),
        }
    }
}

/// Reads the environment variable `name`, or `default` when it is unset. A value that does not
/// parse is an error naming the variable, the value and what was `expected`: a typo in `PORT`
/// must stop the service, not quietly move it to the default port.
pub fn env_or<T: FromStr>(
    name: &'static str,
    default: T,
    expected: &'static str,
) -> Result<T, ServerError> {
    match std::env::var(name) {
        Err(std::env::VarError::NotPresent) => Ok(default),
        Ok(text) => text.trim().parse().map_err(|_| ServerError::Config {
            name,
            value: text,
            expected,
        }),
        Err(std::env::VarError::NotUnicode(raw)) => Err(ServerError::Config {
            name,
            value: raw.to_string_lossy().into_owned(),
            expected,
        }),
    }
}

/// Everything that can stop a service before or while it serves.
#[derive(Debug)]
pub enum ServerError {
    Config {
        name: &'static str,
        value: String,
        expected: &'static str,
    },
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    Announce(std::io::Error),
    Serve(std::io::Error),
}

impl fmt::Display for ServerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Config {
                name,
                value,
                expected,
            } => write!(f, "{name}={value:?} is not valid: expected {expected}"),
            Self::Bind { addr, source } => write!(
                f,
                "cannot listen on {addr}: {source}; stop whatever uses that port, or set PORT to \
                 another one (PORT=0 picks a free one)"
            ),
            Self::Announce(source) => {
                write!(f, "cannot write the listening address to stdout: {source}")
            }
            Self::Serve(source) => write!(f, "the server stopped with an error: {source}"),
        }
    }
}

impl std::error::Error for ServerError {}

/// An error answered to a client: a status and a JSON body `{"error": "..."}`.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: self.message,
        };
        (self.status, Json(body)).into_response()
    }
}

/// `axum::Json`, except that a body it refuses is answered with a JSON [`ErrorBody`] instead of
/// axum's plain text. The status stays axum's, and it is the one the contract asks for: 415 for a
/// missing or wrong content type, 400 for malformed JSON, 422 for JSON of the wrong shape, 413
/// for a body over the limit.
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        match Json::<T>::from_request(request, state).await {
            Ok(Json(value)) => Ok(Self(value)),
            Err(rejection) => Err(rejection_to_error(rejection)),
        }
    }
}

fn rejection_to_error(rejection: JsonRejection) -> ApiError {
    let status = rejection.status();
    let message = match status {
        StatusCode::PAYLOAD_TOO_LARGE => format!("the body is larger than {BODY_LIMIT} bytes"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            "the body must be JSON, sent with the header `content-type: application/json`"
                .to_string()
        }
        // serde's own words say what is wrong and where ("missing field `value` at line 1").
        _ => rejection.body_text(),
    };
    ApiError::new(status, message)
}

/// Adds to a service's own routes what every service has: `/health`, JSON answers for unknown
/// routes and methods, the body limit, the request timeout, and the request id with its log line.
pub fn finish_router(routes: Router, info: &ServiceInfo, config: &ServerConfig) -> Router {
    let health = Health {
        name: info.name.to_string(),
        version: info.version.to_string(),
    };
    let log = RequestLog {
        service: info.name,
        enabled: config.log_requests,
        next_id: Arc::new(AtomicU64::new(1)),
    };
    // `layer` wraps everything added before it, so the last layer is the outermost: the request
    // log sees every answer, including the 503 of the timeout and the 413 of the body limit.
    routes
        .route("/health", get(move || async move { Json(health) }))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(middleware::from_fn_with_state(
            config.request_timeout,
            time_limit,
        ))
        .layer(middleware::from_fn_with_state(log, request_id_and_log))
}

async fn not_found(request: Request) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        format!("no route for {} {}", request.method(), request.uri().path()),
    )
}

async fn method_not_allowed(request: Request) -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        format!(
            "{} is not allowed on {}",
            request.method(),
            request.uri().path()
        ),
    )
}

/// Abandons a request that takes longer than `limit`. tower-http has a `TimeoutLayer`, but it
/// answers with an empty body, and the contract says every error carries a JSON one.
async fn time_limit(State(limit): State<Duration>, request: Request, next: Next) -> Response {
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            format!(
                "the request took longer than {} ms and was abandoned",
                limit.as_millis()
            ),
        )
        .into_response(),
    }
}

#[derive(Clone)]
struct RequestLog {
    service: &'static str,
    enabled: bool,
    next_id: Arc<AtomicU64>,
}

/// The longest request id a service accepts from a client; longer ones are replaced.
const MAX_REQUEST_ID_LEN: usize = 128;

/// Makes sure every request has an id (the client's, or a new one), echoes it in the response,
/// and writes one log line per request on stderr.
async fn request_id_and_log(
    State(log): State<RequestLog>,
    mut request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let from_client = request
        .headers()
        .get(REQUEST_ID_HEADER)
        // `to_str` accepts visible ASCII only, so a client cannot slip a line break into our log.
        .filter(|value| {
            value.to_str().is_ok() && !value.is_empty() && value.len() <= MAX_REQUEST_ID_LEN
        })
        .cloned();
    let id = match from_client {
        Some(id) => id,
        None => {
            let number = log.next_id.fetch_add(1, Ordering::Relaxed);
            HeaderValue::try_from(format!("{}-{number}", log.service))
                .unwrap_or_else(|_| HeaderValue::from(number))
        }
    };
    // Handlers read the id from the request, whoever made it.
    request.headers_mut().insert(REQUEST_ID_HEADER, id.clone());
    let method = request.method().clone();
    let path = request.uri().path().to_owned();

    let mut response = next.run(request).await;

    if log.enabled {
        eprintln!(
            "{} id={} {} {} -> {} in {} us",
            log.service,
            id.to_str().unwrap_or("?"),
            method,
            path,
            response.status().as_u16(),
            started.elapsed().as_micros()
        );
    }
    response.headers_mut().insert(REQUEST_ID_HEADER, id);
    response
}

/// Binds, announces the address on stdout, and serves until Ctrl-C or SIGTERM.
///
/// The one line on stdout, `<name> listening on http://<addr>`, is how a parent that started the
/// service with `PORT=0` learns which port the OS picked: no guessing a free port (another
/// process could take it between the guess and the bind), no race. Nothing else goes to stdout;
/// logs go to stderr.
pub async fn serve(
    info: &ServiceInfo,
    config: &ServerConfig,
    router: Router,
) -> Result<(), ServerError> {
    let addr = SocketAddr::new(config.bind_addr, config.port);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| ServerError::Bind { addr, source })?;
    let local = listener
        .local_addr()
        .map_err(|source| ServerError::Bind { addr, source })?;

    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{} listening on http://{local}", info.name).map_err(ServerError::Announce)?;
    stdout.flush().map_err(ServerError::Announce)?;
    drop(stdout);
    eprintln!(
        "{} {} ready on http://{local} (Ctrl-C to stop)",
        info.name, info.version
    );

    let name = info.name;
    axum::serve(listener, router)
        .with_graceful_shutdown(async move {
            let signal = crate::signal::stop_requested().await;
            eprintln!("{name}: {signal} received, finishing the requests in flight");
        })
        .await
        .map_err(ServerError::Serve)?;
    eprintln!("{} stopped", info.name);
    Ok(())
}

/// A service's whole `main`: reads the configuration, builds the router with `make_router`,
/// serves, and turns any error into one line on stderr and exit status 1.
pub async fn run(
    info: &ServiceInfo,
    make_router: impl FnOnce(&ServerConfig) -> Result<Router, ServerError>,
) -> std::process::ExitCode {
    let result = async {
        let config = ServerConfig::from_env(info)?;
        let router = make_router(&config)?;
        serve(info, &config, router).await
    };
    match result.await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("{}: {error}", info.name);
            std::process::ExitCode::FAILURE
        }
    }
}
