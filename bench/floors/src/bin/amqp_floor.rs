//! The floor under step 08: RabbitMQ request/reply with nothing else on top.
//!
//! One pipeline is what step 08's pipeline does on the wire, minus the components: one RPC
//! through a durable work queue to an echo worker, then one RPC through a second queue to a
//! second echo worker. The echo workers are child processes of this program (started from its
//! own executable with `--echo <queue>`) that send back the body they receive. What costs time at
//! this boundary is done as in the step 08 programs that `cargo xtask bench` measures (the
//! `hardened` app with its `SharedRpcClient`, and the hardened workers, which answer through the
//! lesson's `common::broker::answer`), with the same crates (lapin 4.12 on tokio):
//!
//! - the client: one connection and one channel for every call, with no publisher confirms; one
//!   reply consumer on that channel, with `no_ack`, made before the first call; requests that
//!   are not persistent, carrying `reply_to`, a `correlation_id` and the call's timeout as their
//!   `expiration`; the reply handed to its call through a map of oneshot senders by a routing
//!   task, and a 30 s timeout around each wait; the pipelines run one at a time in the runtime's
//!   main future (`block_on`, as `#[tokio::main]` runs step 08's `--repeat`) on a multi-threaded
//!   runtime;
//! - the echo workers: a multi-threaded runtime (`#[tokio::main]`), prefetch 1, manual acks, the
//!   reply published (no confirm) and then the request acked (step 08's at-least-once order).
//!
//! `--reply` picks where the replies come back, the one thing the two designs change:
//!
//! - `direct` (the default, what step 08 does): RabbitMQ's direct reply-to. The consumer reads
//!   the pseudo-queue `amq.rabbitmq.reply-to`, and RabbitMQ routes each reply straight to the
//!   asking channel, through no queue.
//! - `queue` (the older design): a private reply queue, server-named, exclusive and auto-delete,
//!   declared at start and consumed with `no_ack`; each reply goes through it.
//!
//! What is left out is what step 08 adds: JSON decoding and encoding, the components, the
//! workers' log line per message, the dead-letter queue, reconnecting, the pipeline's own
//! bookkeeping. So the difference between step 08's `summary:` line and this one is what the
//! step adds on top of its transport.
//!
//! RabbitMQ must run at `AMQP_ADDR` (default `amqp://127.0.0.1:5672/%2f`). The queues are
//! `floor-<pid>-process` and `floor-<pid>-transform`, unique to the run and deleted at its end.
//!
//! Run it from `bench/floors/`:
//!
//! ```sh
//! cargo run --release --bin amqp_floor -- --repeat 2000 --warmup 200
//! cargo run --release --bin amqp_floor -- --repeat 2000 --warmup 200 --reply queue
//! ```
//!
//! The last line of stdout is the `summary:` line that `cargo xtask bench` reads; it ends with
//! `reply=direct` or `reply=queue`.

use lapin::message::Delivery;
use lapin::options::{
    BasicAckOptions, BasicConsumeOptions, BasicPublishOptions, BasicQosOptions, BasicRejectOptions,
    QueueDeclareOptions, QueueDeleteOptions,
};
use lapin::types::{FieldTable, ShortString};
use lapin::{BasicProperties, Channel, Connection, ConnectionProperties};
use measure::{RunArgs, Summary};
use std::collections::HashMap;
use std::io::Read;
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::oneshot;
use tokio_stream::StreamExt;

/// Hidden mode: run as an echo worker on the queue named next.
const ECHO: &str = "--echo";
const DEFAULT_AMQP_ADDR: &str = "amqp://127.0.0.1:5672/%2f";
/// Step 08's settings, so that the floor pays for the same ones: its workers' `basic_qos(1)`,
/// and its `--timeout-ms` default, which each request also carries as its `expiration`.
const PREFETCH: u16 = 1;
const CALL_TIMEOUT: Duration = Duration::from_secs(30);
/// RabbitMQ's direct reply-to: a reply sent here goes straight back to the channel that asked.
const DIRECT_REPLY_TO: &str = "amq.rabbitmq.reply-to";
/// A connection attempt that gets no answer (a firewall dropping packets) must not hang.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long the echo workers may take to start consuming, or to stop.
const START_TIMEOUT: Duration = Duration::from_secs(30);
const STOP_TIMEOUT: Duration = Duration::from_secs(5);
/// Closing, deleting: bounded, because the broker may be the thing that failed.
const CLEANUP_TIMEOUT: Duration = Duration::from_secs(5);

