//! API3:2023 Broken Object Property Level Authorization. Mass assignment: every write refuses the
//! properties the server owns (role, verification, owner ids, status, version, prices, totals,
//! timestamps) with 400 and writes nothing. Excessive exposure: no response, public or private,
//! carries a stored-only property (password hash, keys, index attributes, TTLs), and no public
//! response carries anyone's email.

use http::Method;
use serde_json::{Value, json};
use souk_tests::accounts::PASSWORD;
use souk_tests::orders::basket;
use souk_tests::products::car_body;
use souk_tests::vendors::application;

use super::{World, keys};

/// `base` with `extra` merged in at the top level.
fn with(base: &Value, extra: Value) -> Value {
    let mut merged = base.clone();
    for (k, v) in extra.as_object().unwrap() {
        merged[k] = v.clone();
    }
    merged
}

#[tokio::test]
async fn no_write_accepts_a_property_the_server_owns() {
    let w = World::build().await;
    let m = &w.market;
    let car = car_body("Hyundai Tucson 2022", "Hyundai", "Tucson", 2022, 1_200_000);
    let mut priced_line = basket(&[(&w.other_product, 1)]);
    priced_line["items"][0]["unitPrice"] = json!({ "amount": 1, "currency": "EGP" });
    let register = json!({ "email": "new@example.com", "password": PASSWORD, "name": "New" });
    let product = format!("/api/products/{}", w.product);
    let status = format!("/api/orders/{}/status", w.order);
    let decision = format!("/api/vendor-applications/{}/decision", w.application);
    let announcement = json!({ "audience": { "userId": w.buyer.user_id() }, "title": "Hi", "body": "Hi" });

    // (method, path, body, who)
    let cases: Vec<(Method, &str, Value, &str)> = vec![
        (Method::POST, "/api/auth/register", with(&register, json!({ "role": "admin" })), ""),
        (Method::POST, "/api/auth/register", with(&register, json!({ "emailVerified": true })), ""),
        (Method::PATCH, "/api/me", json!({ "role": "admin" }), &w.buyer.access_token),
        (Method::PATCH, "/api/me", json!({ "email": "taken@example.com" }), &w.buyer.access_token),
        (Method::PATCH, "/api/me", json!({ "emailVerified": false }), &w.buyer.access_token),
        (Method::PATCH, "/api/me", json!({ "id": w.stranger.user_id() }), &w.buyer.access_token),
        (
            Method::POST,
            "/api/products",
            with(&car, json!({ "vendorId": w.other_seller.user_id() })),
            &w.seller.access_token,
        ),
        (Method::POST, "/api/products", with(&car, json!({ "status": "archived" })), &w.seller.access_token),
        (Method::POST, "/api/products", with(&car, json!({ "version": 9 })), &w.seller.access_token),
        (
            Method::POST,
            "/api/products",
            with(&car, json!({ "createdAt": "2020-01-01T00:00:00Z" })),
            &w.seller.access_token,
        ),
        (Method::PATCH, &product, json!({ "vendorId": w.other_seller.user_id() }), &w.seller.access_token),
        (Method::PATCH, &product, json!({ "version": 1 }), &w.seller.access_token),
        (Method::PATCH, &product, json!({ "id": w.other_product }), &w.seller.access_token),
        (Method::POST, "/api/orders", priced_line, &w.buyer.access_token),
        (
            Method::POST,
            "/api/orders",
            with(&basket(&[(&w.other_product, 1)]), json!({ "total": { "amount": 1, "currency": "EGP" } })),
            &w.buyer.access_token,
        ),
        (
            Method::POST,
            "/api/orders",
            with(&basket(&[(&w.other_product, 1)]), json!({ "status": "delivered" })),
            &w.buyer.access_token,
        ),
        (
            Method::POST,
            "/api/orders",
            with(&basket(&[(&w.other_product, 1)]), json!({ "paymentStatus": "paid" })),
            &w.buyer.access_token,
        ),
        (
            Method::POST,
            "/api/orders",
            with(&basket(&[(&w.other_product, 1)]), json!({ "customerId": w.stranger.user_id() })),
            &w.buyer.access_token,
        ),
        (Method::POST, &status, json!({ "status": "confirmed", "by": w.admin.user_id() }), &w.seller.access_token),
        (
            Method::POST,
            "/api/vendor-applications",
            with(&application(), json!({ "status": "approved" })),
            &w.stranger.access_token,
        ),
        (
            Method::POST,
            "/api/vendor-applications",
            with(&application(), json!({ "applicantId": w.buyer.user_id() })),
            &w.stranger.access_token,
        ),
        (
            Method::POST,
            &decision,
            json!({ "decision": "approve", "reviewerId": w.stranger.user_id() }),
            &w.admin.access_token,
        ),
        (
            Method::POST,
            "/api/notifications",
            with(&announcement, json!({ "type": "order_status_changed" })),
            &w.admin.access_token,
        ),
    ];
    for (method, path, body, token) in &cases {
        let response = m.send_as(method.clone(), token, path, Some(body), &[]).await;
        assert_eq!(response.status, 400, "{method} {path} {body}: {}", String::from_utf8_lossy(&response.body));
        response.assert_problem(400, "validation_failed");
    }

    // Nothing was written: no account, no product, no order, no application, no move.
    m.login("new@example.com", PASSWORD).await.assert_problem(401, "invalid_credentials");
    let me = m.get_as(&w.buyer.access_token, "/api/me").await.json();
    assert_eq!(
        (me["user"]["role"].as_str(), me["user"]["email"].as_str()),
        (Some("customer"), Some("buyer@example.com"))
    );
    assert_eq!(m.get(&product).await.json()["vendorId"], w.seller.user_id());
    assert_eq!(m.get_as(&w.buyer.access_token, "/api/orders").await.json()["items"].as_array().unwrap().len(), 1);
    assert_eq!(m.get(&format!("/api/products/{}", w.other_product)).await.json()["stock"], 5);
    assert_eq!(m.get_as(&w.buyer.access_token, &format!("/api/orders/{}", w.order)).await.json()["status"], "pending");
    let stranger_apps = m.get_as(&w.stranger.access_token, "/api/vendor-applications").await.json();
    assert_eq!(stranger_apps["items"], json!([]));
    assert_eq!(
        m.get_as(&w.buyer.access_token, &format!("/api/vendor-applications/{}", w.application)).await.json()["application"]
            ["status"],
        "pending"
    );
}

