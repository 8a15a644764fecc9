//! The one error type of the API. Each variant is one stable `code` of the contract; the mapping to
//! status, title and problem+json lives in [`crate::http::problem`] and nowhere else.

use std::error::Error as StdError;

/// A field-level complaint, reported in the problem's `errors` array.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into() }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("The request is invalid.")]
    Validation(Vec<FieldError>),
    #[error("The cursor is not valid for this query.")]
    InvalidCursor,
    #[error("The token is unknown, used or expired.")]
    InvalidToken,
    #[error("Authentication is required.")]
    Unauthorized,
    #[error("The email or password is wrong.")]
    InvalidCredentials,
    #[error("The email address is not verified yet.")]
    EmailNotVerified,
    #[error("This action is not allowed for your role.")]
    Forbidden,
    #[error("The resource does not exist.")]
    NotFound,
    /// The path exists but not with this method; `allow` lists the methods it has.
    #[error("This resource does not support this method.")]
    MethodNotAllowed { allow: Vec<&'static str> },
    #[error("{0}")]
    Conflict(Conflict),
    #[error("The resource has changed since it was read.")]
    PreconditionFailed,
    #[error("The request body is larger than {limit} bytes.")]
    PayloadTooLarge { limit: usize },
    #[error("The request body must be application/json.")]
    UnsupportedMediaType,
    #[error("This idempotency key was used with a different request.")]
    IdempotencyKeyReused,
    #[error("Too many requests; retry later.")]
    RateLimited { retry_after_secs: u64 },
    #[error("The service is temporarily unavailable; retry later.")]
    Unavailable { retry_after_secs: u64 },
    /// Details go to the log (with the request id), never to the client.
    #[error("An internal error occurred.")]
    Internal(#[source] Box<dyn StdError + Send + Sync>),
}

/// The 409 family: the request is well formed but clashes with the current state.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Conflict {
    #[error("The request conflicts with the current state of the resource.")]
    Generic,
    #[error("An account with this email already exists.")]
    EmailTaken,
    #[error("An open vendor application already exists for this account.")]
    ApplicationExists,
    #[error("The resource cannot move from {from} to {to}.")]
    InvalidTransition { from: String, to: String },
    #[error("Not enough stock for product {product_id}.")]
    InsufficientStock { product_id: String },
    #[error("The seller of these products has closed their account.")]
    VendorClosed,
    #[error("Orders you sell are not yet delivered or cancelled; the account can be closed once they are.")]
    OpenOrders,
    #[error("The order's online payment is not settled yet: it is paid, or cancelled when its payment window closes.")]
    PaymentPending,
}

impl ApiError {
    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Validation(vec![FieldError::new(field, message)])
    }

    pub fn internal(source: impl Into<Box<dyn StdError + Send + Sync>>) -> Self {
        Self::Internal(source.into())
    }
}

/// Collects every field error of a request before failing, so a client learns all of them at once.
#[derive(Debug, Default)]
pub struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    pub fn push(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError::new(field, message));
    }

    /// Keeps the value of a successful parse, records the error of a failed one.
    pub fn take<T>(&mut self, result: Result<T, FieldError>) -> Option<T> {
        result.map_err(|e| self.0.push(e)).ok()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(value)` when nothing was recorded.
    pub fn finish<T>(self, value: impl FnOnce() -> T) -> Result<T, ApiError> {
        if self.0.is_empty() { Ok(value()) } else { Err(ApiError::Validation(self.0)) }
    }
}
