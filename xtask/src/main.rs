//! Drives the whole journey from the repository root, on any OS that has a Rust toolchain.
//!
//! - `cargo xtask journey` builds and runs every step in order, 00 to 08, checks that each one
//!   printed the journey's two invariant lines, and ends with a table of what happened.
//! - `cargo xtask test` runs `cargo test` in every step (and this crate's own tests), streaming
//!   the output, then prints a summary table; it exits with status 1 if anything failed.
//! - `cargo xtask compose` runs step 08 as containers with the committed `docker-compose.yml`:
//!   the pipeline, scaling, a killed worker, a restarted broker, and `down -v` (needs Docker).
//! - `cargo xtask bench` measures what each boundary costs (release builds) and writes the
//!   report shown in `bench/README.md`, and the root README's compact table; `--smoke` runs it in
//!   miniature to prove it still works.
//! - `cargo xtask wine` builds steps 00 to 07 for Windows and runs them under Wine (Linux), to
//!   show on this machine what a Windows reader sees.
//! - `cargo xtask faults` throws the same faults at every step and writes what each survived
//!   beside the bench's report; `--smoke` likewise.
//!
//! `cargo xtask` is an alias, set in the root `.cargo/config.toml`, for
//! `cargo run --quiet --package xtask --`. Automation written in Rust rather than in shell
//! scripts runs unchanged on Windows, where many of the post's readers are.
//!
//! # Layout
//!
//! - `steps`: the nine steps in order, what each needs to run, and the invariant lines.
//! - `bench`: `cargo xtask bench`, with its report.
//! - `faults`: `cargo xtask faults`, with its report.
//! - `results`: the root README's compact table and `bench/README.md`'s "What it shows", made
//!   from the two commands' full tables in `bench/results/`.
//! - `journey`: `cargo xtask journey`.
//! - `wine`: `cargo xtask wine`.
//! - `cargo`: starts Cargo in a workspace, building into that workspace's own `target/`.
//! - `test_all`: `cargo xtask test`.
//! - `compose`: `cargo xtask compose`.
//! - `child`: runs a command with a time limit while streaming its standard output.
//! - `broker`: whether RabbitMQ is reachable (step 08 needs it).
//! - `table`: the summary tables both commands print.
//! - `conventions` (tests only): what every step must keep (README, golden file, manifests),
//!   and what the front pages must (links that resolve, the tables the commands wrote).
//! - `snippets` (tests only): every README snippet that names a file stands in that file.
//! - `readme_commands` (tests only): every command a README shows pastes into bash and PowerShell.

mod bench;
mod broker;
mod cargo;
mod child;
mod compose;
#[cfg(test)]
mod conventions;
mod faults;
mod journey;
#[cfg(test)]
mod readme_commands;
mod results;
#[cfg(test)]
mod snippets;
mod steps;
mod table;
mod test_all;
mod wine;

use std::process::ExitCode;

const USAGE: &str = "\
Usage: cargo xtask <command>

Commands:
  journey   build and run every step in order, check each prints the result lines, show a table
  test      run `cargo test` in every step, show a summary table; exit status 1 if any failed
  bench     measure what each boundary costs (release builds); write bench/results/,
            bench/README.md and the root README's compact table. `bench --smoke`: a few
            pipelines per row, debug builds
  wine      build steps 00-07 for Windows (x86_64-pc-windows-gnu) and run each under Wine;
            needs wine and x86_64-w64-mingw32-gcc (Linux)
  faults    throw the same faults (crash, hang, upgrade) at every step's programs; write
            bench/results/faults.md, bench/README.md and the root README's compact table.
            `faults --smoke`: short runs
  compose   run step 08 as containers with docker-compose.yml: the pipeline, scaling, a killed
            worker, a restarted broker, `down -v` (needs a Docker engine and Compose)
  help      show this message
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("journey") => journey::run(),
        Some("bench") => bench::command(&args[1..]),
        Some("faults") => faults::command(&args[1..]),
        Some("test") => test_all::run(),
        Some("wine") => wine::run(),
        Some("compose") => compose::run(),
        Some("help" | "--help" | "-h") | None => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some(other) => {
            eprintln!("error: unknown command `{other}`; `cargo xtask help` lists the commands");
            ExitCode::FAILURE
        }
    }
}
