//! The hottest reads, sent directly ([`super::wire`]) and read straight into the domain types,
//! each handed to the SDK for whatever the direct attempt does not answer.
//!
//! A call goes directly when its input is one [`super::request`] writes and the attempt comes back
//! 200 with an answer read whole (a batch's answer with the keys it left unprocessed, which the
//! caller asks for again). Anything else (an error answer, a throttle, a connection that broke,
//! no answer within the attempt timeout) sends the same call through the SDK, given what is left of the operation's time, so retries, backoff and error
//! codes are the SDK's, as before: a failed direct attempt never makes a different answer. When
//! it failed in a way the SDK retries (a throttle, a server error, a broken connection, no
//! answer), it counts as the SDK's first attempt: the SDK's call waits the backoff of a first
//! retry and has one attempt fewer, so a throttled table sees no more calls, and no sooner, than
//! the SDK alone would send.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use aws_sdk_dynamodb::client::customize::CustomizableOperation;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::batch_get_item::builders::BatchGetItemFluentBuilder;
use aws_sdk_dynamodb::operation::get_item::builders::GetItemFluentBuilder;
use aws_sdk_dynamodb::operation::query::QueryError;
use aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder;
use aws_smithy_runtime_api::client::interceptors::context::Input;
use aws_smithy_types::retry::RetryConfig;
use aws_smithy_types::timeout::TimeoutConfig;
use serde::de::DeserializeOwned;

use super::answer::{ForTheSdk, ReadAnswer, Reader};
use super::wire::{Unanswered, Wire};
use super::{Batch, QueryAnswer, request};
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
    /// The SDK client's timeouts and retries.
    timeouts: TimeoutConfig,
    retries: RetryConfig,
    watchers: Vec<Arc<dyn Watch>>,
}

impl fmt::Debug for DirectReads {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DirectReads").field("wire", &self.wire).finish_non_exhaustive()
    }
}

impl Default for DirectReads {
    fn default() -> Self {
        Self { wire: None, timeouts: TimeoutConfig::disabled(), retries: RetryConfig::disabled(), watchers: Vec::new() }
    }
}

/// How the SDK is to make a call the direct attempt did not answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ForTheSdkToMake {
    /// From its first attempt: the call was not sent directly, DynamoDB refused it (the SDK's
    /// answer names the error).
    Afresh,
    /// As the retry of the direct attempt, which met what the SDK retries.
    AsItsRetry,
}

impl DirectReads {
    pub fn new(wire: Wire, timeouts: TimeoutConfig, retries: RetryConfig) -> Self {
        Self { wire: Some(Arc::new(wire)), timeouts, retries, watchers: Vec::new() }
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
        let afterwards = match self.attempt(GET_ITEM, body, input, &read).await {
            Ok(answer) => return answer,
            Err(afterwards) => afterwards,
        };
        let reading = ReadAnswer::new(read);
        self.through_the_sdk(call.customize(), &reading, started, afterwards).await.send().await?;
        reading.answer()
    }

    pub async fn batch_get_items<T: DeserializeOwned + Send + 'static>(
        &self,
        call: BatchGetItemFluentBuilder,
    ) -> Result<Batch<T>, ApiError> {
        let started = Instant::now();
        let input = || call.as_input().clone().build().ok().map(Input::erase);
        let body = request::batch_get_item(call.as_input());
        let read: Reader<Batch<T>> = Box::new(super::batch_get_items::<T>);
        let afterwards = match self.attempt(BATCH_GET_ITEM, body, input, &read).await {
            Ok(answer) => return answer,
            Err(afterwards) => afterwards,
        };
        let reading = ReadAnswer::new(read);
        self.through_the_sdk(call.customize(), &reading, started, afterwards).await.send().await?;
        reading.answer()
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
        let afterwards = match self.attempt(QUERY, body, input, &read).await {
            Ok(answer) => return answer,
            Err(afterwards) => afterwards,
        };
        let reading = ReadAnswer::new(read);
        let call = self.through_the_sdk(call.customize(), &reading, started, afterwards).await;
        call.send().await.map_err(refused)?;
        reading.answer()
    }

    /// The direct attempt's answer, or how the SDK is to make the call.
    async fn attempt<T>(
        &self,
        target: &'static str,
        body: Option<Vec<u8>>,
        input: impl FnOnce() -> Option<Input>,
        read: &Reader<T>,
    ) -> Result<Result<T, ApiError>, ForTheSdkToMake> {
        let (Some(wire), Some(body)) = (self.wire.as_ref(), body) else { return Err(ForTheSdkToMake::Afresh) };
        if !self.watchers.is_empty()
            && let Some(input) = input()
        {
            self.watchers.iter().for_each(|watcher| watcher.sending(&input));
        }
        let read = match wire.send(target, body, |answer| read(answer)).await {
            Ok(Ok(read)) => read,
            Ok(Err(error)) => return Ok(Err(undecodable(error))),
            Err(Unanswered::Refused) => return Err(ForTheSdkToMake::Afresh),
            Err(Unanswered::Transient) => return Err(ForTheSdkToMake::AsItsRetry),
        };
        if let ForTheSdk::Counts { scanned_count, .. } = read.for_the_sdk {
            self.watchers.iter().for_each(|watcher| watcher.queried(scanned_count));
        }
        Ok(Ok(read.answer))
    }

    /// The call as the SDK makes it: its answer read by `reading`, in what is left of its time,
    /// and as the retry of the direct attempt when that is what it is.
    async fn through_the_sdk<O, E, B, T: Send + 'static>(
        &self,
        call: CustomizableOperation<O, E, B>,
        reading: &ReadAnswer<T>,
        started: Instant,
        afterwards: ForTheSdkToMake,
    ) -> CustomizableOperation<O, E, B> {
        let call = call.interceptor(reading.interceptor());
        let retried = afterwards == ForTheSdkToMake::AsItsRetry && self.retries.has_retry();
        if retried {
            tokio::time::sleep(self.first_backoff()).await;
        }
        let left = self.time_left(started);
        if !retried && left.is_none() {
            return call;
        }
        let mut changed = aws_sdk_dynamodb::config::Builder::default();
        changed.set_timeout_config(left);
        if retried {
            changed.set_retry_config(Some(self.retries.clone().with_max_attempts(self.retries.max_attempts() - 1)));
        }
        call.config_override(changed)
    }

    /// What the SDK waits before its first retry: its initial backoff times a random fraction.
    fn first_backoff(&self) -> Duration {
        let fraction = if self.retries.use_static_exponential_base() { 1.0 } else { fastrand::f64() };
        self.retries.initial_backoff().mul_f64(fraction).min(self.retries.max_backoff())
    }

    /// What is left of the operation's time once a direct attempt took long enough to matter (it
    /// timed out, or the connection hung before breaking): the SDK's call gets only that.
    fn time_left(&self, started: Instant) -> Option<TimeoutConfig> {
        let spent = started.elapsed();
        let operation = self.timeouts.operation_timeout()?;
        if spent < Duration::from_millis(100) {
            return None;
        }
        let left = operation.saturating_sub(spent).max(Duration::from_millis(1));
        let attempt = self.timeouts.operation_attempt_timeout().map_or(left, |attempt| attempt.min(left));
        Some(self.timeouts.to_builder().operation_timeout(left).operation_attempt_timeout(attempt).build())
    }
}
