//! Card and wallet checkouts through Paymob, played by the runner's simulator: paid, declined,
//! repeated, forged, short, expired, paid too late, cancelled after payment, and across vendors.
//! Each outcome is checked where a buyer sees it: their orders, the stock, their notifications,
//! and the money the gateway was asked to give back.

use std::time::Duration;

use serde_json::{Value, json};
use souk_tests::orders::Shop;
use souk_tests::payments::online_basket;
use souk_tests::{TestMarketplace, eventually};

/// A card checkout of 2 of the shop's product (2 × 1,500 EGP): the response body.
async fn card_checkout(market: &TestMarketplace, shop: &Shop) -> Value {
    let placed = market.checkout(&shop.buyer, &online_basket(&[(&shop.product, 2)], "card"), None).await;
    assert_eq!(placed.status, 201, "{:?}", placed.body);
    placed.json()
}

fn checkout_id(placed: &Value) -> &str {
    placed["checkoutId"].as_str().unwrap()
}

fn order_ids(placed: &Value) -> Vec<String> {
    placed["orders"].as_array().unwrap().iter().map(|o| o["id"].as_str().unwrap().to_owned()).collect()
}

async fn stock(market: &TestMarketplace, product: &str) -> Value {
    market.get(&format!("/api/products/{product}")).await.json()["stock"].clone()
}

/// Waits until every order of `placed` shows `payment` as its payment status.
async fn wait_for_payment(market: &TestMarketplace, shop: &Shop, placed: &Value, payment: &str) {
    for id in order_ids(placed) {
        eventually(&format!("order {id} {payment}"), || async {
            market.order(&shop.buyer, &id).await["paymentStatus"] == payment
        })
        .await;
    }
}

#[tokio::test]
async fn a_card_checkout_waits_for_its_payment_and_is_paid_by_it() {
    let market = TestMarketplace::spawn().await;
    let shop = market.shop("card-paid", 5).await;
    let placed = card_checkout(&market, &shop).await;

    let order = &placed["orders"][0];
    assert_eq!(order["status"], "pending");
    assert_eq!(order["paymentStatus"], "pending");
    assert_eq!(order["paymentMethod"], "card");
    let payment = &placed["payment"];
    assert_eq!(payment["provider"], "paymob");
    assert!(payment["checkoutUrl"].as_str().unwrap().contains(payment["clientSecret"].as_str().unwrap()));
    assert!(payment["expiresAt"].is_string());
    assert_eq!(stock(&market, &shop.product).await, 3, "the stock is reserved while the buyer pays");
    let log = market.paymob_log().await;
    let intention = &log["intentions"][0];
    assert_eq!(intention["amountCents"], 300_000, "the whole checkout, in piasters");
    assert_eq!(intention["specialReference"], checkout_id(&placed));

    // The seller cannot confirm what is not paid yet.
    let early = market.set_status(&shop.vendor, order["id"].as_str().unwrap(), "confirmed").await;
    early.assert_problem(409, "conflict");

    let paid = market.pay(checkout_id(&placed), &json!({ "outcome": "success" })).await;
    assert_eq!(paid.status, 200, "{:?}", paid.body);
    assert_eq!(paid.json()["webhookStatus"], 200);
    wait_for_payment(&market, &shop, &placed, "paid").await;
    let seen = market.order(&shop.buyer, order["id"].as_str().unwrap()).await;
    assert_eq!(seen["status"], "pending", "paid, waiting for the seller");
    assert_eq!(seen["history"].as_array().unwrap().last().unwrap()["by"], "system");
    assert_eq!(stock(&market, &shop.product).await, 3);
    eventually("the buyer told of the payment", || async {
        market.outbox_of_type(shop.buyer.user_id(), "payment_status_changed").await.len() == 1
    })
    .await;
    // Paid, the order moves on as any other.
    market.set_status(&shop.vendor, order["id"].as_str().unwrap(), "confirmed").await;
    assert_eq!(market.order(&shop.buyer, order["id"].as_str().unwrap()).await["status"], "confirmed");
}

#[tokio::test]
async fn a_declined_payment_cancels_the_checkout_and_returns_its_stock() {
    let market = TestMarketplace::spawn().await;
    let shop = market.shop("card-declined", 5).await;
    let placed = card_checkout(&market, &shop).await;

    let declined = market.pay(checkout_id(&placed), &json!({ "outcome": "decline" })).await;
    assert_eq!(declined.json()["webhookStatus"], 200);
    wait_for_payment(&market, &shop, &placed, "failed").await;
    let order = market.order(&shop.buyer, &order_ids(&placed)[0]).await;
    assert_eq!(order["status"], "cancelled");
    eventually("the stock back", || async { stock(&market, &shop.product).await == 5 }).await;
    eventually("the buyer told", || async {
        let told = market.outbox_of_type(shop.buyer.user_id(), "payment_status_changed").await;
        told.iter().any(|n| n["data"]["paymentStatus"] == "failed")
    })
    .await;
}

