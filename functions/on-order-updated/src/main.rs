//! Lambda entry point of a stream trigger: telemetry and clients once per cold start.

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    shared::telemetry::init();
    let app = shared::App::from_env().await;
    shared::streams::run_on_lambda(on_order_updated::OnOrderUpdated::new(&app)?).await
}
