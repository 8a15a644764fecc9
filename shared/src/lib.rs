//! The Souk El-Sayarat domain crate: every function is a thin shell over what lives here.
//!
//! Its modules stand in five layers, ground floor first; a module imports only from its own layer
//! or those below, and no two modules import each other (`tests/layers.rs` checks both).
//!
//! 1. Values: [`ids`], [`money`], [`clock`], [`calendar`], [`error`], [`fields`], [`params`], [`tables`],
//!    [`config`], [`cursor`], [`etag`], [`retry`], [`metrics`]. No I/O, no HTTP.
//! 2. Domain: [`accounts`], [`analytics`], [`catalog`], [`vendors`], [`orders`], [`payments`], [`media`], [`notify`], [`conversations`], [`frames`]: types
//!    that parse on construction, and pure rules. No AWS SDK, no `lambda_http`.
//! 3. Stores: [`db`] (one module per table), [`sns`], [`bucket`] (the media bucket) and `connections_api` (the WebSocket API's `@connections`), over the AWS
//!    SDK; [`gateways`], the payment gateways' clients over HTTPS; [`https`], the connector under
//!    every outbound client.
//! 4. Services: [`services`], what combines stores and publishers.
//! 5. Edges: [`http`] (requests → domain, errors → problem+json), [`streams`] and [`object_events`]
//!    (the triggers' events), [`sockets`] (the WebSocket routes' events), [`app`] (clients
//!    built once), [`lambda`] (the runtime loop), [`telemetry`].

pub mod accounts;
pub mod analytics;
pub mod app;
#[cfg(feature = "media")]
pub mod bucket;
pub mod calendar;
pub mod catalog;
pub mod clock;
pub mod config;
#[cfg(feature = "live")]
pub mod connections_api;
pub mod conversations;
pub mod cursor;
pub mod db;
pub mod error;
pub mod etag;
pub mod fields;
pub mod frames;
#[cfg(feature = "payments")]
pub mod gateways;
pub mod http;
pub mod https;
pub mod ids;
pub mod lambda;
pub mod media;
pub mod metrics;
pub mod money;
pub mod notify;
pub mod object_events;
pub mod orders;
pub mod params;
pub mod payments;
pub mod retry;
pub mod services;
#[cfg(feature = "notifications")]
pub mod sns;
pub mod sockets;
pub mod streams;
pub mod tables;
pub mod telemetry;
pub mod vendors;

pub use app::App;
pub use error::{ApiError, FieldError};

/// The deployed version, reported by the health endpoint.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
