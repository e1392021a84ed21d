//! The app's library: the pipeline and its contract (`pipeline`), and the adapter that makes a
//! plugin file a `Processor` or a `Transformer` (`plugin`). `main.rs` puts them together;
//! `hardened/` reuses both.

pub mod pipeline;
pub mod plugin;
