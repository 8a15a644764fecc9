use shared::catalog::ProductStatus;
use souk_tests::TestMarketplace;
use souk_tests::fixtures::car;

#[tokio::test]
async fn a_product_is_served_whole_with_an_etag_that_revalidates() {
    let market = TestMarketplace::spawn().await;
    let corolla = car("Toyota", "Corolla", 2019, 80_000, 950_000, 0);
    market.list(std::slice::from_ref(&corolla)).await;

    let response = market.get(&format!("/api/products/{}", corolla.id)).await;
    assert_eq!(response.status, 200);
    assert_eq!(response.json(), serde_json::to_value(&corolla).unwrap());
    let body = response.json();
    assert_eq!(body["price"], serde_json::json!({ "amount": 95_000_000, "currency": "EGP" }));
    assert_eq!(body["vehicle"]["mileageKm"], 80_000);
    assert_eq!(body["location"]["governorate"], "cairo");
    assert_eq!(body["createdAt"], corolla.created_at.to_string());
    let etag = response.header("etag").expect("an ETag").to_owned();
    assert_eq!(response.header("cache-control"), Some("no-cache"));

    let unchanged = market.get_with(&format!("/api/products/{}", corolla.id), &[("if-none-match", &etag)]).await;
    assert_eq!(unchanged.status, 304);
    assert!(unchanged.body.is_empty());

    let cheaper =
        shared::catalog::Product { price: shared::money::Money::egp(90_000_000), version: 2, ..corolla.clone() };
    market.change(&cheaper).await;
    let changed = market.get_with(&format!("/api/products/{}", corolla.id), &[("if-none-match", &etag)]).await;
    assert_eq!(changed.status, 200, "a changed product no longer matches the old ETag");
    assert_eq!(changed.json()["price"]["amount"], 90_000_000);
    assert_ne!(changed.header("etag"), Some(etag.as_str()));
}

#[tokio::test]
async fn unknown_malformed_and_archived_products_are_404() {
    let market = TestMarketplace::spawn().await;
    let archived =
        shared::catalog::Product { status: ProductStatus::Archived, ..car("Fiat", "Tipo", 2021, 10, 500_000, 0) };
    let sold_out =
        shared::catalog::Product { status: ProductStatus::SoldOut, ..car("Kia", "Cerato", 2020, 10, 600_000, 1) };
    market.list(&[archived.clone(), sold_out.clone()]).await;

    let unknown = shared::catalog::ProductId::new();
    market.get(&format!("/api/products/{unknown}")).await.assert_problem(404, "not_found");
    market.get("/api/products/not-a-product-id").await.assert_problem(404, "not_found");
    market.get(&format!("/api/products/{}", archived.id)).await.assert_problem(404, "not_found");
    // A lower-case spelling of a real id is not that product's id.
    market
        .get(&format!("/api/products/{}", sold_out.id.to_string().to_lowercase()))
        .await
        .assert_problem(404, "not_found");

    let sold = market.get(&format!("/api/products/{}", sold_out.id)).await;
    assert_eq!(sold.status, 200, "a sold-out product can still be viewed");
    assert_eq!(sold.json()["status"], "sold_out");
}
