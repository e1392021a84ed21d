//! The plugin's half of the contract: turning an ordinary Rust component into C function tables.
//!
//! A plugin crate implements `traits::Processor` (or `Transformer`) and [`PluginComponent`] the
//! way it would for a statically linked app, and exports the [`PluginDeclaration`] that
//! [`declare_processor`] (or [`declare_transformer`]) makes for its component type. The
//! `extern "C"` functions in the declaration's tables are written once, here, generic over the
//! component type, so that every plugin gets the same care at the boundary:
//!
//! - every call runs inside `guard`, which turns an `Err` into [`StatusCode::REJECTED`] and a
//!   panic into [`StatusCode::PANICKED`], each with a message the host can print;
//! - every string handed to the host is allocated here and freed here, by [`free_string`];
//! - a panic inside a call prints nothing of its own: the host reports it, on one line.
//!
//! This code is compiled into each plugin file, so "here" means "in that plugin": its allocator,
//! its copy of the standard library.

use std::any::Any;
use std::cell::Cell;
use std::ffi::{CStr, CString, c_char, c_void};
use std::fmt::Display;
use std::marker::PhantomData;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use traits::{ComponentError, ProcessResult, Processor, TransformResult, Transformer};

use crate::{
    ABI_VERSION, CallStatus, FfiProcessResult, FfiTransformResult, LogFn, PluginDeclaration,
    ProcessorTable, StatusCode, TransformerTable,
};

/// How the `create` function of a table builds the component, given the host's chatter sink.
pub trait PluginComponent {
    fn create(chatter: Chatter) -> Self;
}

/// Where a component's chatter lines go: to the host, which prints them, or nowhere. The host
/// decides (it passes no sink with `--repeat`), so a quiet run costs the plugin no formatting.
pub struct Chatter {
    log: Option<LogFn>,
}

impl Chatter {
    /// A sink that drops every line: for a component used outside a host, as in unit tests.
    pub fn quiet() -> Self {
        Chatter { log: None }
    }

    /// Sends one line to the host. Formatting happens only if someone listens, so pass
    /// `format_args!(...)` rather than `format!(...)`.
    pub fn say(&self, line: impl Display) {
        if let Some(log) = self.log {
            let line = c_string(&line.to_string());
            // SAFETY: the host gave us `log` with this instance and keeps it valid until it calls
            // `destroy`; `line` is a valid C string for the duration of the call.
            unsafe { log(line.as_ptr()) };
        }
    }
}

/// The declaration of a processor plugin: this ABI version, the plugin's `name` and `version`
/// (NUL-terminated, see [`nul_terminated`]), the processor table of component type `P`, and this
/// crate's [`free_string`]. Compiled into the plugin, that `free_string` frees with the plugin's
/// own allocator, which is the point.
pub const fn declare_processor<P: Processor + PluginComponent>(
    name: &'static CStr,
    version: &'static CStr,
) -> PluginDeclaration {
    PluginDeclaration {
        abi_version: ABI_VERSION,
        name: name.as_ptr(),
        version: version.as_ptr(),
        processor: Some(Tables::<P>::PROCESSOR),
        transformer: None,
        free_string,
    }
}

/// The declaration of a transformer plugin, as [`declare_processor`] builds one for a processor.
pub const fn declare_transformer<T: Transformer + PluginComponent>(
    name: &'static CStr,
    version: &'static CStr,
) -> PluginDeclaration {
    PluginDeclaration {
        abi_version: ABI_VERSION,
        name: name.as_ptr(),
        version: version.as_ptr(),
        processor: None,
        transformer: Some(Tables::<T>::TRANSFORMER),
        free_string,
    }
}

/// The function tables of component type `C`. As associated constants they are `'static` data
/// compiled into the plugin, one table per component type, which the declaration points to.
struct Tables<C>(PhantomData<C>);

impl<P: Processor + PluginComponent> Tables<P> {
    const PROCESSOR: &'static ProcessorTable = &ProcessorTable {
        create: create::<P>,
        process: process::<P>,
        validate: validate::<P>,
        destroy: destroy::<P>,
    };
}

impl<T: Transformer + PluginComponent> Tables<T> {
    const TRANSFORMER: &'static TransformerTable = &TransformerTable {
        create: create::<T>,
        transform: transform::<T>,
        analyze: analyze::<T>,
        destroy: destroy::<T>,
    };
}

