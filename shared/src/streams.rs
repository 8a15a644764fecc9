//! DynamoDB stream triggers: a trigger handles one change record at a time; the batch wrapper
//! stops at the first failure and reports it (`ReportBatchItemFailures`), so Lambda retries from
//! that record and nothing after it is lost or skipped. Triggers must be idempotent: a record can
//! arrive more than once.

use std::future::Future;

use aws_lambda_events::event::dynamodb::{Event, EventRecord};
use aws_lambda_events::event::streams::{DynamoDbBatchItemFailure, DynamoDbEventResponse};
use serde::de::DeserializeOwned;

use crate::accounts::audit::Origin;
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

/// The string key attribute `name` of the item a change record is about, parsed.
pub fn key<T: std::str::FromStr>(record: &EventRecord, name: &str) -> Result<T, ApiError> {
    match record.change.keys.get(name) {
        Some(serde_dynamo::AttributeValue::S(value)) => {
            value.parse().map_err(|_| ApiError::internal(format!("record key {name} does not parse")))
        }
        _ => Err(ApiError::internal(format!("record without a {name} key"))),
    }
}

/// Where a trigger's effects come from, as the audit log records it: the stream event.
pub fn origin(record: &EventRecord) -> Origin {
    Origin { request_id: record.event_id.clone(), source_ip: String::new() }
}
