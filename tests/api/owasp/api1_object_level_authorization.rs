//! API1:2023 Broken Object Level Authorization. Every route that takes an object's id, tried by
//! every role and by a stranger with a valid account: only the object's parties (and admins) see or
//! change it, everyone else gets the same 404 an unknown id gets (so ids reveal nothing), and a
//! refused change changes nothing. Order moves by party are in `order_parties.rs`.

use http::Method;
use serde_json::json;

use super::World;

#[tokio::test]
async fn only_an_objects_parties_and_admins_reach_it_by_its_id() {
    let w = World::build().await;
    let m = &w.market;
    let order = format!("/api/orders/{}", w.order);
    let application = format!("/api/vendor-applications/{}", w.application);
    let read = format!("/api/notifications/{}/read", w.notification);
    let product = format!("/api/products/{}", w.product);

    // (what, method, path, body, who, expected status)
    let cases = [
        ("the order", Method::GET, order.as_str(), None, &w.buyer, 200),
        ("the order", Method::GET, &order, None, &w.seller, 200),
        ("the order", Method::GET, &order, None, &w.admin, 200),
        ("the order", Method::GET, &order, None, &w.stranger, 404),
        ("the order", Method::GET, &order, None, &w.other_seller, 404),
        ("the application", Method::GET, &application, None, &w.buyer, 200),
        ("the application", Method::GET, &application, None, &w.admin, 200),
        ("the application", Method::GET, &application, None, &w.stranger, 404),
        ("the application", Method::GET, &application, None, &w.seller, 404),
        ("a notification", Method::POST, &read, Some(json!({})), &w.stranger, 404),
        ("a notification", Method::POST, &read, Some(json!({})), &w.seller, 404),
        ("a notification", Method::POST, &read, Some(json!({})), &w.admin, 404),
        ("a product", Method::PATCH, &product, Some(json!({ "title": "Mine now" })), &w.other_seller, 404),
        ("a product", Method::DELETE, &product, None, &w.other_seller, 404),
    ];
    for (what, method, path, body, who, expected) in cases {
        let response = m.send_as(method.clone(), &who.access_token, path, body.as_ref(), &[]).await;
        assert_eq!(response.status.as_u16(), expected, "{what}: {method} {path} by {}", who.user_id());
        if expected == 404 {
            response.assert_problem(404, "not_found");
        }
    }
    // Moving someone else's order is the same 404, and nothing moved.
    for outsider in [&w.stranger, &w.other_seller] {
        m.set_status(outsider, &w.order, "cancelled").await.assert_problem(404, "not_found");
    }
    assert_eq!(m.get_as(&w.buyer.access_token, &order).await.json()["status"], "pending");
    // The refused product changes left the product as it was.
    let still = m.get(&product).await;
    assert_eq!(still.status, 200);
    assert_eq!(still.json()["title"], "Toyota Corolla 2021");
    // The buyer's notification is still unread.
    assert_eq!(m.inbox(&w.buyer).await["unreadCount"], 1);
}

#[tokio::test]
async fn listings_of_orders_and_applications_show_only_the_callers_own() {
    let w = World::build().await;
    let m = &w.market;
    for who in [&w.stranger, &w.other_seller] {
        let orders = m.get_as(&who.access_token, "/api/orders").await.json();
        assert_eq!(orders["items"], json!([]), "{}", who.user_id());
        let sales = m.get_as(&who.access_token, "/api/orders?view=sales").await;
        if sales.status == 200 {
            assert_eq!(sales.json()["items"], json!([]));
        }
        let applications = m.get_as(&who.access_token, "/api/vendor-applications").await.json();
        let ids: Vec<&str> =
            applications["items"].as_array().unwrap().iter().filter_map(|a| a["id"].as_str()).collect();
        assert!(!ids.contains(&w.application.as_str()));
    }
    let inbox = m.inbox(&w.stranger).await;
    assert!(inbox["items"].as_array().unwrap().iter().all(|n| n["id"] != w.notification.as_str()));
}
