//! Service1 as a program: serves `service1::router` until it is stopped. Alone: `cargo run --bin service1`.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    common::server::run("service1", service1::router()).await
}
