//! The hottest reads, sent directly ([`super::wire`]) and read straight into the domain types,
//! each handed to the SDK for whatever the direct attempt does not answer.
//!
//! A call goes directly when its input is one [`super::request`] writes and the attempt comes back
//! 200 with an answer read whole. Anything else (an error answer, a throttle, a connection that
//! broke, no answer within the attempt timeout, keys a batch left unprocessed) sends the same call
//! through the SDK, given what is left of the operation's time, so retries, backoff and error
//! codes are the SDK's, as before: a failed direct attempt costs one extra attempt, never a
//! different answer.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use aws_sdk_dynamodb::client::customize::CustomizableOperation;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::batch_get_item::BatchGetItemOutput;
use aws_sdk_dynamodb::operation::batch_get_item::builders::BatchGetItemFluentBuilder;
use aws_sdk_dynamodb::operation::get_item::builders::GetItemFluentBuilder;
use aws_sdk_dynamodb::operation::query::QueryError;
use aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder;
use aws_sdk_dynamodb::types::KeysAndAttributes;
use aws_smithy_runtime_api::client::interceptors::context::Input;
use aws_smithy_types::timeout::TimeoutConfig;
use serde::de::DeserializeOwned;

use super::answer::{ForTheSdk, ReadAnswer, Reader};
use super::wire::Wire;
use super::{QueryAnswer, request};
use crate::db::error::undecodable;
use crate::error::ApiError;

const GET_ITEM: &str = "DynamoDB_20120810.GetItem";
const BATCH_GET_ITEM: &str = "DynamoDB_20120810.BatchGetItem";
const QUERY: &str = "DynamoDB_20120810.Query";

/// Whoever is told of the calls sent directly, as SDK interceptors are told of the SDK's (the
/// local runner's operation log and read meter).
pub trait Watch: Send + Sync {
    /// A call about to be sent: its input, as an interceptor's `read_before_execution` sees it.
    fn sending(&self, _input: &Input) {}
    /// A Query answered, having evaluated `scanned_count` entries.
    fn queried(&self, _scanned_count: i32) {}
}

/// The direct reads of one function; without a [`Wire`] every read goes through the SDK.
#[derive(Clone)]
pub struct DirectReads {
    wire: Option<Arc<Wire>>,
    /// The SDK client's timeouts.
    timeouts: TimeoutConfig,
    watchers: Vec<Arc<dyn Watch>>,
}

impl fmt::Debug for DirectReads {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DirectReads").field("wire", &self.wire).finish_non_exhaustive()
    }
}

impl Default for DirectReads {
    fn default() -> Self {
        Self { wire: None, timeouts: TimeoutConfig::disabled(), watchers: Vec::new() }
    }
}

/// A batch's items, and the keys DynamoDB left unprocessed, if any.
pub type Batch<T> = (Vec<T>, Option<HashMap<String, KeysAndAttributes>>);

impl DirectReads {
    pub fn new(wire: Wire, timeouts: TimeoutConfig) -> Self {
        Self { wire: Some(Arc::new(wire)), timeouts, watchers: Vec::new() }
    }

    /// The same reads, with `watcher` told of each.
    pub fn watched_by(mut self, watcher: Arc<dyn Watch>) -> Self {
        self.watchers.push(watcher);
        self
    }

