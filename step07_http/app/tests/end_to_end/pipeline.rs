//! The app using services someone else started: the three-terminal way.

use crate::support::{RunningService, run_app};

#[test]
fn with_urls_set_it_uses_those_services() {
    let (service1, service2) = (
        RunningService::start("service1"),
        RunningService::start("service2"),
    );
    let env = [
        ("SERVICE1_URL", &*service1.url),
        ("SERVICE2_URL", &*service2.url),
    ];
    let run = run_app(&env);

    assert_eq!(run.code, Some(0), "stderr:\n{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(
        lines.contains(&&*format!("service1 at {}", service1.url)),
        "{}",
        run.stdout
    );
    assert!(
        lines.contains(&&*format!("service2 at {}", service2.url)),
        "{}",
        run.stdout
    );
    assert!(
        lines.contains(&"Analysis: 84 maps to Value-0084"),
        "{}",
        run.stdout
    );
    assert_eq!(lines.last(), Some(&"Execution complete"));
}
