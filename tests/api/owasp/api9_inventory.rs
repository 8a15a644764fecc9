//! API9:2023 Improper Inventory Management. One inventory, checked both ways in `wiring.rs`:
//! template.yaml's routes are exactly openapi.yaml's operations, each with its crate, sample event
//! and README row. Here: the deployed surface holds nothing else — the local runner's development
//! routes (`/_local/...`) are never in the template, and the paths where forgotten or shadow APIs
//! usually hide (old versions, admin and debug consoles, generated docs) answer problem+json like
//! any unknown path: 404, or 400 where the path is a known route with a malformed id.

use souk_local::template::Template;

use super::World;

#[test]
fn no_development_route_is_deployed() {
    let template = Template::project().unwrap();
    for function in &template.functions {
        for route in &function.routes {
            assert!(!route.path.starts_with("/_local"), "{} deploys {}", function.logical_id, route.path);
            assert!(
                route.path.starts_with("/api/") || route.path == "$default",
                "{} serves {}",
                function.logical_id,
                route.path
            );
        }
    }
}

#[tokio::test]
async fn shadow_and_legacy_paths_are_unknown() {
    let w = World::build().await;
    let m = &w.market;
    let product = &w.product;
    for path in [
        "/api/v1/products".to_owned(),
        "/api/v2/orders".to_owned(),
        format!("/api/v1/products/{product}"),
        "/api/admin".to_owned(),
        "/api/admin/users".to_owned(),
        "/api/users".to_owned(),
        format!("/api/users/{}", w.buyer.user_id()),
        "/api/debug".to_owned(),
        "/api/internal/metrics".to_owned(),
        "/api/swagger.json".to_owned(),
        "/openapi.yaml".to_owned(),
        "/api/products/export".to_owned(),
    ] {
        let response = m.get_as(&w.admin.access_token, &path).await;
        // `/api/products/export` is the product route with an id that is no id.
        let expected: &[u16] = if path.starts_with("/api/products/") { &[400, 404] } else { &[404] };
        assert!(
            expected.contains(&response.status.as_u16()),
            "{path}: {} {}",
            response.status,
            String::from_utf8_lossy(&response.body)
        );
        assert_eq!(response.header("content-type"), Some("application/problem+json"), "{path}");
    }
}
