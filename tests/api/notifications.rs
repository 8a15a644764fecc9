//! The inbox: admins send, users read their own, newest first, with an exact unread count.

use serde_json::json;
use souk_tests::TestMarketplace;

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
    assert_eq!(direct.json()["recipients"], 1);
    market.clock.advance(std::time::Duration::from_secs(60));
    let everyone =
        send(json!({ "audience": { "role": "customer" }, "title": "Maintenance tonight", "body": "From 2 to 3 am" }))
            .await;
    assert_eq!(everyone.json()["recipients"], 2);

    let inbox = market.inbox(&mona).await;
    let titles: Vec<&str> = inbox["items"].as_array().unwrap().iter().map(|n| n["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["Maintenance tonight", "مرحباً"], "newest first");
    assert_eq!(inbox["unreadCount"], 2);
    assert_eq!(inbox["items"][1]["data"], json!({ "promo": "EID" }));
    assert_eq!(inbox["items"][1]["read"], false);
    assert_eq!(market.inbox(&karim).await["unreadCount"], 1);
    assert!(market.outbox(mona.user_id()).await.iter().any(|n| n["type"] == "announcement" && n["subject"] == "مرحباً"));

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
