//! Service2 hardened: the lesson's router with `hardened::server`'s layers, served until Ctrl-C
//! or SIGTERM. `cargo run -p hardened --bin hardened-service2` from `step07_http/`.

use std::process::ExitCode;

use hardened::server::{self, REQUEST_TIMEOUT};

#[tokio::main]
async fn main() -> ExitCode {
    hardened::logs::init();
    server::serve("service2", server::service2(REQUEST_TIMEOUT)).await
}
