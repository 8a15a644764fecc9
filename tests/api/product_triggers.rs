//! The products triggers fed change records directly, duplicated and out of order: the entries
//! always end up as the product is now.

use shared::catalog::{Product, ProductStatus};
use shared::db::ProductRepo;
use shared::money::Money;
use shared::streams::{StreamRecord, process};
use souk_tests::TestMarketplace;
use souk_tests::fixtures::car;
use souk_tests::streams::{batch, image};

/// A change of a product as the products table's stream carries it: its key and new image.
fn record(name: &str, product: &Product, sequence: u32) -> StreamRecord {
    let mut record = souk_tests::streams::record(name, sequence, Default::default(), image(product, &[]));
    record.change.keys.insert("id".into(), serde_dynamo::AttributeValue::S(product.id.to_string()));
    record
}

async fn titles(market: &TestMarketplace, query: &str) -> Vec<String> {
    let body = market.get(&format!("/api/products?{query}")).await.json();
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| format!("{} {}", p["title"].as_str().unwrap(), p["price"]["amount"]))
        .collect()
}

#[tokio::test]
async fn duplicated_and_reordered_records_leave_the_entries_as_the_product_is_now() {
    let market = TestMarketplace::spawn().await;
    let products = ProductRepo::new(&market.app().database()).unwrap();
    let created = on_product_created::OnProductCreated::new(market.app()).unwrap();
    let changed = on_product_changed::OnProductChanged::new(market.app()).unwrap();

    let v1 = car("Kia", "Rio", 2020, 10, 400_000, 0);
    let v2 = Product { price: Money::egp(35_000_000), version: 2, ..v1.clone() };
    let v3 =
        Product { title: "Kia Rio 2020 (price cut)".into(), price: Money::egp(30_000_000), version: 3, ..v1.clone() };
    products.put(&v3).await.unwrap();

    // The last change first, the creation twice, an older change last.
    assert!(process(&changed, &batch(vec![record("MODIFY", &v3, 3)])).await.batch_item_failures.is_empty());
    assert!(
        process(&created, &batch(vec![record("INSERT", &v1, 1), record("INSERT", &v1, 1)]))
            .await
            .batch_item_failures
            .is_empty()
    );
    assert!(process(&changed, &batch(vec![record("MODIFY", &v2, 2)])).await.batch_item_failures.is_empty());

    assert_eq!(titles(&market, "").await, ["Kia Rio 2020 (price cut) 30000000"]);
    assert_eq!(titles(&market, "priceMin=31000000").await, Vec::<String>::new(), "no stale entry at an old price");

    let archived = Product { status: ProductStatus::Archived, version: 4, ..v3.clone() };
    products.put(&archived).await.unwrap();
    process(&changed, &batch(vec![record("MODIFY", &archived, 4), record("MODIFY", &v3, 3)])).await;
    assert!(titles(&market, "").await.is_empty());
    assert!(titles(&market, "make=kia").await.is_empty());
}
