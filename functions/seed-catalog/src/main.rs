//! Lambda entry point of the `Custom::StandardCategories` resource: see `shared::lambda`.

#[tokio::main]
async fn main() -> Result<(), shared::lambda::Error> {
    let app = shared::lambda::cold_start().await;
    seed_catalog::run(seed_catalog::SeedCatalog::new(&app)?).await
}
