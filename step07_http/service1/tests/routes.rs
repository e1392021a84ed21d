//! Service1's router, driven without a socket (`tower::ServiceExt::oneshot`): one test per answer
//! it gives, good and bad. Each test builds the real router, wrapped as `common::server::serve`
//! wraps it (`with_json_errors`), sends one request through it, and reads the status and the JSON
//! body.

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode, header};
use serde_json::{Value, json};
use tower::ServiceExt;

/// Service1's router as every server of this step serves it: with JSON error bodies.
fn router() -> Router {
    common::server::with_json_errors(service1::router())
}

/// Sends `request` through `router`; returns the status and the body as JSON (every answer of
/// this service is JSON, errors included: that is tested here too).
async fn send(router: Router, request: Request<Body>) -> (StatusCode, Value) {
    let response = router.oneshot(request).await.unwrap();
    let status = response.status();
    let body = to_bytes(response.into_body(), usize::MAX).await.unwrap();
    let json = serde_json::from_slice(&body)
        .unwrap_or_else(|_| panic!("{status}: body is not JSON: {body:?}"));
    (status, json)
}

fn post_process(content_type: Option<&str>, body: impl Into<Body>) -> Request<Body> {
    let mut request = Request::post("/process");
    if let Some(content_type) = content_type {
        request = request.header(header::CONTENT_TYPE, content_type);
    }
    request.body(body.into()).unwrap()
}

fn post_json(body: &str) -> Request<Body> {
    post_process(Some("application/json"), body.to_string())
}

/// The error message of an error body, checked to be the contract's `{"error": "..."}`.
fn error_message(body: &Value) -> &str {
    body["error"]
        .as_str()
        .unwrap_or_else(|| panic!("not an error body: {body}"))
}

#[tokio::test]
async fn posting_42_answers_84_processed() {
    let (status, body) = send(router(), post_json(r#"{"value": 42}"#)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({"value": 84, "processed": true}));
}

#[tokio::test]
async fn overflowing_value_gets_a_422() {
    let (status, body) = send(router(), post_json(r#"{"value": 2147483647}"#)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(error_message(&body).contains("overflow"), "{body}");
}

#[tokio::test]
async fn malformed_json_gets_a_400() {
    let (status, body) = send(router(), post_json(r#"{"value": 4"#)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    error_message(&body);
}

#[tokio::test]
async fn json_of_the_wrong_shape_gets_a_422() {
    for wrong in [
        r#"{"valeur": 42}"#,
        r#"{"value": "42"}"#,
        r#"{"value": 4.5}"#,
        r#"{"value": 42, "extra": true}"#,
        r#"{"value": 2147483648}"#,
    ] {
        let (status, body) = send(router(), post_json(wrong)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{wrong}");
        error_message(&body);
    }
}

#[tokio::test]
async fn a_missing_content_type_gets_a_415() {
    let (status, body) = send(router(), post_process(None, r#"{"value": 42}"#)).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(error_message(&body).contains("application/json"), "{body}");
}

#[tokio::test]
async fn a_wrong_content_type_gets_a_415() {
    let request = post_process(Some("text/plain"), r#"{"value": 42}"#);
    let (status, _) = send(router(), request).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

#[tokio::test]
async fn a_body_over_the_limit_gets_a_413() {
    // Valid JSON, padded with spaces past axum's default limit of 2 MB: only the size is wrong.
    let body = format!(r#"{{"value": 42{}}}"#, " ".repeat(2 * 1024 * 1024));
    let (status, body) = send(router(), post_json(&body)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    error_message(&body);
}

#[tokio::test]
async fn a_wrong_method_gets_a_405() {
    let request = Request::get("/process").body(Body::empty()).unwrap();
    let (status, body) = send(router(), request).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    error_message(&body);
}

#[tokio::test]
async fn an_unknown_route_gets_a_404() {
    let request = Request::get("/nowhere").body(Body::empty()).unwrap();
    let (status, body) = send(router(), request).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(error_message(&body).contains("/nowhere"), "{body}");
}
