//! Writing several items atomically, and learning item by item why it did not happen, so a caller
//! can tell "the email is taken" from "the token was already used".
//!
//! DynamoDB cancels a transaction that races another one on the same item (`TransactionConflict`)
//! even when it could succeed a moment later; those are retried here, so callers only ever see
//! conditions that really failed.

use std::time::Duration;

use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::TransactWriteItem;

use crate::error::ApiError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelReason {
    /// This item's condition did not hold.
    ConditionFailed,
    /// This item was fine; another one cancelled the transaction.
    None,
    /// Throttling, validation or another unexpected reason.
    Other,
}

#[derive(Debug)]
pub enum TransactionError {
    /// One reason per item, in order.
    Cancelled(Vec<CancelReason>),
    Failed(ApiError),
}

impl From<TransactionError> for ApiError {
    fn from(error: TransactionError) -> Self {
        match error {
            TransactionError::Failed(e) => e,
            TransactionError::Cancelled(reasons) => ApiError::internal(format!("transaction cancelled: {reasons:?}")),
        }
    }
}

const ATTEMPTS: u32 = 6;

pub async fn write(client: &aws_sdk_dynamodb::Client, items: Vec<TransactWriteItem>) -> Result<(), TransactionError> {
    for attempt in 1..=ATTEMPTS {
        let error = match client.transact_write_items().set_transact_items(Some(items.clone())).send().await {
            Ok(_) => return Ok(()),
            Err(error) => error,
        };
        let Some(TransactWriteItemsError::TransactionCanceledException(cancelled)) = error.as_service_error() else {
            return Err(TransactionError::Failed(error.into()));
        };
        let codes: Vec<Option<&str>> = cancelled.cancellation_reasons().iter().map(|r| r.code()).collect();
        let raced = codes.iter().any(|c| matches!(c, Some("TransactionConflict")));
        let failed = codes.iter().any(|c| matches!(c, Some("ConditionalCheckFailed")));
        if raced && !failed && attempt < ATTEMPTS {
            // Back off a little more each time, with jitter, so racing writers spread out.
            let jitter = u64::from(ulid::Ulid::new().random() as u8 % 20);
            tokio::time::sleep(Duration::from_millis((10 << attempt) + jitter)).await;
            continue;
        }
        if raced && !failed {
            return Err(TransactionError::Failed(ApiError::Unavailable { retry_after_secs: 1 }));
        }
        return Err(TransactionError::Cancelled(
            codes
                .into_iter()
                .map(|code| match code {
                    Some("ConditionalCheckFailed") => CancelReason::ConditionFailed,
                    Some("None") | None => CancelReason::None,
                    Some(_) => CancelReason::Other,
                })
                .collect(),
        ));
    }
    unreachable!("the last attempt always returns")
}
