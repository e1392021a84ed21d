//! The app of step 06: step 05's pipeline, each component in a child process of its own.
//! [`pipeline`] is the contract and `run_pipeline` (step 05's file, byte for byte); [`child`] is
//! a service as a child process, and the contract answered by it; [`locate`] finds the services.

pub mod child;
pub mod locate;
pub mod pipeline;
