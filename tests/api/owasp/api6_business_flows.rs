//! API6:2023 Unrestricted Access to Sensitive Business Flows. The flows worth abusing are buying
//! (hoarding stock, buying from oneself, replaying a checkout) and selling (moving one's own
//! purchase along). Here: a crowd racing for the last units never oversells and never goes below
//! zero, quantities outside 1..=100 are refused, a seller cannot buy their own product, and a
//! retried checkout with its `Idempotency-Key` is a replay, not a second purchase. Moves by party
//! (a seller confirming their own purchase) are in `order_parties.rs`; closing a seller against
//! racing checkouts in `accounts_closing.rs`. Online payments do not exist yet: there is no
//! payment flow to abuse.

use futures::future::join_all;
use souk_tests::accounts::Session;
use souk_tests::orders::basket;

use super::World;

#[tokio::test]
async fn a_crowd_racing_for_the_last_units_never_oversells() {
    let w = World::build().await;
    let m = &w.market;
    let scarce = m.new_product(&w.other_seller, "Mercedes C180 2015", 3, 900_000).await;
    let emails: Vec<String> = (0..12).map(|i| format!("crowd{i}@example.com")).collect();
    let crowd: Vec<Session> = join_all(emails.iter().map(|e| m.verified_customer(e))).await;
    let one = basket(&[(&scarce, 1)]);
    let results = join_all(crowd.iter().map(|b| m.checkout(b, &one, None))).await;
    let placed = results.iter().filter(|r| r.status == 201).count();
    for refused in results.iter().filter(|r| r.status != 201) {
        refused.assert_problem(409, "insufficient_stock");
    }
    assert_eq!(placed, 3, "exactly the stock is sold");
    let product = m.get(&format!("/api/products/{scarce}")).await;
    assert_eq!(product.status, 200);
    assert_eq!((product.json()["stock"].as_u64(), product.json()["status"].as_str()), (Some(0), Some("sold_out")));
}

#[tokio::test]
async fn odd_quantities_self_dealing_and_replays_are_not_purchases() {
    let w = World::build().await;
    let m = &w.market;
    for quantity in [0, 101] {
        let refused = m.checkout(&w.buyer, &basket(&[(&w.other_product, quantity)]), None).await;
        refused.assert_problem(400, "validation_failed");
    }
    let own = m.checkout(&w.seller, &basket(&[(&w.product, 1)]), None).await;
    own.assert_problem(400, "validation_failed");
    assert_eq!(own.error_fields(), ["items[0].productId"]);

    let key = "buy-the-cerato-once";
    let first = m.checkout(&w.buyer, &basket(&[(&w.other_product, 2)]), Some(key)).await;
    let again = m.checkout(&w.buyer, &basket(&[(&w.other_product, 2)]), Some(key)).await;
    assert_eq!((first.status.as_u16(), again.status.as_u16()), (201, 201));
    assert_eq!(first.json()["orders"], again.json()["orders"], "the same orders, replayed");
    assert_eq!(m.get(&format!("/api/products/{}", w.other_product)).await.json()["stock"], 3, "taken once");
}
