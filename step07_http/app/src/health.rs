//! A service that is still starting, or a URL that points at the wrong service: before the first
//! pipeline, the app asks each service `GET /health` until it answers (for up to [`HEALTH_WAIT`])
//! and checks that it is the service it expects.

use std::time::Duration;

use anyhow::{Context, bail};
use tokio::time::Instant;

use crate::child::SERVICES;
use crate::http::{self, HttpService};

/// How long a service has to answer `/health` before the app gives up on it.
pub const HEALTH_WAIT: Duration = Duration::from_secs(5);

/// service1 and service2 at `urls`, sharing one client, once each answers `/health` as itself;
/// prints who answered. `timeout` is the client's, for every call.
pub async fn check_both(urls: &[String; 2], timeout: Duration) -> anyhow::Result<[HttpService; 2]> {
    let client = http::client(timeout).context("cannot set up the HTTP client")?;
    let services = [0, 1].map(|i| HttpService::new(&client, SERVICES[i], &urls[i], timeout));
    for (title, service) in ["Service1", "Service2"].into_iter().zip(&services) {
        let deadline = Instant::now() + HEALTH_WAIT;
        let health = loop {
            match service.health().await {
                Ok(health) if health.name == service.name => break health,
                Ok(health) => {
                    let (name, at, said) = (service.name, &service.base_url, &health.name);
                    let variable = format!("{}_URL", name.to_uppercase());
                    bail!("{name} at {at} says it is {said:?}: check {variable}")
                }
                Err(error) if Instant::now() >= deadline => {
                    bail!("{error} (tried for {} s)", HEALTH_WAIT.as_secs())
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        };
        let at = &service.base_url;
        println!("{title}: {} {} at {at}", health.name, health.version);
    }
    Ok(services)
}
