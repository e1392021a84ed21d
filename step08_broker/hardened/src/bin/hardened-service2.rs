//! service2, hardened: component2 behind `hardened::worker`.

use component2::Component2;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let format_value =
        |value| Ok::<_, std::convert::Infallible>(Component2::new().transform(value));
    hardened::worker::main("service2", common::TRANSFORM_QUEUE, format_value, false).await
}
