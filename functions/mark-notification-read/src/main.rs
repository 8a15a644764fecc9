//! Lambda entry point: telemetry and clients once per cold start, then the runtime loop.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::telemetry::init();
    let app = shared::App::from_env().await;
    shared::http::run_on_lambda(mark_notification_read::MarkNotificationRead::new(&app)?).await
}
