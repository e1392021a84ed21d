//! The contract of step 03, implemented by talking to a child process.
//!
//! [`ChildProcessor`] and [`ChildTransformer`] implement `Processor` and `Transformer` like
//! `Component1` and `Component2` did, so `run_pipeline` cannot tell the difference. Each method
//! sends one request to its service and turns the reply back into the contract's types; the
//! supervisor underneath handles restarts, so what reaches the pipeline is either a result or a
//! failure that restarting did not fix.

use std::cell::RefCell;

use common::{ErrorCode, ReplyBody, RequestBody};
use traits::{ComponentError, ProcessResult, Processor, TransformResult, Transformer};

use crate::supervisor::{ServiceIdentity, SupervisedService};

/// `Processor`, answered by `service1`.
pub struct ChildProcessor {
    service: ServiceHandle,
}

/// `Transformer`, answered by `service2`.
pub struct ChildTransformer {
    service: ServiceHandle,
}

impl ChildProcessor {
    pub fn new(service: SupervisedService) -> Self {
        Self {
            service: ServiceHandle::new(service),
        }
    }

    pub fn service(&self) -> &ServiceHandle {
        &self.service
    }
}

impl ChildTransformer {
    pub fn new(service: SupervisedService) -> Self {
        Self {
            service: ServiceHandle::new(service),
        }
    }

    pub fn service(&self) -> &ServiceHandle {
        &self.service
    }
}

impl Processor for ChildProcessor {
    fn process(&self, value: i32) -> Result<ProcessResult, ComponentError> {
        match self.service.call(RequestBody::Process { value })? {
            ReplyBody::Processed { value, processed } => Ok(ProcessResult { value, processed }),
            ReplyBody::Error {
                code: ErrorCode::Overflow,
                ..
            } => Err(ComponentError::Overflow { value }),
            other => Err(self.service.refused(other)),
        }
    }

    fn validate(&self, data: &ProcessResult) -> Result<bool, ComponentError> {
        let request = RequestBody::Validate {
            value: data.value,
            processed: data.processed,
        };
        match self.service.call(request)? {
            ReplyBody::Validated { valid } => Ok(valid),
            other => Err(self.service.refused(other)),
        }
    }
}

impl Transformer for ChildTransformer {
    fn transform(&self, value: i32) -> Result<TransformResult, ComponentError> {
        match self.service.call(RequestBody::Transform { value })? {
            ReplyBody::Transformed {
                original,
                transformed,
            } => Ok(TransformResult {
                original,
                transformed,
            }),
            other => Err(self.service.refused(other)),
        }
    }

    fn analyze(&self, data: &TransformResult) -> Result<String, ComponentError> {
        let request = RequestBody::Analyze {
            original: data.original,
            transformed: data.transformed.clone(),
        };
        match self.service.call(request)? {
            ReplyBody::Analyzed { analysis } => Ok(analysis),
            other => Err(self.service.refused(other)),
        }
    }
}

/// A supervised service that can be called through a shared reference.
pub struct ServiceHandle {
    name: &'static str,
    // The trait methods take `&self`, but a call changes the service (the next request id, a
    // restarted process): `RefCell` allows that mutation behind a shared reference. The app is
    // single-threaded, so a `Mutex` would only add locking.
    service: RefCell<SupervisedService>,
}

impl ServiceHandle {
    fn new(service: SupervisedService) -> Self {
        Self {
            name: service.name(),
            service: RefCell::new(service),
        }
    }

    pub fn name(&self) -> &'static str {
        self.name
    }

    /// What the service said about itself in its last hello.
    pub fn identity(&self) -> Option<ServiceIdentity> {
        self.service.try_borrow().ok()?.identity().cloned()
    }

    /// How many times the service was restarted.
    pub fn restarts(&self) -> u32 {
        self.service
            .try_borrow()
            .map_or(0, |service| service.restarts())
    }

    /// One request through the supervisor; a failure that survived the restarts becomes
    /// [`ComponentError::Unavailable`].
    fn call(&self, body: RequestBody) -> Result<ReplyBody, ComponentError> {
        let unavailable = |reason: String| ComponentError::Unavailable {
            component: self.name.to_string(),
            reason,
        };
        // Only one call at a time can borrow the service; nothing here calls back into the
        // pipeline, so a second borrow cannot happen, and if it ever did it is an error, not a
        // panic.
        let mut service = self
            .service
            .try_borrow_mut()
            .map_err(|_| unavailable("it is already busy with another call".into()))?;
        service
            .call(&body)
            .map_err(|error| unavailable(error.to_string()))
    }

    /// An error reply, or a reply of the wrong kind, as the contract's error.
    fn refused(&self, reply: ReplyBody) -> ComponentError {
        let reason = match reply {
            ReplyBody::Error { error, .. } => error,
            other => format!("unexpected reply {other:?}"),
        };
        ComponentError::Rejected {
            component: self.name.to_string(),
            reason,
        }
    }
}
