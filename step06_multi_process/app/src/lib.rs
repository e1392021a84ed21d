//! The app of step 06: [`pipeline`], step 05's contract and `run_pipeline` byte for byte, answered
//! by services in child processes ([`child`]), which [`locate`] finds.

pub mod child;
pub mod locate;
pub mod pipeline;
