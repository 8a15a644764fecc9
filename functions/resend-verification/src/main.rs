//! Lambda entry point: see `shared::lambda`.

#[tokio::main]
async fn main() -> Result<(), shared::lambda::Error> {
    shared::lambda::serve_http(resend_verification::ResendVerification::new).await
}
