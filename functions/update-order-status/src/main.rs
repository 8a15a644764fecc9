//! Lambda entry point: see `shared::lambda`.

#[tokio::main]
async fn main() -> Result<(), shared::lambda::Error> {
    shared::lambda::serve_http(update_order_status::UpdateOrderStatus::new).await
}
