//! The inbox: admins send, users read their own, newest first, with an exact unread count.

use serde_json::json;
use souk_tests::{TestMarketplace, eventually};

#[tokio::test]
async fn an_admin_tells_a_user_or_a_role_and_each_reads_their_own_inbox() {
    let market = TestMarketplace::spawn().await;
    let admin = market.admin().await;
    let mona = market.verified_customer("mona-inbox@example.com").await;
    let karim = market.verified_customer("karim-inbox@example.com").await;
    let send = |body: serde_json::Value| {
        let (market, admin) = (&market, &admin);
        async move { market.post_as(&admin.access_token, "/api/notifications", &body).await }
    };

    let direct = send(json!({ "audience": { "userId": mona.user_id() }, "title": "مرحباً", "body": "Welcome to the souk", "data": { "promo": "EID" } })).await;
    assert_eq!(direct.status, 202);
    assert!(direct.json()["id"].is_string(), "answered at once with the announcement's id");
    eventually("mona's inbox has the welcome", || async { market.inbox(&mona).await["unreadCount"] == 1 }).await;
    market.clock.advance(std::time::Duration::from_secs(60));
    let everyone =
        send(json!({ "audience": { "role": "customer" }, "title": "Maintenance tonight", "body": "From 2 to 3 am" }))
            .await;
    assert_eq!(everyone.status, 202);
    eventually("every customer is told", || async {
        market.inbox(&mona).await["unreadCount"] == 2 && market.inbox(&karim).await["unreadCount"] == 1
    })
    .await;

    let inbox = market.inbox(&mona).await;
    let titles: Vec<&str> = inbox["items"].as_array().unwrap().iter().map(|n| n["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["Maintenance tonight", "مرحباً"], "newest first");
    assert_eq!(inbox["unreadCount"], 2);
    assert_eq!(inbox["items"][1]["data"], json!({ "promo": "EID" }));
    assert_eq!(inbox["items"][1]["read"], false);
    assert_eq!(market.inbox(&karim).await["unreadCount"], 1);
    // Published after it is stored in the inbox, so a moment later.
    eventually("the announcement is published", || async {
        market.outbox(mona.user_id()).await.iter().any(|n| n["type"] == "announcement" && n["subject"] == "مرحباً")
    })
    .await;

    let first = inbox["items"][1]["id"].as_str().unwrap().to_owned();
    for _ in 0..2 {
        let read = market.post_as(&mona.access_token, &format!("/api/notifications/{first}/read"), &json!({})).await;
        assert_eq!(read.status, 204);
    }
    let after = market.inbox(&mona).await;
    assert_eq!(after["unreadCount"], 1, "marking twice counts once");
    assert_eq!(after["items"][1]["read"], true);
    let stolen = market.post_as(&karim.access_token, &format!("/api/notifications/{first}/read"), &json!({})).await;
    stolen.assert_problem(404, "not_found");
}

#[tokio::test]
async fn only_admins_send_and_audiences_are_checked() {
    let market = TestMarketplace::spawn().await;
    let admin = market.admin().await;
    let customer = market.verified_customer("not-admin@example.com").await;
    let body = json!({ "audience": { "role": "vendor" }, "title": "t", "body": "b" });
    market.post_as(&customer.access_token, "/api/notifications", &body).await.assert_problem(403, "forbidden");
    let cases = [
        (json!({ "audience": {}, "title": "t", "body": "b" }), "audience"),
        (
            json!({ "audience": { "role": "vendor", "userId": customer.user_id() }, "title": "t", "body": "b" }),
            "audience",
        ),
        (
            json!({ "audience": { "userId": "01JD3V0Z8K5N6Q7R8S9T0VWXYZ" }, "title": "t", "body": "b" }),
            "audience.userId",
        ),
        (json!({ "audience": { "role": "vendor" }, "title": "", "body": "b" }), "title"),
    ];
    for (body, field) in cases {
        let fields = market.post_as(&admin.access_token, "/api/notifications", &body).await.error_fields();
        assert_eq!(fields, [field], "{body}");
    }
    market.get("/api/notifications").await.assert_problem(401, "unauthorized");
}

#[tokio::test]
async fn a_retried_announcement_with_its_key_is_queued_once_and_everyone_told_once() {
    let market = TestMarketplace::spawn().await;
    let admin = market.admin().await;
    let customers = futures::future::join_all((0..3).map(|i| {
        let market = &market;
        async move { market.verified_customer(&format!("told-{i}@example.com")).await }
    }))
    .await;
    let body = json!({ "audience": { "role": "customer" }, "title": "Eid sale", "body": "Brake pads 20% off" });
    let send = |body: serde_json::Value, key: &'static str| {
        let (market, admin) = (&market, &admin);
        async move {
            let headers = [("idempotency-key", key)];
            market.send_as(http::Method::POST, &admin.access_token, "/api/notifications", Some(&body), &headers).await
        }
    };
    let (first, retry) = tokio::join!(send(body.clone(), "eid-2026"), send(body.clone(), "eid-2026"));
    assert_eq!((first.status.as_u16(), retry.status.as_u16()), (202, 202));
    assert_eq!(first.json()["id"], retry.json()["id"], "one announcement");
    let replayed = send(body.clone(), "eid-2026").await;
    assert_eq!(replayed.header("idempotent-replayed"), Some("true"));
    assert_eq!(replayed.json()["id"], first.json()["id"]);
    let other = json!({ "audience": { "role": "customer" }, "title": "Eid sale", "body": "Oil 10% off" });
    send(other, "eid-2026").await.assert_problem(422, "idempotency_key_reused");

    for customer in &customers {
        eventually("each customer is told", || async { market.inbox(customer).await["unreadCount"] == 1 }).await;
    }
    // Delivery is over once every customer is told; nothing arrives twice afterwards.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    for customer in &customers {
        assert_eq!(market.inbox(customer).await["items"].as_array().unwrap().len(), 1);
        assert_eq!(market.outbox_of_type(customer.user_id(), "announcement").await.len(), 1);
    }
}
