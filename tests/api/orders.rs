//! Checkout, the order lifecycle and its triggers, through HTTP on the local runner.

use serde_json::{Value, json};
use souk_tests::accounts::Session;
use souk_tests::orders::{address, basket};
use souk_tests::{TestMarketplace, eventually};

async fn stock_of(market: &TestMarketplace, product: &str) -> (u64, String) {
    let body = market.get(&format!("/api/products/{product}")).await.json();
    (body["stock"].as_u64().unwrap(), body["status"].as_str().unwrap().to_owned())
}

/// The one Kia Rio of vendor `<who>-vendor@example.com`, ordered by customer
/// `<who>-buyer@example.com`: the vendor, the car's id, the customer and the order's id.
async fn last_car_ordered(market: &TestMarketplace, who: &str) -> (Session, String, Session, String) {
    let vendor = market.approved_vendor(&format!("{who}-vendor@example.com")).await;
    let car = market.new_product(&vendor, "Kia Rio 2020", 1, 400_000).await;
    let customer = market.verified_customer(&format!("{who}-buyer@example.com")).await;
    let order = market.place_order(&customer, &[(&car, 1)]).await;
    (vendor, car, customer, order)
}

#[tokio::test]
async fn fifty_concurrent_checkouts_of_the_last_car_make_exactly_one_order() {
    let market = TestMarketplace::spawn().await;
    let vendor = market.approved_vendor("last-car@example.com").await;
    let car = market.new_product(&vendor, "Kia Rio 2020", 1, 400_000).await;
    let buyers =
        [market.verified_customer("first@example.com").await, market.verified_customer("second@example.com").await];
    let body = basket(&[(&car, 1)]);

    let attempts = (0..50).map(|i| market.checkout(&buyers[i % 2], &body, None));
    let responses = futures::future::join_all(attempts).await;

    let created: Vec<_> = responses.iter().filter(|r| r.status == 201).collect();
    assert_eq!(created.len(), 1, "{:?}", responses.iter().map(|r| r.status.as_u16()).collect::<Vec<_>>());
    for refused in responses.iter().filter(|r| r.status != 201) {
        let problem = refused.assert_problem(409, "insufficient_stock");
        assert!(problem["detail"].as_str().unwrap().contains(&car), "names the product: {problem}");
    }
    assert_eq!(stock_of(&market, &car).await, (0, "sold_out".to_owned()));
    let orders = market.get_as(&vendor.access_token, "/api/orders").await.json();
    assert_eq!(orders["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_mixed_cart_becomes_one_order_per_vendor_or_nothing_at_all() {
    let market = TestMarketplace::spawn().await;
    let dealer = market.approved_vendor("dealer@example.com").await;
    let parts = market.approved_vendor("parts@example.com").await;
    let car = market.new_product(&dealer, "Kia Rio 2020", 2, 400_000).await;
    let pads = market.new_product(&parts, "Kia Rio brake pads", 10, 1_500).await;
    let filter = market.new_product(&parts, "Kia Rio oil filter", 1, 300).await;
    let customer = market.verified_customer("mixed@example.com").await;

    // One line cannot be filled: nothing happens at all.
    market
        .checkout(&customer, &basket(&[(&car, 1), (&pads, 2), (&filter, 3)]), None)
        .await
        .assert_problem(409, "insufficient_stock");
    assert_eq!(stock_of(&market, &car).await.0, 2);
    assert_eq!(stock_of(&market, &pads).await.0, 10);
    assert!(market.get_as(&customer.access_token, "/api/orders").await.json()["items"].as_array().unwrap().is_empty());

    let placed = market.checkout(&customer, &basket(&[(&car, 1), (&pads, 2), (&filter, 1)]), None).await;
    assert_eq!(placed.status, 201, "{}", String::from_utf8_lossy(&placed.body));
    let body = placed.json();
    let orders = body["orders"].as_array().unwrap();
    assert_eq!(orders.len(), 2);
    for order in orders {
        assert_eq!(order["checkoutId"], body["checkoutId"]);
        assert_eq!(order["status"], "pending");
        assert_eq!(order["paymentStatus"], "unpaid");
        assert_eq!(order["customerId"], customer.user_id());
    }
    let of = |vendor: &Session| orders.iter().find(|o| o["vendorId"] == vendor.user_id()).unwrap().clone();
    assert_eq!(of(&dealer)["total"], json!({ "amount": 40_000_000, "currency": "EGP" }));
    let parts_order = of(&parts);
    assert_eq!(parts_order["items"].as_array().unwrap().len(), 2);
    assert_eq!(parts_order["total"]["amount"], 2 * 150_000 + 30_000, "prices are the server's");
    assert_eq!(stock_of(&market, &car).await, (1, "active".to_owned()));
    assert_eq!(stock_of(&market, &filter).await, (0, "sold_out".to_owned()));
}

#[tokio::test]
async fn a_retried_checkout_with_its_key_replays_the_first_and_another_body_is_refused() {
    let market = TestMarketplace::spawn().await;
    let vendor = market.approved_vendor("replay@example.com").await;
    let pads = market.new_product(&vendor, "Brake pads", 10, 1_500).await;
    let customer = market.verified_customer("retry@example.com").await;
    let body = basket(&[(&pads, 3)]);

    let first = market.checkout(&customer, &body, Some("checkout-7f3a")).await;
    assert_eq!(first.status, 201);
    assert!(first.header("idempotent-replayed").is_none());
    let again =
        futures::future::join_all((0..3).map(|_| market.checkout(&customer, &body, Some("checkout-7f3a")))).await;
    for replay in &again {
        assert_eq!(replay.status, 201);
        assert_eq!(replay.header("idempotent-replayed"), Some("true"));
        assert_eq!(replay.json(), first.json(), "the same orders");
    }
    assert_eq!(stock_of(&market, &pads).await.0, 7, "stock taken once");
    market
        .checkout(&customer, &basket(&[(&pads, 4)]), Some("checkout-7f3a"))
        .await
        .assert_problem(422, "idempotency_key_reused");
    market.checkout(&customer, &body, Some("not a valid key!")).await.assert_problem(400, "validation_failed");
    // Keys belong to their customer.
    let other = market.verified_customer("other-retry@example.com").await;
    assert_eq!(market.checkout(&other, &body, Some("checkout-7f3a")).await.header("idempotent-replayed"), None);
    assert_eq!(stock_of(&market, &pads).await.0, 4);
    // A key is replayed for 24 hours; after that it starts a new checkout.
    market.clock.advance(std::time::Duration::from_secs(24 * 3600 + 1));
    let later = market.refreshed(&customer).await;
    let fresh = market.checkout(&later, &body, Some("checkout-7f3a")).await;
    assert_eq!((fresh.status.as_u16(), fresh.header("idempotent-replayed")), (201, None));
    assert_eq!(stock_of(&market, &pads).await.0, 1);
}

#[tokio::test]
async fn a_replay_is_answered_after_the_first_checkout_took_the_last_units() {
    let market = TestMarketplace::spawn().await;
    let vendor = market.approved_vendor("last-units@example.com").await;
    let mirror = market.new_product(&vendor, "Side mirror", 2, 900).await;
    let customer = market.verified_customer("last-units-buyer@example.com").await;
    let body = basket(&[(&mirror, 2)]);

    let first = market.checkout(&customer, &body, Some("last-2")).await;
    assert_eq!(first.status, 201);
    assert_eq!(stock_of(&market, &mirror).await, (0, "sold_out".to_owned()));
    // Its answer was lost: the retry finds the product sold out, by that very checkout.
    let again = market.checkout(&customer, &body, Some("last-2")).await;
    assert_eq!((again.status.as_u16(), again.header("idempotent-replayed")), (201, Some("true")));
    assert_eq!(again.json(), first.json());
    market
        .checkout(&customer, &basket(&[(&mirror, 1)]), Some("last-2"))
        .await
        .assert_problem(422, "idempotency_key_reused");
    market.checkout(&customer, &body, Some("last-3")).await.assert_problem(409, "insufficient_stock");
    assert_eq!(stock_of(&market, &mirror).await.0, 0);
}

#[tokio::test]
async fn checkouts_are_validated_and_only_verified_buyers_may_order() {
    let market = TestMarketplace::spawn().await;
    let vendor = market.approved_vendor("strict-orders@example.com").await;
    let pads = market.new_product(&vendor, "Brake pads", 10, 1_500).await;
    let customer = market.verified_customer("careless@example.com").await;
    let cases: &[(Value, &[&str])] = &[
        (json!({ "items": [], "shippingAddress": address(), "paymentMethod": "cash_on_delivery" }), &["items"]),
        (basket(&[(&pads, 0)]), &["items[0].quantity"]),
        (basket(&[(&pads, 101)]), &["items[0].quantity"]),
        (basket(&[(&pads, 1), (&pads, 2)]), &["items[1].productId"]),
        (basket(&[("01JD3V0Z8K5N6Q7R8S9T0VWXYZ", 1)]), &["items[0].productId"]),
        (
            json!({ "items": [{ "productId": pads, "quantity": 1, "unitPrice": 1 }], "shippingAddress": address(), "paymentMethod": "cash_on_delivery" }),
            &["items[0].unitPrice"],
        ),
        (
            json!({ "items": [{ "productId": pads, "quantity": 1 }], "shippingAddress": address(), "paymentMethod": "cheque" }),
            &["paymentMethod"],
        ),
    ];
    for (body, fields) in cases {
        let response = market.checkout(&customer, body, None).await;
        let mut got = response.error_fields();
        got.sort();
        assert_eq!(got, *fields, "{body}");
    }
    market.checkout(&vendor, &basket(&[(&pads, 1)]), None).await.assert_problem(400, "validation_failed");
    let unverified = market.unverified_customer("unverified-buyer@example.com").await;
    market.checkout(&unverified, &basket(&[(&pads, 1)]), None).await.assert_problem(403, "email_not_verified");
    market.checkout(&market.admin().await, &basket(&[(&pads, 1)]), None).await.assert_problem(403, "forbidden");
    assert_eq!(stock_of(&market, &pads).await.0, 10);
}

#[tokio::test]
async fn every_allowed_transition_works_and_every_other_is_refused() {
    let market = TestMarketplace::spawn().await;
    let vendor = market.approved_vendor("lifecycle@example.com").await;
    let pads = market.new_product(&vendor, "Brake pads", 100, 1_500).await;
    let customer = market.verified_customer("lifecycle-buyer@example.com").await;
    let admin = market.admin().await;
    let path = ["pending", "confirmed", "shipped", "delivered"];
    let all = ["pending", "confirmed", "shipped", "delivered", "cancelled"];
    let allowed = |from: &str, to: &str| {
        matches!(
            (from, to),
            ("pending", "confirmed")
                | ("confirmed", "shipped")
                | ("shipped", "delivered")
                | ("pending", "cancelled")
                | ("confirmed", "cancelled")
        )
    };
    for from in all {
        for to in all {
            let order = market.place_order(&customer, &[(&pads, 1)]).await;
            // Walk the order to `from`.
            if from == "cancelled" {
                assert_eq!(market.set_status(&vendor, &order, "cancelled").await.status, 200);
            } else {
                for step in path
                    .iter()
                    .skip(1)
                    .take_while(|s| path.iter().position(|p| p == *s) <= path.iter().position(|p| *p == from))
                {
                    assert_eq!(market.set_status(&vendor, &order, step).await.status, 200, "to {step}");
                }
            }
            let response = market.set_status(&admin, &order, to).await;
            if allowed(from, to) {
                assert_eq!(response.status, 200, "{from} -> {to}");
                assert_eq!(response.json()["status"], to);
            } else {
                response.assert_problem(409, "invalid_transition");
            }
        }
    }
}

#[tokio::test]
async fn who_may_move_an_order_and_who_may_see_it() {
    let market = TestMarketplace::spawn().await;
    let vendor = market.approved_vendor("owner-vendor@example.com").await;
    let rival = market.approved_vendor("rival-vendor@example.com").await;
    let pads = market.new_product(&vendor, "Brake pads", 100, 1_500).await;
    let customer = market.verified_customer("owner-buyer@example.com").await;
    let stranger = market.verified_customer("stranger@example.com").await;
    let order = market.place_order(&customer, &[(&pads, 1)]).await;

    for outsider in [&stranger, &rival] {
        market.get_as(&outsider.access_token, &format!("/api/orders/{order}")).await.assert_problem(404, "not_found");
        market.set_status(outsider, &order, "cancelled").await.assert_problem(404, "not_found");
        assert!(
            market.get_as(&outsider.access_token, "/api/orders").await.json()["items"].as_array().unwrap().is_empty()
        );
    }
    market.set_status(&customer, &order, "confirmed").await.assert_problem(403, "forbidden");
    assert_eq!(market.set_status(&vendor, &order, "confirmed").await.status, 200);
    market.set_status(&customer, &order, "cancelled").await.assert_problem(403, "forbidden");
    assert_eq!(market.get_as(&customer.access_token, &format!("/api/orders/{order}")).await.status, 200);
    let filtered = market.get_as(&customer.access_token, "/api/orders?status=pending").await.json();
    assert!(filtered["items"].as_array().unwrap().is_empty());
    let confirmed = market.get_as(&vendor.access_token, "/api/orders?status=confirmed").await.json();
    assert_eq!(confirmed["items"][0]["id"], order.as_str());
}

#[tokio::test]
async fn the_whole_story_notifies_both_sides_and_keeps_the_history() {
    let market = TestMarketplace::spawn().await;
    let (vendor, _, customer, order) = last_car_ordered(&market, "story").await;

    eventually("both sides are told of the order", || async {
        market.inbox(&vendor).await["items"].as_array().unwrap().iter().any(|n| n["type"] == "order_received")
            && market.inbox(&customer).await["items"].as_array().unwrap().iter().any(|n| n["type"] == "order_created")
    })
    .await;
    // Published after it is stored in the inbox, so a moment later.
    eventually("the vendor's message is published", || async {
        market
            .outbox(vendor.user_id())
            .await
            .iter()
            .any(|n| n["type"] == "order_received" && n["data"]["orderId"] == order.as_str())
    })
    .await;

    for status in ["confirmed", "shipped", "delivered"] {
        market.clock.advance(std::time::Duration::from_secs(60));
        let moved = market.set_status(&vendor, &order, status).await;
        assert_eq!(moved.status, 200);
    }
    let delivered = market.get_as(&customer.access_token, &format!("/api/orders/{order}")).await.json();
    assert_eq!(delivered["paymentStatus"], "paid", "cash on delivery is paid on delivery");
    let history: Vec<&str> =
        delivered["history"].as_array().unwrap().iter().map(|h| h["status"].as_str().unwrap()).collect();
    assert_eq!(history, ["pending", "confirmed", "shipped", "delivered"]);
    assert_eq!(delivered["history"][1]["by"], vendor.user_id());
    eventually("the customer is told of every status", || async {
        let statuses: Vec<String> = market.inbox(&customer).await["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["type"] == "order_status_changed")
            .map(|n| n["data"]["status"].as_str().unwrap().to_owned())
            .collect();
        statuses == ["delivered", "shipped", "confirmed"]
    })
    .await;
    assert_eq!(market.inbox(&customer).await["unreadCount"], 4);
}

#[tokio::test]
async fn a_cancellation_returns_the_stock_and_puts_a_sold_out_product_back_on_sale() {
    let market = TestMarketplace::spawn().await;
    let (_, car, customer, order) = last_car_ordered(&market, "cancel").await;
    assert_eq!(stock_of(&market, &car).await, (0, "sold_out".to_owned()));

    assert_eq!(market.set_status(&customer, &order, "cancelled").await.status, 200);
    eventually("the car is back on sale", || async { stock_of(&market, &car).await == (1, "active".to_owned()) }).await;
    let again = market.verified_customer("next-buyer@example.com").await;
    assert_eq!(market.checkout(&again, &basket(&[(&car, 1)]), None).await.status, 201);
}
