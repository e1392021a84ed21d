//! The app of step 06: step 04's pipeline, each component in a child process of its own.
//! [`pipeline`] is the contract and `run_pipeline` (the same file as step 05's); [`child`] is a
//! service as a child process, and the contract answered by it; [`locate`] finds the services.

pub mod child;
pub mod locate;
pub mod pipeline;