/// A NUL-terminated string literal as a `&CStr`, checked at compile time: for the `name` and
/// `version` of a declaration, as in
/// `nul_terminated(concat!(env!("CARGO_PKG_VERSION"), "\0"))`.
pub const fn nul_terminated(text: &'static str) -> &'static CStr {
    match CStr::from_bytes_with_nul(text.as_bytes()) {
        Ok(text) => text,
        Err(_) => panic!("a plugin's name and version must end in \\0 and hold no other NUL"),
    }
}

/// The `free_string` of every declaration: takes back a string this plugin handed out.
///
/// # Safety
///
/// `text` is null or a pointer this plugin returned and that nobody has freed yet.
pub unsafe extern "C" fn free_string(text: *mut c_char) {
    if text.is_null() {
        return;
    }
    // Nobody is left to report a panic to while freeing, and none can happen here short of heap
    // corruption; the guard still keeps one from unwinding into the host.
    let _ = panic::catch_unwind(|| {
        // SAFETY: the caller hands back a pointer that `into_raw` produced, exactly once.
        drop(unsafe { CString::from_raw(text) });
    });
}

/// Runs one call of the component and reports how it went, catching every panic.
///
/// `AssertUnwindSafe` is honest here: after a panic the component is never called again for that
/// run (the host reports the error and stops), so a half-updated component is never observed.
fn guard(call: impl FnOnce() -> Result<(), ComponentError>) -> CallStatus {
    // Inside the call, a panic prints nothing of its own: the host reports it, on one line.
    silence_panics_inside_calls();
    let was_inside = INSIDE_CALL.replace(true);
    // `catch_unwind` runs `call` and stops a panic here, on the plugin's side: `Ok(what call
    // returned)`, or `Err(the panic's payload)`, a `Box`; `&*payload` borrows what it holds.
    // `AssertUnwindSafe` is our promise that nothing half-updated is used after a panic.
    let outcome = panic::catch_unwind(AssertUnwindSafe(call));
    INSIDE_CALL.set(was_inside);
    let (code, message) = match outcome {
        Ok(Ok(())) => return CALL_OK, // no panic, and the call returned `Ok(())`
        Ok(Err(error)) => (StatusCode::REJECTED, error.to_string()),
        Err(payload) => (StatusCode::PANICKED, panic_message(&*payload).to_string()),
    };
    // Hand the string to the host; it gives it back through `free_string`.
    let message = c_string(&message).into_raw();
    CallStatus { code, message }
}

/// The status of a call that worked: no message.
const CALL_OK: CallStatus = CallStatus {
    code: StatusCode::OK,
    message: std::ptr::null_mut(),
};

thread_local! {
    /// Whether this thread is inside a [`guard`]ed call. A `const`-initialised `Cell<bool>` needs
    /// no destructor, so it registers nothing that could run after the library is unloaded.
    static INSIDE_CALL: Cell<bool> = const { Cell::new(false) };
}

/// Installs, once per plugin, a panic hook that stays silent inside guarded calls.
///
/// By default a panic prints `thread 'main' panicked at ...` and a backtrace note to stderr
/// before it unwinds. Inside a call, [`guard`] catches the panic and the host prints it as one
/// error line, so that output would only be noise. Outside a call (a plugin's own unit tests),
/// the previous hook still runs, so a failing test still says why.
fn silence_panics_inside_calls() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !INSIDE_CALL.get() {
                previous(info);
            }
        }));
    });
}

/// The text of a panic: `panic!("...")` carries a `&str` or a `String`; anything else is rare.
fn panic_message(payload: &(dyn Any + Send)) -> &str {
    let text = payload.downcast_ref::<&str>().copied();
    let text = text.or_else(|| payload.downcast_ref::<String>().map(String::as_str));
    text.unwrap_or("a panic whose payload is not text")
}

/// A C string from any text: an interior NUL would end the string early, so it becomes U+FFFD.
fn c_string(text: &str) -> CString {
    CString::new(text.replace('\0', "\u{FFFD}")).unwrap_or_default()
}

unsafe extern "C" fn create<C: PluginComponent>(
    log: Option<LogFn>,
    out: *mut *mut c_void,
) -> CallStatus {
    guard(|| {
        let component = Box::new(C::create(Chatter { log }));
        // SAFETY: `out` is a valid place for one pointer, per the contract.
        unsafe { out.write(Box::into_raw(component).cast()) };
        Ok(())
    })
}

