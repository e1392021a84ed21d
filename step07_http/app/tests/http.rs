//! `HttpProcessor` and `HttpTransformer` against real servers on 127.0.0.1, port 0: the real
//! routers of service1 and service2, and small servers that misbehave on purpose. Each failure
//! must come back as the contract's `CallError`, naming the service and its URL.

use app::http::{HttpProcessor, HttpService, HttpTransformer};
use app::pipeline::{CallError, ProcessResult, Processor, TransformResult, Transformer};
use axum::Router;
use axum::http::StatusCode;
use axum::routing::post;
use tokio::net::TcpListener;

/// Serves `router` on a free loopback port for the rest of the test; returns its URL.
async fn serve(router: Router) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    url
}

fn processor(url: &str) -> HttpProcessor {
    HttpProcessor(HttpService::new("service1", url).unwrap())
}

#[tokio::test]
async fn service1_doubles_and_service2_formats() {
    let processor = processor(&serve(service1::app()).await);
    let result = processor.process(42, "test-1").await.unwrap();
    assert_eq!(
        result,
        ProcessResult {
            value: 84,
            processed: true
        }
    );
    let url = serve(service2::app()).await;
    let transformer = HttpTransformer(HttpService::new("service2", &url).unwrap());
    let result = transformer.transform(84, "test-1").await.unwrap();
    let transformed = "Value-0084".to_string();
    assert_eq!(
        result,
        TransformResult {
            original: 84,
            transformed
        }
    );
}

#[tokio::test]
async fn an_overflow_is_rejected_with_the_status_and_the_services_words() {
    let url = serve(service1::app()).await;
    let error = processor(&url)
        .process(i32::MAX, "test-2")
        .await
        .unwrap_err();
    let CallError::Rejected { component, reason } = &error else {
        panic!("not a rejection: {error:?}");
    };
    assert_eq!(component, &format!("service1 at {url}"));
    assert!(
        reason.contains("422") && reason.contains("overflow"),
        "{reason}"
    );
}

#[tokio::test]
async fn a_port_where_nothing_listens_is_unavailable() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let error = processor(&url).process(42, "test-3").await.unwrap_err();
    let CallError::Unavailable { component, .. } = &error else {
        panic!("not unavailable: {error:?}");
    };
    assert_eq!(component, &format!("service1 at {url}"));
}

#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    // It accepts the connection (the OS does, from the backlog) and never reads or writes.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let error = processor(&url).process(42, "test-4").await.unwrap_err();
    assert_eq!(
        error,
        CallError::TimedOut {
            component: format!("service1 at {url}"),
            waited: app::http::TIMEOUT
        }
    );
    drop(listener);
}

#[tokio::test]
async fn a_5xx_is_unavailable_with_its_status() {
    let failing = Router::new().route(
        "/process",
        post(|| async { (StatusCode::INTERNAL_SERVER_ERROR, "disk on fire") }),
    );
    let error = processor(&serve(failing).await)
        .process(42, "test-5")
        .await
        .unwrap_err();
    let CallError::Unavailable { reason, .. } = &error else {
        panic!("not unavailable: {error:?}");
    };
    assert!(
        reason.contains("500") && reason.contains("disk on fire"),
        "{reason}"
    );
}

#[tokio::test]
async fn a_200_whose_body_is_no_result_is_unavailable() {
    let garbage = Router::new().route("/process", post(|| async { "hello" }));
    let error = processor(&serve(garbage).await)
        .process(42, "test-6")
        .await
        .unwrap_err();
    let CallError::Unavailable { reason, .. } = &error else {
        panic!("not unavailable: {error:?}");
    };
    assert!(
        reason.contains("200") && reason.contains("no result"),
        "{reason}"
    );
}

#[tokio::test]
async fn the_request_id_travels_in_a_header() {
    let echo = Router::new().route(
        "/process",
        post(|headers: axum::http::HeaderMap| async move {
            let id = headers["x-request-id"].to_str().unwrap().to_string();
            let value = if id == "app-7" { 1 } else { 0 };
            axum::Json(common::ProcessResult {
                value,
                processed: true,
            })
        }),
    );
    let result = processor(&serve(echo).await)
        .process(42, "app-7")
        .await
        .unwrap();
    assert_eq!(result.value, 1);
}
