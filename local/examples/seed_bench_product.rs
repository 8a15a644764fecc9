//! Writes one active car into a running marketplace's tables and prints its id: the product that
//! `benches/http.sh` reads with `GET /api/products/{id}`.
//!
//! `cargo run -p souk-local --example seed_bench_product -- http://127.0.0.1:PORT [TABLE_PREFIX]`
//!
//! The product goes into `<prefix>ProductsTable` and its listing entries into
//! `<prefix>ProductListingsTable`, as the products stream trigger would keep them.

use shared::App;
use shared::catalog::product::{BodyType, FuelType, Location, Transmission, Vehicle};
use shared::catalog::{Condition, Governorate, Product, ProductId, ProductStatus};
use shared::clock::Timestamp;
use shared::config::Config;
use shared::db::{ListingRepo, ProductRepo};
use shared::money::Money;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let endpoint = args.next().ok_or("usage: seed_bench_product DYNAMODB_ENDPOINT [TABLE_PREFIX]")?;
    let prefix = args.next().unwrap_or_default();
    // Only the tables are used; page cursors are never signed here.
    let app = App::new(Config::local(&endpoint, &prefix, &[0; 32])).await;

    let product = corolla();
    ProductRepo::new(&app.database())?.put(&product).await?;
    ListingRepo::new(&app.database())?.reconcile(product.id, Some(&product)).await?;
    println!("{}", product.id);
    Ok(())
}

/// A used 2019 Toyota Corolla in Giza, listed the way a dealer would.
fn corolla() -> Product {
    let now = Timestamp::now();
    Product {
        id: ProductId::created_at(now),
        vendor_id: "01HVBENCH00000000000000000".into(),
        category_id: "cars".into(),
        title: "تويوتا كورولا 2019 فابريكا".into(),
        description: "تويوتا كورولا 2019 أوتوماتيك، فابريكا بالكامل، صيانات توكيل، عداد 78 ألف كم، رخصة سارية.".into(),
        price: Money::egp(85_000_000), // 850,000 EGP
        condition: Condition::Used,
        stock: 1,
        status: ProductStatus::Active,
        images: vec![
            "https://images.souk-el-sayarat.com/p/corolla-2019-1.jpg".into(),
            "https://images.souk-el-sayarat.com/p/corolla-2019-2.jpg".into(),
        ],
        thumbnails: vec![],
        location: Location { governorate: Governorate::Giza, city: "الدقي".into() },
        vehicle: Some(Vehicle {
            make: "Toyota".into(),
            model: "Corolla".into(),
            year: 2019,
            mileage_km: 78_000,
            body_type: Some(BodyType::Sedan),
            fuel_type: Some(FuelType::Petrol),
            transmission: Some(Transmission::Automatic),
            color: Some("فضي".into()),
            vin: None,
        }),
        part: None,
        created_at: now,
        updated_at: now,
        version: 1,
    }
}
