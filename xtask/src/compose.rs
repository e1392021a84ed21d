//! `cargo xtask compose`: step 08 as containers, run the way its README tells readers to, from the
//! repository root with the committed `docker-compose.yml` and `step08_broker/Dockerfile` (never a
//! copy of them). Four parts, each checked:
//!
//! 1. **pipeline**: `up --build` builds the image; the app container prints the golden pipeline
//!    (`step08_broker/expected_output.txt`) and exits 0 while the broker and the workers keep
//!    running;
//! 2. **scaling**: `up --build --scale service1=3 -d`, then `run --rm app --repeat 30
//!    --concurrency 6` ends with `ok=30 failed=0`, and more than one service1 container answered;
//! 3. **faults**: a service1 container killed during a run of a few hundred pipelines loses none;
//!    the broker restarted between two runs, the workers reconnect and the second run succeeds;
//! 4. **clean-up**: `down -v` leaves no container, network or volume of the project.
//!
//! It runs under a project name of its own (`-p`), so nothing of a reader's `docker compose up`
//! is touched; publishes the management UI on a free port (`RABBITMQ_UI_PORT`), so a RabbitMQ on
//! this machine keeps 5672 and 15672; sets a password full of URI-special characters, which must
//! work, and a simulated work time for service1 (`WORK_MS`); and removes the images it built at
//! the end. It uses `docker compose` (Compose v2) where
//! that plugin is installed, else `docker-compose` (v1).
//!
//! The base images are the engine's: pulled where a registry answers (GitHub), seeded by
//! `.ci/seed-docker-images` where none does (our machines). Without a Docker engine the command
//! prints one line and succeeds, except under `CI=true`, where that is a failure.

use std::io::Read;
use std::net::TcpListener;
use std::process::{Child, Command, ExitCode, Output, Stdio};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::steps;
use crate::table::{self, Table};

/// The first `up --build` compiles step 08 in release mode inside a container.
const BUILD_LIMIT: Duration = Duration::from_secs(30 * 60);
/// Any other compose or docker command.
const COMMAND_LIMIT: Duration = Duration::from_secs(5 * 60);
/// Waiting for a container state, a healthy broker or the workers' consumers.
const WAIT_LIMIT: Duration = Duration::from_secs(3 * 60);
const POLL: Duration = Duration::from_millis(200);
/// Pipelines in the run during which a service1 container is killed: enough that the run is
/// still going when the kill lands.
const FAULT_RUN: usize = 400;
/// service1's simulated work per message: long enough that a killed service1 dies holding
/// messages it has not acknowledged, which the broker must then hand to another one.
const WORK_MS: &str = "20";
/// Each of `@ / : % # ?` would cut an `amqp://user:password@host` address in the wrong place if
/// it were not percent-encoded.
const PASSWORD: &str = "p@ss/w:rd%#?";

type Part = fn(&Compose) -> Result<(), String>;

