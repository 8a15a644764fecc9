//! Who may move an order is decided by the caller's relationship to that order — its seller
//! (the order's vendor) or its buyer (its customer) — never by their role alone: a vendor who buys
//! from another vendor is only the buyer of that order.

use souk_tests::TestMarketplace;

#[tokio::test]
async fn a_vendor_who_buys_is_only_the_buyer_of_that_order() {
    let market = TestMarketplace::spawn().await;
    let seller = market.approved_vendor("parties-seller@example.com").await;
    let buyer = market.approved_vendor("parties-buyer@example.com").await;
    let pads = market.new_product(&seller, "Brake pads", 10, 1_500).await;
    let order = market.place_order(&buyer, &[(&pads, 1)]).await;

    market.set_status(&buyer, &order, "confirmed").await.assert_problem(403, "forbidden");
    assert_eq!(market.set_status(&seller, &order, "confirmed").await.status, 200);
    market.set_status(&buyer, &order, "shipped").await.assert_problem(403, "forbidden");
    market.set_status(&buyer, &order, "cancelled").await.assert_problem(403, "forbidden");
    assert_eq!(market.set_status(&seller, &order, "shipped").await.status, 200);
    market.set_status(&buyer, &order, "delivered").await.assert_problem(403, "forbidden");
    let seen = market.get_as(&buyer.access_token, &format!("/api/orders/{order}")).await.json();
    assert_eq!((seen["status"].as_str(), seen["paymentStatus"].as_str()), (Some("shipped"), Some("unpaid")));
    market.set_status(&seller, &order, "pending").await.assert_problem(409, "invalid_transition");
}

#[tokio::test]
async fn the_buyer_may_cancel_only_while_the_order_is_pending() {
    let market = TestMarketplace::spawn().await;
    let seller = market.approved_vendor("cancel-seller@example.com").await;
    let buyer = market.approved_vendor("cancel-buyer@example.com").await;
    let pads = market.new_product(&seller, "Brake pads", 10, 1_500).await;
    let pending = market.place_order(&buyer, &[(&pads, 1)]).await;
    assert_eq!(market.set_status(&buyer, &pending, "cancelled").await.status, 200);
    let confirmed = market.place_order(&buyer, &[(&pads, 1)]).await;
    assert_eq!(market.set_status(&seller, &confirmed, "confirmed").await.status, 200);
    market.set_status(&buyer, &confirmed, "cancelled").await.assert_problem(403, "forbidden");
}

#[tokio::test]
async fn purchases_and_sales_are_listed_apart() {
    let market = TestMarketplace::spawn().await;
    let seller = market.approved_vendor("views-seller@example.com").await;
    let buyer = market.approved_vendor("views-buyer@example.com").await;
    let customer = market.verified_customer("views-customer@example.com").await;
    let pads = market.new_product(&seller, "Brake pads", 10, 1_500).await;
    let oil = market.new_product(&buyer, "Engine oil", 10, 900).await;
    let bought = market.place_order(&buyer, &[(&pads, 1)]).await;
    let sold = market.place_order(&customer, &[(&oil, 1)]).await;
    let ids = |body: serde_json::Value| -> Vec<String> {
        body["items"].as_array().unwrap().iter().map(|o| o["id"].as_str().unwrap().to_owned()).collect()
    };

    let list = |who: &souk_tests::accounts::Session, query: &'static str| {
        let (market, token) = (&market, who.access_token.clone());
        async move { market.get_as(&token, &format!("/api/orders{query}")).await }
    };
    assert_eq!(ids(list(&buyer, "").await.json()), [sold.as_str()], "a vendor's default view is sales");
    assert_eq!(ids(list(&buyer, "?view=sales").await.json()), [sold.as_str()]);
    assert_eq!(ids(list(&buyer, "?view=purchases").await.json()), [bought.as_str()]);
    assert_eq!(ids(list(&buyer, "?view=purchases&status=pending").await.json()), [bought.as_str()]);
    assert_eq!(ids(list(&customer, "").await.json()), [sold.as_str()], "a customer's default view is purchases");
    assert_eq!(ids(list(&customer, "?view=purchases").await.json()), [sold.as_str()]);
    list(&customer, "?view=sales").await.assert_problem(403, "forbidden");
    assert_eq!(list(&buyer, "?view=everything").await.error_fields(), ["view"]);

    // A cursor of one view is not a cursor of the other.
    market.place_order(&buyer, &[(&pads, 1)]).await;
    let page = list(&buyer, "?view=purchases&limit=1").await.json();
    let cursor = page["nextCursor"].as_str().expect("a second page").to_owned();
    let other = market.get_as(&buyer.access_token, &format!("/api/orders?view=sales&limit=1&cursor={cursor}")).await;
    other.assert_problem(400, "invalid_cursor");
}