/// Properties that exist only in storage.
const STORED_ONLY: &[&str] =
    &["passwordHash", "pk", "sk", "kind", "expiresAt", "byPrice", "byYear", "byMileage", "searchTerms", "epoch"];

#[tokio::test]
async fn no_response_exposes_stored_only_properties_or_strangers_emails() {
    let w = World::build().await;
    let m = &w.market;
    let login = m.login("buyer@example.com", PASSWORD).await.json();
    let private = [
        login,
        m.get_as(&w.buyer.access_token, "/api/me").await.json(),
        m.get_as(&w.buyer.access_token, "/api/orders").await.json(),
        m.get_as(&w.seller.access_token, &format!("/api/orders/{}", w.order)).await.json(),
        m.get_as(&w.admin.access_token, "/api/vendor-applications").await.json(),
        m.inbox(&w.buyer).await,
    ];
    let public = [
        m.get("/api/products").await.json(),
        m.get(&format!("/api/products/{}", w.product)).await.json(),
        m.post("/api/search", &json!({ "q": "corolla" })).await.json(),
        m.get(&format!("/api/vendors/{}", w.seller.user_id())).await.json(),
        m.get("/api/categories").await.json(),
    ];
    for response in private.iter().chain(&public) {
        let exposed: Vec<String> = keys(response).into_iter().filter(|k| STORED_ONLY.contains(&k.as_str())).collect();
        assert!(exposed.is_empty(), "{exposed:?} in {response}");
    }
    for response in &public {
        assert!(!response.to_string().contains("@example.com"), "an email in a public response: {response}");
    }
}
