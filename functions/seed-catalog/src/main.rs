//! Lambda entry point of the `Custom::StandardCategories` resource: see `shared::lambda`.

fn main() -> Result<(), shared::lambda::Error> {
    shared::lambda::on_one_thread(async {
        let app = shared::lambda::cold_start().await;
        seed_catalog::run(seed_catalog::SeedCatalog::new(&app)?).await
    })
}
