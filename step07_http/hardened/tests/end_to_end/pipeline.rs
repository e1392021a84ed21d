//! The app using services someone else started (the three-terminal way), repeated runs, and the
//! request id that ties one pipeline's three log lines together.

use crate::support::{
    TwoServices, last_line, nothing_listens_at, run_app, start_service, start_service_logging_to,
    url_at_end,
};

#[test]
fn with_urls_set_it_uses_those_services() {
    let services = TwoServices::start(&[]);
    let env = services.env();
    let run = run_app(&[], &env);

    assert_eq!(run.code, Some(0), "stderr:\n{}", run.stderr);
    let at1 = format!("service1: version 0.1.0 at {}", services.service1.url);
    assert!(run.stdout.lines().any(|line| line == at1), "{}", run.stdout);
    assert!(
        run.stdout
            .lines()
            .any(|line| line == "Analysis: 84 maps to Value-0084")
    );
    assert_eq!(last_line(&run.stdout), "Execution complete");
}

#[test]
fn another_input_goes_through_both_services() {
    let services = TwoServices::start(&[]);
    let env = services.env();
    let run = run_app(&["--input", "-7"], &env);

    assert_eq!(run.code, Some(0), "stderr:\n{}", run.stderr);
    // -14 is processed but not valid (negative): the pipeline says so and goes on, as in step 03.
    assert!(run.stdout.contains(
        "Component1 result: ProcessResult { value: -14, processed: true }, Valid: false"
    ));
    assert!(
        run.stdout.contains("Analysis: -14 maps to Value--014"),
        "{}",
        run.stdout
    );
}

#[test]
fn repeat_with_concurrency_ends_stdout_with_one_summary_line() {
    let services = TwoServices::start(&[]);
    let env = services.env();
    let run = run_app(&["--repeat", "40", "--concurrency", "4"], &env);

    assert_eq!(run.code, Some(0), "stderr:\n{}", run.stderr);
    assert_eq!(
        run.stdout
            .lines()
            .filter(|line| line.starts_with("summary:"))
            .count(),
        1
    );
    let summary = last_line(&run.stdout);
    let fields: Vec<(&str, &str)> = summary
        .strip_prefix("summary: ")
        .unwrap_or_else(|| panic!("last line is not the summary: {summary}"))
        .split(' ')
        .map(|field| field.split_once('=').unwrap())
        .collect();
    let keys: Vec<_> = fields.iter().map(|(key, _)| *key).collect();
    assert_eq!(
        keys,
        [
            "requests",
            "ok",
            "failed",
            "elapsed_ms",
            "p50_us",
            "p99_us",
            "max_us",
            "concurrency"
        ]
    );
    assert_eq!(
        &fields[..3],
        [("requests", "40"), ("ok", "40"), ("failed", "0")]
    );
    assert_eq!(fields[7], ("concurrency", "4"));
    let [p50, p99, max] = [4, 5, 6].map(|i| fields[i].1.parse::<f64>().unwrap());
    assert!(p50 > 0.0 && p50 <= p99 && p99 <= max, "{summary}");
}

#[test]
fn warmup_pipelines_run_before_the_measured_ones_and_are_not_counted() {
    // service1's own log is the witness: one line per request it answered, with the request id.
    let log_path =
        std::env::temp_dir().join(format!("step07-warmup-test-{}.log", std::process::id()));
    let log = std::fs::File::create(&log_path).unwrap();
    let service1 = start_service_logging_to("service1", log);
    let service2 = start_service("service2", &[]);
    let env = [
        ("SERVICE1_URL", service1.url.as_str()),
        ("SERVICE2_URL", service2.url.as_str()),
    ];
    let run = run_app(&["--repeat", "6", "--warmup", "4"], &env);
    // Each log line is written before its answer is sent, so the app's exit means all are there.
    let log = std::fs::read_to_string(&log_path).unwrap();
    let _ = std::fs::remove_file(&log_path);

    assert_eq!(run.code, Some(0), "stderr:\n{}", run.stderr);
    let summary = last_line(&run.stdout);
    assert!(
        summary.starts_with("summary: requests=6 ok=6 failed=0 "),
        "{summary}"
    );
    let answered: Vec<&str> = log
        .lines()
        .filter(|line| line.contains("path=/process") && line.contains("status=200"))
        .collect();
    assert_eq!(answered.len(), 4 + 6, "{log}");
    assert!(
        answered[..4].iter().all(|line| line.contains("-warmup-")),
        "{log}"
    );
    assert!(
        answered[4..].iter().all(|line| !line.contains("-warmup-")),
        "{log}"
    );
}

#[test]
fn one_pipeline_is_followed_across_the_three_logs_by_its_request_id() {
    // Started by the app, the services share its stderr: the three logs arrive in one stream.
    let run = run_app(&[], &[]);
    assert_eq!(run.code, Some(0), "stderr:\n{}", run.stderr);

    let app_line = run
        .stderr
        .lines()
        .find(|line| line.contains("pipeline finished"))
        .unwrap_or_else(|| panic!("no app log line in:\n{}", run.stderr));
    let id = app_line
        .split("id=")
        .nth(1)
        .unwrap()
        .split(' ')
        .next()
        .unwrap();
    assert!(id.starts_with("app-"), "{app_line}");
    assert!(app_line.contains("ok=true"), "{app_line}");
    for (service, path) in [("service1", "/process"), ("service2", "/transform")] {
        let expected = format!("service={service} id={id} method=POST path={path}}}");
        let answered = run
            .stderr
            .lines()
            .any(|line| line.contains(&expected) && line.contains("status=200"));
        assert!(answered, "no {expected:?} in:\n{}", run.stderr);
    }
}

#[test]
fn the_services_it_started_are_stopped_when_it_exits() {
    let run = run_app(&[], &[]);
    assert_eq!(run.code, Some(0), "stderr:\n{}", run.stderr);
    let started = run
        .stdout
        .lines()
        .filter(|line| line.starts_with("service"));
    let urls: Vec<String> = started.map(url_at_end).collect();
    assert_eq!(urls.len(), 2, "{}", run.stdout);
    for url in urls {
        assert!(nothing_listens_at(&url), "something still listens at {url}");
    }
}
