//! A call that found its service unavailable may work a moment later: the service is restarting
//! (refused connection), or it is overloaded (5xx). [`Retrying`] tries those again, up to
//! [`MAX_ATTEMPTS`] times in all, 100 ms then 200 ms apart. Nothing else is tried again: a
//! rejection (4xx) will be the same next time, and a timeout already waited as long as agreed.
//! Trying again is safe because both calls are idempotent: doubling 42 twice changes nothing.

use std::time::Duration;

use app::pipeline::{CallError, ProcessResult, Processor, TransformResult, Transformer};

/// Tries per call, the first one included.
pub const MAX_ATTEMPTS: u32 = 3;
/// Wait before the first retry; doubled before each next one.
pub const FIRST_BACKOFF: Duration = Duration::from_millis(100);

/// The lesson's `HttpService` (or any other `Processor` or `Transformer`), with retries. It implements
/// the same trait as what it wraps, so `run_pipeline` takes it unchanged.
#[derive(Debug, Clone)]
pub struct Retrying<T>(pub T);

/// Runs `call` until it gives something other than `Unavailable`, at most [`MAX_ATTEMPTS`] times.
async fn with_backoff<R, F: Future<Output = Result<R, CallError>>>(
    mut call: impl FnMut() -> F,
) -> Result<R, CallError> {
    let mut backoff = FIRST_BACKOFF;
    for _ in 1..MAX_ATTEMPTS {
        match call().await {
            Err(CallError::Unavailable { .. }) => {}
            result => return result,
        }
        tokio::time::sleep(backoff).await;
        backoff *= 2;
    }
    call().await
}

impl<P: Processor + Sync> Processor for Retrying<P> {
    async fn process(&self, value: i32, request_id: &str) -> Result<ProcessResult, CallError> {
        with_backoff(|| self.0.process(value, request_id)).await
    }
}

impl<T: Transformer + Sync> Transformer for Retrying<T> {
    async fn transform(&self, value: i32, request_id: &str) -> Result<TransformResult, CallError> {
        with_backoff(|| self.0.transform(value, request_id)).await
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    /// A processor that fails with `error` the first `failures` times, then answers.
    struct FailsFirst {
        failures: u32,
        error: CallError,
        calls: AtomicU32,
    }

    impl Processor for FailsFirst {
        async fn process(&self, value: i32, _: &str) -> Result<ProcessResult, CallError> {
            if self.calls.fetch_add(1, Ordering::Relaxed) < self.failures {
                return Err(self.error.clone());
            }
            Ok(ProcessResult {
                value,
                processed: true,
            })
        }
    }

    fn fails_first(failures: u32, error: CallError) -> Retrying<FailsFirst> {
        let calls = AtomicU32::new(0);
        Retrying(FailsFirst {
            failures,
            error,
            calls,
        })
    }

    fn unavailable() -> CallError {
        let (component, reason) = ("service1".into(), "refused".into());
        CallError::Unavailable { component, reason }
    }

    #[tokio::test]
    async fn an_unavailable_service_is_tried_again_until_it_answers() {
        let retrying = fails_first(MAX_ATTEMPTS - 1, unavailable());
        assert!(retrying.process(1, "id").await.is_ok());
        assert_eq!(retrying.0.calls.load(Ordering::Relaxed), MAX_ATTEMPTS);
    }

    #[tokio::test]
    async fn it_gives_up_after_max_attempts() {
        let retrying = fails_first(u32::MAX, unavailable());
        assert_eq!(retrying.process(1, "id").await, Err(unavailable()));
        assert_eq!(retrying.0.calls.load(Ordering::Relaxed), MAX_ATTEMPTS);
    }

    #[tokio::test]
    async fn a_rejection_and_a_timeout_are_not_tried_again() {
        let (component, reason) = ("service1".to_string(), "422".to_string());
        let waited = Duration::from_secs(1);
        for error in [
            CallError::Rejected {
                component: component.clone(),
                reason,
            },
            CallError::TimedOut { component, waited },
        ] {
            let retrying = fails_first(1, error.clone());
            assert_eq!(retrying.process(1, "id").await, Err(error));
            assert_eq!(retrying.0.calls.load(Ordering::Relaxed), 1);
        }
    }
}
