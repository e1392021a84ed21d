//! service2, hardened: the lesson's `service2::format_value` behind `hardened::worker`.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    hardened::worker::main(
        "service2",
        common::TRANSFORM_QUEUE,
        service2::format_value,
        false,
    )
    .await
}
