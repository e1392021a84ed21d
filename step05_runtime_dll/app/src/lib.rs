//! The app's library: the pipeline and its contract (`pipeline`), and the plugin files that
//! implement that contract (`plugin`). `main.rs` puts them together; `hardened/` reuses both.

pub mod pipeline;
pub mod plugin;
