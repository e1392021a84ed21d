//! The lesson's client gives up on a call after `app::http::TIMEOUT` (5 s). [`Deadline`] gives up
//! sooner, after `--timeout-ms`: a `Processor`/`Transformer` wrapping one, like [`crate::retry`].

use std::time::Duration;

use app::pipeline::{CallError, ProcessResult, Processor, TransformResult, Transformer};

/// `inner`, given up on after `limit`; `component` names it in the error, as the lesson does.
#[derive(Debug, Clone)]
pub struct Deadline<T> {
    pub inner: T,
    pub limit: Duration,
    pub component: String,
}

impl<T> Deadline<T> {
    async fn within<R>(
        &self,
        call: impl Future<Output = Result<R, CallError>>,
    ) -> Result<R, CallError> {
        match tokio::time::timeout(self.limit, call).await {
            Ok(result) => result,
            Err(_) => Err(CallError::TimedOut {
                component: self.component.clone(),
                waited: self.limit,
            }),
        }
    }
}

impl<P: Processor + Sync> Processor for Deadline<P> {
    async fn process(&self, value: i32, request_id: &str) -> Result<ProcessResult, CallError> {
        self.within(self.inner.process(value, request_id)).await
    }
}

impl<T: Transformer + Sync> Transformer for Deadline<T> {
    async fn transform(&self, value: i32, request_id: &str) -> Result<TransformResult, CallError> {
        self.within(self.inner.transform(value, request_id)).await
    }
}
