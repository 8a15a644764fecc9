//! Logs: one JSON object per line on stdout, which CloudWatch Logs indexes field by field.
//!
//! What gets logged is chosen at the call sites in [`crate::http::endpoint`]: request id, route,
//! status and latency, never bodies, query strings, headers or tokens, which may hold personal data.

use tracing_subscriber::EnvFilter;

/// Installs the JSON subscriber once; later calls (tests, the local runner) are no-ops.
pub fn init() {
    let filter = EnvFilter::try_from_env("RUST_LOG")
        .or_else(|_| EnvFilter::try_from_env("AWS_LAMBDA_LOG_LEVEL"))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .json()
        .flatten_event(true)
        .with_current_span(true)
        .with_span_list(false)
        .with_target(false)
        .with_env_filter(filter)
        .try_init();
}
