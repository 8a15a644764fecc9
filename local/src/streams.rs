//! Plays the part of Lambda's event source mappings for DynamoDB streams: polls each table's
//! stream in DynamoDB Local, turns its records into the stream events a Lambda receives, applies
//! each trigger's FilterCriteria from template.yaml, delivers records in batches of its BatchSize,
//! and retries from the record a trigger reports failed (`ReportBatchItemFailures`). A record still
//! failing after the trigger's `MaximumRetryAttempts` is split off its batch (as
//! `BisectBatchOnFunctionError` does), kept in the dead letters, and the records after it go on.
//! An outage of DynamoDB only pauses the pollers: they read on from where they were once it is back.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use aws_lambda_events::event::dynamodb::{Event, EventRecord, StreamRecord};
use aws_lambda_events::event::streams::DynamoDbEventResponse;
use aws_sdk_dynamodbstreams::types::ShardIteratorType;
use futures::future::BoxFuture;
use tokio::sync::watch;

use crate::dead_letters::{DeadLetter, DeadLetters};
use crate::filter_pattern;
use crate::template::StreamSubscription;

pub type StreamHandler = Arc<dyn Fn(Event) -> BoxFuture<'static, DynamoDbEventResponse> + Send + Sync>;

/// A trigger listening to one table's stream.
pub struct Subscriber {
    pub function: String,
    pub subscription: StreamSubscription,
    pub handler: StreamHandler,
}

/// How long the runner waits before delivering a failed record again: `first`, then twice as long
/// each time, at most `longest`.
#[derive(Debug, Clone, Copy)]
pub struct RetryWaits {
    pub first: Duration,
    pub longest: Duration,
}

impl Default for RetryWaits {
    /// Ten retries over about 22 s: long enough to ride out a restart of DynamoDB Local.
    fn default() -> Self {
        Self { first: Duration::from_millis(100), longest: Duration::from_secs(4) }
    }
}

impl RetryWaits {
    /// The wait before retry number `retry` (from 1).
    fn before(&self, retry: u32) -> Duration {
        self.first.checked_mul(1 << retry.saturating_sub(1).min(16)).map_or(self.longest, |d| d.min(self.longest))
    }
}

/// Where given-up records go and how failed ones are retried.
#[derive(Clone)]
pub struct Failures {
    pub dead_letters: Arc<DeadLetters>,
    pub waits: RetryWaits,
}

const IDLE_POLL: Duration = Duration::from_millis(150);

/// Starts one poller per table that has subscribers.
pub async fn start(
    dynamodb: &aws_sdk_dynamodb::Client,
    streams: aws_sdk_dynamodbstreams::Client,
    table_prefix: &str,
    subscribers: Vec<Subscriber>,
    failures: Failures,
    stopped: watch::Receiver<bool>,
) -> Result<(), String> {
    let mut by_table: HashMap<String, Vec<Subscriber>> = HashMap::new();
    for subscriber in subscribers {
        by_table.entry(subscriber.subscription.table.clone()).or_default().push(subscriber);
    }
    for (table, subscribers) in by_table {
        let name = format!("{table_prefix}{table}");
        let described = dynamodb.describe_table().table_name(&name).send().await.map_err(|e| format!("{name}: {e}"))?;
        let stream_arn = described
            .table
            .and_then(|t| t.latest_stream_arn)
            .ok_or_else(|| format!("{name} has no stream, but {} listens to it", subscribers[0].function))?;
        let poller = Poller {
            streams: streams.clone(),
            stream_arn,
            subscribers,
            failures: failures.clone(),
            iterators: HashMap::new(),
            last_delivered: HashMap::new(),
            seen: HashSet::new(),
        };
        tokio::spawn(poller.run(stopped.clone()));
    }
    Ok(())
}

struct Poller {
    streams: aws_sdk_dynamodbstreams::Client,
    stream_arn: String,
    subscribers: Vec<Subscriber>,
    failures: Failures,
    /// Open shards and where reading them goes on.
    iterators: HashMap<String, String>,
    /// The last sequence number delivered from each shard, to resume after when an iterator expires.
    last_delivered: HashMap<String, String>,
    seen: HashSet<String>,
}

impl Poller {
    async fn run(mut self, mut stopped: watch::Receiver<bool>) {
        let mut rounds: u32 = 0;
        loop {
            if rounds.is_multiple_of(20) || self.iterators.is_empty() {
                self.discover().await;
            }
            rounds = rounds.wrapping_add(1);
            let delivered = self.poll_once().await;
            if delivered == 0 {
                tokio::select! {
                    _ = tokio::time::sleep(IDLE_POLL) => {}
                    _ = stopped.changed() => return,
                }
            }
        }
    }

    /// Starts reading shards not seen before, from their oldest record: a restarted runner replays
    /// what its stream still holds, which idempotent triggers take in their stride. A shard still
    /// open whose iterator was lost (DynamoDB Local ends the iterators of a shard that stayed empty)
    /// is read again from after its last delivered record.
    async fn discover(&mut self) {
        let Ok(described) = self.streams.describe_stream().stream_arn(&self.stream_arn).send().await else { return };
        for shard in described.stream_description.map(|d| d.shards.unwrap_or_default()).unwrap_or_default() {
            let Some(id) = shard.shard_id else { continue };
            let open = shard.sequence_number_range.is_none_or(|r| r.ending_sequence_number.is_none());
            if self.iterators.contains_key(&id) || (self.seen.contains(&id) && !open) {
                continue;
            }
            if let Some(iterator) = self.iterator(&id).await {
                self.seen.insert(id.clone());
                self.iterators.insert(id, iterator);
            }
        }
    }

