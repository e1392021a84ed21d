//! Which machine the numbers come from, and when: the heading of every report. Latencies mean
//! little without the CPU, the core count and the OS they were measured on.

use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

#[derive(Debug, Clone, PartialEq)]
pub struct Machine {
    pub os: String,
    pub arch: &'static str,
    /// The CPU model, if the OS tells it.
    pub cpu: Option<String>,
    pub logical_cpus: Option<usize>,
    /// `rustc --version`.
    pub rustc: Option<String>,
}

impl Machine {
    pub fn describe() -> Machine {
        Machine {
            os: os_name(),
            arch: std::env::consts::ARCH,
            cpu: cpu_model(),
            logical_cpus: std::thread::available_parallelism().ok().map(|n| n.get()),
            rustc: command_output("rustc", &["--version"]),
        }
    }

    /// One line: `Linux (Debian GNU/Linux 12) x86_64, AMD EPYC 7B13, 2 logical CPUs, rustc 1.95.0`.
    pub fn summary(&self) -> String {
        let mut parts = vec![format!("{} {}", self.os, self.arch)];
        parts.extend(self.cpu.clone());
        parts.extend(self.logical_cpus.map(|n| format!("{n} logical CPUs")));
        parts.extend(
            self.rustc
                .as_deref()
                .map(|v| v.split(" (").next().unwrap_or(v).to_string()),
        );
        parts.join(", ")
    }
}

/// The OS, with its distribution or version when it is cheap to find.
fn os_name() -> String {
    match std::env::consts::OS {
        "linux" => {
            let pretty = std::fs::read_to_string("/etc/os-release")
                .ok()
                .and_then(|text| {
                    text.lines()
                        .find_map(|line| line.strip_prefix("PRETTY_NAME="))
                        .map(|name| name.trim_matches('"').to_string())
                });
            match pretty {
                Some(name) => format!("Linux ({name})"),
                None => "Linux".to_string(),
            }
        }
        "macos" => match command_output("sw_vers", &["-productVersion"]) {
            Some(version) => format!("macOS {version}"),
            None => "macOS".to_string(),
        },
        "windows" => "Windows".to_string(),
        other => other.to_string(),
    }
}

fn cpu_model() -> Option<String> {
    match std::env::consts::OS {
        "linux" => {
            let text = std::fs::read_to_string("/proc/cpuinfo").ok()?;
            cpu_model_from_cpuinfo(&text)
        }
        "macos" => command_output("sysctl", &["-n", "machdep.cpu.brand_string"]),
        "windows" => std::env::var("PROCESSOR_IDENTIFIER").ok(),
        _ => None,
    }
}

/// The first `model name` of `/proc/cpuinfo` (x86), or its `Model` line (many ARM boards).
fn cpu_model_from_cpuinfo(text: &str) -> Option<String> {
    text.lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(key, _)| matches!(key.trim(), "model name" | "Model"))
        .map(|(_, value)| value.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|model| !model.is_empty())
}

/// The first line a command prints, if it runs and succeeds.
fn command_output(program: &str, args: &[&str]) -> Option<String> {
    let output = Command::new(program).args(args).output().ok()?;
    if !output.status.success() {
        return None;
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let line = text.lines().next()?.trim();
    (!line.is_empty()).then(|| line.to_string())
}

/// Today's date in UTC, `YYYY-MM-DD`, from the system clock (std has no calendar).
pub fn today_utc() -> String {
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (year, month, day) = civil_from_days(seconds / 86_400);
    format!("{year:04}-{month:02}-{day:02}")
}

/// The proleptic Gregorian date `days` after 1970-01-01, after Howard Hinnant's
/// `civil_from_days`: shift to eras of 400 years that start on 1 March, where the leap day is
/// the last day of the year.
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let day_of_era = z % 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153; // 0 = March
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_since_the_epoch_become_calendar_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(59), (1970, 3, 1));
        // 2000 was a leap year (divisible by 400): 29 February exists.
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(11_017), (2000, 3, 1));
        assert_eq!(civil_from_days(20_416), (2025, 11, 24));
        assert_eq!(civil_from_days(20_818), (2026, 12, 31));
    }

    #[test]
    fn the_cpu_model_is_read_from_cpuinfo_of_x86_and_arm() {
        let x86 = "processor\t: 0\nmodel name\t: AMD EPYC  7B13 64-Core Processor\nflags\t: fpu\n";
        assert_eq!(
            cpu_model_from_cpuinfo(x86).as_deref(),
            Some("AMD EPYC 7B13 64-Core Processor")
        );
        let arm = "processor\t: 0\nBogoMIPS\t: 108.00\n\nModel\t\t: Raspberry Pi 5 Model B\n";
        assert_eq!(
            cpu_model_from_cpuinfo(arm).as_deref(),
            Some("Raspberry Pi 5 Model B")
        );
        assert_eq!(cpu_model_from_cpuinfo("processor\t: 0\n"), None);
    }

    #[test]
    fn the_machine_summary_is_one_line_with_what_is_known() {
        let machine = Machine {
            os: "Linux (Debian GNU/Linux 12 (bookworm))".into(),
            arch: "x86_64",
            cpu: Some("AMD EPYC 7B13".into()),
            logical_cpus: Some(2),
            rustc: Some("rustc 1.95.0 (59807616e 2026-04-14)".into()),
        };
        assert_eq!(
            machine.summary(),
            "Linux (Debian GNU/Linux 12 (bookworm)) x86_64, AMD EPYC 7B13, 2 logical CPUs, rustc 1.95.0"
        );
        let bare = Machine {
            cpu: None,
            logical_cpus: None,
            rustc: None,
            ..machine
        };
        assert_eq!(
            bare.summary(),
            "Linux (Debian GNU/Linux 12 (bookworm)) x86_64"
        );
    }
}
