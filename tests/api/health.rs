use std::collections::HashMap;

use shared::App;
use shared::config::Config;
use shared::http::serve;
use souk_tests::TestMarketplace;

#[tokio::test]
async fn reports_ok_with_the_version_when_the_database_answers() {
    let market = TestMarketplace::spawn().await;
    let response = market.get("/api/health").await;
    assert_eq!(response.status, 200);
    assert_eq!(response.header("cache-control"), Some("no-store"));
    let body = response.json();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["checks"]["database"], "ok");
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
}

#[tokio::test]
async fn reports_degraded_with_503_and_retry_after_when_the_database_is_unreachable() {
    // Nothing listens on this port: the function is configured as in AWS, with a dead endpoint.
    let dead = format!("http://127.0.0.1:{}", souk_local::dynamodb_local::free_port().unwrap());
    let vars = HashMap::from([("DYNAMODB_ENDPOINT", dead), ("CATEGORIES_TABLE", "Categories".to_owned())]);
    let app = App::new(Config::from_vars(|name| vars.get(name).cloned())).await;
    let health = health::Health::new(&app).unwrap();
    // The sample event of events/, as API Gateway would deliver it.
    let event = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../events/health.json")).unwrap();
    let request = lambda_http::request::from_str(&event).unwrap();

    let response = serve(&health, request).await;

    assert_eq!(response.status(), 503);
    assert!(response.headers().get("retry-after").is_some());
    let body: serde_json::Value = serde_json::from_slice(response.body().as_ref()).unwrap();
    assert_eq!(body["status"], "degraded");
    assert_eq!(body["checks"]["database"], "unavailable");
}
