//! `STEP08_SKIP_BROKER_TESTS=1 cargo test`: the tests that need RabbitMQ are compiled as
//! `#[ignore]`d, so the summary counts them as ignored, never as passed. Without it, each of them
//! fails with one line saying how to start a broker. See DESIGN.md, "Tests without a broker".
fn main() {
    println!("cargo::rustc-check-cfg=cfg(skip_broker_tests)");
    println!("cargo::rerun-if-env-changed=STEP08_SKIP_BROKER_TESTS");
    if std::env::var_os("STEP08_SKIP_BROKER_TESTS").is_some_and(|v| !v.is_empty() && v != "0") {
        println!("cargo::rustc-cfg=skip_broker_tests");
    }
}
