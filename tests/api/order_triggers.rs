//! The order triggers fed change records directly: a cancellation delivered twice returns the
//! stock once; notifications are stored and published once.

use serde_json::json;
use shared::orders::Order;
use shared::streams::{StreamRecord, process};
use souk_tests::TestMarketplace;
use souk_tests::orders::basket;
use souk_tests::streams::{batch, image, record};

/// A change of an order as the orders table's stream carries it.
fn change(name: &str, sequence: u32, old: &Order, new: &Order) -> StreamRecord {
    let kind = [("kind", "order".to_owned())];
    record(name, sequence, image(old, &kind), image(new, &kind))
}

#[tokio::test]
async fn a_cancellation_delivered_twice_returns_the_stock_once_and_notifies_once() {
    let market = TestMarketplace::spawn().await;
    let vendor = market.approved_vendor("twice-cancel@example.com").await;
    let pads = market.new_product(&vendor, "Brake pads", 10, 1_500).await;
    let customer = market.verified_customer("twice-cancel-buyer@example.com").await;
    let placed = market.checkout(&customer, &basket(&[(&pads, 4)]), None).await.json();
    let pending: Order = serde_json::from_value(placed["orders"][0].clone()).unwrap();
    let cancelled: Order =
        serde_json::from_value(market.set_status(&customer, &pending.id.to_string(), "cancelled").await.json())
            .unwrap();

    // The runner's own trigger returns the stock...
    souk_tests::eventually("stock returned", || async {
        market.get(&format!("/api/products/{pads}")).await.json()["stock"] == 10
    })
    .await;
    // ...and tells the customer (deliveries running at the same moment may both publish: at least
    // once, see `services::notifier`)...
    souk_tests::eventually("the customer told", || async {
        market.outbox_of_type(customer.user_id(), "order_status_changed").await.len() == 1
    })
    .await;
    // ...and the same change delivered twice more, in one batch and in another, changes nothing.
    let trigger = on_order_updated::OnOrderUpdated::new(&market.trigger_app()).unwrap();
    let change = change("MODIFY", 9, &pending, &cancelled);
    let event = batch(vec![change.clone(), change]);
    assert!(process(&trigger, &event).await.batch_item_failures.is_empty());
    assert!(process(&trigger, &event).await.batch_item_failures.is_empty());

    assert_eq!(market.get(&format!("/api/products/{pads}")).await.json()["stock"], 10, "returned exactly once");
    let told = market.outbox_of_type(customer.user_id(), "order_status_changed").await.len();
    assert_eq!(told, 1);
    let inbox = market.inbox(&customer).await;
    let cancellations =
        inbox["items"].as_array().unwrap().iter().filter(|n| n["data"]["status"] == "cancelled").count();
    assert_eq!(cancellations, 1);
    let _ = json!(null);
}
