//! The local stand-in for the triggers' dead-letter queue: a stream record a trigger still fails
//! after its `MaximumRetryAttempts` is kept here, shaped like the record Lambda sends to an
//! `OnFailure` destination, and shown at `GET /_local/dead-letters` (oldest first).

use std::sync::Mutex;

use aws_lambda_events::event::dynamodb::EventRecord;
use serde::Serialize;

#[derive(Default)]
pub struct DeadLetters {
    given_up: Mutex<Vec<DeadLetter>>,
}

/// What Lambda sends to the `OnFailure` destination of a stream event source mapping.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeadLetter {
    pub request_context: RequestContext,
    pub version: &'static str,
    #[serde(rename = "DDBStreamBatchInfo")]
    pub batch_info: BatchInfo,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestContext {
    /// The event id of the record given up on.
    pub request_id: String,
    pub function_arn: String,
    /// Why it was given up on: `RetryAttemptsExhausted`.
    pub condition: &'static str,
    pub approximate_invoke_count: u32,
}

/// The records given up on: one, since bisecting the batch isolates the record that fails.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchInfo {
    pub shard_id: String,
    pub start_sequence_number: String,
    pub end_sequence_number: String,
    pub batch_size: usize,
    pub stream_arn: String,
}

#[derive(Serialize)]
struct Listing<'a> {
    items: &'a [DeadLetter],
}

impl DeadLetter {
    /// `record` of `shard`, given up on by `function` after `invocations` deliveries.
    pub fn of(function: &str, shard: &str, record: &EventRecord, invocations: u32) -> Self {
        let sequence = record.change.sequence_number.clone().unwrap_or_default();
        Self {
            request_context: RequestContext {
                request_id: record.event_id.clone(),
                function_arn: format!("arn:aws:lambda:us-east-1:000000000000:function:{function}"),
                condition: "RetryAttemptsExhausted",
                approximate_invoke_count: invocations,
            },
            version: "1.0",
            batch_info: BatchInfo {
                shard_id: shard.to_owned(),
                start_sequence_number: sequence.clone(),
                end_sequence_number: sequence,
                batch_size: 1,
                stream_arn: record.event_source_arn.clone().unwrap_or_default(),
            },
        }
    }
}

impl DeadLetters {
    pub fn push(&self, letter: DeadLetter) {
        self.given_up.lock().expect("dead letters lock").push(letter);
    }

    /// The JSON of `GET /_local/dead-letters`.
    pub fn list_json(&self) -> String {
        let given_up = self.given_up.lock().expect("dead letters lock");
        serde_json::to_string(&Listing { items: &given_up }).expect("dead letters serialize")
    }
}
