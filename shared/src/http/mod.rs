//! HTTP for API Gateway HTTP API (v2) events: parsing requests, shaping responses, and the wrapper
//! every endpoint runs in.

pub mod auth;
pub mod body;
pub mod context;
pub mod endpoint;
pub mod hardening;
pub mod idempotency;
mod json_value;
pub mod page;
pub mod path;
pub mod problem;
pub mod query;
pub mod request_id;
pub mod response;
pub mod routes;

pub use auth::Authenticator;
pub use endpoint::{Endpoint, serve};
pub use http::{StatusCode, header};
pub use lambda_http::{Body, Request, RequestExt, Response};
