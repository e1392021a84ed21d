//! What can go wrong between the app and its services: each ends with exit status 1, one line
//! `error: ...` naming the service and its URL, and nothing left running (`run_app` checks that no
//! process holds the app's output after it exits).

use crate::support::{closed_url, error_line, nothing_listens_at, printed_urls, run_app, serve};

#[test]
fn an_unreachable_service_is_named_with_its_url_and_the_other_is_stopped() {
    let nobody = closed_url();
    let run = run_app(&[("SERVICE1_URL", &nobody)]);

    assert_eq!(run.code, Some(1));
    let error = error_line(&run.stderr);
    assert!(
        error.starts_with(&format!("error: cannot call service1 at {nobody}: ")),
        "{error}"
    );
    assert!(!run.stdout.contains("Execution complete"));
    // service2 was served by the app, in its process: it must be gone with it.
    let service2 = &printed_urls(&run.stdout)[1];
    assert!(
        nothing_listens_at(service2),
        "service2 still listens at {service2}"
    );
}

#[test]
fn a_service_that_never_answers_times_out() {
    // The OS accepts the connection into the listener's backlog; nobody ever answers.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", silent.local_addr().unwrap());
    let run = run_app(&[("SERVICE1_URL", &url)]);

    assert_eq!(run.code, Some(1));
    let expected = format!("error: service1 at {url} did not answer within 5s");
    assert_eq!(error_line(&run.stderr), expected);
}

#[test]
fn an_error_status_is_a_rejection_with_the_status_and_the_services_words() {
    // service2 at service1's URL: it has no `/process`, and says so with a JSON 404.
    let service2 = serve("service2", service2::router());
    let run = run_app(&[("SERVICE1_URL", &service2)]);

    assert_eq!(run.code, Some(1));
    let error = error_line(&run.stderr);
    let expected = format!(
        "error: service1 at {} rejected the input: POST /process answered 404 Not Found: \
         {{\"error\":\"no route for POST /process\"}}",
        service2
    );
    assert_eq!(error, expected);
}
