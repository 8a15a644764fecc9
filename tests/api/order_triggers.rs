//! The order triggers fed change records directly: a cancellation delivered twice returns the
//! stock once; notifications are stored and published once.

use std::sync::Arc;

use serde_json::json;
use shared::orders::Order;
use shared::streams::{StreamEvent, StreamRecord, process};
use souk_tests::TestMarketplace;

use crate::orders::{basket, checkout, product, set_status};
use crate::vendors::approved_vendor;

fn record(name: &str, sequence: u32, old: &Order, new: &Order) -> StreamRecord {
    let image = |o: &Order| {
        let mut item: serde_dynamo::Item = serde_dynamo::to_item(o).unwrap();
        item.insert("kind".into(), serde_dynamo::AttributeValue::S("order".into()));
        item
    };
    let mut record = StreamRecord::default();
    record.event_id = format!("o{sequence}");
    record.event_name = name.into();
    record.change.sequence_number = Some(format!("{sequence:021}"));
    record.change.old_image = image(old);
    record.change.new_image = image(new);
    record
}

#[tokio::test]
async fn a_cancellation_delivered_twice_returns_the_stock_once_and_notifies_once() {
    let market = TestMarketplace::spawn().await;
    let vendor = approved_vendor(&market, "twice-cancel@example.com").await;
    let pads = product(&market, &vendor, "Brake pads", 10, 1_500).await;
    let customer = market.verified_customer("twice-cancel-buyer@example.com").await;
    let placed = checkout(&market, &customer, &basket(&[(&pads, 4)]), None).await.json();
    let pending: Order = serde_json::from_value(placed["orders"][0].clone()).unwrap();
    let cancelled: Order =
        serde_json::from_value(set_status(&market, &customer, &pending.id.to_string(), "cancelled").await.json())
            .unwrap();

    // The runner's own trigger returns the stock...
    souk_tests::eventually("stock returned", || async {
        market.get(&format!("/api/products/{pads}")).await.json()["stock"] == 10
    })
    .await;
    // ...and the same change delivered twice more, in one batch and in another, changes nothing.
    let app = market
        .app()
        .clone()
        .with_publisher(Arc::clone(&market.marketplace.outbox) as Arc<dyn shared::notify::Publisher>);
    let trigger = on_order_updated::OnOrderUpdated::new(&app).unwrap();
    let change = record("MODIFY", 9, &pending, &cancelled);
    let mut event = StreamEvent::default();
    event.records = vec![change.clone(), change];
    assert!(process(&trigger, &event).await.batch_item_failures.is_empty());
    assert!(process(&trigger, &event).await.batch_item_failures.is_empty());

    assert_eq!(market.get(&format!("/api/products/{pads}")).await.json()["stock"], 10, "returned exactly once");
    let told =
        market.outbox(customer.user_id()).await.into_iter().filter(|n| n["type"] == "order_status_changed").count();
    assert_eq!(told, 1);
    let inbox = market.get_as(&customer.access_token, "/api/notifications").await.json();
    let cancellations =
        inbox["items"].as_array().unwrap().iter().filter(|n| n["data"]["status"] == "cancelled").count();
    assert_eq!(cancellations, 1);
    let _ = json!(null);
}
