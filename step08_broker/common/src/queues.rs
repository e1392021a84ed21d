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

/// The names of everything step 08 declares on the broker, with the optional prefix applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueNames {
    pub process: String,
    pub transform: String,
    /// Durable queue where messages that can never be processed end up, for a human to look at.
    pub dead_letters: String,
    /// Fanout exchange the work queues dead-letter into; it routes to `dead_letters`.
    pub dead_letter_exchange: String,
}

impl QueueNames {
    /// The names with `prefix` in front (`""` gives the documented defaults).
    pub fn with_prefix(prefix: &str) -> Result<Self, String> {
        // AMQP names are "short strings" of at most 255 bytes; lapin panics on longer ones, so
        // refuse them here, where the error can still say which setting is wrong.
        if prefix.len() > 200 {
            return Err(format!(
                "QUEUE_PREFIX is {} bytes long; keep it under 200",
                prefix.len()
            ));
        }
        Ok(Self {
            process: format!("{prefix}process"),
            transform: format!("{prefix}transform"),
            dead_letters: format!("{prefix}dead_letters"),
            dead_letter_exchange: format!("{prefix}dead_letters"),
        })
    }

    /// The name of one work queue.
    pub fn work_queue(&self, queue: WorkQueue) -> &str {
        match queue {
            WorkQueue::Process => &self.process,
            WorkQueue::Transform => &self.transform,
        }
    }
}

/// Declares the whole topology: the dead-letter exchange and queue, and both work queues.
///
/// Everything is durable, so it survives a broker restart together with the persistent messages
/// inside it. A work queue's `x-dead-letter-exchange` argument is what turns a worker's
/// "reject, do not requeue" into "move to `dead_letters`" instead of "drop".
pub async fn declare(channel: &Channel, names: &QueueNames) -> lapin::Result<()> {
    channel
        .exchange_declare(
            names.dead_letter_exchange.as_str().into(),
            ExchangeKind::Fanout,
            ExchangeDeclareOptions {
                durable: true,
                ..ExchangeDeclareOptions::default()
            },
            FieldTable::default(),
        )
        .await?;
    channel
        .queue_declare(
            names.dead_letters.as_str().into(),
            QueueDeclareOptions::durable(),
            FieldTable::default(),
        )
        .await?;
    channel
        .queue_bind(
            names.dead_letters.as_str().into(),
            names.dead_letter_exchange.as_str().into(),
            "".into(),
            QueueBindOptions::default(),
            FieldTable::default(),
        )
        .await?;

    let mut arguments = FieldTable::default();
    arguments.insert(
        "x-dead-letter-exchange".into(),
        AMQPValue::LongString(names.dead_letter_exchange.as_str().into()),
    );
    for queue in [&names.process, &names.transform] {
        channel
            .queue_declare(
                queue.as_str().into(),
                QueueDeclareOptions::durable(),
                arguments.clone(),
            )
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
        assert_eq!(names.process, "process");
        assert_eq!(names.transform, "transform");
        assert_eq!(names.dead_letters, "dead_letters");
        assert_eq!(names.work_queue(WorkQueue::Transform), "transform");
    }

    #[test]
    fn a_prefix_goes_in_front_of_every_name() {
        let names = QueueNames::with_prefix("t1.").unwrap();
        assert_eq!(names.process, "t1.process");
        assert_eq!(names.dead_letter_exchange, "t1.dead_letters");
    }

    #[test]
    fn a_prefix_too_long_for_amqp_is_refused() {
        let error = QueueNames::with_prefix(&"x".repeat(300)).unwrap_err();
        assert!(error.contains("QUEUE_PREFIX"), "{error}");
    }
}
