//! A call that fails on the way may work a moment later: a refused or dropped connection (the
//! service is restarting), a 5xx (it is overloaded). [`with_backoff`] tries those again, up to
//! [`MAX_ATTEMPTS`] times in all, 100 ms then 200 ms apart. Nothing else is tried again: a 4xx
//! will be the same next time, and a timeout already waited as long as we agreed to. Trying again
//! is safe because both calls are idempotent.
//!
//! Also here: [`failure`], reqwest's error in the contract's words.

use std::time::Duration;

use crate::pipeline::Failure;

/// Tries per call, the first one included.
pub const MAX_ATTEMPTS: u32 = 3;
/// Wait before the first retry; doubled before each next one (100 ms, then 200 ms).
pub const FIRST_BACKOFF: Duration = Duration::from_millis(100);

/// What `call` gave, after trying it again while it failed in a way [`worth_retrying`].
pub async fn with_backoff<T, F>(mut call: impl FnMut() -> F) -> Result<T, Failure>
where
    F: Future<Output = Result<T, Failure>>,
{
    let mut backoff = FIRST_BACKOFF;
    for _retry in 1..MAX_ATTEMPTS {
        match call().await {
            Err(failure) if worth_retrying(&failure) => {}
            result => return result,
        }
        tokio::time::sleep(backoff).await;
        backoff *= 2;
    }
    call().await // the last try, whatever it gives
}

/// Connection trouble and 5xx answers may go away on their own; everything else will not.
pub fn worth_retrying(failure: &Failure) -> bool {
    match failure {
        Failure::Unreachable(_) | Failure::ConnectionLost(_) | Failure::Failed(_) => true,
        Failure::Refused(_) | Failure::TimedOut(_) | Failure::BadReply(_) => false,
    }
}

/// reqwest's error, as the contract words it; `timeout` is the client's, to say how long it
/// waited. A failed connect is "unreachable" whatever ended it, refused or timed out: on Windows a
/// refused connection to a closed loopback port is retried for about 2 s, as long as the connect
/// timeout, so telling the two apart by which came first would give a different answer each run.
pub fn failure(error: &reqwest::Error, timeout: Duration) -> Failure {
    if error.is_connect() {
        Failure::Unreachable(root_cause(error))
    } else if error.is_timeout() {
        Failure::TimedOut(timeout)
    } else {
        Failure::ConnectionLost(root_cause(error))
    }
}

/// reqwest's own message is "error sending request for url (...)"; the useful part, such as
/// "Connection refused (os error 111)", is at the bottom of the chain of sources.
fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let causes = std::iter::successors(Some(error), |error| error.source());
    causes.last().map(ToString::to_string).unwrap_or_default()
}
