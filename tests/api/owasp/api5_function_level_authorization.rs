//! API5:2023 Broken Function Level Authorization. Every route meant for vendors or admins, tried by
//! every other role and anonymously: 401 without a token, 403 `forbidden` with the wrong role (403
//! `email_not_verified` where the role is right but the email is not), and nothing happens.
//! (Listings every role may call but that show each only their own are in API1.)

use http::Method;
use serde_json::{Value, json};
use souk_tests::accounts::Session;
use souk_tests::products::car_body;

use super::World;

#[tokio::test]
async fn vendor_and_admin_routes_refuse_every_other_role() {
    let w = World::build().await;
    let m = &w.market;
    let unverified = m.unverified_customer("unverified@example.com").await;
    let product = format!("/api/products/{}", w.product);
    let decision = format!("/api/vendor-applications/{}/decision", w.application);
    let car = car_body("Renault Logan 2019", "Renault", "Logan", 2019, 250_000);
    let announcement = json!({ "audience": { "role": "customer" }, "title": "Sale", "body": "Sale" });

    // (method, path, body, roles allowed by name)
    let routes: Vec<(Method, &str, Value, &[&str])> = vec![
        (Method::POST, "/api/products", car, &["seller"]),
        (Method::PATCH, &product, json!({ "title": "Renamed" }), &["seller", "admin"]),
        (Method::DELETE, &product, Value::Null, &["seller", "admin"]),
        (Method::POST, "/api/notifications", announcement, &["admin"]),
        (Method::POST, &decision, json!({ "decision": "approve" }), &["admin"]),
        (Method::GET, "/api/orders?view=sales", Value::Null, &["seller"]),
    ];
    let roles: [(&str, &Session); 4] =
        [("buyer", &w.buyer), ("stranger", &w.stranger), ("unverified", &unverified), ("seller", &w.seller)];
    for (method, path, body, allowed) in &routes {
        let body = (!body.is_null()).then_some(body);
        let bytes = body.map(|b| b.to_string()).unwrap_or_default();
        let anonymous =
            m.client.send(method.clone(), path, &[("content-type", "application/json")], bytes.into()).await;
        anonymous.assert_problem(401, "unauthorized");
        for (role, session) in roles {
            if allowed.contains(&role) {
                continue;
            }
            let response = m.send_as(method.clone(), &session.access_token, path, body, &[]).await;
            assert_eq!(response.status, 403, "{role}: {method} {path}: {}", String::from_utf8_lossy(&response.body));
        }
    }

    // Nothing happened: the product is as it was, no announcement, the application still pending.
    let still = m.get(&product).await.json();
    assert_eq!(still["title"], "Toyota Corolla 2021");
    assert!(m.outbox_of_type(w.buyer.user_id(), "announcement").await.is_empty());
    let application = m.get_as(&w.admin.access_token, &format!("/api/vendor-applications/{}", w.application)).await;
    assert_eq!(application.json()["application"]["status"], "pending");
}
