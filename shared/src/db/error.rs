//! How a failed DynamoDB call reaches the client: throttling and unreachability are a retryable 503,
//! everything else an opaque 500 (logged with its cause by the endpoint wrapper).

use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};

use crate::error::ApiError;

/// Error codes after which a retry a moment later may well succeed.
const TRANSIENT_CODES: &[&str] = &[
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
    "InternalServerError",
    "ServiceUnavailable",
    "TransactionInProgressException",
];

impl<E, R> From<SdkError<E, R>> for ApiError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    fn from(err: SdkError<E, R>) -> Self {
        let transient = match &err {
            SdkError::DispatchFailure(_) | SdkError::TimeoutError(_) => true,
            SdkError::ServiceError(e) => e.err().code().is_some_and(|code| TRANSIENT_CODES.contains(&code)),
            _ => false,
        };
        if transient {
            tracing::warn!(error = %aws_sdk_dynamodb::error::DisplayErrorContext(&err), "database unavailable");
            ApiError::Unavailable { retry_after_secs: 1 }
        } else {
            ApiError::internal(aws_sdk_dynamodb::error::DisplayErrorContext(err).to_string())
        }
    }
}

/// A stored item that does not decode is a bug or corruption, never the client's fault.
pub fn undecodable(err: impl std::fmt::Display) -> ApiError {
    ApiError::internal(format!("stored item does not decode: {err}"))
}

impl From<serde_dynamo::Error> for ApiError {
    fn from(err: serde_dynamo::Error) -> Self {
        undecodable(err)
    }
}

/// Did the write fail only because its condition did not hold (the expected "someone was first")?
pub fn is_condition_failure<E: ProvideErrorMetadata, R>(error: &SdkError<E, R>) -> bool {
    error.as_service_error().is_some_and(|e| e.code() == Some("ConditionalCheckFailedException"))
}

/// Whether a conditional write happened: `Ok(false)` when only its condition did not hold, which
/// for idempotent writes is an answer ("already done"), not a failure.
pub fn applied<T, E, R>(result: Result<T, SdkError<E, R>>) -> Result<bool, ApiError>
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    match result {
        Ok(_) => Ok(true),
        Err(e) if is_condition_failure(&e) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// The error of a Query that started from a client's position: DynamoDB refusing that position
/// (a `ValidationException`) is the cursor's fault, `invalid_cursor`, never a 500.
pub fn refused_start<E, R>(error: SdkError<E, R>, from_cursor: bool) -> ApiError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    let refused = error.as_service_error().is_some_and(|e| e.code() == Some("ValidationException"));
    if from_cursor && refused { ApiError::InvalidCursor } else { error.into() }
}
