//! The transformer plugin, seen by the app as a [`Transformer`]: the same calls as
//! [`PluginProcessor`](super::PluginProcessor), with strings crossing in both directions. A
//! string the plugin returns is copied, then handed back to the plugin's `free_string`; a string
//! the app passes in stays the app's, lent for the duration of the call.

use std::ffi::CString;

use plugin_interface::{FfiTransformResult, TransformerTable};
use traits::{ComponentError, TransformResult, Transformer};

use super::{PluginInstance, PluginLibrary, Role};

/// A transformer plugin, seen by the app as a [`Transformer`].
pub struct PluginTransformer<'lib> {
    table: TransformerTable,
    instance: PluginInstance<'lib>,
}

impl<'lib> PluginTransformer<'lib> {
    /// Creates the plugin's transformer; a `quiet` one sends no chatter.
    pub fn create(plugin: &'lib PluginLibrary, quiet: bool) -> anyhow::Result<Self> {
        let table = plugin.table(plugin.transformer, Role::Transformer)?;
        let instance = PluginInstance::create(plugin, table.create, table.destroy, quiet)?;
        Ok(PluginTransformer { table, instance })
    }
}

impl Transformer for PluginTransformer<'_> {
    fn transform(&self, value: i32) -> Result<TransformResult, ComponentError> {
        let plugin = self.instance.plugin;
        let mut out = FfiTransformResult {
            original: 0,
            transformed: std::ptr::null(),
        };
        // SAFETY: a live instance of this plugin and a valid place for the result.
        let status = unsafe { (self.table.transform)(self.instance.pointer, value, &mut out) };
        plugin.check(status, || format!("transform({value})"))?;
        // SAFETY: on success `transformed` is a string the plugin allocated for us.
        let transformed = unsafe { plugin.take_string(out.transformed.cast_mut()) }
            .ok_or_else(|| plugin.broke_contract("transform", "no text"))?;
        Ok(TransformResult {
            original: out.original,
            transformed,
        })
    }

    fn analyze(&self, data: &TransformResult) -> Result<String, ComponentError> {
        let plugin = self.instance.plugin;
        // The app's own C string: the plugin only reads it during the call, the app frees it.
        let transformed = CString::new(data.transformed.as_str())
            .map_err(|_| plugin.broke_contract("analyze", "text with a NUL byte in it"))?;
        let data_in_c_layout = FfiTransformResult {
            original: data.original,
            transformed: transformed.as_ptr(),
        };
        let mut analysis = std::ptr::null_mut();
        // SAFETY: a live instance, a valid input for the call and a valid place for the answer.
        let status = unsafe {
            (self.table.analyze)(self.instance.pointer, &data_in_c_layout, &mut analysis)
        };
        plugin.check(status, || format!("analyze({data:?})"))?;
        // SAFETY: on success `analysis` is a string the plugin allocated for us.
        unsafe { plugin.take_string(analysis) }
            .ok_or_else(|| plugin.broke_contract("analyze", "no text"))
    }
}
