//! service1, hardened: the lesson's `service1::double` behind `hardened::worker` (reconnects, dead
//! letters, a clean stop). `WORK_MS` (service1 only) adds simulated work per message, to make
//! workers sharing a queue visible.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    hardened::worker::main("service1", common::PROCESS_QUEUE, service1::double, true).await
}
