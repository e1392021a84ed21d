//! A service that is still starting, or a URL that points at the wrong service: before the first
//! pipeline, the app asks each service `GET /health` until it answers (for up to
//! [`HEALTH_WAIT`]) and checks that it is the service it expects.

use std::time::Duration;

use app::http::root_cause;
use serde::{Deserialize, Serialize};
use tokio::time::Instant;

/// How long a service has to answer `/health` before the app gives up on it.
pub const HEALTH_WAIT: Duration = Duration::from_secs(5);

/// What `GET /health` answers: which service this is, and which version of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Health {
    pub name: String,
    pub version: String,
}

/// Waits until the service at `url` answers `/health` as `name`; returns what it said.
pub async fn wait_until_healthy(name: &str, url: &str) -> Result<Health, String> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(1))
        .no_proxy()
        .build()
        .map_err(|error| format!("cannot set up the HTTP client: {error}"))?;
    let deadline = Instant::now() + HEALTH_WAIT;
    loop {
        let answer = match client.get(format!("{url}/health")).send().await {
            Ok(response) => response.json::<Health>().await.map_err(|e| e.to_string()),
            Err(error) => Err(root_cause(&error)),
        };
        match answer {
            Ok(health) if health.name == name => return Ok(health),
            Ok(health) => {
                let variable = format!("{}_URL", name.to_uppercase());
                let said = health.name;
                return Err(format!(
                    "{name} at {url} says it is {said:?}: check {variable}"
                ));
            }
            Err(error) if Instant::now() >= deadline => {
                let waited = HEALTH_WAIT.as_secs();
                return Err(format!(
                    "{name} at {url} is not healthy after {waited} s: {error}"
                ));
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
}
