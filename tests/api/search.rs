//! `POST /api/search`: Arabic and English, normalised, word prefixes, every filter, sort, paging
//! and facets, which are each search's own and follow product changes within a minute.

use std::time::Duration;

use serde_json::{Value, json};
use shared::catalog::{Condition, Governorate, Product, ProductStatus};
use souk_tests::TestMarketplace;
use souk_tests::fixtures::{car, part};

async fn search(market: &TestMarketplace, body: Value) -> Value {
    let response = market.post("/api/search", &body).await;
    assert_eq!(response.status, 200, "{body}: {}", String::from_utf8_lossy(&response.body));
    response.json()
}

fn titles(results: &Value) -> Vec<&str> {
    results["items"].as_array().unwrap().iter().map(|p| p["title"].as_str().unwrap()).collect()
}

fn catalog() -> Vec<Product> {
    let mut hyundai = car("Hyundai", "Elantra", 2021, 40_000, 900_000, 3);
    hyundai.title = "هيونداي النترا 2021 فابريكا".into();
    hyundai.condition = Condition::New;
    hyundai.location.governorate = Governorate::Alexandria;
    let mut toyota = car("Toyota", "Corolla", 2019, 80_000, 950_000, 1);
    toyota.title = "تويوتا كورولا 2019 بحالة الزيرو".into();
    let mut citroen = car("Citroën", "C-Elysée", 2018, 120_000, 450_000, 2);
    citroen.title = "Citroën C-Elysée 2018".into();
    vec![
        toyota,
        citroen,
        hyundai,
        car("Toyota", "Yaris", 2017, 100_000, 520_000, 4),
        part("طقم فرامل أمامي تويوتا", &[("Toyota", "Corolla")], 1_800, 5),
    ]
}

#[tokio::test]
async fn text_is_matched_in_arabic_and_english_by_normalised_word_prefixes() {
    let market = TestMarketplace::spawn().await;
    market.list(&catalog()).await;
    let cases: &[(&str, &[&str])] = &[
        ("toyo", &["طقم فرامل أمامي تويوتا", "Toyota Yaris 2017", "تويوتا كورولا 2019 بحالة الزيرو"]),
        ("تويوتا", &["طقم فرامل أمامي تويوتا", "تويوتا كورولا 2019 بحالة الزيرو"]),
        ("تـويـوتـا", &["طقم فرامل أمامي تويوتا", "تويوتا كورولا 2019 بحالة الزيرو"]),
        ("هيونداى", &["هيونداي النترا 2021 فابريكا"]),
        ("فرامل امامي", &["طقم فرامل أمامي تويوتا"]),
        ("citroen", &["Citroën C-Elysée 2018"]),
        ("ELYSEE", &["Citroën C-Elysée 2018"]),
        ("corolla ٢٠١٩", &["تويوتا كورولا 2019 بحالة الزيرو"]),
        ("corolla brakes", &[]),
        (
            "ممتازة",
            &[
                "Toyota Yaris 2017",
                "هيونداي النترا 2021 فابريكا",
                "Citroën C-Elysée 2018",
                "تويوتا كورولا 2019 بحالة الزيرو",
            ],
        ),
    ];
    for (q, expected) in cases {
        assert_eq!(titles(&search(&market, json!({ "q": q })).await), *expected, "q = {q}");
    }
}

#[tokio::test]
async fn search_combines_with_filters_sorts_pages_and_counts_facets() {
    let market = TestMarketplace::spawn().await;
    market.list(&catalog()).await;
    let cars = search(&market, json!({ "q": "toyota", "category": "cars", "sort": "price_asc" })).await;
    assert_eq!(titles(&cars), ["Toyota Yaris 2017", "تويوتا كورولا 2019 بحالة الزيرو"]);
    let with_price = search(&market, json!({ "q": "toyota", "priceMax": 60_000_000, "sort": "price_desc" })).await;
    assert_eq!(titles(&with_price), ["Toyota Yaris 2017", "طقم فرامل أمامي تويوتا"]);

    let facets = search(&market, json!({ "q": "toyota" })).await;
    assert_eq!(facets["facets"]["make"], json!({ "toyota": 3 }));
    assert_eq!(facets["facets"]["condition"], json!({ "new": 1, "used": 2 }));
    assert_eq!(facets["facets"]["governorate"], json!({ "cairo": 3 }));
    assert_eq!(facets["facetsComplete"], true);

    let first = search(&market, json!({ "q": "toyota", "limit": 2 })).await;
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    let cursor = first["nextCursor"].as_str().unwrap().to_owned();
    let rest = search(&market, json!({ "q": "toyota", "limit": 2, "cursor": cursor })).await;
    assert_eq!(titles(&rest), ["تويوتا كورولا 2019 بحالة الزيرو"]);
    assert!(rest["nextCursor"].is_null());
    market
        .post("/api/search", &json!({ "q": "corolla", "cursor": cursor }))
        .await
        .assert_problem(400, "invalid_cursor");
}