    pub async fn get_item<T: DeserializeOwned + Send + 'static>(
        &self,
        call: GetItemFluentBuilder,
    ) -> Result<Option<T>, ApiError> {
        let started = Instant::now();
        let input = || call.as_input().clone().build().ok().map(Input::erase);
        let body = request::get_item(call.as_input());
        let read: Reader<Option<T>> = Box::new(super::get_item::<T>);
        if let Some(answer) = self.attempt(GET_ITEM, body, input, &read).await {
            return answer;
        }
        let reading = ReadAnswer::new(read);
        self.through_the_sdk(call.customize(), &reading, started).send().await?;
        reading.answer()
    }

    pub async fn batch_get_items<T: DeserializeOwned + Send + 'static>(
        &self,
        call: BatchGetItemFluentBuilder,
    ) -> Result<Batch<T>, ApiError> {
        let started = Instant::now();
        let input = || call.as_input().clone().build().ok().map(Input::erase);
        let body = request::batch_get_item(call.as_input());
        let read: Reader<Vec<T>> = Box::new(super::batch_get_items::<T>);
        if let Some(answer) = self.attempt(BATCH_GET_ITEM, body, input, &read).await {
            return answer.map(|items| (items, None));
        }
        let reading = ReadAnswer::new(read);
        let call = self.through_the_sdk(call.customize(), &reading, started);
        let BatchGetItemOutput { unprocessed_keys, .. } = call.send().await?;
        Ok((reading.answer()?, unprocessed_keys))
    }

    /// A Query, of whose entries the first `wanted` are read ([`super::query`]); `refused` maps
    /// the SDK's errors (a refused start key is the caller's to name).
    pub async fn query<T: DeserializeOwned + Send + 'static>(
        &self,
        call: QueryFluentBuilder,
        wanted: usize,
        refused: impl FnOnce(SdkError<QueryError>) -> ApiError,
    ) -> Result<QueryAnswer<T>, ApiError> {
        let started = Instant::now();
        let input = || call.as_input().clone().build().ok().map(Input::erase);
        let body = request::query(call.as_input());
        let read: Reader<QueryAnswer<T>> = Box::new(move |body| super::query::<T>(body, wanted));
        if let Some(answer) = self.attempt(QUERY, body, input, &read).await {
            return answer;
        }
        let reading = ReadAnswer::new(read);
        self.through_the_sdk(call.customize(), &reading, started).send().await.map_err(refused)?;
        reading.answer()
    }

    /// The direct attempt: `None` when the call is the SDK's to make.
    async fn attempt<T>(
        &self,
        target: &'static str,
        body: Option<Vec<u8>>,
        input: impl FnOnce() -> Option<Input>,
        read: &Reader<T>,
    ) -> Option<Result<T, ApiError>> {
        let (wire, body) = (self.wire.as_ref()?, body?);
        if !self.watchers.is_empty()
            && let Some(input) = input()
        {
            self.watchers.iter().for_each(|watcher| watcher.sending(&input));
        }
        let read = match wire.send(target, body, |answer| read(answer)).await? {
            Ok(read) => read,
            Err(error) => return Some(Err(undecodable(error))),
        };
        match read.for_the_sdk {
            // Keys left unprocessed: the SDK's types carry them back.
            ForTheSdk::Everything => return None,
            ForTheSdk::Counts { scanned_count, .. } => {
                self.watchers.iter().for_each(|watcher| watcher.queried(scanned_count));
            }
            ForTheSdk::Nothing => {}
        }
        Some(Ok(read.answer))
    }

    /// The call as the SDK makes it: its answer read by `reading`, in what is left of its time.
    fn through_the_sdk<O, E, B, T: Send + 'static>(
        &self,
        call: CustomizableOperation<O, E, B>,
        reading: &ReadAnswer<T>,
        started: Instant,
    ) -> CustomizableOperation<O, E, B> {
        let call = call.interceptor(reading.interceptor());
        match self.time_left(started) {
            Some(left) => call.config_override(left),
            None => call,
        }
    }

    /// What is left of the operation's time once a direct attempt took long enough to matter (it
    /// timed out, or the connection hung before breaking): the SDK's call gets only that.
    fn time_left(&self, started: Instant) -> Option<aws_sdk_dynamodb::config::Builder> {
        let spent = started.elapsed();
        let operation = self.timeouts.operation_timeout()?;
        if spent < Duration::from_millis(100) {
            return None;
        }
        let left = operation.saturating_sub(spent).max(Duration::from_millis(1));
        let attempt = self.timeouts.operation_attempt_timeout().map_or(left, |attempt| attempt.min(left));
        let timeouts = self.timeouts.to_builder().operation_timeout(left).operation_attempt_timeout(attempt).build();
        Some(aws_sdk_dynamodb::config::Builder::default().timeout_config(timeouts))
    }
}