    /// An iterator for `shard`: right after the last record delivered from it, or from its start.
    async fn iterator(&self, shard: &str) -> Option<String> {
        let request = self.streams.get_shard_iterator().stream_arn(&self.stream_arn).shard_id(shard);
        let request = match self.last_delivered.get(shard) {
            Some(sequence) => {
                request.shard_iterator_type(ShardIteratorType::AfterSequenceNumber).sequence_number(sequence)
            }
            None => request.shard_iterator_type(ShardIteratorType::TrimHorizon),
        };
        request.send().await.ok().and_then(|out| out.shard_iterator)
    }

    /// Reads every open shard once and delivers what arrived; returns how many records that was.
    async fn poll_once(&mut self) -> usize {
        let mut delivered = 0;
        for shard in self.iterators.keys().cloned().collect::<Vec<_>>() {
            let iterator = self.iterators[&shard].clone();
            let out = match self.streams.get_records().shard_iterator(iterator).limit(1000).send().await {
                Ok(out) => out,
                Err(error) => {
                    // Iterators expire (and DynamoDB Local trims empty shards); take a fresh one.
                    tracing::debug!(error = %aws_sdk_dynamodbstreams::error::DisplayErrorContext(&error), shard, "renewing a shard iterator");
                    match self.iterator(&shard).await {
                        Some(fresh) => self.iterators.insert(shard, fresh),
                        None => self.iterators.remove(&shard),
                    };
                    continue;
                }
            };
            match out.next_shard_iterator {
                Some(next) => self.iterators.insert(shard.clone(), next),
                None => self.iterators.remove(&shard),
            };
            let records: Vec<EventRecord> =
                out.records.unwrap_or_default().into_iter().map(|r| to_event_record(r, &self.stream_arn)).collect();
            delivered += records.len();
            for subscriber in &self.subscribers {
                deliver(subscriber, &shard, &records, &self.failures).await;
            }
            if let Some(last) = records.last().and_then(|r| r.change.sequence_number.clone()) {
                self.last_delivered.insert(shard, last);
            }
        }
        delivered
    }
}

/// Sends the records that pass the subscriber's filters, batch by batch, retrying from a reported
/// failure; a record that fails every retry is given up on alone, and delivery goes on after it.
async fn deliver(subscriber: &Subscriber, shard: &str, records: &[EventRecord], failures: &Failures) {
    let patterns = &subscriber.subscription.patterns;
    let selected: Vec<EventRecord> = records
        .iter()
        .filter(|record| {
            let json = serde_json::to_value(record).expect("stream records serialize");
            patterns.is_empty() || patterns.iter().any(|p| filter_pattern::matches(p, &json))
        })
        .cloned()
        .collect();
    for batch in selected.chunks(subscriber.subscription.batch_size.max(1)) {
        let mut pending = batch.to_vec();
        // Retries of the record at the head of `pending`, the one that failed last.
        let mut retries = 0;
        while !pending.is_empty() {
            let mut event = Event::default();
            event.records = pending.clone();
            let response = (subscriber.handler)(event).await;
            let Some(failed) = response.batch_item_failures.first().and_then(|f| f.item_identifier.clone()) else {
                break;
            };
            let from =
                pending.iter().position(|r| r.change.sequence_number.as_deref() == Some(failed.as_str())).unwrap_or(0);
            if from > 0 {
                pending.drain(..from);
                retries = 0;
            }
            if retries == subscriber.subscription.max_retries {
                let given_up = pending.remove(0);
                tracing::error!(function = %subscriber.function, sequence_number = %failed, "gave up on a stream record (dead letter)");
                failures.dead_letters.push(DeadLetter::of(&subscriber.function, shard, &given_up, retries + 1));
                retries = 0;
                continue;
            }
            retries += 1;
            tokio::time::sleep(failures.waits.before(retries)).await;
        }
    }
}

/// The record as Lambda delivers it.
fn to_event_record(record: aws_sdk_dynamodbstreams::types::Record, stream_arn: &str) -> EventRecord {
    let change = record.dynamodb.unwrap_or_else(|| aws_sdk_dynamodbstreams::types::StreamRecord::builder().build());
    let item = |image: Option<HashMap<String, aws_sdk_dynamodbstreams::types::AttributeValue>>| {
        serde_dynamo::Item::from(
            image
                .unwrap_or_default()
                .into_iter()
                .map(|(k, v)| (k, serde_dynamo::AttributeValue::from(v)))
                .collect::<HashMap<_, _>>(),
        )
    };
    let mut stream_record = StreamRecord::default();
    stream_record.keys = item(change.keys);
    stream_record.new_image = item(change.new_image);
    stream_record.old_image = item(change.old_image);
    stream_record.sequence_number = change.sequence_number;
    stream_record.size_bytes = change.size_bytes.unwrap_or_default();
    if let Some(at) = change.approximate_creation_date_time
        && let Some(at) = chrono::DateTime::from_timestamp(at.secs(), at.subsec_nanos())
    {
        stream_record.approximate_creation_date_time = at;
    }
    let mut event_record = EventRecord::default();
    event_record.event_id = record.event_id.unwrap_or_default();
    event_record.event_name = record.event_name.map(|n| n.as_str().to_owned()).unwrap_or_default();
    event_record.event_source = Some("aws:dynamodb".into());
    event_record.event_version = Some("1.1".into());
    event_record.aws_region = "us-east-1".into();
    event_record.event_source_arn = Some(stream_arn.to_owned());
    event_record.change = stream_record;
    event_record
}
