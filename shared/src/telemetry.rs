//! Logs: one JSON object per line on stdout, which CloudWatch Logs indexes field by field.
//!
//! What gets logged is chosen at the call sites in [`crate::http::endpoint`]: request id, route,
//! status and latency, never bodies, query strings, headers or tokens, which may hold personal data.

pub mod emf;

use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// Installs the JSON subscriber once; later calls (tests, the local runner) are no-ops.
///
/// The level comes from `RUST_LOG`, else from Lambda's `AWS_LAMBDA_LOG_LEVEL` (the template's
/// `ApplicationLogLevel`), else `info`: a level (`debug`) or comma-separated `target=level`
/// directives (`info,aws_smithy_runtime=debug`). Span and field filters are not supported: their
/// parser compiles regular expressions at every cold start.
pub fn init() {
    init_writing_to(std::io::stdout);
}

/// As [`init`], with the lines written to `writer`: benchmarks pay for formatting every line
/// without printing it.
pub fn init_writing_to<W>(writer: W)
where
    W: for<'w> tracing_subscriber::fmt::MakeWriter<'w> + Send + Sync + 'static,
{
    let _ = tracing_subscriber::fmt()
        .with_writer(writer)
        .json()
        .flatten_event(true)
        .with_current_span(true)
        .with_span_list(false)
        .with_target(false)
        .with_max_level(tracing::Level::TRACE)
        .finish()
        .with(filter())
        .try_init();
}

/// The first of the variables that parses as directives.
fn filter() -> Targets {
    ["RUST_LOG", "AWS_LAMBDA_LOG_LEVEL"]
        .iter()
        .find_map(|var| std::env::var(var).ok()?.parse().ok())
        .unwrap_or_else(|| Targets::new().with_default(tracing::Level::INFO))
}

#[cfg(test)]
mod tests {
    use tracing::Level;
    use tracing_subscriber::filter::Targets;

    #[test]
    fn lambda_log_levels_and_directives_parse() {
        let lambda: Targets = "INFO".parse().expect("Lambda's upper-case level");
        assert!(lambda.would_enable("shared", &Level::INFO));
        assert!(!lambda.would_enable("shared", &Level::DEBUG));
        let directives: Targets = "warn,aws_smithy_runtime=debug".parse().expect("target=level directives");
        assert!(directives.would_enable("aws_smithy_runtime::client", &Level::DEBUG));
        assert!(!directives.would_enable("shared", &Level::INFO));
    }
}
