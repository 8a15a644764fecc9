//! The one place where an [`ApiError`] becomes an RFC 9457 `application/problem+json` response.

use http::{HeaderValue, StatusCode, header};
use lambda_http::{Body, Response};
use serde::Serialize;

use crate::error::{ApiError, Conflict, FieldError};
use crate::http::request_id::RequestId;

pub const CONTENT_TYPE: &str = "application/problem+json";
const TYPE_BASE: &str = "https://souk-el-sayarat.com/problems/";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Problem<'a> {
    #[serde(rename = "type")]
    type_uri: String,
    title: &'static str,
    status: u16,
    detail: String,
    code: &'static str,
    request_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<&'a [FieldError]>,
}

impl ApiError {
    /// The stable machine-readable code of the contract (`openapi.yaml`).
    pub fn code(&self) -> &'static str {
        match self {
            Self::Validation(_) => "validation_failed",
            Self::InvalidCursor => "invalid_cursor",
            Self::InvalidToken => "invalid_token",
            Self::Unauthorized => "unauthorized",
            Self::InvalidCredentials => "invalid_credentials",
            Self::EmailNotVerified => "email_not_verified",
            Self::Forbidden => "forbidden",
            Self::NotFound => "not_found",
            Self::MethodNotAllowed { .. } => "method_not_allowed",
            Self::Conflict(
                Conflict::Generic | Conflict::VendorClosed | Conflict::OpenOrders | Conflict::PaymentPending,
            ) => "conflict",
            Self::Conflict(Conflict::EmailTaken) => "email_taken",
            Self::Conflict(Conflict::ApplicationExists) => "application_exists",
            Self::Conflict(Conflict::InvalidTransition { .. }) => "invalid_transition",
            Self::Conflict(Conflict::InsufficientStock { .. }) => "insufficient_stock",
            Self::PreconditionFailed => "precondition_failed",
            Self::PayloadTooLarge { .. } => "payload_too_large",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::IdempotencyKeyReused => "idempotency_key_reused",
            Self::RateLimited { .. } => "rate_limited",
            Self::Unavailable { .. } => "unavailable",
            Self::Internal(_) => "internal",
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Self::Validation(_) | Self::InvalidCursor | Self::InvalidToken => StatusCode::BAD_REQUEST,
            Self::Unauthorized | Self::InvalidCredentials => StatusCode::UNAUTHORIZED,
            Self::EmailNotVerified | Self::Forbidden => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
            Self::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::IdempotencyKeyReused => StatusCode::UNPROCESSABLE_ENTITY,
            Self::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn title(&self) -> &'static str {
        self.status().canonical_reason().unwrap_or("Error")
    }

    fn retry_after_secs(&self) -> Option<u64> {
        match self {
            Self::RateLimited { retry_after_secs } | Self::Unavailable { retry_after_secs } => Some(*retry_after_secs),
            _ => None,
        }
    }

    /// The problem+json response for this error. `detail` is the variant's message, which never
    /// carries an internal cause (see [`ApiError::Internal`]).
    pub fn to_response(&self, request_id: &RequestId) -> Response<Body> {
        let errors = match self {
            Self::Validation(errors) => Some(errors.as_slice()),
            _ => None,
        };
        let problem = Problem {
            type_uri: format!("{TYPE_BASE}{}", self.code()),
            title: self.title(),
            status: self.status().as_u16(),
            detail: self.to_string(),
            code: self.code(),
            request_id: request_id.as_str(),
            errors,
        };
        let body = serde_json::to_string(&problem).expect("a problem always serializes");
        let mut response = Response::builder()
            .status(self.status())
            .header(header::CONTENT_TYPE, CONTENT_TYPE)
            .body(Body::Text(body))
            .expect("a static response always builds");
        if matches!(self, Self::Unauthorized) {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let Self::MethodNotAllowed { allow } = self {
            let allow = HeaderValue::from_str(&allow.join(", ")).expect("method names are header-safe");
            response.headers_mut().insert(header::ALLOW, allow);
        }
        if let Some(secs) = self.retry_after_secs() {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}
