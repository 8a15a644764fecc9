//! Closing an account (`DELETE /api/me`): the person is gone from the marketplace, their email is
//! free, their sessions are over; their orders stay for the books; a seller leaves no order
//! behind, and no order reaches a seller who left, however the requests race.

use std::time::Duration;

use futures::future::join_all;
use serde_json::json;
use souk_tests::accounts::{PASSWORD, Session};
use souk_tests::orders::basket;
use souk_tests::{TestMarketplace, eventually};

/// Waits until `product` is listed (the listing index follows the products table by a moment).
async fn listed(market: &TestMarketplace, product: &str) {
    eventually("the product is listed", || async {
        let listing = market.get("/api/products?limit=100").await.json();
        listing["items"].as_array().unwrap().iter().any(|p| p["id"] == product)
    })
    .await;
}

#[tokio::test]
async fn a_closed_account_is_gone_its_email_free_and_its_orders_kept_for_the_seller() {
    let market = TestMarketplace::spawn().await;
    let seller = market.approved_vendor("seller@example.com").await;
    let product = market.new_product(&seller, "Hyundai Elantra 2019", 3, 450_000).await;
    let buyer = market.verified_customer("leaving@example.com").await;
    let elsewhere = Session::from_response(&market.login("leaving@example.com", PASSWORD).await);
    let order = market.place_order(&buyer, &[(&product, 1)]).await;

    market.delete_me(&buyer, "Wrong-Password-99").await.assert_problem(401, "invalid_credentials");
    let extra = market
        .send_as(
            http::Method::DELETE,
            &buyer.access_token,
            "/api/me",
            Some(&json!({ "password": PASSWORD, "x": 1 })),
            &[],
        )
        .await;
    extra.assert_problem(400, "validation_failed");
    assert_eq!(market.get_as(&buyer.access_token, "/api/me").await.status, 200, "a refused closing changes nothing");

    let closed = market.delete_me(&buyer, PASSWORD).await;
    assert_eq!(closed.status, 204, "{}", String::from_utf8_lossy(&closed.body));
    market.get_as(&buyer.access_token, "/api/me").await.assert_problem(401, "unauthorized");
    for session in [&buyer, &elsewhere] {
        market.refresh(&session.refresh_token).await.assert_problem(401, "unauthorized");
    }
    market.login("leaving@example.com", PASSWORD).await.assert_problem(401, "invalid_credentials");
    market.delete_me(&buyer, PASSWORD).await.assert_problem(401, "unauthorized");
    let audited = market.audit_entries(&format!("user#{}", buyer.user_id())).await;
    assert!(audited.iter().any(|e| e["action"].as_s().unwrap() == "account_closed"));

    // The seller still has the order to deliver, with its amounts and address, under an id that
    // names nobody now.
    let kept = market.get_as(&seller.access_token, &format!("/api/orders/{order}")).await;
    assert_eq!(kept.status, 200);
    assert_eq!(kept.json()["customerId"], buyer.user_id());
    assert_eq!(kept.json()["total"]["amount"], 45_000_000);
    assert_eq!(market.set_status(&seller, &order, "confirmed").await.status, 200);

    // The email is free at once: a new person registers with it and gets a new account.
    let again = market.verified_customer("leaving@example.com").await;
    assert_ne!(again.user_id(), buyer.user_id());
    let me = market.get_as(&again.access_token, "/api/me").await.json();
    assert_eq!(me["user"]["name"], "Khalid Mansour");
}

#[tokio::test]
async fn admins_cannot_close_their_own_account() {
    let market = TestMarketplace::spawn().await;
    let admin = market.admin().await;
    market.delete_me(&admin, PASSWORD).await.assert_problem(403, "forbidden");
    assert_eq!(market.get_as(&admin.access_token, "/api/me").await.status, 200);
}

#[tokio::test]
async fn a_seller_closes_only_once_every_order_they_sell_is_finished() {
    let market = TestMarketplace::spawn().await;
    let seller = market.approved_vendor("dealer@example.com").await;
    let product = market.new_product(&seller, "Nissan Sunny 2018", 5, 300_000).await;
    let kept = market.new_product(&seller, "Nissan Sentra 2020", 5, 500_000).await;
    let buyer = market.verified_customer("buyer@example.com").await;
    let open = market.place_order(&buyer, &[(&product, 1)]).await;
    let delivered = market.place_order(&buyer, &[(&product, 1)]).await;
    for status in ["confirmed", "shipped", "delivered"] {
        assert_eq!(market.set_status(&seller, &delivered, status).await.status, 200);
    }
    listed(&market, &kept).await;

    market.delete_me(&seller, PASSWORD).await.assert_problem(409, "conflict");
    assert_eq!(market.get(&format!("/api/vendors/{}", seller.user_id())).await.status, 200, "nothing changed");
    assert_eq!(market.get(&format!("/api/products/{kept}")).await.status, 200, "nothing changed");

    assert_eq!(market.set_status(&buyer, &open, "cancelled").await.status, 200);
    assert_eq!(market.delete_me(&seller, PASSWORD).await.status, 204);
    assert_eq!(market.get(&format!("/api/vendors/{}", seller.user_id())).await.status, 404);
    for gone in [&product, &kept] {
        assert_eq!(market.get(&format!("/api/products/{gone}")).await.status, 404, "archived with the account");
    }
    let refused = market.checkout(&buyer, &basket(&[(&kept, 1)]), None).await;
    assert_eq!(refused.status, 400, "{}", String::from_utf8_lossy(&refused.body));
    assert_eq!(
        market.get_as(&buyer.access_token, &format!("/api/orders/{delivered}")).await.json()["status"],
        "delivered"
    );
}

#[tokio::test]
async fn no_order_reaches_a_seller_who_closed_however_checkouts_and_the_closing_race() {
    let market = TestMarketplace::spawn().await;
    let emails: Vec<String> = (0..6).map(|i| format!("racer{i}@example.com")).collect();
    let buyers: Vec<Session> = join_all(emails.iter().map(|email| market.verified_customer(email))).await;
    for round in 0..5 {
        let seller = market.approved_vendor(&format!("racing-seller{round}@example.com")).await;
        let product = market.new_product(&seller, "Chevrolet Aveo 2016", 20, 180_000).await;
        listed(&market, &product).await;
        let one = basket(&[(&product, 1)]);
        // Spread over the closing's own time (the password check alone takes a while), later each
        // round, so checkouts land before it, during it and after it.
        let checkouts = join_all(buyers.iter().enumerate().map(|(i, b)| {
            let (market, one) = (&market, &one);
            async move {
                tokio::time::sleep(Duration::from_millis(round * 30 + i as u64 * 20)).await;
                market.checkout(b, one, None).await
            }
        }));
        let (placed, closing) = tokio::join!(checkouts, market.delete_me(&seller, PASSWORD));
        let orders = placed.iter().filter(|r| r.status == 201).count();
        for refused in placed.iter().filter(|r| r.status != 201) {
            assert!([400, 409].contains(&refused.status.as_u16()), "{}", String::from_utf8_lossy(&refused.body));
        }
        match closing.status.as_u16() {
            204 => assert_eq!(orders, 0, "round {round}: a closed seller got {orders} orders"),
            409 => {
                assert!(orders > 0, "round {round}: the closing was refused with no order open");
                let sales = market.get_as(&seller.access_token, "/api/orders?view=sales").await.json();
                assert_eq!(sales["items"].as_array().unwrap().len(), orders, "round {round}");
            }
            other => panic!("round {round}: closing answered {other}: {}", String::from_utf8_lossy(&closing.body)),
        }
    }
}
