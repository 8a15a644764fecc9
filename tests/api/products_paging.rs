//! Cursor paging: every match exactly once, in order; cursors bound to their query; reads bounded.

use shared::catalog::{Condition, Product};
use souk_tests::TestMarketplace;
use souk_tests::fixtures::{car, part};

/// Follows `nextCursor` to the end, returning the ids in order and the number of pages.
async fn walk(market: &TestMarketplace, query: &str) -> (Vec<String>, usize) {
    let mut ids = Vec::new();
    let mut pages = 0;
    let mut cursor: Option<String> = None;
    loop {
        let url = match &cursor {
            Some(c) => format!("/api/products?{query}&cursor={c}"),
            None => format!("/api/products?{query}"),
        };
        let response = market.get(&url).await;
        assert_eq!(response.status, 200, "{url}: {}", String::from_utf8_lossy(&response.body));
        let body = response.json();
        pages += 1;
        ids.extend(body["items"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap().to_owned()));
        match body["nextCursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return (ids, pages),
        }
        assert!(pages < 100, "paging terminates");
    }
}

fn sorted_ids(products: &[&Product], key: impl Fn(&Product) -> (i128, String)) -> Vec<String> {
    let mut products = products.to_vec();
    products.sort_by_key(|p| key(p));
    products.iter().map(|p| p.id.to_string()).collect()
}

#[tokio::test]
async fn paging_yields_every_match_once_in_order_for_every_sort() {
    let market = TestMarketplace::spawn().await;
    let makes = ["Toyota", "Nissan", "Hyundai", "Kia"];
    let mut products: Vec<Product> = (0..37)
        .map(|i| {
            // Repeated prices, years and mileages, so ties must break consistently across pages.
            let mut p = car(
                makes[i % 4],
                "Model",
                2010 + (i % 7) as u16,
                (i % 5) as u32 * 10_000,
                300_000 + (i % 6) as u64 * 50_000,
                i as i64,
            );
            if i % 3 == 0 {
                p.condition = Condition::New;
            }
            p
        })
        .collect();
    products.extend((0..5).map(|i| part(&format!("Filter {i}"), &[("Toyota", "Model")], 900 + i, 100 + i as i64)));
    market.list(&products).await;
    let all: Vec<&Product> = products.iter().collect();
    let newest = |p: &Product| (-(p.created_at.unix_millis() as i128), String::new());
    let id_desc = |p: &Product| std::cmp::Reverse(p.id.to_string());

    let (ids, pages) = walk(&market, "limit=5").await;
    assert_eq!(ids, sorted_ids(&all, newest));
    assert_eq!(pages, 9, "42 products in pages of 5");

    let (ids, _) = walk(&market, "limit=4&sort=price_asc").await;
    let mut expected = all.clone();
    expected.sort_by_key(|p| (p.price.amount, p.id));
    assert_eq!(ids, expected.iter().map(|p| p.id.to_string()).collect::<Vec<_>>());

    let (ids, _) = walk(&market, "limit=6&sort=price_desc").await;
    let mut expected = all.clone();
    expected.sort_by_key(|p| (std::cmp::Reverse(p.price.amount), id_desc(p)));
    assert_eq!(ids, expected.iter().map(|p| p.id.to_string()).collect::<Vec<_>>());

    let (ids, _) = walk(&market, "limit=7&sort=year_desc").await;
    let mut expected = all.clone();
    expected.sort_by_key(|p| (std::cmp::Reverse(p.vehicle.as_ref().map_or(0, |v| v.year)), id_desc(p)));
    assert_eq!(ids, expected.iter().map(|p| p.id.to_string()).collect::<Vec<_>>());

    let (ids, _) = walk(&market, "limit=3&sort=mileage_asc").await;
    let mut expected = all.clone();
    expected.sort_by_key(|p| (p.vehicle.as_ref().map_or(u32::MAX, |v| v.mileage_km), p.id));
    assert_eq!(ids, expected.iter().map(|p| p.id.to_string()).collect::<Vec<_>>());

    // Filtered paging: residual filters across page boundaries.
    let (ids, _) = walk(&market, "limit=2&make=toyota&condition=new&sort=price_asc").await;
    let mut expected: Vec<&Product> = all
        .iter()
        .copied()
        .filter(|p| {
            p.condition == Condition::New && p.makes_and_models().iter().any(|(m, _)| m.eq_ignore_ascii_case("toyota"))
        })
        .collect();
    expected.sort_by_key(|p| (p.price.amount, p.id));
    assert!(expected.len() > 4, "the filter spans pages");
    assert_eq!(ids, expected.iter().map(|p| p.id.to_string()).collect::<Vec<_>>());
}