#[tokio::test]
async fn the_facets_of_one_search_are_never_those_of_another() {
    let market = TestMarketplace::spawn().await;
    let mut camry = car("Toyota", "Camry", 2022, 10_000, 1_500_000, 6);
    camry.location.governorate = Governorate::Giza;
    market.list(&[catalog(), vec![camry]].concat()).await;
    let facets = |body: Value| {
        let market = &market;
        async move { search(market, body).await["facets"].clone() }
    };
    let toyota = json!({
        "make": { "toyota": 4 }, "condition": { "new": 1, "used": 3 }, "governorate": { "cairo": 3, "giza": 1 }
    });
    let in_giza = json!({ "make": { "toyota": 1 }, "condition": { "used": 1 }, "governorate": { "giza": 1 } });
    // Each asked right after another whose facets it must not be given.
    assert_eq!(facets(json!({ "q": "toyota" })).await, toyota);
    assert_eq!(facets(json!({ "q": "toyota", "governorate": "giza" })).await, in_giza);
    assert_eq!(
        facets(json!({ "q": "toyota", "condition": "new" })).await,
        json!({ "make": { "toyota": 1 }, "condition": { "new": 1 }, "governorate": { "cairo": 1 } })
    );
    assert_eq!(
        facets(json!({ "q": "toyota yaris" })).await,
        json!({ "make": { "toyota": 1 }, "condition": { "used": 1 }, "governorate": { "cairo": 1 } })
    );
    assert_eq!(
        facets(json!({ "q": "hyundai" })).await,
        json!({ "make": { "hyundai": 1 }, "condition": { "new": 1 }, "governorate": { "alexandria": 1 } })
    );
    // Another order or page size is the same search, with the same matches.
    assert_eq!(facets(json!({ "q": "toyota", "sort": "price_desc", "limit": 1 })).await, toyota);
    assert_eq!(facets(json!({ "q": "toyota", "governorate": "giza" })).await, in_giza);
}

#[tokio::test]
async fn facets_follow_product_changes_within_a_minute() {
    let market = TestMarketplace::spawn().await;
    let products = catalog();
    market.list(&products).await;
    let before = search(&market, json!({ "q": "toyota" })).await;
    assert_eq!(before["facets"]["governorate"], json!({ "cairo": 3 }));

    let mut camry = car("Toyota", "Camry", 2022, 10_000, 1_500_000, 6);
    camry.location.governorate = Governorate::Giza;
    market.list(std::slice::from_ref(&camry)).await;
    let mut yaris = products[3].clone();
    (yaris.status, yaris.version) = (ProductStatus::Archived, yaris.version + 1);
    market.change(&yaris).await;
    let now = search(&market, json!({ "q": "toyota" })).await;
    assert!(titles(&now).contains(&"Toyota Camry 2022") && !titles(&now).contains(&"Toyota Yaris 2017"));

    // openapi.yaml: facets may be up to 60 seconds older than the items.
    market.clock.advance(Duration::from_secs(60));
    let later = search(&market, json!({ "q": "toyota" })).await;
    assert_eq!(later["facets"]["make"], json!({ "toyota": 3 }));
    assert_eq!(later["facets"]["condition"], json!({ "new": 1, "used": 2 }));
    assert_eq!(later["facets"]["governorate"], json!({ "cairo": 2, "giza": 1 }));
}

#[tokio::test]
async fn bad_searches_are_rejected_naming_the_field() {
    let market = TestMarketplace::spawn().await;
    let cases: &[(Value, &[&str])] = &[
        (json!({}), &["q"]),
        (json!({ "q": "  ، ! " }), &["q"]),
        (json!({ "q": 5 }), &["q"]),
        (json!({ "q": "a b c d e f g h i" }), &["q"]),
        (json!({ "q": "toyota", "colour": "red" }), &["colour"]),
        (json!({ "q": "toyota", "sort": "relevance", "yearMin": "x" }), &["sort", "yearMin"]),
        (json!({ "q": "toyota", "make": ["a"] }), &["make"]),
    ];
    for (body, fields) in cases {
        let mut got = market.post("/api/search", body).await.error_fields();
        got.sort();
        assert_eq!(got, *fields, "{body}");
    }
}
