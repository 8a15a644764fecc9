//! The products triggers fed change records directly, duplicated and out of order: the entries
//! always end up as the product is now.

use std::collections::BTreeMap;

use shared::catalog::listing_index;
use shared::catalog::{Product, ProductStatus};
use shared::db::{ListingRepo, ProductRepo};
use shared::money::Money;
use shared::streams::{StreamRecord, process};
use souk_tests::TestMarketplace;
use souk_tests::fixtures::{car, while_unavailable};
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

/// Delivers `event` to `trigger` as Lambda does: a reported failure is delivered again from the
/// failed record on (a busy shared database may time a write out), a few times at most.
async fn deliver<T: shared::streams::Trigger>(trigger: &T, mut event: shared::streams::StreamEvent) {
    for attempt in 1..=20u64 {
        let failures = process(trigger, &event).await.batch_item_failures;
        let Some(failed) = failures.first().and_then(|f| f.item_identifier.clone()) else { return };
        let from = event.records.iter().position(|r| r.change.sequence_number.as_deref() == Some(failed.as_str()));
        event.records.drain(..from.expect("the failure names a record of the batch"));
        // As Lambda waits before it delivers a failed batch again (a busy DynamoDB Local is the
        // usual cause here).
        tokio::time::sleep(std::time::Duration::from_millis(250 * attempt.min(8))).await;
    }
    panic!("the records kept failing");
}

/// What the entries of `product` should be: partition → its version.
fn expected(product: &Product) -> BTreeMap<String, u64> {
    listing_index::entries(product).into_iter().map(|e| (e.partition, e.version)).collect()
}

/// Versions of one product whose entries differ in partitions as well as in sort keys.
fn versions() -> Vec<Product> {
    let v1 = car("Kia", "Rio", 2020, 10, 400_000, 0);
    let renamed = |version: u64, title: &str, make: &str| Product {
        title: title.into(),
        vehicle: v1.vehicle.clone().map(|v| shared::catalog::product::Vehicle { make: make.into(), ..v }),
        price: Money::egp(40_000_000 - version * 100_000),
        version,
        ..v1.clone()
    };
    vec![
        v1.clone(),
        renamed(2, "Kia Cerato 2020", "Kia"),
        renamed(3, "Hyundai Accent 2020", "Hyundai"),
        renamed(4, "Chery Tiggo 2020", "Chery"),
        renamed(5, "Nissan Sunny 2020", "Nissan"),
        renamed(6, "MG ZS 2020", "MG"),
    ]
}

#[tokio::test]
async fn a_rebuild_from_an_older_version_never_puts_the_entries_back() {
    let market = TestMarketplace::spawn().await;
    let listings = ListingRepo::new(&market.app().database()).unwrap();
    let versions = versions();
    let (v1, v2, v3) = (&versions[0], &versions[1], &versions[2]);
    let id = v1.id;

    listings.reconcile(id, Some(v3)).await.unwrap();
    listings.reconcile(id, Some(v2)).await.unwrap();
    listings.reconcile(id, Some(v1)).await.unwrap();
    assert_eq!(market.listing_entries(id).await, expected(v3), "the older rebuilds changed nothing");

    let archived = Product { status: ProductStatus::Archived, version: 4, ..v3.clone() };
    listings.reconcile(id, Some(&archived)).await.unwrap();
    listings.reconcile(id, Some(v3)).await.unwrap();
    assert!(market.listing_entries(id).await.is_empty(), "an archived product stays unlisted");
    listings.reconcile(id, None).await.unwrap();
    listings.reconcile(id, Some(v3)).await.unwrap();
    assert!(market.listing_entries(id).await.is_empty(), "a deleted product stays unlisted");
}

#[tokio::test]
async fn rebuilds_of_every_version_racing_leave_only_the_newest_entries() {
    let market = TestMarketplace::spawn().await;
    let listings = ListingRepo::new(&market.app().database()).unwrap();
    for round in 0..4 {
        let mut versions = versions();
        let newest = versions.last().unwrap().clone();
        let id = shared::ids::ProductId::new();
        for v in &mut versions {
            v.id = id;
        }
        // Each version twice, in an order that changes every round.
        versions.rotate_left(round);
        // Each rebuild is repeated while DynamoDB Local is too busy to answer, as a trigger's
        // record is delivered again.
        let rebuilds = versions.iter().chain(versions.iter().rev()).map(|v| {
            let listings = &listings;
            while_unavailable(move || listings.reconcile(id, Some(v)))
        });
        futures::future::try_join_all(rebuilds).await.unwrap();
        assert_eq!(market.listing_entries(id).await, expected(&Product { id, ..newest }), "round {round}");
    }
}

#[tokio::test]
async fn both_consumers_fed_records_out_of_order_at_once_converge_on_the_product_as_it_is() {
    let market = TestMarketplace::spawn().await;
    let products = ProductRepo::new(&market.app().database()).unwrap();
    let created = on_product_created::OnProductCreated::new(market.app()).unwrap();
    let changed = on_product_changed::OnProductChanged::new(market.app()).unwrap();
    let versions = versions();

    // Every change is written while the consumers are still working on the earlier ones, each
    // consumer receiving the records newest first.
    let mut deliveries = Vec::new();
    for (i, version) in versions.iter().enumerate() {
        products.put(version).await.unwrap();
        let seen: Vec<_> = versions[..=i].iter().rev().collect();
        let inserts = batch(seen.iter().map(|v| record("INSERT", v, v.version as u32)).collect());
        let modifies = batch(seen.iter().map(|v| record("MODIFY", v, v.version as u32)).collect());
        let (created, changed) = (&created, &changed);
        deliveries.push(async move { tokio::join!(deliver(created, inserts), deliver(changed, modifies)) });
    }
    futures::future::join_all(deliveries).await;
    let newest = versions.last().unwrap();
    assert_eq!(market.listing_entries(newest.id).await, expected(newest));
}
