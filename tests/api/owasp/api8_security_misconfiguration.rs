//! API8:2023 Security Misconfiguration. Every response — success, client error, unknown route —
//! carries the hardening headers (no sniffing, no framing, HTTPS only, not stored unless public),
//! errors never show internals, and the template's CORS lets only the marketplace's own https web
//! origins in, without credentials. Least-privilege IAM grants are proven against what each function
//! really does in `least_privilege.rs`; encryption and the alerts key in `secrets.rs`.

use serde_json::json;

use super::World;

#[tokio::test]
async fn every_response_is_hardened_and_errors_show_no_internals() {
    let w = World::build().await;
    let m = &w.market;
    let responses = [
        ("a public read", m.get("/api/products").await),
        ("a private read", m.get_as(&w.buyer.access_token, "/api/me").await),
        (
            "a write",
            m.post_as(&w.buyer.access_token, &format!("/api/notifications/{}/read", w.notification), &json!({})).await,
        ),
        ("a validation error", m.get("/api/products?limit=0").await),
        ("an authentication error", m.get("/api/me").await),
        ("an unknown route", m.get("/api/admin/debug").await),
        ("a wrong method", m.client.send(http::Method::PUT, "/api/products", &[], bytes::Bytes::new()).await),
    ];
    for (what, response) in &responses {
        assert_eq!(response.header("x-content-type-options"), Some("nosniff"), "{what}");
        assert_eq!(response.header("x-frame-options"), Some("DENY"), "{what}");
        assert_eq!(response.header("content-security-policy"), Some("default-src 'none'; frame-ancestors 'none'"));
        assert!(response.header("strict-transport-security").is_some_and(|h| h.starts_with("max-age=")), "{what}");
        assert!(response.header("cache-control").is_some(), "{what}");
        if response.status.is_client_error() {
            let body = String::from_utf8_lossy(&response.body);
            for internal in ["panicked", "dynamodb", "Dynamo", "aws_sdk", "backtrace", ".rs:"] {
                assert!(!body.contains(internal), "{what} shows {internal}: {body}");
            }
        }
    }
    assert_eq!(responses[1].1.header("cache-control"), Some("no-store"), "personal data is never stored");
    assert_eq!(m.get("/api/categories").await.header("cache-control"), Some("public, max-age=300"));
}

#[test]
fn cors_admits_only_the_marketplaces_https_origins_without_credentials() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../template.yaml");
    let template: serde_yaml::Value = serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let cors = &template["Resources"]["HttpApi"]["Properties"]["CorsConfiguration"];
    assert_ne!(cors["AllowCredentials"], serde_yaml::Value::Bool(true));
    let origins = template["Parameters"]["CorsAllowedOrigins"]["Default"].as_str().unwrap();
    for origin in origins.split(',') {
        assert!(origin.starts_with("https://") && !origin.contains('*'), "{origin}");
    }
    let methods: Vec<&str> = cors["AllowMethods"].as_sequence().unwrap().iter().filter_map(|m| m.as_str()).collect();
    assert!(!methods.contains(&"*") && !methods.contains(&"PUT") && !methods.contains(&"TRACE"), "{methods:?}");
}
