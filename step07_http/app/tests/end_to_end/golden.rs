//! Golden test: `cargo run`'s whole stdout, compared with `expected_output.txt` at the step root
//! (the README shows the same file). The services listen on ports the OS picks, different on every
//! run, so `127.0.0.1:<digits>` is written `127.0.0.1:PORT` on both sides before comparing.

use crate::support::{nothing_listens_at, printed_urls, run_app};

#[test]
fn cargo_run_prints_the_expected_output() {
    let run = run_app(&[]);
    assert_eq!(run.code, Some(0), "stderr:\n{}", run.stderr);
    let expected = include_str!("../../../expected_output.txt");
    assert_eq!(normalized(&run.stdout), normalized(expected));
}

#[test]
fn the_services_it_served_are_gone_when_it_exits() {
    let run = run_app(&[]);
    assert_eq!(run.code, Some(0), "stderr:\n{}", run.stderr);
    let urls = printed_urls(&run.stdout);
    assert_eq!(urls.len(), 2, "{}", run.stdout);
    for url in urls {
        assert!(nothing_listens_at(&url), "something still listens at {url}");
    }
}

#[test]
fn ports_are_normalized_and_nothing_else() {
    assert_eq!(
        normalized("at http://127.0.0.1:40123\nValue-0084\r\n"),
        "at http://127.0.0.1:PORT\nValue-0084"
    );
}

/// Ports replaced, `\r\n` (a Windows checkout of the expected file) made `\n`, and the blank lines
/// around the output trimmed.
fn normalized(text: &str) -> String {
    const HOST: &str = "127.0.0.1:";
    let text = text.replace("\r\n", "\n");
    let mut out = String::new();
    let mut rest = text.as_str();
    while let Some(at) = rest.find(HOST) {
        let after = &rest[at + HOST.len()..];
        let digits = after.len() - after.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        out.push_str(&rest[..at + HOST.len()]);
        out.push_str(if digits > 0 { "PORT" } else { "" });
        rest = &after[digits..];
    }
    out.push_str(rest);
    out.trim_matches('\n').to_string()
}
