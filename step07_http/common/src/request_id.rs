//! One pipeline runs in three processes; its request id is what joins their three logs.
//!
//! The app sends one id per pipeline in the `x-request-id` header. A service keeps it (or makes one
//! up, `service1-7`, when a client such as curl sends none: [`Numbered`]), echoes it in the
//! answer, and writes it in its log line for the request ([`around`]). tower-http does the
//! work: `SetRequestIdLayer`, `PropagateRequestIdLayer` and `TraceLayer`, put in order by [`around`].
//!
//! A log line, with `RUST_LOG` unset:
//! `INFO request{service=service1 id=app-4242-1 method=POST path=/process}: finished processing
//! request latency=87 μs status=200`.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderValue, Request};
use tower_http::LatencyUnit;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::trace::{DefaultOnRequest, DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::REQUEST_ID_HEADER;

/// Makes up ids `<service>-1`, `<service>-2`, ... for requests that come without one.
#[derive(Debug, Clone)]
pub struct Numbered {
    service: &'static str,
    /// Shared by the clones the server makes, one per connection; starts at 0, so ids from 1.
    last: Arc<AtomicU64>,
}

impl MakeRequestId for Numbered {
    fn make_request_id<B>(&mut self, _: &Request<B>) -> Option<RequestId> {
        let number = self.last.fetch_add(1, Ordering::Relaxed) + 1;
        let id = HeaderValue::try_from(format!("{}-{number}", self.service)).ok()?;
        Some(RequestId::new(id))
    }
}

/// Wraps `routes` in the three layers, outermost last: the id is set (kept, or made up) before
/// the log span reads it, and copied into the answer on the way out.
pub fn around(routes: Router, service: &'static str) -> Router {
    let trace = TraceLayer::new_for_http()
        .make_span_with(move |request: &Request<Body>| {
            // `to_str` accepts visible ASCII only: a client cannot slip a line break into our log.
            let id = request.headers().get(REQUEST_ID_HEADER);
            let id = id.and_then(|id| id.to_str().ok()).unwrap_or("-");
            let (method, path) = (request.method(), request.uri().path());
            tracing::info_span!("request", service = %service, id = %id, method = %method, path = %path)
        })
        .on_request(DefaultOnRequest::new().level(Level::DEBUG))
        .on_response(DefaultOnResponse::new().level(Level::INFO).latency_unit(LatencyUnit::Micros));
    routes
        .layer(trace)
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(Numbered {
            service,
            last: Arc::default(),
        }))
}
