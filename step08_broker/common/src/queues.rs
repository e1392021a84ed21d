//! The broker topology: which queues and exchanges exist, and the one function that declares them.
//!
//! ```text
//!  app --publish--> (default exchange) --routing key "process"-->   [process]   --> service1
//!  app --publish--> (default exchange) --routing key "transform"--> [transform] --> service2
//!  worker --reject, requeue=false--> [process]/[transform] --x-dead-letter-exchange-->
//!        (dead_letters exchange, fanout) --> [dead_letters]
//!  worker --publish reply--> (default exchange) --routing key = reply_to--> [amq.gen-... reply queue] --> app
//! ```
//!
//! Everyone who touches a queue declares it first (declaring is idempotent), so whichever side
//! starts first creates it, and a worker that reconnects after a broker restart creates it again.
//! RabbitMQ refuses a second declaration whose arguments differ from the first, which is why the
//! app and both workers call the same [`declare`] instead of each writing their own.

use lapin::options::{ExchangeDeclareOptions, QueueBindOptions, QueueDeclareOptions};
use lapin::types::{AMQPValue, FieldTable, ShortString};
use lapin::{Channel, ExchangeKind};

/// The two work queues of the pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkQueue {
    /// Requests for `service1` (component1: doubling).
    Process,
    /// Requests for `service2` (component2: formatting).
    Transform,
}

impl WorkQueue {
    /// The queue's name without a prefix: `process` or `transform`.
    pub fn name(self) -> &'static str {
        match self {
            WorkQueue::Process => "process",
            WorkQueue::Transform => "transform",
        }
    }
}

/// The names of everything step 08 declares on the broker, with the optional prefix applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueNames {
    prefix: String,
}

impl QueueNames {
    /// The names with `prefix` in front (`""` gives the documented defaults).
    pub fn with_prefix(prefix: &str) -> Result<Self, String> {
        // AMQP names are "short strings" of at most 255 bytes; lapin panics on longer ones, so
        // refuse them here, where the error can still say which setting is wrong.
        match prefix.len() {
            0..=200 => Ok(Self {
                prefix: prefix.into(),
            }),
            n => Err(format!("QUEUE_PREFIX is {n} bytes long; keep it under 200")),
        }
    }

    /// The name of one work queue: `process` or `transform`, after the prefix.
    pub fn work_queue(&self, queue: WorkQueue) -> String {
        format!("{}{}", self.prefix, queue.name())
    }

    /// The durable queue where messages that can never be processed end up, for a human to look
    /// at, and the fanout exchange of the same name that the work queues dead-letter into.
    pub fn dead_letters(&self) -> String {
        format!("{}dead_letters", self.prefix)
    }
}

/// Declares the whole topology: the dead-letter exchange and queue, and both work queues.
///
/// Everything is durable, so it survives a broker restart together with the persistent messages
/// inside it. A work queue's `x-dead-letter-exchange` argument is what turns a worker's
/// "reject, do not requeue" into "move to `dead_letters`" instead of "drop".
pub async fn declare(channel: &Channel, names: &QueueNames) -> lapin::Result<()> {
    let dead_letters = names.dead_letters();
    let dead_letters = dead_letters.as_str();
    let durable = ExchangeDeclareOptions {
        durable: true,
        ..Default::default()
    };
    let none = FieldTable::default;
    channel
        .exchange_declare(dead_letters.into(), ExchangeKind::Fanout, durable, none())
        .await?;
    let durable = QueueDeclareOptions::durable();
    channel
        .queue_declare(dead_letters.into(), durable, none())
        .await?;
    let bind = QueueBindOptions::default();
    channel
        .queue_bind(
            dead_letters.into(),
            dead_letters.into(),
            "".into(),
            bind,
            none(),
        )
        .await?;

    let mut arguments = FieldTable::default();
    let exchange = AMQPValue::LongString(dead_letters.into());
    arguments.insert("x-dead-letter-exchange".into(), exchange);
    for queue in [WorkQueue::Process, WorkQueue::Transform] {
        let queue = names.work_queue(queue);
        channel
            .queue_declare(queue.as_str().into(), durable, arguments.clone())
            .await?;
    }
    Ok(())
}

/// How many consumers (workers) are attached to `queue` right now.
pub async fn consumer_count(channel: &Channel, queue: &str) -> lapin::Result<u32> {
    // A passive declare only asks: it fails if the queue is missing and never creates or changes
    // it, so it cannot clash with the arguments `declare` used.
    let queue = channel
        .queue_declare(
            ShortString::from(queue),
            QueueDeclareOptions::durable().passive(),
            FieldTable::default(),
        )
        .await?;
    Ok(queue.consumer_count())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_names_are_the_documented_ones() {
        let names = QueueNames::with_prefix("").unwrap();
        assert_eq!(names.work_queue(WorkQueue::Process), "process");
        assert_eq!(names.work_queue(WorkQueue::Transform), "transform");
        assert_eq!(names.dead_letters(), "dead_letters");
    }

    #[test]
    fn a_prefix_goes_in_front_of_every_name() {
        let names = QueueNames::with_prefix("t1.").unwrap();
        assert_eq!(names.work_queue(WorkQueue::Process), "t1.process");
        assert_eq!(names.dead_letters(), "t1.dead_letters");
    }

    #[test]
    fn a_prefix_too_long_for_amqp_is_refused() {
        let error = QueueNames::with_prefix(&"x".repeat(300)).unwrap_err();
        assert!(error.contains("QUEUE_PREFIX"), "{error}");
    }
}
