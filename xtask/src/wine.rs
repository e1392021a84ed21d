//! `cargo xtask wine`: the Windows builds of steps 00 to 07, run under Wine on a Linux machine.
//!
//! Each step is built for `x86_64-pc-windows-gnu` (MinGW-w64's gcc as linker, set through
//! `CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER`, so no step needs a `.cargo/config.toml`), and its
//! `app.exe` runs under Wine exactly as a Windows reader starts a built program: step 05 loads
//! `component1.dll` and `component2.dll`, step 06 starts `service1.exe` and `service2.exe` over
//! pipes, step 07 serves its two services in its own process and calls them over loopback HTTP.
//! Each run must print the step's `expected_output.txt` (normalised as the golden tests do), exit
//! with status 0, and leave no process behind in Wine.
//!
//! Needs `wine`, `wineserver` and `x86_64-w64-mingw32-gcc` (Debian/Ubuntu: `apt-get install wine
//! gcc-mingw-w64-x86-64`); rustup adds the target's standard library. Wine gets its own prefix
//! under `target/wine/`, so `~/.wine` is left alone.

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use crate::cargo;
use crate::child;
use crate::steps::{self, Needs, STEPS, Step};
use crate::table::{self, Table};

const TARGET: &str = "x86_64-pc-windows-gnu";
const LINKER_VAR: &str = "CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER";
const DEFAULT_LINKER: &str = "x86_64-w64-mingw32-gcc";

/// A step's build for Windows, and its run under Wine, are stopped past these.
const BUILD_LIMIT: Duration = Duration::from_secs(30 * 60);
const RUN_LIMIT: Duration = Duration::from_secs(120);
/// Creating a Wine prefix takes some twenty seconds on a small machine.
const BOOT_LIMIT: Duration = Duration::from_secs(5 * 60);
/// After `app.exe` exits, how long the processes it started may take to end.
const LEFTOVER_LIMIT: Duration = Duration::from_secs(30);

/// Rust's standard library imports `ProcessPrng` from `bcryptprimitives.dll` on Windows since
/// Rust 1.78. Wine 8 (Debian 12's) has no such DLL, so every Rust program stops before `main`
/// (status 53: DLL not found). This stand-in exports `ProcessPrng` and forwards it to
/// `RtlGenRandom`, which advapi32 exports as `SystemFunction036`. A Wine that ships the DLL gets
/// no stand-in.
const STAND_IN_DLL: &str = "bcryptprimitives.dll";
const STAND_IN_SOURCE: &str = r#"/* Written by `cargo xtask wine`: a stand-in for the bcryptprimitives.dll that Wine 8 lacks. */
#include <windows.h>

__declspec(dllimport) BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
"#;

/// What a run under Wine leaves unproven; printed after the table.
const NOT_PROVEN: &str = "\
What Wine does not prove: it is not Windows. A console's Ctrl-C (sent to every process attached
to the console, the app's children included), Windows process groups and job objects, and the
MSVC toolchain a Windows reader uses (rustup's default, x86_64-pc-windows-msvc: link.exe and the
MSVC runtime) are not exercised here; these binaries are linked by MinGW's gcc. `.ci/run` lints
every workspace for x86_64-pc-windows-msvc; only a Windows machine (the GitHub workflow's
windows-latest job) builds and tests with MSVC.";

/// The programs this command needs, as found on this machine.
struct Tools {
    wine: OsString,
    wineserver: OsString,
    linker: OsString,
}

