//! Lambda entry point: see `shared::lambda`.

#[tokio::main]
async fn main() -> Result<(), shared::lambda::Error> {
    shared::lambda::serve_http(decide_vendor_application::DecideVendorApplication::new).await
}
