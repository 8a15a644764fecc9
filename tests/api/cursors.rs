//! Cursors cannot be cut short or forged, and a position that does not belong to the query is
//! `invalid_cursor`, never a 500 and never someone else's page.

use serde_json::json;
use shared::catalog::listing::ListingQuery;
use shared::cursor::CursorCodec;
use shared::db::index_page::Position;
use shared::params::Params;
use souk_tests::fixtures::car;
use souk_tests::{CURSOR_SECRET, TestMarketplace};

#[tokio::test]
async fn a_cursor_whose_tag_is_cut_short_is_refused() {
    let market = TestMarketplace::spawn().await;
    let admin = market.admin().await;
    let mona = market.verified_customer("mona-cursor@example.com").await;
    for title in ["one", "two"] {
        let body = json!({ "audience": { "userId": mona.user_id() }, "title": title, "body": "b" });
        assert_eq!(market.post_as(&admin.access_token, "/api/notifications", &body).await.status, 202);
        market.clock.advance(std::time::Duration::from_secs(1));
    }
    let both = || async { market.inbox(&mona).await["unreadCount"] == 2 };
    souk_tests::eventually("both announcements are delivered", both).await;
    let first = market.get_as(&mona.access_token, "/api/notifications?limit=1").await.json();
    let cursor = first["nextCursor"].as_str().expect("a second page").to_owned();
    let (payload, tag) = cursor.split_once('.').unwrap();
    for cut in [2, 11, 21] {
        let short = format!("{payload}.{}", &tag[..cut]);
        let page = market.get_as(&mona.access_token, &format!("/api/notifications?limit=1&cursor={short}")).await;
        page.assert_problem(400, "invalid_cursor");
    }
    let whole = market.get_as(&mona.access_token, &format!("/api/notifications?limit=1&cursor={cursor}")).await;
    assert_eq!(whole.status, 200);
}

#[tokio::test]
async fn a_signed_cursor_pointing_into_another_inbox_is_refused() {
    let market = TestMarketplace::spawn().await;
    let admin = market.admin().await;
    let mona = market.verified_customer("mona-forged@example.com").await;
    let karim = market.verified_customer("karim-forged@example.com").await;
    let body = json!({ "audience": { "userId": karim.user_id() }, "title": "private", "body": "for karim only" });
    assert_eq!(market.post_as(&admin.access_token, "/api/notifications", &body).await.status, 202);
    let delivered = || async { market.inbox(&karim).await["unreadCount"] == 1 };
    souk_tests::eventually("karim's announcement is delivered", delivered).await;

    // Whoever learns the signing key can sign any position; the position must still be mona's.
    let codec = CursorCodec::new(CURSOR_SECRET.as_bytes());
    let foreign: Position = [("pk", format!("user#{}", karim.user_id())), ("sk", "n#~".to_owned())]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
    let cursor = codec.encode(&format!("inbox|{}", mona.user_id()), &foreign);
    let page = market.get_as(&mona.access_token, &format!("/api/notifications?cursor={cursor}")).await;
    page.assert_problem(400, "invalid_cursor");

    let shapeless: Position = [("pk".to_owned(), format!("user#{}", mona.user_id()))].into_iter().collect();
    let cursor = codec.encode(&format!("inbox|{}", mona.user_id()), &shapeless);
    let page = market.get_as(&mona.access_token, &format!("/api/notifications?cursor={cursor}")).await;
    page.assert_problem(400, "invalid_cursor");
}

#[tokio::test]
async fn a_signed_listing_cursor_outside_the_asked_price_range_is_refused_by_the_database_as_invalid_cursor() {
    let market = TestMarketplace::spawn_without_triggers().await;
    market.list_in_bulk(&[car("Kia", "Rio", 2020, 1, 300_000, 0), car("Kia", "Rio", 2021, 1, 400_000, 1)]).await;
    let asked = [("priceMin", "20000000"), ("priceMax", "50000000"), ("sort", "price_asc"), ("limit", "1")];
    let path = format!("/api/products?{}", asked.map(|(k, v)| format!("{k}={v}")).join("&"));
    let first = market.get(&path).await.json();
    let cursor = first["nextCursor"].as_str().expect("a second page");

    // Signed with the market's key for this very listing, so only DynamoDB can tell that it starts
    // below the price range its key condition reads.
    let params = Params::new(asked.map(|(k, v)| (k.to_owned(), v.to_owned())).into_iter().collect());
    let scope = ListingQuery::from_params(&params).unwrap().scope();
    let codec = CursorCodec::new(CURSOR_SECRET.as_bytes());
    let mut position: Position = codec.decode(&scope, cursor).expect("the listing's own cursor");
    let below = position["byPrice"].replace("000000030000000#", "000000000000001#");
    position.insert("byPrice".into(), below);
    let forged = codec.encode(&scope, &position);
    market.get(&format!("{path}&cursor={forged}")).await.assert_problem(400, "invalid_cursor");
    assert_eq!(market.get(&format!("{path}&cursor={cursor}")).await.status, 200);
}
