//! Everything that can go wrong between the app and its services: each ends with exit status 1,
//! one clear `error: ...` line naming the service and its URL, within the timeouts, and no process
//! left behind.

use std::time::Duration;

use crate::support::{RunningApp, TwoServices, closed_url, last_line, run_app, start_service};

/// The app's error line: the last line of stderr, starting with `error: `.
fn error_line(stderr: &str) -> &str {
    let line = last_line(stderr);
    assert!(
        line.starts_with("error: "),
        "not an error line: {line:?}\nstderr:\n{stderr}"
    );
    line
}

#[test]
fn a_service_that_is_down_is_named_with_its_url() {
    // The health check tries for 5 s, then names the service, its URL and the cause.
    let service2 = start_service("service2", &[]);
    let nobody = closed_url();
    let run = run_app(
        &[],
        &[("SERVICE1_URL", &nobody), ("SERVICE2_URL", &service2.url)],
    );

    assert_eq!(run.code, Some(1));
    let error = error_line(&run.stderr);
    assert!(error.contains(&format!("service1 at {nobody} ")), "{error}");
}

#[test]
fn a_url_that_points_at_the_wrong_service_is_refused() {
    let service2 = start_service("service2", &[]);
    let run = run_app(
        &[],
        &[
            ("SERVICE1_URL", &service2.url),
            ("SERVICE2_URL", &service2.url),
        ],
    );

    assert_eq!(run.code, Some(1));
    let error = error_line(&run.stderr);
    assert!(
        error.contains(r#"says it is "service2": check SERVICE1_URL"#),
        "{error}"
    );
}

#[test]
fn a_url_that_is_not_http_is_refused_before_any_call() {
    let run = run_app(
        &[],
        &[
            ("SERVICE1_URL", "https://example.invalid"),
            ("SERVICE2_URL", "x"),
        ],
    );
    assert_eq!(run.code, Some(1));
    assert!(error_line(&run.stderr).contains("only http:// URLs work here"));
}

#[test]
fn an_overflowing_input_exits_1_with_an_overflow_error() {
    let services = TwoServices::start(&[]);
    let env = services.env();
    let run = run_app(&["--input", "2147483647"], &env);

    assert_eq!(run.code, Some(1));
    let error = error_line(&run.stderr);
    assert!(
        error.contains("service1") && error.contains("422") && error.contains("overflow"),
        "{error}"
    );
    assert!(!run.stdout.contains("Execution complete"));
}

#[test]
fn a_slow_service_times_out_with_a_clear_error() {
    // Service1 works 20 s per request; the app waits 300 ms. A timeout is not retried.
    let services = TwoServices::start(&[("WORK_MS", "20000")]);
    let env = services.env();
    let run = run_app(&["--timeout-ms", "300"], &env);

    assert_eq!(run.code, Some(1));
    let error = error_line(&run.stderr);
    let expected = format!(
        "service1 at {} did not answer within 300ms",
        services.service1.url
    );
    assert!(error.contains(&expected), "{error}");
}

#[test]
fn a_service_killed_mid_run_ends_the_run_with_a_clear_error() {
    let services = TwoServices::start(&[]);
    let url1 = services.service1.url.to_string();
    let env = services.env();
    // Far more pipelines than can finish before the kill.
    let mut app = RunningApp::start(&["--repeat", "100000000", "--concurrency", "2"], &env);
    app.wait_for_line("service2:");
    std::thread::sleep(Duration::from_millis(300));
    services.service1.stop();
    let run = app.finish();

    assert_eq!(run.code, Some(1));
    let error = error_line(&run.stderr);
    assert!(error.contains(&format!("service1 at {url1}")), "{error}");
    let summary = last_line(&run.stdout);
    assert!(summary.starts_with("summary: requests="), "{summary}");
    assert!(!summary.contains(" failed=0 "), "{summary}");
}

#[test]
fn an_unknown_flag_exits_1_with_one_line() {
    let run = run_app(&["--inptu", "3"], &[]);
    assert_eq!(run.code, Some(1));
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(error_line(&run.stderr).contains("unexpected argument '--inptu'"));
}

#[cfg(unix)]
#[test]
fn sigterm_stops_the_app_and_the_services_it_started() {
    use crate::support::{nothing_listens_at, url_at_end};

    let mut app = RunningApp::start(&["--repeat", "100000000"], &[]);
    let urls = [
        app.wait_for_line("service1:"),
        app.wait_for_line("service2:"),
    ]
    .map(|line| url_at_end(&line));
    app.terminate();
    // `finish` also checks that the app's stderr closed, which needs the services gone too.
    let run = app.finish();

    assert_eq!(run.code, Some(1));
    assert!(error_line(&run.stderr).contains("SIGTERM received"));
    for url in urls {
        assert!(nothing_listens_at(&url), "something still listens at {url}");
    }
}

/// SIGTERM is what `kill`, `docker stop` and `cargo xtask faults`' upgrade send; Windows has no
/// such signal.
#[cfg(unix)]
#[test]
fn sigterm_lets_a_services_request_in_flight_finish_then_exits_0() {
    use std::io::{BufRead, BufReader, Read, Write};
    use std::process::{Command, Stdio};

    let env = [("WORK_MS", "1500"), ("RUST_LOG", "info")];
    let mut service = crate::support::ChildService::start("service1", &env, Stdio::piped());
    let mut log = BufReader::new(service.child.stderr.take().unwrap());
    let address = service.url.trim_start_matches("http://").to_string();
    let in_flight = std::thread::spawn(move || {
        let mut stream = std::net::TcpStream::connect(&address).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        let body = r#"{"value":42}"#;
        write!(
            stream,
            "POST /process HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        response
    });
    // The service logs when the simulated work begins: from then on the request is in flight.
    let mut line = String::new();
    while !line.contains("working for") {
        line.clear();
        assert_ne!(
            log.read_line(&mut line).unwrap(),
            0,
            "service1 ended its log early"
        );
    }
    let pid = service.child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );

    let response = in_flight.join().unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(
        response.ends_with(r#"{"value":84,"processed":true}"#),
        "{response}"
    );
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = service.child.try_wait().unwrap() {
            break status;
        }
        assert!(std::time::Instant::now() < deadline, "service1 still runs");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(0));
}
