//! Step 06 hardened: what a production app adds to the lesson, kept out of a first read.
//!
//! [`Supervised`] wraps any `Processor` or `Transformer` (here the watchdog's, over a child
//! process) and is itself one: when its child dies, hangs past the timeout or answers garbage,
//! it drops that child (its `Drop` kills and reaps it), waits, starts a fresh one and
//! sends the same request again. `DESIGN.md` says why, and what it costs.
//!
//! # Layout
//!
//! - this file: [`Supervised`].
//! - [`watchdog`]: `WatchedProcess`, a child process like the lesson's `ServiceProcess`, with the
//!   reply read on the caller's thread, a watchdog thread for the timeout and a bound on a line's
//!   length: the lesson's behaviour, at the cost of the bare pipe. Like `ServiceProcess`, it is the
//!   pipeline's `Processor` and `Transformer`.
//! - `main.rs`: the hardened app, with `--repeat`, `--warmup`, `--timeout-ms`, `--max-restarts`
//!   and `--service-dir`.

pub mod watchdog;

use std::cell::{Cell, RefCell};
use std::thread;
use std::time::Duration;

use app::pipeline::{CallError, ProcessResult, Processor, TransformResult, Transformer};

/// The wait before the first restart; it doubles for each further one, up to [`MAX_BACKOFF`].
pub const FIRST_BACKOFF: Duration = Duration::from_millis(100);
const MAX_BACKOFF: Duration = Duration::from_secs(2);

/// A stage that is started again, and asked again, when a call gets no answer.
pub struct Supervised<S> {
    name: &'static str,
    /// Starts a fresh stage: a new child process.
    start: Box<dyn Fn() -> Result<S, CallError>>,
    /// `None` between a failure and the restart. A `RefCell`: a call replaces the stage, and the
    /// contract's methods take `&self`.
    stage: RefCell<Option<S>>,
    max_restarts: u32,
    restarts: Cell<u32>,
}

impl<S> Supervised<S> {
    /// Supervises `stage`, already started; `start` starts a fresh one when it fails.
    pub fn new(
        name: &'static str,
        stage: S,
        max_restarts: u32,
        start: impl Fn() -> Result<S, CallError> + 'static,
    ) -> Self {
        Supervised {
            name,
            start: Box::new(start),
            stage: RefCell::new(Some(stage)),
            max_restarts,
            restarts: Cell::new(0),
        }
    }

    /// Restarts since the first start.
    pub fn restarts(&self) -> u32 {
        self.restarts.get()
    }

    /// Runs `call` on the stage until it answers, says no (`Rejected`: asking again would get
    /// the same no), or has failed `max_restarts + 1` times for this one request.
    fn with_restarts<T>(&self, call: impl Fn(&S) -> Result<T, CallError>) -> Result<T, CallError> {
        let mut failures = 0;
        loop {
            let mut stage = self.stage.borrow_mut();
            let outcome = match stage.as_ref() {
                Some(running) => call(running),
                None => (self.start)().and_then(|fresh| call(stage.insert(fresh))),
            };
            let failure = match outcome {
                Err(error @ (CallError::Unavailable { .. } | CallError::TimedOut { .. })) => error,
                answered => return answered, // an answer, or a `Rejected`
            };
            // Dropping the stage kills and reaps its child (its `Drop`).
            *stage = None;
            failures += 1;
            if failures > self.max_restarts {
                return Err(CallError::Unavailable {
                    component: self.name.to_string(),
                    reason: format!(
                        "failed {failures} time{} in a row, giving up; the last time: {failure}",
                        if failures == 1 { "" } else { "s" }
                    ),
                });
            }
            let backoff = FIRST_BACKOFF
                .saturating_mul(1 << (failures - 1).min(16))
                .min(MAX_BACKOFF);
            eprintln!(
                "[hardened] {failure}; restarting {} in {} ms (restart {failures} of at most {})",
                self.name,
                backoff.as_millis(),
                self.max_restarts
            );
            drop(stage);
            thread::sleep(backoff);
            self.restarts.set(self.restarts.get() + 1);
        }
    }
}

/// Safe to send again only because every request here is idempotent: doubling 42 twice gives
/// the same answer. A request that debits an account could not be replayed blindly.
impl<P: Processor> Processor for Supervised<P> {
    fn process(&self, value: i32) -> Result<ProcessResult, CallError> {
        self.with_restarts(|processor| processor.process(value))
    }
}

impl<T: Transformer> Transformer for Supervised<T> {
    fn transform(&self, value: i32) -> Result<TransformResult, CallError> {
        self.with_restarts(|transformer| transformer.transform(value))
    }
}
