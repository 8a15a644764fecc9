use souk_tests::TestMarketplace;

#[tokio::test]
async fn a_fresh_marketplace_has_the_standard_categories_in_english_and_arabic() {
    let market = TestMarketplace::spawn().await;
    let response = market.get("/api/categories").await;
    assert_eq!(response.status, 200);
    assert_eq!(response.header("content-type"), Some("application/json"));
    assert_eq!(response.header("cache-control"), Some("public, max-age=300"));
    let body = response.json();
    let items = body["items"].as_array().unwrap();
    let find = |id: &str| items.iter().find(|c| c["id"] == id).unwrap_or_else(|| panic!("{id} missing: {body}"));
    for (id, en, ar) in [
        ("cars", "Cars", "سيارات"),
        ("spare-parts", "Spare parts", "قطع غيار"),
        ("accessories", "Accessories", "إكسسوارات"),
        ("tires-wheels", "Tires & wheels", "إطارات وجنوط"),
    ] {
        let category = find(id);
        assert_eq!(category["slug"], id);
        assert_eq!(category["name"]["en"], en);
        assert_eq!(category["name"]["ar"], ar);
        assert!(category.get("parentId").is_none(), "{id} is top-level");
    }
    assert_eq!(find("engine-parts")["parentId"], "spare-parts");
    assert_eq!(items[0]["id"], "cars", "display order");
}

#[tokio::test]
async fn revalidation_with_the_current_etag_is_a_bodiless_304() {
    let market = TestMarketplace::spawn().await;
    let first = market.get("/api/categories").await;
    let etag = first.header("etag").expect("an ETag").to_owned();
    assert!(etag.starts_with('"') && etag.ends_with('"'), "a strong ETag: {etag}");

    let again = market.get_with("/api/categories", &[("if-none-match", &etag)]).await;
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
    assert_eq!(again.header("etag"), Some(etag.as_str()));
    assert_eq!(again.header("cache-control"), Some("public, max-age=300"));

    let weak = market.get_with("/api/categories", &[("if-none-match", &format!("W/{etag}"))]).await;
    assert_eq!(weak.status, 304, "If-None-Match compares weakly");

    let stale = market.get_with("/api/categories", &[("if-none-match", "\"stale\"")]).await;
    assert_eq!(stale.status, 200);
    assert_eq!(stale.body, first.body);
}

#[tokio::test]
async fn seeding_again_on_the_same_tables_changes_nothing() {
    let first = TestMarketplace::spawn().await;
    let before = first.get("/api/categories").await;
    // A second start over the same tables seeds again, as every deployment does.
    let second = TestMarketplace::spawn_with_prefix(&first.table_prefix).await;
    let after = second.get("/api/categories").await;
    assert_eq!(after.body, before.body);
    assert_eq!(after.header("etag"), before.header("etag"));
}
