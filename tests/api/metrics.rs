//! Business metrics, as operators see them: the runner keeps what the functions record (in Lambda,
//! Embedded Metric Format lines) at `GET /_local/metrics`, oldest first.

use serde_json::{Value, json};
use souk_tests::TestMarketplace;
use souk_tests::accounts::PASSWORD;
use souk_tests::orders::basket;

/// The metrics recorded so far.
async fn recorded(market: &TestMarketplace) -> Vec<Value> {
    market.get("/_local/metrics").await.json()["items"].as_array().unwrap().clone()
}

/// The metrics recorded since `mark`, as `(name, value, reason)`; latencies as 1 if positive.
async fn since(market: &TestMarketplace, mark: usize) -> Vec<(String, f64, Option<String>)> {
    recorded(market).await[mark..]
        .iter()
        .map(|item| {
            let value = item["value"].as_f64().unwrap();
            let value = if item["unit"] == "Milliseconds" && value > 0.0 { 1.0 } else { value };
            let reason = item["dimensions"]["Reason"].as_str().map(str::to_owned);
            (item["metric"].as_str().unwrap().to_owned(), value, reason)
        })
        .collect()
}

fn counted(name: &str, value: f64) -> (String, f64, Option<String>) {
    (name.to_owned(), value, None)
}

fn refused(name: &str, reason: &str) -> (String, f64, Option<String>) {
    (name.to_owned(), 1.0, Some(reason.to_owned()))
}

#[tokio::test]
async fn the_funnel_is_counted_from_searches_and_views_to_orders_placed_and_failed() {
    let market = TestMarketplace::spawn().await;
    let shop = market.shop("funnel", 1).await;
    let buyer = &shop.buyer;
    let mark = recorded(&market).await.len();

    assert_eq!(market.post("/api/search", &json!({ "q": "brake" })).await.status, 200);
    assert_eq!(market.get(&format!("/api/products/{}", shop.product)).await.status, 200);
    assert_eq!(market.get("/api/products/01JAAAAAAAAAAAAAAAAAAAAAAA").await.status, 404);
    let order = basket(&[(&shop.product, 1)]);
    assert_eq!(market.checkout(buyer, &order, Some("funnel-1")).await.status, 201);
    assert_eq!(market.checkout(buyer, &order, Some("funnel-1")).await.status, 201, "a replay");
    market.checkout(buyer, &order, None).await.assert_problem(409, "insufficient_stock");
    market.checkout(buyer, &json!({ "items": [] }), None).await.assert_problem(400, "validation_failed");

    assert_eq!(
        since(&market, mark).await,
        [
            counted("Searches", 1.0),
            counted("ProductViews", 1.0),
            counted("OrdersPlaced", 1.0),
            counted("CheckoutLatency", 1.0),
            refused("OrderFailures", "insufficient_stock"),
            refused("OrderFailures", "validation_failed"),
        ],
        "a missing product is no view, and a replayed checkout places nothing"
    );
}

#[tokio::test]
async fn a_checkout_from_two_sellers_places_two_orders() {
    let market = TestMarketplace::spawn().await;
    let dealer = market.shop("dealer", 2).await;
    let parts = market.shop("parts", 5).await;
    let buyer = &dealer.buyer;
    let mark = recorded(&market).await.len();

    let order = basket(&[(&dealer.product, 1), (&parts.product, 2)]);
    assert_eq!(market.checkout(buyer, &order, None).await.status, 201);

    assert_eq!(since(&market, mark).await, [counted("OrdersPlaced", 2.0), counted("CheckoutLatency", 1.0)]);
}

#[tokio::test]
async fn registrations_and_refused_logins_are_counted_with_their_reason() {
    let market = TestMarketplace::spawn().await;
    let mark = recorded(&market).await.len();

    assert_eq!(market.register("counted@example.com", PASSWORD, "Mona Adel").await.status, 201);
    market.register("counted@example.com", PASSWORD, "Mona Adel").await.assert_problem(409, "email_taken");
    for _ in 0..5 {
        market.login("counted@example.com", "Wrong-Password-99").await.assert_problem(401, "invalid_credentials");
    }
    market.login("counted@example.com", PASSWORD).await.assert_problem(429, "rate_limited");

    let mut expected = vec![counted("Registrations", 1.0)];
    expected.extend(std::iter::repeat_n(refused("LoginsFailed", "invalid_credentials"), 5));
    expected.push(refused("LoginsFailed", "rate_limited"));
    assert_eq!(since(&market, mark).await, expected, "a refused registration is no registration");
}
