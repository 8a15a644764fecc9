//! Lambda entry point: telemetry, clients and the signing key once per cold start, then the
//! runtime loop.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::telemetry::init();
    let app = shared::App::from_env().await;
    shared::http::run_on_lambda(refresh_token::RefreshToken::new(&app).await?).await
}
