//! The hardened services' routers, driven without a socket (`tower::ServiceExt::oneshot`): what
//! `hardened::server::harden` adds to the lesson's routers.

use std::time::Duration;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode, header};
use hardened::server::{REQUEST_TIMEOUT, service1, service2};
use serde_json::{Value, json};
use tower::ServiceExt;

/// Sends `request` through `router`; returns the status, the `x-request-id` answered, and the
/// body as JSON.
async fn send(router: Router, request: Request<Body>) -> (StatusCode, Option<String>, Value) {
    let response = router.oneshot(request).await.unwrap();
    let status = response.status();
    let id = response.headers().get("x-request-id");
    let id = id.map(|id| id.to_str().unwrap().to_string());
    let body = to_bytes(response.into_body(), usize::MAX).await.unwrap();
    let json = serde_json::from_slice(&body)
        .unwrap_or_else(|_| panic!("{status}: body is not JSON: {body:?}"));
    (status, id, json)
}

fn post_process() -> axum::http::request::Builder {
    Request::post("/process").header(header::CONTENT_TYPE, "application/json")
}

fn fast() -> Router {
    service1(Duration::ZERO, REQUEST_TIMEOUT)
}

#[tokio::test]
async fn the_request_id_the_app_sends_is_echoed() {
    let body = r#"{"value": 1}"#;
    let request = post_process().header("x-request-id", "app-7-1");
    let (status, id, _) = send(fast(), request.body(Body::from(body)).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(id.as_deref(), Some("app-7-1"));
}

#[tokio::test]
async fn a_request_without_an_id_gets_one_made_up() {
    let body = r#"{"value": 1}"#;
    let (_, id, _) = send(fast(), post_process().body(Body::from(body)).unwrap()).await;
    assert!(id.is_some_and(|id| id.starts_with("service1-")));
}

#[tokio::test]
async fn the_lessons_answers_come_through_the_layers() {
    let body = r#"{"value": 2147483647}"#;
    let (status, _, json) = send(fast(), post_process().body(Body::from(body)).unwrap()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        json["error"].as_str().unwrap().contains("overflow"),
        "{json}"
    );
}

#[tokio::test]
async fn a_wrong_method_gets_a_json_405() {
    let request = Request::get("/process").body(Body::empty()).unwrap();
    let (status, _, body) = send(fast(), request).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(body["error"].is_string(), "{body}");
}

#[tokio::test]
async fn health_answers_the_name_and_version() {
    for (router, name, version) in [
        (fast(), "service1", "0.1.0"),
        (service2(REQUEST_TIMEOUT), "service2", "0.2.0"),
    ] {
        let request = Request::get("/health").body(Body::empty()).unwrap();
        let (status, _, body) = send(router, request).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body, json!({"name": name, "version": version}));
    }
}

#[tokio::test]
async fn a_request_slower_than_the_timeout_gets_a_json_503() {
    // 5 s of simulated work against a 50 ms limit: the timeout answers long before the work ends.
    let slow = service1(Duration::from_secs(5), Duration::from_millis(50));
    let body = r#"{"value": 42}"#;
    let (status, _, json) = send(slow, post_process().body(Body::from(body)).unwrap()).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(json["error"].as_str().unwrap().contains("50 ms"), "{json}");
}
