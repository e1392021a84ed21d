//! The app of step 06: the pipeline ([`pipeline`]), answered by services in child processes
//! ([`child`]), whose reply lines [`reply`] reads, and which [`locate`] finds.

pub mod child;
pub mod locate;
pub mod pipeline;
pub mod reply;
