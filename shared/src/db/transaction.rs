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
use crate::retry::Backoff;

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

impl TransactionError {
    /// Did the condition of the item at `index` fail (the transaction's expected "no")?
    pub fn failed_at(&self, index: usize) -> bool {
        matches!(self, Self::Cancelled(reasons) if reasons.get(index) == Some(&CancelReason::ConditionFailed))
    }

    /// Did any item's condition fail?
    pub fn any_failed(&self) -> bool {
        matches!(self, Self::Cancelled(reasons) if reasons.contains(&CancelReason::ConditionFailed))
    }
}

impl From<TransactionError> for ApiError {
    fn from(error: TransactionError) -> Self {
        match error {
            TransactionError::Failed(e) => e,
            TransactionError::Cancelled(reasons) => ApiError::internal(format!("transaction cancelled: {reasons:?}")),
        }
    }
}

/// Races are short: six attempts over about a second.
const RACES: Backoff = Backoff::new(6, Duration::from_millis(10));

pub async fn write(client: &aws_sdk_dynamodb::Client, items: Vec<TransactWriteItem>) -> Result<(), TransactionError> {
    let mut backoff = RACES;
    loop {
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
        if raced && !failed {
            backoff.pause().await.map_err(TransactionError::Failed)?;
            continue;
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
}
