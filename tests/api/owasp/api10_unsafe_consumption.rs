//! API10:2023 Unsafe Consumption of APIs. What the marketplace consumes from other systems is the
//! DynamoDB stream of its tables (and, once online payments exist, the provider's callbacks). A
//! change record is decoded into the domain's types before anything acts on it: a record that does
//! not decode (here, an order whose line asks to return -5 units) changes nothing, is reported for
//! retry with everything after it (so nothing is skipped), and the records before it take effect
//! once. Poison records ending in the dead-letter path are in `faults.rs`.

use serde_json::json;
use shared::orders::Order;
use shared::streams::{StreamRecord, process};
use souk_tests::orders::basket;
use souk_tests::streams::{batch, image, record};

use super::World;

fn change(sequence: u32, old: &serde_json::Value, new: &serde_json::Value) -> StreamRecord {
    let kind = [("kind", "order".to_owned())];
    record("MODIFY", sequence, image(old, &kind), image(new, &kind))
}

#[tokio::test]
async fn a_record_that_does_not_decode_changes_nothing_and_holds_back_what_follows() {
    let w = World::build().await;
    let m = &w.market;
    let placed = m.checkout(&w.stranger, &basket(&[(&w.other_product, 2)]), None).await.json();
    let pending = placed["orders"][0].clone();
    let order: Order = serde_json::from_value(pending.clone()).unwrap();
    let cancelled = m.set_status(&w.stranger, &order.id.to_string(), "cancelled").await.json();
    let product = format!("/api/products/{}", w.other_product);
    souk_tests::eventually("the runner returns the stock", || async { m.get(&product).await.json()["stock"] == 5 })
        .await;

    let mut tampered = cancelled.clone();
    tampered["items"][0]["quantity"] = json!(-5);
    let mut unknown_status = cancelled.clone();
    unknown_status["status"] = json!("refunded_twice");
    let trigger = on_order_updated::OnOrderUpdated::new(&m.trigger_app()).unwrap();
    for bad in [tampered, unknown_status] {
        let event =
            batch(vec![change(1, &pending, &cancelled), change(2, &pending, &bad), change(3, &pending, &cancelled)]);
        let response = process(&trigger, &event).await;
        let failed: Vec<_> = response.batch_item_failures.iter().map(|f| f.item_identifier.clone()).collect();
        assert_eq!(failed, [Some(format!("{:021}", 2))], "only the bad record and what follows are retried");
        assert_eq!(m.get(&product).await.json()["stock"], 5, "no stock moved twice, none by the bad record");
    }
}
