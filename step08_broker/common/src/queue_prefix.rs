//! Tests and benchmarks only (ignore it): `QUEUE_PREFIX` before each queue name keeps runs apart.
pub fn queue_name(queue: &str) -> String {
    let prefix = std::env::var("QUEUE_PREFIX").unwrap_or_default();
    format!("{prefix}{queue}")
}

pub fn check() -> Result<(), String> {
    match queue_name("").len() {
        0..=200 => Ok(()), // room left for the queue names (AMQP allows 255 bytes)
        _ => Err("QUEUE_PREFIX is too long: at most 200 bytes".into()),
    }
}
