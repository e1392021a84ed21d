//! The one way this crate starts Cargo in a workspace of the repository.

use std::path::Path;
use std::process::Command;

use crate::steps;

/// `cargo` (the toolchain that runs us) in `workspace`, building into `workspace/target`
/// whatever `CARGO_TARGET_DIR` (or `build.target-dir` in a Cargo config) says.
///
/// The steps share package names, versions and relative paths (`app`, `traits`, `component1`...).
/// In one shared target directory Cargo takes one step's `traits` for another's, and steps 03
/// and 04 stop compiling (`E0053`) once step 05 was built. Each workspace's own `target/` keeps
/// them apart, and it is where the bench and a reader look for each step's binaries.
pub fn in_workspace(workspace: &Path) -> Command {
    let mut command = Command::new(steps::cargo());
    command
        .current_dir(workspace)
        .env("CARGO_TARGET_DIR", workspace.join("target"));
    command
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cargo_builds_into_the_workspaces_own_target_directory() {
        let workspace = steps::repo_root().join("step03_traits");
        let command = in_workspace(&workspace);
        assert_eq!(command.get_current_dir(), Some(workspace.as_path()));
        let target_dir = command
            .get_envs()
            .find(|(name, _)| *name == "CARGO_TARGET_DIR")
            .and_then(|(_, value)| value);
        assert_eq!(target_dir, Some(workspace.join("target").as_os_str()));
    }
}
