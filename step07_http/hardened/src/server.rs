//! What both hardened services add to the lesson's router, and how they are served.
//!
//! `layer` wraps everything added before it, so the later a layer, the earlier it sees a request:
//! the request id and its log line come last, so the log sees every answer, the 503 included.

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use common::server::with_json_errors;
use tower_http::LatencyUnit;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::trace::{DefaultOnRequest, DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::health::Health;

/// How long a request may take inside a service before it is abandoned with a 503.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// Service1 hardened: `work` of simulated work per request (`WORK_MS`, for the bench's scaling
/// runs), then the lesson's router, wrapped by [`harden`].
pub fn service1(work: Duration, request_timeout: Duration) -> Router {
    let routes = service1::router().layer(from_fn_with_state(work, simulate_work));
    harden(
        routes,
        "service1",
        component1::get_version(),
        request_timeout,
    )
}

/// Service2 hardened: the lesson's router, wrapped by [`harden`].
pub fn service2(request_timeout: Duration) -> Router {
    harden(
        service2::router(),
        "service2",
        component2::get_version(),
        request_timeout,
    )
}

/// Adds `GET /health`, the 503 after `request_timeout`, JSON error bodies (the lesson's
/// `with_json_errors`: its 405, its 503), and the request id with its log line, to a lesson router.
pub fn harden(
    routes: Router,
    name: &'static str,
    version: &'static str,
    request_timeout: Duration,
) -> Router {
    let health = move || async move {
        let (name, version) = (name.to_string(), version.to_string());
        axum::Json(Health { name, version })
    };
    let routes = routes
        .route("/health", get(health))
        .layer(from_fn_with_state(request_timeout, answer_within));
    let routes = with_json_errors(routes);
    let trace = TraceLayer::new_for_http()
        .make_span_with(move |request: &Request<Body>| {
            // `to_str` accepts visible ASCII only: a client cannot slip a line break into our log.
            let id = request.headers().get("x-request-id");
            let id = id.and_then(|id| id.to_str().ok()).unwrap_or("-");
            let (method, path) = (request.method(), request.uri().path());
            tracing::info_span!("request", service = %name, id = %id, method = %method, path = %path)
        })
        .on_request(DefaultOnRequest::new().level(Level::DEBUG))
        .on_response(DefaultOnResponse::new().level(Level::INFO).latency_unit(LatencyUnit::Micros));
    let numbered = Numbered {
        service: name,
        last: Arc::default(),
    };
    routes
        .layer(trace)
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(numbered))
}

/// Makes up ids `<service>-1`, `<service>-2`, ... for requests that come without one (curl).
#[derive(Debug, Clone)]
struct Numbered {
    service: &'static str,
    /// Shared by the clones the server makes, one per connection.
    last: Arc<AtomicU64>,
}

impl MakeRequestId for Numbered {
    fn make_request_id<B>(&mut self, _: &Request<B>) -> Option<RequestId> {
        let number = self.last.fetch_add(1, Ordering::Relaxed) + 1;
        let id = HeaderValue::try_from(format!("{}-{number}", self.service)).ok()?;
        Some(RequestId::new(id))
    }
}

/// Runs the rest of the service, or answers 503 after `limit`: a stuck handler cannot hold a
/// client forever. (tower-http's `TimeoutLayer` would do the same with an empty body.)
async fn answer_within(State(limit): State<Duration>, request: Request, next: Next) -> Response {
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            let ms = limit.as_millis();
            let message = format!("the request took longer than {ms} ms and was abandoned");
            (StatusCode::SERVICE_UNAVAILABLE, message).into_response()
        }
    }
}

/// `WORK_MS`: an async sleep before the handler, as a database call would be. The thread serves
/// other requests meanwhile.
async fn simulate_work(State(work): State<Duration>, request: Request, next: Next) -> Response {
    if !work.is_zero() {
        tracing::info!("working for {} ms (WORK_MS)", work.as_millis());
        tokio::time::sleep(work).await;
    }
    next.run(request).await
}

/// Serves `router` where the lesson's `bind` says (`PORT`; unset, any free port), until Ctrl-C or
/// SIGTERM; then stops accepting connections, finishes the requests in flight, and exits 0.
pub async fn serve(name: &'static str, router: Router) -> ExitCode {
    let stop = async move {
        let signal = crate::shutdown::stop_requested().await;
        tracing::info!("{signal} received, finishing the requests in flight");
    };
    let served = async {
        let listener = common::server::bind(name, 0).await?;
        tracing::info!("{name} ready (Ctrl-C to stop)");
        let serving = axum::serve(listener, router).with_graceful_shutdown(stop);
        serving.await.map_err(|error| error.to_string())
    };
    match served.await {
        Ok(()) => {
            tracing::info!("{name} stopped");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("{name}: error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// The environment variable `name` as a number, or `default` when unset.
pub fn env_number(name: &str, default: u64) -> Result<u64, String> {
    match std::env::var(name) {
        Err(_) => Ok(default),
        Ok(text) => text
            .trim()
            .parse()
            .map_err(|_| format!("{name}={text:?} is not a number")),
    }
}
