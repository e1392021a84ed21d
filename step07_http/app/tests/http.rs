//! `HttpService`, as a `Processor` and a `Transformer`, against real servers on 127.0.0.1, port 0: the real
//! routers of service1 and service2, and small servers that misbehave on purpose. Each failure
//! must come back as the contract's `CallError`, naming the service and its URL.

use app::http::HttpService;
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

/// A real service as the app serves it: its router, with JSON error bodies.
async fn serve_service(router: Router) -> String {
    serve(common::server::with_json_errors(router)).await
}

fn processor(url: &str) -> HttpService {
    HttpService::new("service1", url).unwrap()
}

#[tokio::test]
async fn service1_doubles_and_service2_formats() {
    let processor = processor(&serve_service(service1::router()).await);
    let result = processor.process(42, "test-1").await.unwrap();
    assert_eq!(
        result,
        ProcessResult {
            value: 84,
            processed: true
        }
    );
    let url = serve_service(service2::router()).await;
    let transformer = HttpService::new("service2", &url).unwrap();
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
    let url = serve_service(service1::router()).await;
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
    let CallError::Unavailable { component, reason } = &error else {
        panic!("not unavailable: {error:?}");
    };
    assert_eq!(component, &format!("service1 at {url}"));
    // The OS's own words, found under reqwest's "error sending request" by `root_cause`.
    assert!(reason.contains("os error"), "{reason}");
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
async fn a_5xx_is_unavailable_with_its_status_and_one_line_of_its_body() {
    // The reason keeps the body's first line, and at most 200 characters of it.
    let body = format!("disk on fire{}\nsecond line", "!".repeat(300));
    let failing = Router::new().route(
        "/process",
        post(|| async { (StatusCode::INTERNAL_SERVER_ERROR, body) }),
    );
    let error = processor(&serve(failing).await)
        .process(42, "test-5")
        .await
        .unwrap_err();
    let CallError::Unavailable { reason, .. } = &error else {
        panic!("not unavailable: {error:?}");
    };
    let words = "disk on fire".to_string() + &"!".repeat(200 - 12);
    assert!(
        reason.contains("500") && reason.ends_with(&words),
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
    // serde's words for "hello", found under reqwest's "error decoding response body".
    assert!(reason.contains("expected value"), "{reason}");
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

/// Every bad request of `service1/tests/routes.rs`, sent again over a real socket (port 0) to
/// each real service: each gets its status and a JSON `{"error": ...}` body.
#[tokio::test]
async fn every_bad_request_gets_its_status_and_a_json_error_over_a_socket() {
    let oversized = format!(r#"{{"value": 42{}}}"#, " ".repeat(2 * 1024 * 1024));
    let json = Some("application/json");
    let probes: [(&str, Option<&str>, &str, u16); 9] = [
        ("/process", json, r#"{"value": 4"#, 400),
        ("/process", json, r#"{"valeur": 42}"#, 422),
        ("/process", json, r#"{"value": "42"}"#, 422),
        ("/process", json, r#"{"value": 2147483648}"#, 422),
        ("/process", json, r#"{"value": 2147483647}"#, 422), // the doubling overflows
        ("/process", Some("text/plain"), r#"{"value": 42}"#, 415),
        ("/process", None, r#"{"value": 42}"#, 415),
        ("/process", json, &oversized, 413),
        ("/nowhere", json, r#"{"value": 42}"#, 404),
    ];
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    for (service, router) in [
        ("/process", service1::router()),
        ("/transform", service2::router()),
    ] {
        let url = serve_service(router).await;
        for (path, content_type, body, status) in &probes {
            if service == "/transform" && body.contains("2147483647") {
                continue; // service2 formats any i32: no overflow there
            }
            let path = if *path == "/process" { service } else { path };
            let mut request = client.post(format!("{url}{path}")).body(body.to_string());
            if let Some(content_type) = content_type {
                request = request.header("content-type", *content_type);
            }
            let response = request.send().await.unwrap();
            assert_eq!(response.status().as_u16(), *status, "{path} {body:.40}");
            let error: common::ErrorBody = response.json().await.unwrap();
            assert!(!error.error.is_empty(), "{path} {body:.40}");
        }
    }
}
