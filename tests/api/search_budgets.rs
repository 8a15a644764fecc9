//! What a page of a listing or a search reads, held to the budgets openapi.yaml gives for
//! `/api/search`: a page evaluates at most 1000 index entries, and counting facets at most 2000
//! more, only when the search's facets were not counted a moment ago. Measured as the items
//! DynamoDB evaluated for the function's Queries, never as time, over more matches than the facet
//! budget. A page reads what it returns (and one more entry, to know whether there is a next page)
//! when the index answers every filter, and about what it needs when some are checked on each entry.

use serde_json::{Value, json};
use shared::catalog::{Governorate, Product};
use souk_tests::TestMarketplace;
use souk_tests::fixtures::car;

const PAGE_BUDGET: u64 = 1000;
const FACET_BUDGET: u64 = 2000;
/// More Kias than the facet budget has entries.
const KIAS: i64 = 2100;

/// `count` Kia Rios, a third each in Cairo, Giza and Alexandria, with one index entry per word.
fn kias(count: i64) -> Vec<Product> {
    let governorates = [Governorate::Cairo, Governorate::Giza, Governorate::Alexandria];
    (0..count)
        .map(|i| {
            let mut kia = car("Kia", "Rio", 2020, 50_000, 400_000 + i as u64, i);
            kia.title = "Kia Rio".into();
            kia.description = String::new();
            kia.location.governorate = governorates[i as usize % 3];
            kia
        })
        .collect()
}

/// The body of `request` and how many entries `function`'s Queries evaluated to answer it.
async fn read_by<F: Future<Output = souk_tests::TestResponse>>(
    market: &TestMarketplace,
    function: &str,
    request: F,
) -> (Value, u64) {
    let before = market.marketplace.query_reads.of(function).evaluated;
    let response = request.await;
    assert_eq!(response.status, 200, "{}", String::from_utf8_lossy(&response.body));
    (response.json(), market.marketplace.query_reads.of(function).evaluated - before)
}

async fn search(market: &TestMarketplace, body: Value) -> (Value, u64) {
    read_by(market, "SearchProductsFunction", market.post("/api/search", &body)).await
}

#[tokio::test]
async fn pages_read_within_their_budgets_and_later_pages_of_a_search_do_not_count_facets_again() {
    let _turn = souk_tests::heavy_turn().await;
    let market = TestMarketplace::spawn_without_triggers().await;
    market.list_in_bulk(&kias(KIAS)).await;

    let (listing, read) = read_by(&market, "GetProductsFunction", market.get("/api/products?make=kia")).await;
    assert_eq!(listing["items"].as_array().unwrap().len(), 20);
    assert_eq!(read, 21, "a page with nothing left to filter reads the entries it returns and one more");

    let (first, read) = search(&market, json!({ "q": "kia" })).await;
    assert_eq!(first["items"].as_array().unwrap().len(), 20);
    assert_eq!(first["facetsComplete"], false, "more matches than the facet budget");
    assert!(read <= PAGE_BUDGET + FACET_BUDGET, "a first search page read {read} entries");

    let cursor = first["nextCursor"].as_str().expect("more pages");
    let (second, read) = search(&market, json!({ "q": "kia", "cursor": cursor })).await;
    assert_eq!(second["items"].as_array().unwrap().len(), 20);
    assert_eq!(read, 21, "the second page read {read} entries: it counted facets again, or read past its page");
    assert_eq!((&second["facets"], &second["facetsComplete"]), (&first["facets"], &first["facetsComplete"]));

    let (cheapest, read) = search(&market, json!({ "q": "kia", "sort": "price_asc" })).await;
    assert!(read <= PAGE_BUDGET, "another order of the same search read {read} entries");
    assert_eq!(cheapest["facets"], first["facets"]);

    let (in_giza, read) = search(&market, json!({ "q": "kia", "governorate": "giza" })).await;
    assert!(read <= PAGE_BUDGET + FACET_BUDGET, "a first search page read {read} entries");
    let governorates: Vec<&String> = in_giza["facets"]["governorate"].as_object().unwrap().keys().collect();
    assert_eq!(governorates, ["giza"], "counted for this search, not served another's");

    // A third of the entries are in Giza: the first read, five entries per match wanted, is enough.
    let cursor = in_giza["nextCursor"].as_str().expect("more pages");
    let (next, read) = search(&market, json!({ "q": "kia", "governorate": "giza", "cursor": cursor })).await;
    assert_eq!(next["items"].as_array().unwrap().len(), 20);
    assert!(read <= 100, "a filtered page read {read} entries for 20 matches, a third of what it read");
}
