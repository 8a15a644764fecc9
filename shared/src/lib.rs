//! The Souk El-Sayarat domain crate: every function is a thin shell over what lives here.
//!
//! - [`config`] and [`app`]: what a function reads from its environment and builds once at cold start.
//! - [`error`]: the one error type of the API; [`http::problem`] turns it into problem+json.
//! - [`http`]: request parsing (JSON bodies, typed query parameters), responses, the endpoint wrapper.
//! - [`cursor`]: opaque, tamper-evident page cursors bound to the query they came from.
//! - [`money`], [`catalog`]: domain types that cannot hold an illegal value.
//! - [`db`]: DynamoDB tables and repositories.
//! - [`telemetry`]: JSON logs through `tracing`.

pub mod accounts;
pub mod app;
pub mod auth;
pub mod catalog;
pub mod clock;
pub mod config;
pub mod cursor;
pub mod db;
pub mod error;
pub mod fields;
pub mod http;
pub mod ids;
pub mod money;
pub mod notify;
pub mod orders;
pub mod streams;
pub mod telemetry;
pub mod vendors;

pub use app::App;
pub use error::{ApiError, FieldError};

/// The deployed version, reported by the health endpoint.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
