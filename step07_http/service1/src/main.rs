//! Service1 as a program: serves `service1::router` on 127.0.0.1:3001 (`PORT` sets another) until
//! it is stopped. `cargo run --bin service1`.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    common::server::run("service1", 3001, service1::router()).await
}
