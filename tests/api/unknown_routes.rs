//! What no route serves is answered in the API's own terms: 404 for an unknown path, 405 with
//! `Allow` for a known path and another method, both problem+json with a request id.

use serde_json::json;
use souk_tests::TestMarketplace;

#[tokio::test]
async fn an_unknown_path_is_a_problem_404() {
    let market = TestMarketplace::spawn().await;
    for path in ["/api/nothing-here", "/api/products/01J9ZQ8K3M7RX2V5T4N6PBWD8C/reviews", "/"] {
        let response = market.get(path).await;
        let problem = response.assert_problem(404, "not_found");
        assert_eq!(response.header("content-type"), Some("application/problem+json"), "{path}");
        assert_eq!(problem["requestId"].as_str(), response.header("x-request-id"));
    }
}

#[tokio::test]
async fn a_known_path_with_another_method_is_a_problem_405_naming_the_methods_it_has() {
    let market = TestMarketplace::spawn().await;
    let cases = [
        (http::Method::DELETE, "/api/health", "GET"),
        (http::Method::PUT, "/api/products/01J9ZQ8K3M7RX2V5T4N6PBWD8C", "DELETE, GET, PATCH"),
        (http::Method::DELETE, "/api/products", "GET, POST"),
        (http::Method::GET, "/api/auth/login", "POST"),
    ];
    for (method, path, allow) in cases {
        let response = market
            .client
            .send(method.clone(), path, &[("content-type", "application/json")], json!({}).to_string().into())
            .await;
        response.assert_problem(405, "method_not_allowed");
        assert_eq!(response.header("allow"), Some(allow), "{method} {path}");
    }
}
