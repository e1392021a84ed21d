//! Service2 as a program: serves `service2::router` on 127.0.0.1:3002 (`PORT` sets another) until
//! it is stopped. `cargo run --bin service2`.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    common::server::run("service2", 3002, service2::router()).await
}