#[tokio::test]
async fn limit_defaults_to_20_and_a_cursor_survives_a_change_of_page_size() {
    let market = TestMarketplace::spawn().await;
    let products: Vec<Product> = (0..25).map(|i| car("Kia", "Rio", 2018, 1, 400_000, i)).collect();
    market.list(&products).await;

    let first = market.get("/api/products").await.json();
    assert_eq!(first["items"].as_array().unwrap().len(), 20);
    let cursor = first["nextCursor"].as_str().expect("more pages");
    let rest = market.get(&format!("/api/products?limit=100&cursor={cursor}")).await.json();
    assert_eq!(rest["items"].as_array().unwrap().len(), 5);
    assert!(rest["nextCursor"].is_null());
}

#[tokio::test]
async fn a_cursor_is_rejected_with_other_filters_or_sort_and_when_tampered_with() {
    let market = TestMarketplace::spawn().await;
    market.list(&(0..3).map(|i| car("Kia", "Rio", 2018, 1, 400_000, i)).collect::<Vec<_>>()).await;
    let page = market.get("/api/products?limit=1&make=kia").await.json();
    let cursor = page["nextCursor"].as_str().expect("more pages").to_owned();

    assert_eq!(market.get(&format!("/api/products?limit=1&make=kia&cursor={cursor}")).await.status, 200);
    market.get(&format!("/api/products?limit=1&make=fiat&cursor={cursor}")).await.assert_problem(400, "invalid_cursor");
    market.get(&format!("/api/products?limit=1&cursor={cursor}")).await.assert_problem(400, "invalid_cursor");
    market
        .get(&format!("/api/products?limit=1&make=kia&sort=price_asc&cursor={cursor}"))
        .await
        .assert_problem(400, "invalid_cursor");
    let mut tampered = cursor.clone().into_bytes();
    tampered[3] = if tampered[3] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();
    market
        .get(&format!("/api/products?limit=1&make=kia&cursor={tampered}"))
        .await
        .assert_problem(400, "invalid_cursor");
    market.get("/api/products?make=kia&cursor=garbage").await.assert_problem(400, "invalid_cursor");
}

#[tokio::test]
async fn a_sparse_filter_reads_a_bounded_number_of_entries_per_page_and_still_finds_every_match() {
    let _turn = souk_tests::heavy_turn().await;
    let market = TestMarketplace::spawn_without_triggers().await;
    // The one new product is the oldest: before it come more used ones than one page may read.
    let mut products = vec![Product { condition: Condition::New, ..car("Kia", "Rio", 2018, 1, 400_000, 0) }];
    let budget = shared::db::listings::MAX_EVALUATED_PER_PAGE as i64;
    products.extend((1..=budget + 50).map(|i| car("Kia", "Rio", 2018, 1, 400_000, i)));
    market.list(&products).await;

    let first = market.get("/api/products?condition=new").await.json();
    assert_eq!(first["items"].as_array().unwrap().len(), 0, "the read budget ran out before the match");
    let cursor = first["nextCursor"].as_str().expect("a short page still says where to go on");
    let second = market.get(&format!("/api/products?condition=new&cursor={cursor}")).await.json();
    let items = second["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["id"], products[0].id.to_string());
    assert!(second["nextCursor"].is_null());
}
