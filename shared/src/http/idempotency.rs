//! The `Idempotency-Key` header of a request, parsed (see [`IdempotencyKey`]).

use lambda_http::Request;

use crate::error::ApiError;
use crate::orders::idempotency_key::{HEADER, IdempotencyKey};

/// The key the client sent, if any; a malformed one is 400 on `Idempotency-Key`.
pub fn key(req: &Request) -> Result<Option<IdempotencyKey>, ApiError> {
    let Some(value) = req.headers().get(HEADER) else { return Ok(None) };
    IdempotencyKey::parse(value.to_str().unwrap_or_default()).map(Some).map_err(|e| ApiError::Validation(vec![e]))
}
