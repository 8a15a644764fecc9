//! Vendors list, change and archive products through HTTP; the products trigger keeps listings
//! and search in step.

use serde_json::{Value, json};
use souk_tests::products::car_body;
use souk_tests::{TestMarketplace, eventually};

async fn listed_ids(market: &TestMarketplace, query: &str) -> Vec<String> {
    let body = market.get(&format!("/api/products?{query}")).await.json();
    body["items"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap().to_owned()).collect()
}

async fn found_ids(market: &TestMarketplace, search: Value) -> Vec<String> {
    let response = market.post("/api/search", &search).await;
    assert_eq!(response.status, 200, "{}", String::from_utf8_lossy(&response.body));
    response.json()["items"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn an_approved_vendor_lists_a_car_that_is_found_re_sorted_and_finally_archived() {
    let market = TestMarketplace::spawn().await;
    let vendor = market.approved_vendor("nile-motors@example.com").await;

    let created = market
        .create_product(&vendor, &car_body("تويوتا كورولا 2019 فابريكا", "Toyota", "Corolla", 2019, 950_000))
        .await;
    assert_eq!(created.status, 201, "{}", String::from_utf8_lossy(&created.body));
    let car = created.json();
    let id = car["id"].as_str().unwrap().to_owned();
    assert_eq!(car["vendorId"], vendor.user_id());
    assert_eq!((car["status"].as_str(), car["version"].as_u64()), (Some("active"), Some(1)));
    assert_eq!(created.header("location"), Some(format!("/api/products/{id}").as_str()));
    assert!(created.header("etag").is_some());
    let other = market
        .create_product(&vendor, &car_body("Hyundai Elantra 2021", "Hyundai", "Elantra", 2021, 900_000))
        .await
        .json();
    let other_id = other["id"].as_str().unwrap().to_owned();

    eventually("both cars are listed", || async { listed_ids(&market, "category=cars").await.len() == 2 }).await;
    // Found in Arabic, with a different spelling of the same word, and by a prefix of the make.
    assert_eq!(found_ids(&market, json!({ "q": "كورولا" })).await, [id.as_str()]);
    assert_eq!(found_ids(&market, json!({ "q": "تـويـوتا" })).await, [id.as_str()]);
    assert_eq!(found_ids(&market, json!({ "q": "TOYO" })).await, [id.as_str()]);
    assert_eq!(
        found_ids(&market, json!({ "q": "toyota fabrika" })).await,
        Vec::<String>::new(),
        "every word must match"
    );
    assert_eq!(listed_ids(&market, "sort=price_asc").await, [other_id.clone(), id.clone()]);

    // A price cut re-sorts it.
    let cheaper = market
        .patch_product(&vendor, &id, &json!({ "price": { "amount": 85_000_000, "currency": "EGP" } }), None)
        .await;
    assert_eq!(cheaper.status, 200, "{}", String::from_utf8_lossy(&cheaper.body));
    assert_eq!(cheaper.json()["version"], 2);
    eventually("the cheaper car sorts first", || async {
        listed_ids(&market, "sort=price_asc").await == [id.clone(), other_id.clone()]
    })
    .await;
    // The search entries are rewritten in the same pass, a moment apart from the listing's.
    eventually("search sees the new price", || async {
        found_ids(&market, json!({ "q": "toyota", "priceMax": 86_000_000 })).await == [id.clone()]
    })
    .await;

    // Archived: gone from the listing, the search and by id.
    let deleted = market.delete_product(&vendor, &id).await;
    assert_eq!(deleted.status, 204);
    market.get(&format!("/api/products/{id}")).await.assert_problem(404, "not_found");
    eventually("the archived car is unlisted", || async { listed_ids(&market, "").await == [other_id.clone()] }).await;
    eventually("the archived car is not found", || async {
        found_ids(&market, json!({ "q": "toyota" })).await.is_empty()
    })
    .await;
    market.delete_product(&vendor, &id).await.assert_problem(404, "not_found");
}

#[tokio::test]
async fn only_the_owning_vendor_or_an_admin_may_change_a_product() {
    let market = TestMarketplace::spawn().await;
    let owner = market.approved_vendor("owner@example.com").await;
    let rival = market.approved_vendor("rival@example.com").await;
    let customer = market.verified_customer("buyer@example.com").await;
    let admin = market.admin().await;
    let id = market.create_product(&owner, &car_body("Kia Sportage", "Kia", "Sportage", 2022, 1_500_000)).await.json()
        ["id"]
        .as_str()
        .unwrap()
        .to_owned();

    market.create_product(&customer, &car_body("Mine", "Kia", "Rio", 2020, 1)).await.assert_problem(403, "forbidden");
    market.create_product(&admin, &car_body("Admin's", "Kia", "Rio", 2020, 1)).await.assert_problem(403, "forbidden");
    market
        .patch_product(&rival, &id, &json!({ "title": "Stolen listing" }), None)
        .await
        .assert_problem(404, "not_found");
    market.delete_product(&rival, &id).await.assert_problem(404, "not_found");
    market.patch_product(&customer, &id, &json!({ "title": "x" }), None).await.assert_problem(403, "forbidden");
    let moderated = market.patch_product(&admin, &id, &json!({ "title": "Kia Sportage 2022 (verified)" }), None).await;
    assert_eq!(moderated.status, 200);
    assert_eq!(moderated.json()["vendorId"], owner.user_id(), "an admin's edit keeps the owner");
    market
        .patch_product(&owner, &id, &json!({ "vendorId": rival.user_id() }), None)
        .await
        .assert_problem(400, "validation_failed");
    market
        .patch_product(&owner, &id, &json!({ "status": "active" }), None)
        .await
        .assert_problem(400, "validation_failed");
}

#[tokio::test]
async fn if_match_rejects_a_stale_etag_and_concurrent_edits_cannot_both_win() {
    let market = TestMarketplace::spawn().await;
    let vendor = market.approved_vendor("careful@example.com").await;
    let created = market.create_product(&vendor, &car_body("Fiat Tipo", "Fiat", "Tipo", 2021, 500_000)).await;
    let id = created.json()["id"].as_str().unwrap().to_owned();
    let etag = market.get(&format!("/api/products/{id}")).await.header("etag").unwrap().to_owned();
    assert_eq!(Some(etag.as_str()), created.header("etag"), "the ETag of the create is the ETag of the product");

    let first = market.patch_product(&vendor, &id, &json!({ "stock": 3 }), Some(&etag)).await;
    assert_eq!(first.status, 200);
    assert_ne!(first.header("etag"), Some(etag.as_str()));
    market
        .patch_product(&vendor, &id, &json!({ "stock": 5 }), Some(&etag))
        .await
        .assert_problem(412, "precondition_failed");

    let current = first.header("etag").unwrap().to_owned();
    let (title_a, title_b) = (json!({ "title": "Fiat Tipo A" }), json!({ "title": "Fiat Tipo B" }));
    let (a, b) = tokio::join!(
        market.patch_product(&vendor, &id, &title_a, Some(&current)),
        market.patch_product(&vendor, &id, &title_b, Some(&current))
    );
    let mut statuses = [a.status.as_u16(), b.status.as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 412]);
    assert_eq!(market.get(&format!("/api/products/{id}")).await.json()["version"], 3);

    // Without If-Match, concurrent edits of different fields both land.
    let (stock, description) = (json!({ "stock": 7 }), json!({ "description": "Like new" }));
    let (c, d) = tokio::join!(
        market.patch_product(&vendor, &id, &stock, None),
        market.patch_product(&vendor, &id, &description, None)
    );
    assert_eq!((c.status.as_u16(), d.status.as_u16()), (200, 200));
    let now = market.get(&format!("/api/products/{id}")).await.json();
    assert_eq!(
        (now["stock"].as_u64(), now["description"].as_str(), now["version"].as_u64()),
        (Some(7), Some("Like new"), Some(5))
    );
}

#[tokio::test]
async fn every_field_is_checked() {
    let market = TestMarketplace::spawn().await;
    let vendor = market.approved_vendor("strict@example.com").await;
    let cases: &[(Value, &[&str])] = &[
        (json!({ "vehicle": null }), &["vehicle"]),
        (json!({ "categoryId": "boats" }), &["categoryId"]),
        (json!({ "title": "x" }), &["title"]),
        (json!({ "price": { "amount": 0, "currency": "EGP" } }), &["price.amount"]),
        (json!({ "price": { "amount": 5, "currency": "USD" } }), &["price.currency"]),
        (json!({ "images": [] }), &["images"]),
        (json!({ "images": ["http://insecure.example.com/a.jpg"] }), &["images[0]"]),
        (json!({ "location": { "governorate": "atlantis", "city": "X" } }), &["location.governorate"]),
        (json!({ "stock": 20000 }), &["stock"]),
        (json!({ "vehicle": { "make": "Kia", "model": "Rio", "year": 1850, "mileageKm": 5 } }), &["vehicle.year"]),
        (
            json!({ "vehicle": { "make": "Kia", "model": "Rio", "year": 2020, "mileageKm": 5, "vin": "123" } }),
            &["vehicle.vin"],
        ),
        (
            json!({ "vehicle": { "make": "", "model": "Rio", "year": 2020, "mileageKm": 3000000 } }),
            &["vehicle.make", "vehicle.mileageKm"],
        ),
        (json!({ "vendorId": "01HVB000000000000000000000" }), &["vendorId"]),
    ];
    for (change, fields) in cases {
        let mut body = car_body("Kia Rio 2020", "Kia", "Rio", 2020, 400_000);
        for (k, v) in change.as_object().unwrap() {
            if v.is_null() {
                body.as_object_mut().unwrap().remove(k);
            } else {
                body[k] = v.clone();
            }
        }
        let response = market.create_product(&vendor, &body).await;
        let problem = response.assert_problem(400, "validation_failed");
        let mut got: Vec<String> =
            problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap().to_owned()).collect();
        got.sort();
        assert_eq!(got, *fields, "{change}");
    }
}

#[tokio::test]
async fn a_product_whose_stock_runs_out_leaves_the_listing_and_comes_back_when_restocked() {
    let market = TestMarketplace::spawn().await;
    let vendor = market.approved_vendor("stocky@example.com").await;
    let id =
        market.create_product(&vendor, &car_body("Chery Tiggo", "Chery", "Tiggo", 2023, 1_100_000)).await.json()["id"]
            .as_str()
            .unwrap()
            .to_owned();
    eventually("listed", || async { listed_ids(&market, "").await == [id.clone()] }).await;
    let sold = market.patch_product(&vendor, &id, &json!({ "stock": 0 }), None).await.json();
    assert_eq!(sold["status"], "sold_out");
    eventually("unlisted when sold out", || async { listed_ids(&market, "").await.is_empty() }).await;
    assert_eq!(market.get(&format!("/api/products/{id}")).await.json()["status"], "sold_out");
    assert_eq!(market.patch_product(&vendor, &id, &json!({ "stock": 2 }), None).await.json()["status"], "active");
    eventually("listed again", || async { listed_ids(&market, "").await == [id.clone()] }).await;
}
