//! Bad query parameters are 400 `validation_failed` naming the field, never ignored.

use souk_tests::TestMarketplace;

#[tokio::test]
async fn bad_parameter_values_are_rejected_naming_the_field() {
    let market = TestMarketplace::spawn().await;
    let cases: &[(&str, &[&str])] = &[
        ("sort=cheapest", &["sort"]),
        ("limit=0", &["limit"]),
        ("limit=101", &["limit"]),
        ("limit=ten", &["limit"]),
        ("yearMin=abc", &["yearMin"]),
        ("yearMax=1800", &["yearMax"]),
        ("yearMin=2020&yearMax=2010", &["yearMin"]),
        ("priceMin=-5", &["priceMin"]),
        ("priceMin=500&priceMax=100", &["priceMin"]),
        ("priceMax=1.5", &["priceMax"]),
        ("condition=mint", &["condition"]),
        ("governorate=atlantis", &["governorate"]),
        ("category=boats", &["category"]),
        ("vendorId=not-a-vendor", &["vendorId"]),
        ("model=corolla", &["model"]),
        ("make=", &["make"]),
        ("colour=red", &["colour"]),
        ("make=kia&make=fiat", &["make"]),
        ("sort=bogus&limit=1000&condition=mint", &["condition", "limit", "sort"]),
    ];
    for (query, fields) in cases {
        let response = market.get(&format!("/api/products?{query}")).await;
        let mut got = response.error_fields();
        got.sort();
        assert_eq!(got, *fields, "GET /api/products?{query}");
    }
}

#[tokio::test]
async fn a_validation_problem_explains_itself() {
    let market = TestMarketplace::spawn().await;
    let problem = market.get("/api/products?governorate=atlantis").await.assert_problem(400, "validation_failed");
    assert_eq!(problem["type"], "https://souk-el-sayarat.com/problems/validation_failed");
    assert_eq!(problem["title"], "Bad Request");
    assert!(problem["errors"][0]["message"].as_str().unwrap().contains("governorates"));
}
