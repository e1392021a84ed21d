//! A service that is still starting, or a URL that points at the wrong service: before the first
//! pipeline, the app asks each service `GET /health` until it answers (for up to [`HEALTH_WAIT`])
//! and checks that it is the service it expects.

use std::time::Duration;

use common::Health;
use tokio::time::Instant;

use crate::http::HttpService;

/// How long a service has to answer `/health` before the app gives up on it.
pub const HEALTH_WAIT: Duration = Duration::from_secs(5);

/// The service's health, once it answers as the service it should be.
pub async fn wait_until_healthy(service: &HttpService) -> anyhow::Result<Health> {
    let deadline = Instant::now() + HEALTH_WAIT;
    loop {
        match service.health().await {
            Ok(health) if health.name == service.name => return Ok(health),
            Ok(health) => {
                let (name, at) = (service.name, &service.base_url);
                let variable = format!("{}_URL", name.to_uppercase());
                anyhow::bail!(
                    "{name} at {at} says it is {:?}: check {variable}",
                    health.name
                )
            }
            Err(error) if Instant::now() >= deadline => {
                anyhow::bail!("{error} (tried for {} s)", HEALTH_WAIT.as_secs())
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
}
