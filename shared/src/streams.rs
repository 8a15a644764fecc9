//! DynamoDB stream triggers: a trigger handles one change record at a time; the batch wrapper
//! stops at the first failure and reports it (`ReportBatchItemFailures`), so Lambda retries from
//! that record and nothing after it is lost or skipped. Triggers must be idempotent: a record can
//! arrive more than once.

use std::future::Future;
use std::sync::Arc;

use aws_lambda_events::event::dynamodb::{Event, EventRecord};
use aws_lambda_events::event::streams::{DynamoDbBatchItemFailure, DynamoDbEventResponse};
use lambda_runtime::{LambdaEvent, service_fn};
use serde::de::DeserializeOwned;

use crate::error::ApiError;

pub use aws_lambda_events::event::dynamodb::{Event as StreamEvent, EventRecord as StreamRecord};

pub trait Trigger: Send + Sync + 'static {
    fn handle(&self, record: &EventRecord) -> impl Future<Output = Result<(), ApiError>> + Send;
}

/// Runs `trigger` over a batch in order; the first failure and everything after it is reported
/// for retry.
pub async fn process<T: Trigger>(trigger: &T, event: &Event) -> DynamoDbEventResponse {
    let mut response = DynamoDbEventResponse::default();
    for record in &event.records {
        // Boxed (and type-erased) so a trigger's deep future does not nest inside the batch's.
        let handled: std::pin::Pin<Box<dyn Future<Output = Result<(), ApiError>> + Send + '_>> =
            Box::pin(trigger.handle(record));
        if let Err(error) = handled.await {
            tracing::error!(error = %error, cause = ?std::error::Error::source(&error).map(ToString::to_string), event_id = %record.event_id, "stream record failed");
            let mut failure = DynamoDbBatchItemFailure::default();
            failure.item_identifier = record.change.sequence_number.clone();
            response.batch_item_failures.push(failure);
            break;
        }
    }
    response
}

/// The Lambda entry point of a stream trigger.
pub async fn run_on_lambda<T: Trigger>(trigger: T) -> Result<(), lambda_runtime::Error> {
    let trigger = Arc::new(trigger);
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Event>| {
        let trigger = Arc::clone(&trigger);
        async move { Ok::<_, lambda_runtime::Error>(process(trigger.as_ref(), &event.payload).await) }
    }))
    .await
}

/// The item after the change, if the stream carries it.
pub fn new_image<T: DeserializeOwned>(record: &EventRecord) -> Result<Option<T>, ApiError> {
    image(&record.change.new_image)
}

/// The item before the change, if the stream carries it.
pub fn old_image<T: DeserializeOwned>(record: &EventRecord) -> Result<Option<T>, ApiError> {
    image(&record.change.old_image)
}

fn image<T: DeserializeOwned>(item: &serde_dynamo::Item) -> Result<Option<T>, ApiError> {
    if item.is_empty() {
        return Ok(None);
    }
    Ok(Some(serde_dynamo::from_item(item.clone())?))
}