enum Outcome {
    Ok,
    Failed(String),
    Skipped(&'static str),
    NotWrittenYet,
}

pub fn run() -> ExitCode {
    if cfg!(windows) {
        eprintln!("error: this is Windows: `cargo xtask journey` runs the steps natively here");
        return ExitCode::FAILURE;
    }
    let started = Instant::now();
    let work = steps::repo_root().join("target").join("wine");
    let prepared = Tools::find().and_then(|tools| {
        let stand_in = prepare_prefix(&tools, &work)?;
        Ok((tools, stand_in))
    });
    let (tools, stand_in) = match prepared {
        Ok(prepared) => prepared,
        Err(why) => {
            eprintln!("error: {why}");
            return ExitCode::FAILURE;
        }
    };

    let mut table = Table::new(&["step", "under Wine", "time"]);
    let mut any_failed = false;
    for step in &STEPS {
        let step_started = Instant::now();
        let (status, time) = match run_step(step, &tools, &work, stand_in.as_deref()) {
            Outcome::Ok => ("ok".to_string(), table::seconds(step_started.elapsed())),
            Outcome::Failed(why) => {
                any_failed = true;
                eprintln!("FAILED: {}: {why}", step.dir);
                (
                    format!("FAILED: {why}"),
                    table::seconds(step_started.elapsed()),
                )
            }
            Outcome::Skipped(why) => (format!("skipped: {why}"), "-".to_string()),
            Outcome::NotWrittenYet => ("not written yet".to_string(), "-".to_string()),
        };
        table.push(vec![step.dir.to_string(), status, time]);
    }
    println!("\n{table}");
    println!("wine run took {}\n", table::seconds(started.elapsed()));
    println!("{NOT_PROVEN}");
    if any_failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

impl Tools {
    /// Finds Wine and the MinGW linker (`WINE`, `WINESERVER` and `LINKER_VAR` override the
    /// names), and makes sure the target's standard library is installed.
    fn find() -> Result<Tools, String> {
        let from_env = |name: &str, default: &str| {
            std::env::var_os(name).unwrap_or_else(|| OsString::from(default))
        };
        let tools = Tools {
            wine: from_env("WINE", "wine"),
            wineserver: from_env("WINESERVER", "wineserver"),
            linker: from_env(LINKER_VAR, DEFAULT_LINKER),
        };
        const INSTALL: &str = "Debian/Ubuntu: `apt-get install wine gcc-mingw-w64-x86-64`";
        for program in [&tools.wine, &tools.wineserver, &tools.linker] {
            let version = Command::new(program)
                .arg("--version")
                .stdin(Stdio::null())
                .output()
                .map_err(|e| format!("cannot run {}: {e} ({INSTALL})", program.display()))?;
            // wineserver prints its version on stderr.
            let printed = [version.stdout, version.stderr].concat();
            let printed = String::from_utf8_lossy(&printed);
            let first_line = printed.lines().find(|l| !l.trim().is_empty());
            eprintln!("{}: {}", program.display(), first_line.unwrap_or_default());
        }
        // Quick when the target is there already; a toolchain without rustup must bring it.
        match Command::new("rustup")
            .args(["target", "add", TARGET])
            .status()
        {
            Ok(status) if status.success() => {}
            Ok(status) => return Err(format!("`rustup target add {TARGET}` failed ({status})")),
            Err(e) => eprintln!("note: no rustup ({e}); the toolchain must have {TARGET}"),
        }
        Ok(tools)
    }
}

/// `program` (wine or wineserver) with our own prefix, quiet but for DLL load errors, and without
/// the Mono and Gecko installers Wine offers on a fresh prefix.
fn in_prefix(program: &OsString, work: &Path) -> Command {
    let mut command = Command::new(program);
    command.env("WINEPREFIX", work.join("prefix"));
    if std::env::var_os("WINEDEBUG").is_none() {
        command.env("WINEDEBUG", "-all,err+module");
    }
    command.env("WINEDLLOVERRIDES", "mscoree,mshtml=");
    command
}

/// Creates (or updates) the Wine prefix, and builds the stand-in DLL when this Wine lacks
/// `bcryptprimitives.dll`; returns the stand-in's path then.
fn prepare_prefix(tools: &Tools, work: &Path) -> Result<Option<PathBuf>, String> {
    fs::create_dir_all(work).map_err(|e| format!("cannot create {}: {e}", work.display()))?;
    eprintln!("==> wineboot (a new prefix takes a while)");
    let mut boot = in_prefix(&tools.wine, work);
    boot.args(["wineboot", "--init"]);
    let finished = child::run_streaming(boot, BOOT_LIMIT, |line| eprintln!("{line}"))
        .map_err(|e| format!("cannot start wine: {e}"))?;
    match finished.status {
        Some(status) if status.success() => {}
        Some(status) => return Err(format!("wineboot failed ({status})")),
        None => return Err(format!("wineboot took over {} s", BOOT_LIMIT.as_secs())),
    }
    // wineboot leaves a placeholder in system32 for every DLL this Wine has built in.
    let system32 = work.join("prefix/drive_c/windows/system32");
    if system32.join(STAND_IN_DLL).is_file() {
        return Ok(None);
    }
    let source = work.join("bcryptprimitives.c");
    let dll = work.join(STAND_IN_DLL);
    fs::write(&source, STAND_IN_SOURCE)
        .map_err(|e| format!("cannot write {}: {e}", source.display()))?;
    let status = Command::new(&tools.linker)
        .args(["-shared", "-O2", "-s", "-o"])
        .arg(&dll)
        .arg(&source)
        .arg("-ladvapi32")
        .status()
        .map_err(|e| format!("cannot run {}: {e}", tools.linker.display()))?;
    if !status.success() {
        return Err(format!(
            "building the stand-in {STAND_IN_DLL} failed ({status})"
        ));
    }
    eprintln!(
        "This Wine has no {STAND_IN_DLL} (Rust's standard library needs its ProcessPrng): each \
         step's app.exe gets a stand-in that forwards to RtlGenRandom ({})",
        dll.display()
    );
    Ok(Some(dll))
}

fn run_step(step: &Step, tools: &Tools, work: &Path, stand_in: Option<&Path>) -> Outcome {
    if matches!(step.needs, Needs::RabbitMq) {
        return Outcome::Skipped("not run under Wine: it needs a broker");
    }
    let dir = steps::repo_root().join(step.dir);
    if !dir.join("Cargo.toml").is_file() {
        return Outcome::NotWrittenYet;
    }
    eprintln!("\n==> {} for {TARGET}, under Wine", step.dir);

    // Every package: step 05's plugins and step 06's services sit next to app.exe.
    let mut build = cargo::in_workspace(&dir);
    build
        .args(["build", "--workspace", "--target", TARGET])
        .env(LINKER_VAR, &tools.linker);
    match child::run_streaming(build, BUILD_LIMIT, |line| println!("{line}")) {
        Ok(finished) => match finished.status {
            Some(status) if status.success() => {}
            Some(status) => return Outcome::Failed(format!("the Windows build failed ({status})")),
            None => return Outcome::Failed("the Windows build took over 30 min".into()),
        },
        Err(e) => return Outcome::Failed(format!("cannot start cargo: {e}")),
    }
    let out_dir = dir.join("target").join(TARGET).join("debug");
    if let Some(dll) = stand_in
        && let Err(e) = fs::copy(dll, out_dir.join(STAND_IN_DLL))
    {
        return Outcome::Failed(format!("cannot copy the stand-in {STAND_IN_DLL}: {e}"));
    }

    // Started as a Windows reader starts a built program: not under Cargo, whose variables would
    // make step 06's app run `cargo build` (a Linux cargo, from inside Wine).
    let mut app = in_prefix(&tools.wine, work);
    app.arg(out_dir.join("app.exe")).current_dir(&dir);
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("CARGO") {
            app.env_remove(name);
        }
    }
    let finished = match child::run_streaming(app, RUN_LIMIT, |line| println!("{line}")) {
        Ok(finished) => finished,
        Err(e) => return Outcome::Failed(format!("cannot start wine: {e}")),
    };
    let outcome = match finished.status {
        None => Outcome::Failed(format!(
            "app.exe still running after {} s; stopped it",
            RUN_LIMIT.as_secs()
        )),
        Some(status) if !status.success() => {
            Outcome::Failed(format!("app.exe exited with {status}"))
        }
        Some(_) => {
            let expected = fs::read_to_string(dir.join("expected_output.txt")).unwrap_or_default();
            match first_difference(&finished.stdout_lines.join("\n"), &expected) {
                None => Outcome::Ok,
                Some(difference) => Outcome::Failed(difference),
            }
        }
    };
    match (outcome, wait_for_leftovers(tools, work)) {
        (Outcome::Ok, Err(why)) => Outcome::Failed(why),
        (outcome, _) => outcome,
    }
}

/// Waits until every process in our Wine prefix has ended (`wineserver -w`); past the limit, the
/// processes are killed and the step fails: a service was left running.
fn wait_for_leftovers(tools: &Tools, work: &Path) -> Result<(), String> {
    let mut wait = in_prefix(&tools.wineserver, work);
    wait.arg("-w");
    let ended = child::run_streaming(wait, LEFTOVER_LIMIT, |_| {})
        .is_ok_and(|finished| finished.status.is_some());
    if ended {
        return Ok(());
    }
    let mut kill = in_prefix(&tools.wineserver, work);
    let _ = kill.arg("-k").status();
    Err(format!(
        "a process was still running in Wine {} s after app.exe exited; killed it",
        LEFTOVER_LIMIT.as_secs()
    ))
}

/// `None` when the output matches the expected text, else the first line that differs.
fn first_difference(output: &str, expected: &str) -> Option<String> {
    let (output, expected) = (normalized(output), normalized(expected));
    if output == expected {
        return None;
    }
    let got: Vec<&str> = output.lines().collect();
    let want: Vec<&str> = expected.lines().collect();
    let at = (0..=got.len().max(want.len()))
        .find(|&i| got.get(i) != want.get(i))
        .unwrap_or(0);
    Some(format!(
        "output line {} is {:?}, expected_output.txt has {:?}",
        at + 1,
        got.get(at).copied().unwrap_or("(end)"),
        want.get(at).copied().unwrap_or("(end)")
    ))
}

/// The steps' golden tests, applied together: `\r\n` made `\n`, the blank lines around the output
/// trimmed, the plugin directory (an absolute path) written `<app dir>`, Windows' plugin file names
/// (`component1.dll`) written as Linux's (`libcomponent1.so`), and loopback ports `PORT`.
fn normalized(text: &str) -> String {
    let text = text.replace("\r\n", "\n");
    let lines: Vec<String> = text
        .lines()
        .map(|line| {
            let line = match line.strip_prefix("Plugin directory: ") {
                Some(rest) => {
                    let origin = rest.rfind(" (").map_or("", |at| &rest[at..]);
                    format!("Plugin directory: <app dir>{origin}")
                }
                None => line.to_string(),
            };
            loopback_ports_hidden(&linux_library_names(&line))
        })
        .collect();
    lines.join("\n").trim_matches('\n').to_string()
}

/// `component1.dll` -> `libcomponent1.so`, for any name made of letters, digits and `_`.
fn linux_library_names(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(at) = rest.find(".dll") {
        let before = &rest[..at];
        let name_len = before.len()
            - before
                .trim_end_matches(|c: char| c.is_ascii_alphanumeric() || c == '_')
                .len();
        let after = &rest[at + ".dll".len()..];
        let ends_word = !after.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_');
        if name_len > 0 && ends_word {
            out.push_str(&before[..before.len() - name_len]);
            out.push_str(&format!("lib{}.so", &before[before.len() - name_len..]));
        } else {
            out.push_str(&rest[..at + ".dll".len()]);
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

/// `127.0.0.1:40123` -> `127.0.0.1:PORT`.
fn loopback_ports_hidden(line: &str) -> String {
    const HOST: &str = "127.0.0.1:";
    let mut out = String::new();
    let mut rest = line;
    while let Some(at) = rest.find(HOST) {
        let after = &rest[at + HOST.len()..];
        let digits = after.len() - after.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        out.push_str(&rest[..at + HOST.len()]);
        out.push_str(if digits > 0 { "PORT" } else { "" });
        rest = &after[digits..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_windows_run_of_step_05_matches_its_linux_spelling() {
        let windows = "\r\nPlugin directory: Z:\\repo\\target\\x86_64-pc-windows-gnu\\debug \
                       (the app's own directory)\r\nLoaded component1.dll: component1 0.1.0\r\n";
        assert_eq!(
            normalized(windows),
            "Plugin directory: <app dir> (the app's own directory)\n\
             Loaded libcomponent1.so: component1 0.1.0"
        );
    }

    #[test]
    fn loopback_ports_are_hidden_and_other_numbers_kept() {
        assert_eq!(
            normalized("at http://127.0.0.1:40123 and 127.0.0.1:PORT, Value-0084"),
            "at http://127.0.0.1:PORT and 127.0.0.1:PORT, Value-0084"
        );
    }

    #[test]
    fn only_whole_dll_names_are_renamed() {
        assert_eq!(
            linux_library_names("x.dllfoo .dll a_b2.dll."),
            "x.dllfoo .dll liba_b2.so."
        );
    }

    #[test]
    fn every_expected_output_is_left_as_it_is() {
        // The normalisation only touches what differs between machines: an expected file, which
        // is already written the Linux way, comes through unchanged (blank edges aside).
        for step in &STEPS {
            let path = steps::repo_root()
                .join(step.dir)
                .join("expected_output.txt");
            let Ok(expected) = fs::read_to_string(&path) else {
                continue;
            };
            let expected = expected.replace("\r\n", "\n");
            assert_eq!(
                normalized(&expected),
                expected.trim_matches('\n'),
                "{}",
                step.dir
            );
        }
    }

    #[test]
    fn the_first_differing_line_is_reported() {
        assert_eq!(first_difference("a\nb\n", "\na\nb"), None);
        assert_eq!(
            first_difference("a\nc", "a\nb"),
            Some(r#"output line 2 is "c", expected_output.txt has "b""#.to_string())
        );
        assert_eq!(
            first_difference("a", "a\nb"),
            Some(r#"output line 2 is "(end)", expected_output.txt has "b""#.to_string())
        );
    }

    #[test]
    fn every_step_run_under_wine_has_an_app_binary() {
        // `run_step` starts `app.exe`: each step's binary is called `app`.
        for step in STEPS.iter().filter(|s| matches!(s.needs, Needs::Toolchain)) {
            let dir = steps::repo_root().join(step.dir);
            let manifests = [dir.join("Cargo.toml"), dir.join("app/Cargo.toml")];
            let declares_app = manifests.iter().any(|manifest| {
                fs::read_to_string(manifest).is_ok_and(|text| text.contains("name = \"app\""))
            });
            assert!(declares_app, "{} has no package called app", step.dir);
        }
    }
}
