//! Lambda entry point: see `shared::lambda`.

#[tokio::main]
async fn main() -> Result<(), shared::lambda::Error> {
    shared::lambda::serve_http(get_messages::GetMessages::new).await
}