pub fn run() -> ExitCode {
    let compose = match Compose::find() {
        Ok(compose) => compose,
        Err(reason) if std::env::var("CI").as_deref() == Ok("true") => {
            eprintln!("error: cargo xtask compose: {reason}, and CI=true needs it");
            return ExitCode::FAILURE;
        }
        Err(reason) => {
            println!("SKIPPED cargo xtask compose: {reason}");
            return ExitCode::SUCCESS;
        }
    };
    eprintln!(
        "compose test: `{} -p {}`, management UI on 127.0.0.1:{}",
        compose.program.join(" "),
        compose.project,
        compose.ui_port
    );

    let parts: [(&str, Part); 5] = [
        ("pipeline: up --build", pipeline),
        ("scaling: --scale service1=3", scaling),
        ("fault: a service1 killed mid-run", killed_worker),
        ("fault: the broker restarted", restarted_broker),
        ("clean-up: down -v", down),
    ];
    let mut table = Table::new(&["part", "status", "time"]);
    let mut failed = false;
    for (name, part) in parts {
        if failed {
            table.push(vec![name.to_string(), "not run".to_string()]);
            continue;
        }
        eprintln!("\n==> {name}");
        let started = Instant::now();
        let status = match part(&compose) {
            Ok(()) => "ok".to_string(),
            Err(error) => {
                eprintln!("error: {error}");
                compose.show_logs();
                failed = true;
                "FAILED".to_string()
            }
        };
        table.push(vec![
            name.to_string(),
            status,
            table::seconds(started.elapsed()),
        ]);
    }
    compose.remove_everything();
    println!("\n{table}");
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// 1. The README's first command, attached as a reader runs it: it builds, starts everything, and
///    the app runs the pipeline once and exits while the rest keeps running.
fn pipeline(compose: &Compose) -> Result<(), String> {
    let mut up = compose
        .command(&["up", "--build"])
        .stdin(Stdio::null())
        .spawn()
        .map_err(|error| format!("cannot start {}: {error}", compose.program.join(" ")))?;
    let checked = check_pipeline(compose, &mut up);
    // Stops only the attached client; the containers keep running for the next parts.
    let _ = up.kill();
    let _ = up.wait();
    checked
}

fn check_pipeline(compose: &Compose, up: &mut Child) -> Result<(), String> {
    let app = wait_for(BUILD_LIMIT, "the app container to run and exit", || {
        if let Ok(Some(status)) = up.try_wait() {
            return Err(format!(
                "`up --build` ended ({status}) before the app exited"
            ));
        }
        let Some(app) = compose.containers("app")?.into_iter().next() else {
            return Ok(None);
        };
        let exited = inspect(&app, "{{.State.Status}}")? == "exited";
        Ok(exited.then_some(app))
    })?;

    let exit_code = inspect(&app, "{{.State.ExitCode}}")?;
    let logs = docker(&["logs", &app])?;
    let stdout = String::from_utf8_lossy(&logs.stdout);
    println!("app container's stdout:\n{stdout}");
    if exit_code != "0" {
        return Err(format!(
            "the app exited with {exit_code}; its stderr:\n{}",
            String::from_utf8_lossy(&logs.stderr)
        ));
    }
    let golden =
        std::fs::read_to_string(steps::repo_root().join("step08_broker/expected_output.txt"))
            .map_err(|error| format!("cannot read step08_broker/expected_output.txt: {error}"))?;
    if !matches_golden(&golden, &stdout) {
        return Err(format!(
            "the app's stdout is not step08_broker/expected_output.txt:\n{golden}"
        ));
    }
    for service in ["rabbitmq", "service1", "service2"] {
        let running = compose.running(service)?.len();
        println!("{service}: {running} container(s) still running");
        if running != 1 {
            return Err(format!(
                "{service} should still be running after the app exited"
            ));
        }
    }
    Ok(())
}

/// 2. Three service1 containers share one queue: a run of 30 pipelines is answered by more than
///    one of them.
fn scaling(compose: &Compose) -> Result<(), String> {
    compose.run(
        &["up", "--build", "--scale", "service1=3", "-d"],
        BUILD_LIMIT,
    )?;
    wait_for(WAIT_LIMIT, "three running service1 containers", || {
        Ok((compose.running("service1")?.len() == 3).then_some(()))
    })?;
    compose.wait_for_consumers()?;

    let since = unix_now();
    let run = compose.run(
        &["run", "--rm", "app", "--repeat", "30", "--concurrency", "6"],
        COMMAND_LIMIT,
    )?;
    check_summary(&run, 30)?;

    // Whatever a worker logs during the run is about the run: all three were consuming before it.
    let mut answering = 0;
    for container in compose.running("service1")? {
        let lines = logged_lines_since(&container, &since)?;
        println!("{}: {lines} log line(s) during the run", name(&container)?);
        if lines > 0 {
            answering += 1;
        }
    }
    if answering < 2 {
        return Err(format!(
            "{answering} service1 container answered; three share the queue"
        ));
    }
    Ok(())
}

/// 3a. A service1 container killed while its messages are in flight: the broker hands what it had
///     not acknowledged to the others, and the run loses nothing.
fn killed_worker(compose: &Compose) -> Result<(), String> {
    let victim = compose
        .running("service1")?
        .into_iter()
        .next()
        .ok_or("no service1 container is running")?;
    let since = unix_now();
    let repeat = FAULT_RUN.to_string();
    let mut run = spawn_captured(compose.command(&[
        "run",
        "--rm",
        "app",
        "--repeat",
        &repeat,
        "--concurrency",
        "6",
    ]))?;

    let killed = wait_for(WAIT_LIMIT, "the victim to answer during the run", || {
        if run.child.try_wait().ok().flatten().is_some() {
            return Err("the run ended before the victim answered anything".to_string());
        }
        Ok((logged_lines_since(&victim, &since)? > 0).then_some(()))
    })
    .and_then(|()| docker(&["kill", &victim]).map(drop));
    let still_running = matches!(run.child.try_wait(), Ok(None));
    let output = run.finish(COMMAND_LIMIT)?;
    killed?;
    println!("killed {} while the run was going", name(&victim)?);
    print!("{}", String::from_utf8_lossy(&output.stdout));
    // Informational: how the broker handed the victim's unacknowledged messages to the others.
    let mut redelivered = 0;
    for container in compose.running("service1")? {
        let output = docker(&["logs", "--since", &since, &container])?;
        redelivered += lines(&output)
            .iter()
            .filter(|line| line.contains("(redelivered)"))
            .count();
    }
    println!("the other service1 containers logged {redelivered} redelivered message(s)");
    if !still_running {
        return Err(format!(
            "the run ended before the kill landed, so it shows nothing; raise FAULT_RUN ({FAULT_RUN})"
        ));
    }
    if !output.status.success() {
        return Err(format!(
            "the run failed ({}):\n{}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    check_summary(&output, FAULT_RUN)
}

/// 3b. The broker restarted between two runs: the workers reconnect on their own, and the second
///     run succeeds.
fn restarted_broker(compose: &Compose) -> Result<(), String> {
    let first = compose.run(&["run", "--rm", "app", "--repeat", "30"], COMMAND_LIMIT)?;
    check_summary(&first, 30)?;
    compose.run(&["restart", "rabbitmq"], COMMAND_LIMIT)?;
    let broker = compose
        .containers("rabbitmq")?
        .into_iter()
        .next()
        .ok_or("no rabbitmq container")?;
    wait_for(WAIT_LIMIT, "the restarted broker to be healthy", || {
        Ok((inspect(&broker, "{{.State.Health.Status}}")? == "healthy").then_some(()))
    })?;
    println!("the broker is healthy again");
    compose.wait_for_consumers()?;
    let second = compose.run(
        &["run", "--rm", "app", "--repeat", "30", "--concurrency", "6"],
        COMMAND_LIMIT,
    )?;
    check_summary(&second, 30)
}

/// 4. The README's last command removes every container, the network and the broker's volume.
fn down(compose: &Compose) -> Result<(), String> {
    let mut volumes = Vec::new();
    for container in compose.containers("")? {
        let names = inspect(
            &container,
            "{{range .Mounts}}{{if eq .Type \"volume\"}}{{.Name}} {{end}}{{end}}",
        )?;
        volumes.extend(names.split_whitespace().map(str::to_string));
    }
    let label = format!("label=com.docker.compose.project={}", compose.project);
    let networks = lines(&docker(&["network", "ls", "-q", "--filter", &label])?);
    println!(
        "before: {} container(s), {} network(s), {} volume(s)",
        compose.containers("")?.len(),
        networks.len(),
        volumes.len()
    );
    if networks.is_empty() || volumes.is_empty() {
        return Err(
            "expected the project's network and the broker's volume before `down -v`".into(),
        );
    }

    compose.run(&["down", "-v"], COMMAND_LIMIT)?;
    let containers = compose.containers("")?;
    let networks = lines(&docker(&["network", "ls", "-q", "--filter", &label])?);
    let volumes: Vec<&String> = volumes
        .iter()
        .filter(|volume| docker(&["volume", "inspect", volume]).is_ok())
        .collect();
    println!(
        "after: {} container(s), {} network(s), {} volume(s)",
        containers.len(),
        networks.len(),
        volumes.len()
    );
    if containers.is_empty() && networks.is_empty() && volumes.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "left behind: containers {containers:?}, networks {networks:?}, volumes {volumes:?}"
        ))
    }
}

/// The compose program and the settings every command of this test gets.
struct Compose {
    program: Vec<&'static str>,
    project: String,
    ui_port: u16,
}

impl Compose {
    /// Finds a Docker engine that answers and a compose program; `Err` says what is missing.
    fn find() -> Result<Self, String> {
        let answers = |program: &[&str], args: &[&str]| {
            let mut command = Command::new(program[0]);
            command.args(&program[1..]).args(args);
            matches!(output_within(command, COMMAND_LIMIT), Ok(output) if output.status.success())
        };
        if !answers(&["docker"], &["info"]) {
            return Err("no Docker engine answers (`docker info` failed)".to_string());
        }
        let program = if answers(&["docker", "compose"], &["version"]) {
            vec!["docker", "compose"]
        } else if answers(&["docker-compose"], &["version"]) {
            vec!["docker-compose"]
        } else {
            return Err("neither `docker compose` nor `docker-compose` runs".to_string());
        };
        let ui_port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .map_err(|error| format!("cannot find a free port: {error}"))?
            .port();
        Ok(Compose {
            program,
            project: format!("step08test{}", std::process::id()),
            ui_port,
        })
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(self.program[0]);
        command
            .args(&self.program[1..])
            .args(["--project-name", &self.project])
            .args(args)
            .current_dir(steps::repo_root())
            .env("RABBITMQ_UI_PORT", self.ui_port.to_string())
            .env("RABBITMQ_PASSWORD", PASSWORD)
            .env("WORK_MS", WORK_MS);
        command
    }

    /// Runs one compose command, prints what it printed, and fails unless it succeeds.
    fn run(&self, args: &[&str], limit: Duration) -> Result<Output, String> {
        let line = format!("{} {}", self.program.join(" "), args.join(" "));
        println!("$ {line}");
        let output = output_within(self.command(args), limit)?;
        print!("{}", String::from_utf8_lossy(&output.stdout));
        eprint!("{}", String::from_utf8_lossy(&output.stderr));
        if output.status.success() {
            Ok(output)
        } else {
            Err(format!("`{line}` failed ({})", output.status))
        }
    }

    /// The ids of the project's containers of `service` (of every service for `""`), any state.
    fn containers(&self, service: &str) -> Result<Vec<String>, String> {
        self.list(service, &["ps", "--all", "--quiet"])
    }

    fn running(&self, service: &str) -> Result<Vec<String>, String> {
        self.list(service, &["ps", "--quiet", "--filter", "status=running"])
    }

    /// Compose labels every container with its project and service.
    fn list(&self, service: &str, ps: &[&str]) -> Result<Vec<String>, String> {
        let project = format!("label=com.docker.compose.project={}", self.project);
        let service = format!("label=com.docker.compose.service={service}");
        let mut args = ps.to_vec();
        args.extend(["--filter", &project]);
        if !service.ends_with('=') {
            args.extend(["--filter", &service]);
        }
        Ok(lines(&docker(&args)?))
    }

    /// Waits until the broker counts a consumer for every running worker: only then does a run
    /// reach all of them.
    fn wait_for_consumers(&self) -> Result<(), String> {
        wait_for(WAIT_LIMIT, "every running worker to consume", || {
            let workers = self.running("service1")?.len() + self.running("service2")?.len();
            let queues = output_within(
                self.command(&[
                    "exec",
                    "-T",
                    "rabbitmq",
                    "rabbitmqctl",
                    "-q",
                    "list_queues",
                    "--no-table-headers",
                    "name",
                    "consumers",
                ]),
                COMMAND_LIMIT,
            )?;
            let consumers: usize = String::from_utf8_lossy(&queues.stdout)
                .lines()
                .filter_map(|line| line.split_whitespace().last()?.parse::<usize>().ok())
                .sum();
            Ok((queues.status.success() && consumers >= workers).then(|| {
                println!("{workers} worker(s) running, {consumers} consumer(s) on the broker");
            }))
        })
    }

    /// On a failure: the last lines each container logged.
    fn show_logs(&self) {
        if let Ok(output) = output_within(
            self.command(&["logs", "--no-color", "--tail", "30"]),
            COMMAND_LIMIT,
        ) {
            eprintln!("{}", String::from_utf8_lossy(&output.stdout));
        }
    }

    /// Whatever the parts left (after a failure): containers, network, volumes, built images.
    fn remove_everything(&self) {
        let _ = output_within(
            self.command(&["down", "-v", "--rmi", "local", "--timeout", "5"]),
            COMMAND_LIMIT,
        );
    }
}

/// A child whose stdout and stderr are collected by two threads while we do other things.
struct Captured {
    child: Child,
    readers: [thread::JoinHandle<Vec<u8>>; 2],
}

fn spawn_captured(mut command: Command) -> Result<Captured, String> {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|error| format!("cannot start {:?}: {error}", command.get_program()))?;
    let collect = |mut pipe: Box<dyn Read + Send>| {
        thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            bytes
        })
    };
    let stdout = Box::new(child.stdout.take().ok_or("stdout was not piped")?);
    let stderr = Box::new(child.stderr.take().ok_or("stderr was not piped")?);
    Ok(Captured {
        child,
        readers: [collect(stdout), collect(stderr)],
    })
}

