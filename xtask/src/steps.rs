//! The nine steps of the journey, in order, and what each needs before it can run.

use std::path::PathBuf;

use crate::broker;

/// Every step, whatever its architecture, ends its output with these lines.
pub const INVARIANT_LINES: [&str; 2] = ["Analysis: 84 maps to Value-0084", "Execution complete"];

pub struct Step {
    /// Directory at the repository root, and the name readers see in every table.
    pub dir: &'static str,
    pub architecture: &'static str,
    pub needs: Needs,
}

/// What must be in place, outside this repository, before a step can run.
pub enum Needs {
    /// A Rust toolchain is enough.
    Toolchain,
    /// A RabbitMQ broker reachable at `AMQP_ADDR`.
    RabbitMq,
}

impl Needs {
    /// `Err` carries the reason the step cannot run here, and what to do about it.
    pub fn check(&self) -> Result<(), String> {
        match self {
            Needs::Toolchain => Ok(()),
            Needs::RabbitMq => broker::check_reachable(&broker::amqp_addr()),
        }
    }
}

pub const STEPS: [Step; 9] = [
    Step {
        dir: "step00_mono_file",
        architecture: "one main.rs",
        needs: Needs::Toolchain,
    },
    Step {
        dir: "step01_multi_file",
        architecture: "modules in one crate",
        needs: Needs::Toolchain,
    },
    Step {
        dir: "step02_workspace",
        architecture: "workspace of crates",
        needs: Needs::Toolchain,
    },
    Step {
        dir: "step03_traits",
        architecture: "traits, dependency inversion",
        needs: Needs::Toolchain,
    },
    Step {
        dir: "step04_plugin_dll",
        architecture: "cdylib built, linked statically",
        needs: Needs::Toolchain,
    },
    Step {
        dir: "step05_runtime_dll",
        architecture: "plugins loaded at run time",
        needs: Needs::Toolchain,
    },
    Step {
        dir: "step06_multi_process",
        architecture: "child processes, JSON lines",
        needs: Needs::Toolchain,
    },
    Step {
        dir: "step07_http",
        architecture: "HTTP services",
        needs: Needs::Toolchain,
    },
    Step {
        dir: "step08_broker",
        architecture: "workers behind RabbitMQ",
        needs: Needs::RabbitMq,
    },
];

/// The benchmark programs' own workspaces (see `cargo xtask bench` and `cargo xtask faults`). They are tested, linted and
/// held to the same conventions as the steps. `bench/measure` is not here: it is a member of the
/// root workspace, tested with `xtask`.
pub const BENCH_WORKSPACES: [&str; 4] = [
    "bench/direct_call",
    "bench/dyn_call",
    "bench/fault_fixtures",
    "bench/floors",
];

/// The repository root: the parent of this crate's directory. Read at run time (Cargo sets
/// `CARGO_MANIFEST_DIR` for the programs it runs) so that a moved checkout still finds itself.
pub fn repo_root() -> PathBuf {
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    match manifest_dir.parent() {
        Some(root) => root.to_path_buf(),
        None => manifest_dir,
    }
}

/// The Cargo that started us (Cargo sets `CARGO`), so every step is built by the same toolchain.
pub fn cargo() -> PathBuf {
    std::env::var_os("CARGO")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("cargo"))
}
