//! API4:2023 Unrestricted Resource Consumption. Every page has a bounded size (0, 101, negative or
//! non-numeric limits are 400, never clamped silently or honoured), bodies are capped at 64 KiB
//! (413), nesting a parser would recurse on is 400, a checkout holds at most 50 lines and a search
//! at most 100 characters. Tampered cursors are in `cursors.rs`; login and reset limits in
//! `accounts_lockout.rs` and `accounts_passwords.rs`; the throttling and timeouts AWS enforces are
//! checked in the template below.

use http::Method;
use serde_json::json;
use souk_tests::orders::basket;

use super::World;

#[tokio::test]
async fn every_page_size_is_bounded() {
    let w = World::build().await;
    let m = &w.market;
    let pages = [
        ("/api/products", &w.buyer.access_token),
        ("/api/orders", &w.buyer.access_token),
        ("/api/notifications", &w.buyer.access_token),
        ("/api/vendor-applications", &w.admin.access_token),
    ];
    for (path, token) in pages {
        assert_eq!(m.get_as(token, &format!("{path}?limit=100")).await.status, 200, "{path}");
        for limit in ["0", "101", "-1", "1e9", "ten"] {
            let response = m.get_as(token, &format!("{path}?limit={limit}")).await;
            response.assert_problem(400, "validation_failed");
        }
    }
    for limit in [0, 101, 100_000] {
        m.post("/api/search", &json!({ "q": "kia", "limit": limit })).await.assert_problem(400, "validation_failed");
    }
}

#[tokio::test]
async fn bodies_are_capped_and_deep_nesting_is_refused() {
    let w = World::build().await;
    let m = &w.market;
    let padding = "ا".repeat(40 * 1024);
    let huge = json!({ "email": "big@example.com", "password": padding, "name": "Big" });
    m.post("/api/auth/register", &huge).await.assert_problem(413, "payload_too_large");
    let mut big_basket = basket(&[(&w.product, 1)]);
    big_basket["shippingAddress"]["street"] = json!(padding);
    m.checkout(&w.buyer, &big_basket, None).await.assert_problem(413, "payload_too_large");

    let nested = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let response =
        m.client.send(Method::POST, "/api/search", &[("content-type", "application/json")], nested.into()).await;
    response.assert_problem(400, "validation_failed");
}

#[tokio::test]
async fn a_checkout_and_a_search_are_bounded() {
    let w = World::build().await;
    let m = &w.market;
    let many: Vec<(&str, u32)> = (0..51).map(|_| (w.product.as_str(), 1)).collect();
    let refused = m.checkout(&w.buyer, &basket(&many), None).await;
    refused.assert_problem(400, "validation_failed");
    assert!(
        refused.error_fields().contains(&"items".to_owned()),
        "refused for its length: {:?}",
        refused.error_fields()
    );
    m.post("/api/search", &json!({ "q": "ك".repeat(101) })).await.assert_problem(400, "validation_failed");
    assert_eq!(
        m.get(&format!("/api/products/{}", w.product)).await.json()["stock"],
        4,
        "only the first order took stock"
    );
}

#[test]
fn aws_throttles_the_api_and_every_function_ends_before_the_gateway_gives_up() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../template.yaml");
    let template: serde_yaml::Value = serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let resources = template["Resources"].as_mapping().unwrap();
    let api = &template["Resources"]["HttpApi"]["Properties"]["DefaultRouteSettings"];
    assert!(!api["ThrottlingRateLimit"].is_null() && !api["ThrottlingBurstLimit"].is_null(), "the API is throttled");
    let default_timeout = template["Globals"]["Function"]["Timeout"].as_u64().unwrap();
    for (name, resource) in resources {
        let events = resource["Properties"]["Events"].as_mapping();
        let behind_the_api = events.is_some_and(|events| events.values().any(|e| e["Type"] == "HttpApi"));
        if resource["Type"] != "AWS::Serverless::Function" || !behind_the_api {
            continue;
        }
        let timeout = resource["Properties"]["Timeout"].as_u64().unwrap_or(default_timeout);
        // API Gateway's HTTP API waits 30 s for an integration; a function must answer first.
        assert!(timeout < 30, "{name:?} may run {timeout} s");
    }
}