unsafe extern "C" fn destroy<C>(instance: *mut c_void) -> CallStatus {
    guard(|| {
        // SAFETY: `instance` came from `create::<C>` and the host destroys it exactly once.
        drop(unsafe { Box::from_raw(instance.cast::<C>()) });
        Ok(())
    })
}

unsafe extern "C" fn process<P: Processor>(
    instance: *const c_void,
    value: i32,
    out: *mut FfiProcessResult,
) -> CallStatus {
    guard(|| {
        // SAFETY: `instance` came from `create::<P>` and is not destroyed yet.
        let processor = unsafe { &*instance.cast::<P>() };
        let result = processor.process(value)?;
        // SAFETY: the host passes a valid place for the result, per the contract.
        unsafe { out.write(FfiProcessResult::from(&result)) };
        Ok(())
    })
}

unsafe extern "C" fn validate<P: Processor>(
    instance: *const c_void,
    data: *const FfiProcessResult,
    out: *mut bool,
) -> CallStatus {
    guard(|| {
        // SAFETY: as in `process`.
        let processor = unsafe { &*instance.cast::<P>() };
        // SAFETY: `data` points to a valid result, lent by the host for the call.
        let data = ProcessResult::from(unsafe { data.read() });
        let is_valid = processor.validate(&data)?;
        // SAFETY: the host passes a valid place for the answer, per the contract.
        unsafe { out.write(is_valid) };
        Ok(())
    })
}

unsafe extern "C" fn transform<T: Transformer>(
    instance: *const c_void,
    value: i32,
    out: *mut FfiTransformResult,
) -> CallStatus {
    guard(|| {
        // SAFETY: `instance` came from `create::<T>` and is not destroyed yet.
        let transformer = unsafe { &*instance.cast::<T>() };
        let result = transformer.transform(value)?;
        let in_c_layout = FfiTransformResult {
            original: result.original,
            // Handed to the host, which gives it back through `free_string`.
            transformed: c_string(&result.transformed).into_raw(),
        };
        // SAFETY: the host passes a valid place for the result, per the contract.
        unsafe { out.write(in_c_layout) };
        Ok(())
    })
}

unsafe extern "C" fn analyze<T: Transformer>(
    instance: *const c_void,
    data: *const FfiTransformResult,
    out: *mut *mut c_char,
) -> CallStatus {
    guard(|| {
        // SAFETY: as in `transform`.
        let transformer = unsafe { &*instance.cast::<T>() };
        // SAFETY: `data` and its NUL-terminated string are the host's, valid for the call.
        let data = unsafe { data.read() };
        // SAFETY: as just said, for the string.
        let transformed = unsafe { CStr::from_ptr(data.transformed) };
        let data = TransformResult {
            original: data.original,
            transformed: transformed.to_string_lossy().into_owned(),
        };
        let analysis = transformer.analyze(&data)?;
        // SAFETY: the host passes a valid place for the answer; it frees the string we write.
        unsafe { out.write(c_string(&analysis).into_raw()) };
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Copies and frees what a guarded call returned, as the host does.
    fn take(status: CallStatus) -> (StatusCode, String) {
        let message = if status.message.is_null() {
            String::new()
        } else {
            let text = unsafe { CStr::from_ptr(status.message) }
                .to_string_lossy()
                .into_owned();
            unsafe { free_string(status.message) };
            text
        };
        (status.code, message)
    }

    #[test]
    fn a_call_that_works_reports_ok_and_no_message() {
        assert_eq!(take(guard(|| Ok(()))), (StatusCode::OK, String::new()));
    }

    #[test]
    fn an_error_is_reported_as_rejected_with_its_message() {
        let (code, message) = take(guard(|| Err(ComponentError::Overflow { value: i32::MAX })));
        assert_eq!(code, StatusCode::REJECTED);
        assert!(message.starts_with("overflow: 2147483647"), "{message}");
    }

    #[test]
    fn a_panic_is_caught_and_reported_with_its_text() {
        let (code, message) = take(guard(|| panic!("broken on purpose: {}", 42)));
        assert_eq!(code, StatusCode::PANICKED);
        assert_eq!(message, "broken on purpose: 42");
    }

    #[test]
    fn interior_nul_bytes_cannot_cut_a_message_short() {
        assert_eq!(c_string("a\0b").to_str(), Ok("a\u{FFFD}b"));
    }

    #[test]
    fn nul_terminated_accepts_a_literal_ending_in_nul() {
        assert_eq!(nul_terminated("component1\0"), c"component1");
    }
}