/// Where the replies come back: `--reply direct|queue`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ReplyPath {
    /// `amq.rabbitmq.reply-to`, as step 08.
    Direct,
    /// A private reply queue: exclusive, auto-delete, consumed with `no_ack`.
    Queue,
}

impl ReplyPath {
    fn name(self) -> &'static str {
        match self {
            ReplyPath::Direct => "direct",
            ReplyPath::Queue => "queue",
        }
    }
}

/// The command line: `[--reply direct|queue]` (default `direct`), then `measure`'s flags.
#[derive(Debug, PartialEq)]
struct FloorArgs {
    reply: ReplyPath,
    run: RunArgs,
}

impl FloorArgs {
    const USAGE: &str = "[--reply direct|queue (where replies come back; default direct)]";

    /// Takes `--reply` out wherever it stands and hands the rest to [`RunArgs::parse`].
    fn parse(args: Vec<String>) -> Result<FloorArgs, String> {
        let mut reply = ReplyPath::Direct;
        let mut rest = Vec::new();
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            if arg != "--reply" {
                rest.push(arg);
                continue;
            }
            reply = match args.next().as_deref() {
                Some("direct") => ReplyPath::Direct,
                Some("queue") => ReplyPath::Queue,
                Some(other) => return Err(format!("--reply {other:?} is not direct or queue")),
                None => return Err("--reply needs direct or queue".into()),
            };
        }
        Ok(FloorArgs {
            reply,
            run: RunArgs::parse(rest)?,
        })
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some(ECHO) {
        return echo_main(&args[1..]);
    }
    let args = match FloorArgs::parse(args) {
        Ok(args) => args,
        Err(error) => {
            eprintln!(
                "amqp_floor: {error}; usage: amqp_floor {} {}",
                FloorArgs::USAGE,
                RunArgs::USAGE
            );
            return ExitCode::FAILURE;
        }
    };
    // Multi-threaded, as step 08's app: the reply routing task runs on the runtime's worker
    // threads and hands each reply over to the pipeline, which runs in `block_on`'s thread.
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("amqp_floor: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args)) {
        Ok(summary) => {
            println!("{summary}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("amqp_floor: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: FloorArgs) -> Result<Summary, String> {
    let addr = broker_addr();
    let pid = std::process::id();
    let connection = connect(&addr, &format!("amqp_floor-{pid}")).await?;
    let queues = [
        format!("floor-{pid}-process"),
        format!("floor-{pid}-transform"),
    ];
    // The queue names last and bare: the tests read them back from this line.
    eprintln!(
        "amqp_floor: replies by {}, echo workers on queues {} and {}",
        args.reply.name(),
        queues[0],
        queues[1]
    );
    let result = measure_with_echoes(&connection, &queues, args).await;
    // Deleted whatever happened; a fresh channel, because an error may have closed the first.
    if let Ok(Ok(channel)) =
        tokio::time::timeout(CLEANUP_TIMEOUT, connection.create_channel()).await
    {
        for queue in &queues {
            let _ = tokio::time::timeout(
                CLEANUP_TIMEOUT,
                channel.queue_delete(queue.as_str().into(), QueueDeleteOptions::default()),
            )
            .await;
        }
    }
    let _ = tokio::time::timeout(CLEANUP_TIMEOUT, connection.close(200, "floor done".into())).await;
    result
}

/// Declares the queues, starts one echo worker on each, and measures the pipelines.
async fn measure_with_echoes(
    connection: &Connection,
    queues: &[String; 2],
    args: FloorArgs,
) -> Result<Summary, String> {
    let channel = connection
        .create_channel()
        .await
        .map_err(|e| format!("cannot open a channel: {e}"))?;
    for queue in queues {
        // Durable, as step 08's work queues.
        channel
            .queue_declare(
                queue.as_str().into(),
                QueueDeclareOptions::durable(),
                FieldTable::default(),
            )
            .await
            .map_err(|e| format!("cannot declare queue \"{queue}\": {e}"))?;
    }
    // Dropping `echoes` (on any error below) kills and reaps the workers.
    let mut echoes = Echoes::start(queues)?;
    wait_until_consumed(&channel, queues, &mut echoes).await?;

    let client = Client::new(channel, args.reply).await?;
    // In this future, not a spawned task: step 08's `--repeat` runs in its `main` too.
    let summary = client.measure(queues, args.run).await;
    client.close().await;
    echoes.stop();
    Ok(summary?.with("reply", args.reply.name()))
}

impl Client {
    /// `warmup` pipelines unmeasured, then `repeat` measured ones; stops at the first error.
    async fn measure(&self, queues: &[String; 2], args: RunArgs) -> Result<Summary, String> {
        for _ in 0..args.warmup {
            self.pipeline(queues).await?;
        }
        let mut latencies = Vec::with_capacity(args.repeat);
        let started = Instant::now();
        for _ in 0..args.repeat {
            let one = Instant::now();
            self.pipeline(queues).await?;
            latencies.push(one.elapsed());
        }
        Ok(Summary::of_latencies(latencies, started.elapsed()))
    }

    /// Step 08's two RPCs, with bodies of the same size as its requests.
    async fn pipeline(&self, queues: &[String; 2]) -> Result<(), String> {
        self.call(&queues[0], br#"{"value":42}"#).await?;
        self.call(&queues[1], br#"{"value":84}"#).await
    }
}

/// Replies awaited, by correlation id.
type Pending = Arc<Mutex<HashMap<String, oneshot::Sender<Vec<u8>>>>>;

/// The RPC client: step 08's `SharedRpcClient` without its error types and its JSON.
struct Client {
    channel: Channel,
    /// What each request carries as `reply_to`: the direct reply-to address or the queue's name.
    reply_to: ShortString,
    pending: Pending,
    /// `floor-<pid>`: starts every correlation id, as the request id does in step 08.
    id_prefix: String,
    next_id: AtomicU64,
}

impl Client {
    /// Starts consuming replies on `channel`, from where `reply` says, and the task that routes
    /// them to calls.
    async fn new(channel: Channel, reply: ReplyPath) -> Result<Self, String> {
        let reply_to: ShortString = match reply {
            // Direct reply-to's rules: consume it on the publishing channel, with `no_ack`,
            // before publishing. Nothing to declare.
            ReplyPath::Direct => DIRECT_REPLY_TO.into(),
            // Named by the broker, gone with this connection.
            ReplyPath::Queue => channel
                .queue_declare(
                    "".into(),
                    QueueDeclareOptions::exclusive().auto_delete(),
                    FieldTable::default(),
                )
                .await
                .map_err(|e| format!("cannot declare the reply queue: {e}"))?
                .name()
                .clone(),
        };
        let mut replies = channel
            .basic_consume(
                reply_to.clone(),
                "replies".into(),
                BasicConsumeOptions {
                    no_ack: true,
                    ..BasicConsumeOptions::default()
                },
                FieldTable::default(),
            )
            .await
            .map_err(|e| format!("cannot consume the replies from \"{reply_to}\": {e}"))?;
        let pending: Pending = Arc::default();
        let routing = pending.clone();
        tokio::spawn(async move {
            while let Some(Ok(delivery)) = replies.next().await {
                let id = delivery.properties.correlation_id().as_ref();
                let waiting = id.and_then(|id| lock(&routing).remove(id.as_str()));
                if let Some(call) = waiting {
                    let _ = call.send(delivery.data);
                }
            }
            // The connection is gone: dropping the senders wakes every call with an error.
            lock(&routing).clear();
        });
        Ok(Self {
            channel,
            reply_to,
            pending,
            id_prefix: format!("floor-{}", std::process::id()),
            next_id: AtomicU64::new(1),
        })
    }

    /// One request/reply: publish, await the reply (bounded).
    async fn call(&self, queue: &str, body: &[u8]) -> Result<(), String> {
        let number = self.next_id.fetch_add(1, Ordering::Relaxed);
        let id = format!("{}/{number}", self.id_prefix);
        let (sender, receiver) = oneshot::channel();
        lock(&self.pending).insert(id.clone(), sender);
        let result = self.publish_and_wait(queue, body, &id, receiver).await;
        // A call that failed must not leave its entry behind.
        lock(&self.pending).remove(&id);
        let reply = result?;
        if reply != body {
            return Err(format!(
                "the echo worker on \"{queue}\" sent back {:?} instead of {:?}",
                String::from_utf8_lossy(&reply),
                String::from_utf8_lossy(body)
            ));
        }
        Ok(())
    }

    async fn publish_and_wait(
        &self,
        queue: &str,
        body: &[u8],
        id: &str,
        receiver: oneshot::Receiver<Vec<u8>>,
    ) -> Result<Vec<u8>, String> {
        // Step 08's properties: not persistent, no content type, the timeout as `expiration`.
        let properties = BasicProperties::default()
            .with_reply_to(self.reply_to.clone())
            .with_correlation_id(id.into())
            .with_expiration(CALL_TIMEOUT.as_millis().to_string().into());
        // Awaited once: the frames are handed to lapin. No confirm to wait for, as in step 08.
        self.channel
            .basic_publish(
                "".into(),
                queue.into(),
                BasicPublishOptions::default(),
                body,
                properties,
            )
            .await
            .map_err(|e| format!("cannot publish to queue \"{queue}\": {e}"))?;
        match tokio::time::timeout(CALL_TIMEOUT, receiver).await {
            Ok(Ok(reply)) => Ok(reply),
            Ok(Err(_)) => Err(format!(
                "lost the connection to RabbitMQ while waiting for a reply from \"{queue}\""
            )),
            Err(_) => Err(format!(
                "no reply from the echo worker on \"{queue}\" within {} s (its error, if any, \
                 is above)",
                CALL_TIMEOUT.as_secs()
            )),
        }
    }

    async fn close(&self) {
        let _ = tokio::time::timeout(CLEANUP_TIMEOUT, self.channel.close(200, "done".into())).await;
    }
}
/// A poisoned lock only means a task panicked holding it; the map is still whole.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Polls (bounded) until each queue has a consumer, failing early if an echo worker exits.
async fn wait_until_consumed(
    channel: &Channel,
    queues: &[String; 2],
    echoes: &mut Echoes,
) -> Result<(), String> {
    let deadline = Instant::now() + START_TIMEOUT;
    loop {
        echoes.check_alive()?;
        let mut consumed = true;
        for queue in queues {
            // Passive: only asks, never creates or changes the queue.
            let declared = channel
                .queue_declare(
                    queue.as_str().into(),
                    QueueDeclareOptions::durable().passive(),
                    FieldTable::default(),
                )
                .await
                .map_err(|e| format!("cannot inspect queue \"{queue}\": {e}"))?;
            consumed &= declared.consumer_count() > 0;
        }
        if consumed {
            return Ok(());
        }
        if Instant::now() >= deadline {
            return Err(format!(
                "the echo workers did not start consuming within {} s",
                START_TIMEOUT.as_secs()
            ));
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The echo worker processes. Dropping this kills and reaps any still running.
struct Echoes {
    children: Vec<Child>,
}

impl Echoes {
    fn start(queues: &[String; 2]) -> Result<Self, String> {
        let exe = std::env::current_exe()
            .map_err(|e| format!("cannot find this program's own executable: {e}"))?;
        let mut echoes = Echoes {
            children: Vec::new(),
        };
        for queue in queues {
            // stdin piped: closing it is how the worker is told to stop, on every OS, and the
            // OS closes it too if this process dies, so a worker never outlives it.
            let child = Command::new(&exe)
                .args([ECHO, queue])
                .stdin(Stdio::piped())
                .stdout(Stdio::null())
                .stderr(Stdio::inherit())
                .spawn()
                .map_err(|e| format!("cannot start an echo worker from {}: {e}", exe.display()))?;
            echoes.children.push(child);
        }
        Ok(echoes)
    }

    fn check_alive(&mut self) -> Result<(), String> {
        for child in &mut self.children {
            if let Ok(Some(status)) = child.try_wait() {
                return Err(format!(
                    "an echo worker exited ({status}) before the run ended; its error is above"
                ));
            }
        }
        Ok(())
    }

    /// Closes each worker's stdin, waits a bounded time for it to exit, then kills it.
    fn stop(mut self) {
        for child in &mut self.children {
            drop(child.stdin.take());
        }
        let deadline = Instant::now() + STOP_TIMEOUT;
        for child in &mut self.children {
            while matches!(child.try_wait(), Ok(None)) && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(10));
            }
        }
        // Drop kills (a no-op for those that exited) and reaps them.
    }
}

impl Drop for Echoes {
    fn drop(&mut self) {
        for child in &mut self.children {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn broker_addr() -> String {
    std::env::var("AMQP_ADDR").unwrap_or_else(|_| DEFAULT_AMQP_ADDR.to_string())
}

/// One bounded attempt: a benchmark has no reason to wait for a broker that is still starting.
async fn connect(addr: &str, name: &str) -> Result<Connection, String> {
    let properties = ConnectionProperties::default().with_connection_name(name.into());
    let cause =
        match tokio::time::timeout(CONNECT_TIMEOUT, Connection::connect(addr, properties)).await {
            Ok(Ok(connection)) => return Ok(connection),
            Ok(Err(error)) => error.to_string(),
            Err(_) => format!("no answer within {} s", CONNECT_TIMEOUT.as_secs()),
        };
    Err(format!(
        "cannot reach RabbitMQ at {}: {cause} (is it running? `rabbitmq-diagnostics -q ping` \
         checks it; set AMQP_ADDR if it runs elsewhere)",
        without_password(addr)
    ))
}

/// `amqp://user:secret@host/` becomes `amqp://user:***@host/`: errors end up in logs.
fn without_password(addr: &str) -> String {
    let Some((scheme, rest)) = addr.split_once("://") else {
        return addr.to_string();
    };
    let authority = &rest[..rest.find('/').unwrap_or(rest.len())];
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split_once(':').map_or(userinfo, |(user, _)| user);
            format!("{scheme}://{user}:***@{host}{}", &rest[authority.len()..])
        }
        None => addr.to_string(),
    }
}

/// The echo worker: `amqp_floor --echo <queue>`.
fn echo_main(args: &[String]) -> ExitCode {
    let [queue] = args else {
        eprintln!("amqp_floor: {ECHO} needs exactly one queue name");
        return ExitCode::FAILURE;
    };
    // Multi-threaded, as step 08's workers (`#[tokio::main]`), though they answer one message at
    // a time.
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("amqp_floor echo on \"{queue}\": cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(echo(queue)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("amqp_floor echo on \"{queue}\": {error}");
            ExitCode::FAILURE
        }
    }
}

async fn echo(queue: &str) -> Result<(), String> {
    let stop = stdin_closed();
    let connection = connect(&broker_addr(), &format!("amqp_floor-echo-{queue}")).await?;
    let result = echo_until_stopped(&connection, queue, stop).await;
    let _ = tokio::time::timeout(CLEANUP_TIMEOUT, connection.close(200, "echo done".into())).await;
    result
}

async fn echo_until_stopped(
    connection: &Connection,
    queue: &str,
    mut stop: oneshot::Receiver<()>,
) -> Result<(), String> {
    let broker = |e: lapin::Error| e.to_string();
    let channel = connection.create_channel().await.map_err(broker)?;
    channel
        .basic_qos(PREFETCH, BasicQosOptions::default())
        .await
        .map_err(broker)?;
    let mut consumer = channel
        .basic_consume(
            queue.into(),
            "".into(),
            // Manual acks (`no_ack: false`), as step 08's workers.
            BasicConsumeOptions::default(),
            FieldTable::default(),
        )
        .await
        .map_err(broker)?;
    loop {
        let next = tokio::select! {
            biased;
            _ = &mut stop => return Ok(()),
            next = consumer.next() => next,
        };
        match next {
            Some(Ok(delivery)) => echo_one(&channel, delivery).await.map_err(broker)?,
            Some(Err(error)) => return Err(error.to_string()),
            None => return Err("the broker cancelled the consumer".into()),
        }
    }
}

/// Sends the body back to `reply_to`, then acks: step 08's order (`common::broker::answer`).
async fn echo_one(channel: &Channel, delivery: Delivery) -> lapin::Result<()> {
    let properties = &delivery.properties;
    let (Some(reply_to), Some(correlation_id)) = (
        properties.reply_to().clone(),
        properties.correlation_id().clone(),
    ) else {
        delivery
            .reject(BasicRejectOptions { requeue: false })
            .await?;
        return Ok(());
    };
    // The exchange "" with `reply_to` as the routing key: to the reply queue, or, for a direct
    // reply-to address, straight to the asking channel.
    channel
        .basic_publish(
            "".into(),
            reply_to,
            BasicPublishOptions::default(),
            &delivery.data,
            BasicProperties::default().with_correlation_id(correlation_id),
        )
        .await?;
    delivery.ack(BasicAckOptions::default()).await?;
    Ok(())
}

/// Resolves when stdin reaches end of file: the parent closed it, or died.
fn stdin_closed() -> oneshot::Receiver<()> {
    let (sender, receiver) = oneshot::channel();
    // A plain thread: reading stdin blocks, and a blocking read would hold a runtime thread.
    std::thread::spawn(move || {
        let mut sink = [0u8; 64];
        let mut stdin = std::io::stdin();
        while matches!(stdin.read(&mut sink), Ok(n) if n > 0) {}
        let _ = sender.send(());
    });
    receiver
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<FloorArgs, String> {
        FloorArgs::parse(args.iter().map(|arg| arg.to_string()).collect())
    }

    #[test]
    fn replies_come_by_direct_reply_to_unless_reply_queue_is_asked_for() {
        let run = RunArgs {
            repeat: 5,
            warmup: 1,
        };
        let direct = parse(&["--repeat", "5", "--warmup", "1"]).unwrap();
        assert_eq!(
            direct,
            FloorArgs {
                reply: ReplyPath::Direct,
                run
            }
        );
        // `--reply` may stand anywhere among measure's flags.
        let queue = parse(&["--repeat", "5", "--reply", "queue", "--warmup", "1"]).unwrap();
        assert_eq!(
            queue,
            FloorArgs {
                reply: ReplyPath::Queue,
                run
            }
        );
        let explicit = parse(&["--reply", "direct", "--repeat", "5", "--warmup", "1"]).unwrap();
        assert_eq!(explicit.reply, ReplyPath::Direct);
    }

    #[test]
    fn an_unknown_or_missing_reply_path_is_an_error_that_names_it() {
        assert_eq!(
            parse(&["--repeat", "5", "--reply", "sideways"]),
            Err("--reply \"sideways\" is not direct or queue".into())
        );
        assert_eq!(
            parse(&["--repeat", "5", "--reply"]),
            Err("--reply needs direct or queue".into())
        );
        assert!(
            parse(&["--reply", "queue"]).is_err(),
            "--repeat is required"
        );
    }
}
