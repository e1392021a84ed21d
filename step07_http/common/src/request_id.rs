//! One pipeline runs in three processes; its request id is what joins their three logs.
//!
//! The app sends one id per pipeline in the `x-request-id` header. A service keeps it (or makes one
//! up, `service1-7`, when a client such as curl sends none: [`Numbered`]), echoes it in the
//! answer, and writes it in its log line for the request ([`trace_layer`]). tower-http does the
//! work: `SetRequestIdLayer`, `PropagateRequestIdLayer` and `TraceLayer`, put in order by
//! [`crate::harden`].
//!
//! A log line, with `RUST_LOG` unset:
//! `INFO request{service=service1 id=app-4242-1 method=POST path=/process}: finished processing
//! request latency=87 μs status=200`.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::http::{HeaderValue, Request};
use tower_http::LatencyUnit;
use tower_http::classify::{ServerErrorsAsFailures, SharedClassifier};
use tower_http::request_id::{MakeRequestId, RequestId};
use tower_http::trace::{DefaultOnRequest, DefaultOnResponse, MakeSpan, TraceLayer};
use tracing::{Level, Span};

use crate::REQUEST_ID_HEADER;

/// Makes up ids `<service>-1`, `<service>-2`, ... for requests that come without one.
#[derive(Debug, Clone)]
pub struct Numbered {
    service: &'static str,
    next: Arc<AtomicU64>,
}

impl Numbered {
    pub fn new(service: &'static str) -> Self {
        Self {
            service,
            next: Arc::new(AtomicU64::new(1)),
        }
    }
}

impl MakeRequestId for Numbered {
    fn make_request_id<B>(&mut self, _: &Request<B>) -> Option<RequestId> {
        let number = self.next.fetch_add(1, Ordering::Relaxed);
        let id = HeaderValue::try_from(format!("{}-{number}", self.service)).ok()?;
        Some(RequestId::new(id))
    }
}

/// A log line per answer, in a span that names the service and the request id.
pub fn trace_layer(
    service: &'static str,
) -> TraceLayer<SharedClassifier<ServerErrorsAsFailures>, RequestSpan> {
    TraceLayer::new_for_http()
        .make_span_with(RequestSpan { service })
        .on_request(DefaultOnRequest::new().level(Level::DEBUG))
        .on_response(
            DefaultOnResponse::new()
                .level(Level::INFO)
                .latency_unit(LatencyUnit::Micros),
        )
}

/// The span every log line of one request is written in.
#[derive(Debug, Clone, Copy)]
pub struct RequestSpan {
    service: &'static str,
}

impl<B> MakeSpan<B> for RequestSpan {
    fn make_span(&mut self, request: &Request<B>) -> Span {
        // `to_str` accepts visible ASCII only, so a client cannot slip a line break into our log.
        let id = request.headers().get(REQUEST_ID_HEADER);
        let id = id.and_then(|id| id.to_str().ok()).unwrap_or("-");
        tracing::info_span!(
            "request",
            service = %self.service,
            id = %id,
            method = %request.method(),
            path = %request.uri().path(),
        )
    }
}
