//! Service2 as a program: serves `service2::router` until it is stopped. Alone: `cargo run --bin service2`.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    common::server::run("service2", service2::router()).await
}