#[tokio::test]
async fn the_same_callback_five_times_at_once_has_one_effect() {
    let market = TestMarketplace::spawn().await;
    let shop = market.shop("card-repeated", 5).await;
    let placed = card_checkout(&market, &shop).await;
    let signed = market.pay(checkout_id(&placed), &json!({ "outcome": "success", "deliver": false })).await.json();
    let (callback, hmac) = (&signed["callback"], signed["hmac"].as_str().unwrap());

    let deliveries = (0..5).map(|_| market.deliver_callback(callback, Some(hmac)));
    for answer in futures::future::join_all(deliveries).await {
        assert_eq!(answer.status, 200, "every copy is acknowledged, so Paymob stops");
    }
    wait_for_payment(&market, &shop, &placed, "paid").await;
    let order = market.order(&shop.buyer, &order_ids(&placed)[0]).await;
    let payments = order["history"].as_array().unwrap().iter().filter(|h| h["by"] == "system").count();
    assert_eq!(payments, 1, "one history entry: {order}");
    let told = || async { market.outbox_of_type(shop.buyer.user_id(), "payment_status_changed").await.len() };
    eventually("the buyer told", || async { told().await == 1 }).await;
    // A copy later is no different.
    assert_eq!(market.deliver_callback(callback, Some(hmac)).await.status, 200);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(told().await, 1);
    assert!(market.paymob_log().await["refunds"].as_array().unwrap().is_empty(), "nothing refunded");
}

#[tokio::test]
async fn a_forged_or_tampered_callback_is_refused_and_changes_nothing() {
    let market = TestMarketplace::spawn().await;
    let shop = market.shop("card-forged", 5).await;
    let placed = card_checkout(&market, &shop).await;
    let signed = market.pay(checkout_id(&placed), &json!({ "outcome": "decline", "deliver": false })).await.json();
    let (callback, hmac) = (&signed["callback"], signed["hmac"].as_str().unwrap());

    // A decline turned into a success, under the decline's signature.
    let mut tampered = callback.clone();
    tampered["obj"]["success"] = json!(true);
    market.deliver_callback(&tampered, Some(hmac)).await.assert_problem(401, "unauthorized");
    // A signature of someone else's, and none at all.
    market.deliver_callback(callback, Some(&"0".repeat(128))).await.assert_problem(401, "unauthorized");
    market.deliver_callback(callback, None).await.assert_problem(401, "unauthorized");

    tokio::time::sleep(Duration::from_millis(300)).await;
    let order = market.order(&shop.buyer, &order_ids(&placed)[0]).await;
    assert_eq!((order["status"].as_str(), order["paymentStatus"].as_str()), (Some("pending"), Some("pending")));
    assert_eq!(stock(&market, &shop.product).await, 3);
    assert_eq!(market.audit_entries("provider#paymob").await.len(), 3, "each refusal audited");
    // The genuine callback still counts.
    assert_eq!(market.deliver_callback(callback, Some(hmac)).await.status, 200);
    wait_for_payment(&market, &shop, &placed, "failed").await;
}

#[tokio::test]
async fn a_payment_of_the_wrong_amount_or_currency_is_refused_and_refunded() {
    let market = TestMarketplace::spawn().await;
    let shop = market.shop("card-short", 5).await;
    let placed = card_checkout(&market, &shop).await;

    let short = market.pay(checkout_id(&placed), &json!({ "outcome": "success", "amountCents": 100 })).await.json();
    let dollars = market.pay(checkout_id(&placed), &json!({ "outcome": "success", "currency": "USD" })).await.json();
    for paid in [&short, &dollars] {
        let transaction = &paid["transactionId"];
        eventually("refunded in full", || async { market.refunds_of(transaction).await.len() == 1 }).await;
    }
    let refund = &market.refunds_of(&short["transactionId"]).await[0];
    assert_eq!(refund["amountCents"].as_u64(), Some(100));
    let order = market.order(&shop.buyer, &order_ids(&placed)[0]).await;
    assert_eq!(order["paymentStatus"], "pending", "still waiting for the right payment");
    let refusals = market.audit_entries(&format!("user#{}", shop.buyer.user_id())).await;
    let refused = refusals.iter().filter(|e| e["action"].as_s().unwrap() == "payment_refused").count();
    assert_eq!(refused, 2);
    // The right amount still pays it.
    market.pay(checkout_id(&placed), &json!({ "outcome": "success" })).await;
    wait_for_payment(&market, &shop, &placed, "paid").await;
}

