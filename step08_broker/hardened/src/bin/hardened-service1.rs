//! service1, hardened: component1 behind `hardened::worker` (reconnects, dead letters, a clean
//! stop). `WORK_MS` (service1 only) adds simulated work per message, to make workers sharing a queue visible.

use component1::Component1;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let double = |value| Component1::new().process(value);
    hardened::worker::main("service1", common::PROCESS_QUEUE, double, true).await
}
