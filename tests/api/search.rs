//! `POST /api/search`: Arabic and English, normalised, word prefixes, every filter, sort, paging
//! and facets.

use serde_json::{Value, json};
use shared::catalog::{Condition, Governorate, Product};
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
