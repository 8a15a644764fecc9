//! Lambda entry point: see `shared::lambda`.

#[tokio::main]
async fn main() -> Result<(), shared::lambda::Error> {
    shared::lambda::serve_stream(expire_unpaid_checkouts::ExpireUnpaidCheckouts::new).await
}