#[tokio::test]
async fn an_unpaid_checkout_expires_once_and_a_payment_after_that_is_refunded() {
    let market = TestMarketplace::spawn().await;
    let mut shop = market.shop("card-expired", 5).await;
    let placed = card_checkout(&market, &shop).await;

    // Not yet: 29 minutes on, the sweep leaves it alone.
    market.clock.advance(Duration::from_secs(29 * 60));
    shop.buyer = market.refreshed(&shop.buyer).await;
    market.sweep_unpaid_checkouts().await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(market.order(&shop.buyer, &order_ids(&placed)[0]).await["paymentStatus"], "pending");

    market.clock.advance(Duration::from_secs(2 * 60));
    shop.buyer = market.refreshed(&shop.buyer).await;
    market.sweep_unpaid_checkouts().await;
    market.sweep_unpaid_checkouts().await;
    wait_for_payment(&market, &shop, &placed, "failed").await;
    let order = market.order(&shop.buyer, &order_ids(&placed)[0]).await;
    assert_eq!(order["status"], "cancelled");
    assert_eq!(order["history"].as_array().unwrap().last().unwrap()["by"], "system");
    eventually("the stock back", || async { stock(&market, &shop.product).await == 5 }).await;
    market.clock.advance(Duration::from_secs(60));
    market.sweep_unpaid_checkouts().await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(stock(&market, &shop.product).await, 5, "returned once");

    // The buyer pays anyway: the money goes back, the orders stay cancelled.
    let late = market.pay(checkout_id(&placed), &json!({ "outcome": "success" })).await.json();
    assert_eq!(late["webhookStatus"], 200);
    eventually("the late payment refunded", || async { market.refunds_of(&late["transactionId"]).await.len() == 1 })
        .await;
    let order = market.order(&shop.buyer, &order_ids(&placed)[0]).await;
    assert_eq!((order["status"].as_str(), order["paymentStatus"].as_str()), (Some("cancelled"), Some("failed")));
    assert_eq!(stock(&market, &shop.product).await, 5);
}

#[tokio::test]
async fn cancelling_a_paid_order_refunds_it() {
    let market = TestMarketplace::spawn().await;
    let shop = market.shop("card-refund", 5).await;
    let placed = card_checkout(&market, &shop).await;
    let paid = market.pay(checkout_id(&placed), &json!({ "outcome": "success" })).await.json();
    wait_for_payment(&market, &shop, &placed, "paid").await;

    let order = &order_ids(&placed)[0];
    let cancelled = market.set_status(&shop.buyer, order, "cancelled").await;
    assert_eq!(cancelled.status, 200, "{:?}", cancelled.body);
    wait_for_payment(&market, &shop, &placed, "refunded").await;
    let refunds = market.refunds_of(&paid["transactionId"]).await;
    assert_eq!(refunds.len(), 1);
    assert_eq!(refunds[0]["amountCents"].as_u64(), Some(300_000));
    eventually("the stock back", || async { stock(&market, &shop.product).await == 5 }).await;
    eventually("the buyer told of the refund", || async {
        let told = market.outbox_of_type(shop.buyer.user_id(), "payment_status_changed").await;
        told.iter().any(|n| n["data"]["paymentStatus"] == "refunded")
    })
    .await;
}

#[tokio::test]
async fn a_refund_waits_out_a_gateway_outage() {
    let market = TestMarketplace::spawn().await;
    let shop = market.shop("card-refund-outage", 5).await;
    let placed = card_checkout(&market, &shop).await;
    market.pay(checkout_id(&placed), &json!({ "outcome": "success" })).await;
    wait_for_payment(&market, &shop, &placed, "paid").await;

    market.set_gateway_down(true).await;
    market.set_status(&shop.buyer, &order_ids(&placed)[0], "cancelled").await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(market.order(&shop.buyer, &order_ids(&placed)[0]).await["paymentStatus"], "paid");
    market.set_gateway_down(false).await;
    wait_for_payment(&market, &shop, &placed, "refunded").await;
}

#[tokio::test]
async fn a_checkout_across_vendors_is_one_payment_that_pays_every_order() {
    let market = TestMarketplace::spawn().await;
    let shop = market.shop("card-multi", 5).await;
    let other = market.approved_vendor("card-multi-other@example.com").await;
    let filter = market.new_product(&other, "Oil filter", 5, 250).await;
    let basket = online_basket(&[(&shop.product, 1), (&filter, 2)], "card");
    let placed = market.checkout(&shop.buyer, &basket, None).await.json();

    assert_eq!(order_ids(&placed).len(), 2);
    let log = market.paymob_log().await;
    assert_eq!(log["intentions"].as_array().unwrap().len(), 1, "one payment for the checkout");
    assert_eq!(log["intentions"][0]["amountCents"], 200_000);
    market.pay(checkout_id(&placed), &json!({ "outcome": "success" })).await;
    wait_for_payment(&market, &shop, &placed, "paid").await;
}

#[tokio::test]
async fn the_gateway_unreachable_is_503_with_nothing_reserved() {
    let market = TestMarketplace::spawn().await;
    let shop = market.shop("card-outage", 5).await;
    market.set_gateway_down(true).await;

    let refused = market.checkout(&shop.buyer, &online_basket(&[(&shop.product, 2)], "card"), None).await;
    refused.assert_problem(503, "unavailable");
    assert!(refused.header("retry-after").is_some());
    assert_eq!(stock(&market, &shop.product).await, 5);
    let orders = market.get_as(&shop.buyer.access_token, "/api/orders").await.json();
    assert!(orders["items"].as_array().unwrap().is_empty());
    // Cash on delivery does not need the gateway.
    assert_eq!(
        market.checkout(&shop.buyer, &souk_tests::orders::basket(&[(&shop.product, 1)]), None).await.status,
        201
    );
}
