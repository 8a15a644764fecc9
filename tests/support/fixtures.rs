//! Products as vendors would list them, and a way to put them in the catalog.
//!
//! Until products are created through the API, tests write them with the repositories and keep
//! the listing index in step the way the products stream trigger does.

use std::collections::{BTreeMap, HashMap};

use aws_sdk_dynamodb::types::AttributeValue;
use futures::StreamExt;
use shared::ApiError;
use shared::catalog::product::{Compatibility, Location, Part, Vehicle};
use shared::catalog::{Condition, Governorate, Product, ProductId, ProductStatus};
use shared::clock::Timestamp;
use shared::db::{ListingRepo, ProductRepo};
use shared::money::Money;
use shared::tables::Table;

use crate::TestMarketplace;

/// `call` repeated while a busy DynamoDB Local does not answer it in time (503 `Unavailable`), up
/// to sixteen times over about half a minute, as a client or a stream's redelivery would: CI runs
/// the contract fuzzing and release builds beside the tests. For idempotent calls only.
pub async fn while_unavailable<T, F, Fut>(mut call: F) -> Result<T, ApiError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, ApiError>>,
{
    const ATTEMPTS: u64 = 16;
    let mut attempt = 1;
    loop {
        match call().await {
            Err(ApiError::Unavailable { .. }) if attempt < ATTEMPTS => {
                tokio::time::sleep(std::time::Duration::from_millis((250 * attempt).min(2_000))).await;
                attempt += 1;
            }
            result => return result,
        }
    }
}

/// Arranging a test's data is not what it checks: a write is made again while DynamoDB Local is
/// too busy for it ([`while_unavailable`]; both writes here are idempotent), then it fails.
async fn patiently<F, Fut>(what: &str, write: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<(), ApiError>>,
{
    while_unavailable(write).await.unwrap_or_else(|e| panic!("{what}: {e:?}"))
}

pub const VENDOR_A: &str = "01HVA000000000000000000000";
pub const VENDOR_B: &str = "01HVB000000000000000000000";

/// A used car, listed at `minutes` past a fixed hour, so tests control `newest` order.
pub fn car(make: &str, model: &str, year: u16, mileage_km: u32, price_egp: u64, minutes: i64) -> Product {
    let at = Timestamp::from_unix_millis(1_790_000_000_000 + minutes * 60_000);
    Product {
        id: ProductId::created_at(at),
        vendor_id: VENDOR_A.into(),
        category_id: "cars".into(),
        title: format!("{make} {model} {year}"),
        description: format!("{make} {model} بحالة ممتازة"),
        price: Money::egp(price_egp * 100),
        condition: Condition::Used,
        stock: 1,
        status: ProductStatus::Active,
        images: vec!["https://images.souk-el-sayarat.com/p/1.jpg".into()],
        thumbnails: vec![],
        location: Location { governorate: Governorate::Cairo, city: "Nasr City".into() },
        vehicle: Some(Vehicle::new(make, model, year, mileage_km)),
        part: None,
        created_at: at,
        updated_at: at,
        version: 1,
    }
}

/// A new spare part that fits the given (make, model) pairs.
pub fn part(title: &str, fits: &[(&str, &str)], price_egp: u64, minutes: i64) -> Product {
    let base = car("x", "x", 2000, 0, price_egp, minutes);
    Product {
        category_id: "spare-parts".into(),
        title: title.into(),
        description: "قطعة غيار أصلية".into(),
        condition: Condition::New,
        stock: 10,
        vehicle: None,
        part: Some(Part {
            oem_number: Some("04465-02220".into()),
            compatible_with: fits
                .iter()
                .map(|(make, model)| Compatibility {
                    make: (*make).into(),
                    model: (*model).into(),
                    year_from: 2014,
                    year_to: 2022,
                })
                .collect(),
        }),
        ..base
    }
}

impl TestMarketplace {
    fn repos(&self) -> (ProductRepo, ListingRepo) {
        let db = self.app().database();
        (ProductRepo::new(&db).unwrap(), ListingRepo::new(&db).unwrap())
    }

    /// Puts products in the catalog, their listing entries with them.
    pub async fn list(&self, products: &[Product]) {
        let (products_repo, listings) = self.repos();
        // A few at a time: DynamoDB Local is shared by every test running in parallel.
        futures::stream::iter(products)
            .for_each_concurrent(8, |p| {
                let (products_repo, listings) = (&products_repo, &listings);
                async move {
                    patiently("product written", || products_repo.put(p)).await;
                    patiently("listing entries written", || listings.reconcile(p.id, Some(p))).await;
                }
            })
            .await;
    }

    /// Puts thousands of products in the catalog at once, with their listing entries, for tests
    /// that need more matches than a read budget. Products listed so are never changed after.
    pub async fn list_in_bulk(&self, products: &[Product]) {
        // A few batches at a time: DynamoDB Local is shared by every test running in parallel.
        souk_local::bulk::put_products(self.app(), products, 4).await.expect("products written");
    }

    /// The listing entries of product `id` as stored: partition → the product version each was
    /// written from. (A scan, which only a test of its own small table may make.)
    pub async fn listing_entries(&self, id: ProductId) -> BTreeMap<String, u64> {
        let app = self.app();
        let out = app
            .dynamodb
            .scan()
            .table_name(app.config.table(Table::ProductListings).unwrap())
            .filter_expression("productId = :id AND NOT begins_with(pk, :watermark)")
            .expression_attribute_values(":id", AttributeValue::S(id.to_string()))
            .expression_attribute_values(":watermark", AttributeValue::S("product#".into()))
            .send()
            .await
            .unwrap();
        let text = |item: &HashMap<String, AttributeValue>, name: &str| item[name].as_s().unwrap().clone();
        let number = |item: &HashMap<String, AttributeValue>, name: &str| item[name].as_n().unwrap().parse().unwrap();
        out.items.unwrap().iter().map(|item| (text(item, "pk"), number(item, "version"))).collect()
    }

    /// Replaces a product, as a vendor's update would, and keeps its listing entries in step.
    pub async fn change(&self, after: &Product) {
        let (products_repo, listings) = self.repos();
        products_repo.put(after).await.expect("product written");
        listings.reconcile(after.id, Some(after)).await.expect("listing entries written");
    }
}
