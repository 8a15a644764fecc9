//! API7:2023 Server Side Request Forgery. The only URLs a client gives the marketplace are product
//! images. The server never fetches them, but buyers' browsers do (and so may an image pipeline),
//! so a listing may point only at a public https host: address literals (the instance metadata
//! endpoint, loopback, private ranges), names that resolve only inside a network, ports, user
//! info and other schemes are refused on create and on change, and nothing is written.

use serde_json::json;
use souk_tests::products::car_body;

use super::World;

const INTERNAL: &[&str] = &[
    "https://169.254.169.254/latest/meta-data/iam/security-credentials/",
    "https://127.0.0.1/car.jpg",
    "https://10.0.0.12/car.jpg",
    "https://192.168.1.1/car.jpg",
    "https://[::1]/car.jpg",
    "https://localhost/car.jpg",
    "https://metadata.google.internal/computeMetadata/v1/",
    "https://nas.local/car.jpg",
    "https://cdn.example.com:22/car.jpg",
    "https://admin:secret@cdn.example.com/car.jpg",
    "http://cdn.example.com/car.jpg",
    "file:///etc/passwd",
    "gopher://cdn.example.com/car.jpg",
];

#[tokio::test]
async fn product_images_may_point_only_at_public_https_hosts() {
    let w = World::build().await;
    let m = &w.market;
    let version = m.get(&format!("/api/products/{}", w.product)).await.json()["version"].clone();
    for url in INTERNAL {
        let mut car = car_body("Fiat Tipo 2021", "Fiat", "Tipo", 2021, 400_000);
        car["images"] = json!(["https://cdn.souk-el-sayarat.com/ok.jpg", url]);
        let created = m.create_product(&w.seller, &car).await;
        created.assert_problem(400, "validation_failed");
        assert_eq!(created.error_fields(), ["images[1]"], "{url}");

        let changed = m.patch_product(&w.seller, &w.product, &json!({ "images": [url] }), None).await;
        changed.assert_problem(400, "validation_failed");
    }
    let product = m.get(&format!("/api/products/{}", w.product)).await.json();
    assert!(product["images"].as_array().unwrap().iter().all(|i| i.as_str().unwrap().starts_with("https://")));
    assert_eq!(product["version"], version, "no change was made");
}