impl Captured {
    /// Waits at most `limit` for the child to exit (else kills it and says so), then returns all
    /// it printed.
    fn finish(mut self, limit: Duration) -> Result<Output, String> {
        let started = Instant::now();
        let status = loop {
            match self.child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) if started.elapsed() < limit => thread::sleep(POLL),
                Ok(None) => {
                    let _ = self.child.kill();
                    let _ = self.child.wait();
                    return Err(format!("stopped after {limit:?}: it did not finish"));
                }
                Err(error) => return Err(format!("cannot wait for a child: {error}")),
            }
        };
        let [stdout, stderr] = self.readers.map(|reader| reader.join().unwrap_or_default());
        Ok(Output {
            status,
            stdout,
            stderr,
        })
    }
}

fn output_within(command: Command, limit: Duration) -> Result<Output, String> {
    spawn_captured(command)?.finish(limit)
}

/// Runs `docker args...`; fails unless it succeeds.
fn docker(args: &[&str]) -> Result<Output, String> {
    let mut command = Command::new("docker");
    command.args(args);
    let output = output_within(command, COMMAND_LIMIT)?;
    if output.status.success() {
        Ok(output)
    } else {
        Err(format!(
            "`docker {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        ))
    }
}

fn inspect(container: &str, format: &str) -> Result<String, String> {
    let output = docker(&["inspect", "--format", format, container])?;
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_string())
}

fn name(container: &str) -> Result<String, String> {
    Ok(inspect(container, "{{.Name}}")?
        .trim_start_matches('/')
        .to_string())
}

/// How many lines a container wrote (stdout and stderr) since `since` (see [`unix_now`]).
fn logged_lines_since(container: &str, since: &str) -> Result<usize, String> {
    let output = docker(&["logs", "--since", since, container])?;
    Ok(lines(&output).len())
}

fn lines(output: &Output) -> Vec<String> {
    [&output.stdout, &output.stderr]
        .iter()
        .flat_map(|bytes| {
            String::from_utf8_lossy(bytes)
                .lines()
                .filter(|line| !line.trim().is_empty())
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Now, as `docker logs --since` takes it: Unix seconds with a fraction.
fn unix_now() -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    format!("{}.{:09}", now.as_secs(), now.subsec_nanos())
}

/// Polls `probe` until it gives a value, fails, or `limit` runs out.
fn wait_for<T>(
    limit: Duration,
    what: &str,
    mut probe: impl FnMut() -> Result<Option<T>, String>,
) -> Result<T, String> {
    let started = Instant::now();
    loop {
        if let Some(value) = probe()? {
            return Ok(value);
        }
        if started.elapsed() > limit {
            return Err(format!("waited {limit:?} for {what}"));
        }
        thread::sleep(POLL);
    }
}

/// The `summary:` line of a `--repeat` run must count `repeat` pipelines, all ok.
fn check_summary(output: &Output, repeat: usize) -> Result<(), String> {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let summary = stdout
        .lines()
        .find(|line| line.starts_with("summary:"))
        .ok_or_else(|| format!("no summary: line in\n{stdout}"))?;
    let fields: Vec<&str> = summary.split_whitespace().collect();
    let ok = format!("ok={repeat}");
    if fields.contains(&ok.as_str()) && fields.contains(&"failed=0") {
        Ok(())
    } else {
        Err(format!("expected {ok} failed=0 in: {summary}"))
    }
}

/// The app's stdout against the golden file as step 08's own golden test compares them: `<pid>`
/// stands for the rest of the line (the worker's process and container ids differ on every run),
/// and leading and trailing blank lines do not count.
fn matches_golden(golden: &str, actual: &str) -> bool {
    let golden = lines_between_blank_ends(golden);
    let actual = lines_between_blank_ends(actual);
    golden.len() == actual.len()
        && golden
            .iter()
            .zip(&actual)
            .all(|(want, got)| match want.split_once("<pid>") {
                Some((head, _)) => got.starts_with(head),
                None => want == got,
            })
}

/// A Windows checkout may turn the golden file's `\n` into `\r\n`; `lines()` drops those too.
fn lines_between_blank_ends(text: &str) -> Vec<&str> {
    let lines: Vec<&str> = text.lines().collect();
    let first = lines.iter().position(|line| !line.trim().is_empty());
    let last = lines.iter().rposition(|line| !line.trim().is_empty());
    match (first, last) {
        (Some(first), Some(last)) => lines[first..=last].to_vec(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_golden_pipeline_matches_whatever_worker_answered() {
        let golden = "Input value: 42\n  answered by service1-<pid>\nExecution complete\n";
        assert!(matches_golden(
            golden,
            "\n\nInput value: 42\n  answered by service1-1@3f2a9c\nExecution complete\n"
        ));
        assert!(!matches_golden(
            golden,
            "Input value: 42\n  answered by service2-1@3f2a9c\nExecution complete\n"
        ));
        assert!(!matches_golden(golden, "Input value: 42\n"));
    }

    #[test]
    fn a_summary_passes_only_with_every_pipeline_ok() {
        let output = |stdout: &str| Output {
            status: std::process::ExitStatus::default(),
            stdout: stdout.as_bytes().to_vec(),
            stderr: Vec::new(),
        };
        let line = "summary: requests=30 ok=30 failed=0 elapsed_ms=1.0";
        assert!(check_summary(&output(line), 30).is_ok());
        assert!(check_summary(&output(line), 300).is_err());
        assert!(check_summary(&output("summary: requests=30 ok=29 failed=1"), 30).is_err());
        assert!(check_summary(&output("no summary"), 30).is_err());
    }
}
