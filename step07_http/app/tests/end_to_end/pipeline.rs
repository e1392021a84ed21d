//! The app using services running outside it: the three-terminal way.

use crate::support::{run_app, serve};

#[test]
fn with_urls_set_it_uses_those_services() {
    let service1 = serve("service1", service1::router());
    let service2 = serve("service2", service2::router());
    let env = [("SERVICE1_URL", &*service1), ("SERVICE2_URL", &*service2)];
    let run = run_app(&env);

    assert_eq!(run.code, Some(0), "stderr:\n{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(
        lines.contains(&&*format!("service1 at {service1}")),
        "{}",
        run.stdout
    );
    assert!(
        lines.contains(&&*format!("service2 at {service2}")),
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
