//! Lambda entry point: see `shared::lambda`.

fn main() -> Result<(), shared::lambda::Error> {
    shared::lambda::serve_http(trigger_analytics_update::TriggerAnalyticsUpdate::new)
}
