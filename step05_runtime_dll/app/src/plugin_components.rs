//! The loaded plugins, wrapped back into the step 03 contract.
//!
//! [`PluginProcessor`] and [`PluginTransformer`] implement `traits::Processor` and
//! `traits::Transformer` by calling through the plugin's C tables, so `run_pipeline` takes them
//! as `&dyn Processor` and `&dyn Transformer` exactly as it took the linked components in step 04.
//! This file is where Rust values become C values and back, and where every string the plugin
//! hands over is copied and returned to it.

use std::ffi::{CStr, CString, c_char, c_void};
use std::io::{self, Write};
use std::ptr;

use plugin_interface::{
    CallStatus, FfiProcessResult, FfiTransformResult, LogFn, ProcessorTable, TransformerTable,
};
use traits::{ComponentError, ProcessResult, Processor, TransformResult, Transformer};

use crate::plugin_library::{PluginError, PluginLibrary};

/// The app's chatter sink: prints a plugin's line indented like the component lines of steps
/// 02-04. Plugins get it with each instance unless the run is a quiet `--repeat`.
///
/// # Safety
///
/// `line` is null or a NUL-terminated string that stays valid during the call.
pub unsafe extern "C" fn print_chatter(line: *const c_char) {
    if line.is_null() {
        return;
    }
    // SAFETY: per this function's contract.
    let line = unsafe { CStr::from_ptr(line) }.to_string_lossy();
    // A panic must not unwind out of an `extern "C"` function (the process would abort), so a
    // failed write is dropped here instead of `println!`'s panic.
    let _ = writeln!(io::stdout().lock(), "        {line}");
}

/// One instance created inside a plugin, destroyed by that plugin when this value is dropped.
///
/// The `'lib` borrow ties the instance to its library: the compiler will not let the library be
/// unloaded while an instance, and the function pointers it calls, still exist.
struct PluginInstance<'lib> {
    plugin: &'lib PluginLibrary,
    instance: *mut c_void,
    destroy: unsafe extern "C" fn(*mut c_void) -> CallStatus,
}

type CreateFn = unsafe extern "C" fn(Option<LogFn>, *mut *mut c_void) -> CallStatus;

impl<'lib> PluginInstance<'lib> {
    fn create(
        plugin: &'lib PluginLibrary,
        create: CreateFn,
        destroy: unsafe extern "C" fn(*mut c_void) -> CallStatus,
        log: Option<LogFn>,
    ) -> Result<Self, PluginError> {
        let mut instance = ptr::null_mut();
        // SAFETY: `create` comes from a plugin that passed the handshake; `instance` is a valid
        // place for the pointer it writes.
        let status = unsafe { create(log, &mut instance) };
        plugin
            .check(status, || "create".to_string())
            .map_err(PluginError::Create)?;
        if instance.is_null() {
            return Err(PluginError::Create(broke_contract(
                plugin,
                "create: reported success but returned no instance",
            )));
        }
        Ok(PluginInstance {
            plugin,
            instance,
            destroy,
        })
    }
}

impl Drop for PluginInstance<'_> {
    fn drop(&mut self) {
        // SAFETY: `instance` came from this plugin's `create` and is destroyed exactly once, here.
        let status = unsafe { (self.destroy)(self.instance) };
        if let Err(error) = self.plugin.check(status, || "destroy".to_string()) {
            // `drop` cannot return an error, and this one changes nothing for the user: the
            // pipeline already ran. Say so and carry on unloading.
            eprintln!("warning: {error}");
        }
    }
}

/// A processor plugin, seen by the app as a [`Processor`].
pub struct PluginProcessor<'lib> {
    table: ProcessorTable,
    instance: PluginInstance<'lib>,
}

impl<'lib> PluginProcessor<'lib> {
    /// Creates the plugin's processor. Its chatter goes to `log`, or nowhere if `None`.
    pub fn create(plugin: &'lib PluginLibrary, log: Option<LogFn>) -> Result<Self, PluginError> {
        let table = plugin.processor_table()?;
        let instance = PluginInstance::create(plugin, table.create, table.destroy, log)?;
        Ok(PluginProcessor { table, instance })
    }
}

