//! Service2's router, driven without a socket (`tower::ServiceExt::oneshot`), wrapped as
//! `common::server::serve` wraps it (`with_json_errors`). The answers to bad requests come from
//! axum and `common::server`, tested in full through service1; these check service2's share.

use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode, header};
use serde_json::{Value, json};
use tower::ServiceExt;

/// Sends `request` through service2's real router; returns the status and the JSON body.
async fn send(request: Request<Body>) -> (StatusCode, Value) {
    let router = common::server::with_json_errors(service2::router());
    let response = router.oneshot(request).await.unwrap();
    let status = response.status();
    let body = to_bytes(response.into_body(), usize::MAX).await.unwrap();
    (status, serde_json::from_slice(&body).unwrap())
}

fn post_transform(body: &'static str) -> Request<Body> {
    Request::post("/transform")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body))
        .unwrap()
}

#[tokio::test]
async fn posting_84_answers_value_0084() {
    let (status, body) = send(post_transform(r#"{"value": 84}"#)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({"original": 84, "transformed": "Value-0084"}));
}

#[tokio::test]
async fn the_largest_i32_is_transformed_without_error() {
    let (status, body) = send(post_transform(r#"{"value": 2147483647}"#)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["transformed"], "Value-2147483647");
}

#[tokio::test]
async fn malformed_json_gets_a_400() {
    let (status, body) = send(post_transform("{")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"].is_string(), "{body}");
}

#[tokio::test]
async fn json_of_the_wrong_shape_gets_a_422() {
    let (status, body) = send(post_transform(r#"{"original": 84}"#)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"].is_string(), "{body}");
}

#[tokio::test]
async fn a_missing_content_type_gets_a_415() {
    let request = Request::post("/transform")
        .body(Body::from(r#"{"value": 84}"#))
        .unwrap();
    let (status, _) = send(request).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

#[tokio::test]
async fn the_process_route_is_not_here_404() {
    let request = Request::post("/process").body(Body::empty()).unwrap();
    let (status, body) = send(request).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body["error"].is_string(), "{body}");
}