impl Processor for PluginProcessor<'_> {
    fn process(&self, value: i32) -> Result<ProcessResult, ComponentError> {
        let mut out = FfiProcessResult {
            value: 0,
            processed: false,
        };
        // SAFETY: a live instance of this plugin and a valid place for the result.
        let status = unsafe { (self.table.process)(self.instance.instance, value, &mut out) };
        let plugin = self.instance.plugin;
        plugin.check(status, || format!("process({value})"))?;
        Ok(ProcessResult::from(out))
    }

    fn validate(&self, data: &ProcessResult) -> Result<bool, ComponentError> {
        let data_in_c_layout = FfiProcessResult::from(data);
        let mut is_valid = false;
        // SAFETY: a live instance, a valid input for the call and a valid place for the answer.
        let status = unsafe {
            (self.table.validate)(self.instance.instance, &data_in_c_layout, &mut is_valid)
        };
        let plugin = self.instance.plugin;
        plugin.check(status, || format!("validate({data:?})"))?;
        Ok(is_valid)
    }
}

/// A transformer plugin, seen by the app as a [`Transformer`].
pub struct PluginTransformer<'lib> {
    table: TransformerTable,
    instance: PluginInstance<'lib>,
}

impl<'lib> PluginTransformer<'lib> {
    /// Creates the plugin's transformer. Its chatter goes to `log`, or nowhere if `None`.
    pub fn create(plugin: &'lib PluginLibrary, log: Option<LogFn>) -> Result<Self, PluginError> {
        let table = plugin.transformer_table()?;
        let instance = PluginInstance::create(plugin, table.create, table.destroy, log)?;
        Ok(PluginTransformer { table, instance })
    }
}

impl Transformer for PluginTransformer<'_> {
    fn transform(&self, value: i32) -> Result<TransformResult, ComponentError> {
        let mut out = FfiTransformResult {
            original: 0,
            transformed: ptr::null(),
        };
        // SAFETY: a live instance of this plugin and a valid place for the result.
        let status = unsafe { (self.table.transform)(self.instance.instance, value, &mut out) };
        let plugin = self.instance.plugin;
        plugin.check(status, || format!("transform({value})"))?;
        // SAFETY: on success `transformed` is a string the plugin allocated for us.
        let transformed = unsafe { plugin.take_string(out.transformed.cast_mut()) };
        let transformed = transformed.ok_or_else(|| {
            broke_contract(plugin, "transform: reported success but returned no text")
        })?;
        Ok(TransformResult {
            original: out.original,
            transformed,
        })
    }

    fn analyze(&self, data: &TransformResult) -> Result<String, ComponentError> {
        let plugin = self.instance.plugin;
        // The app's own C string: the plugin only reads it during the call, the app frees it.
        let transformed =
            CString::new(data.transformed.as_str()).map_err(|_| ComponentError::Rejected {
                component: "the app".to_string(),
                reason: "analyze: the text contains a NUL byte, which a C string cannot carry"
                    .to_string(),
            })?;
        let data_in_c_layout = FfiTransformResult {
            original: data.original,
            transformed: transformed.as_ptr(),
        };
        let mut analysis = ptr::null_mut();
        // SAFETY: a live instance, a valid input for the call and a valid place for the answer.
        let status = unsafe {
            (self.table.analyze)(self.instance.instance, &data_in_c_layout, &mut analysis)
        };
        plugin.check(status, || format!("analyze({data:?})"))?;
        // SAFETY: on success `analysis` is a string the plugin allocated for us.
        unsafe { plugin.take_string(analysis) }
            .ok_or_else(|| broke_contract(plugin, "analyze: reported success but returned no text"))
    }
}

/// The error for a plugin that said a call worked but did not deliver what the contract promises.
fn broke_contract(plugin: &PluginLibrary, what: &str) -> ComponentError {
    ComponentError::Rejected {
        component: plugin.describe(),
        reason: format!("{what}, which breaks the plugin contract"),
    }
}
