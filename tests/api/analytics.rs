//! Analytics through HTTP on the runner: the figures of scripted Cairo days (around both
//! daylight-saving changes), re-delivered change records counted once, recomputation that changes
//! nothing when the counters are right and repairs them when they are not, and who may see what.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use serde_json::{Value, json};
use shared::calendar::CairoDate;
use shared::clock::Timestamp;
use shared::orders::Order;
use shared::services::recount::{Recount, Recounted};
use shared::streams::{StreamRecord, process};
use souk_tests::TestMarketplace;
use souk_tests::accounts::{PASSWORD, Session};
use souk_tests::streams::{batch, image, record};

fn at(s: &str) -> Timestamp {
    s.parse().unwrap()
}

/// A marketplace whose clock reads `start`.
async fn market_at(start: &str) -> TestMarketplace {
    let market = TestMarketplace::spawn().await;
    market.clock.set(at(start));
    market
}

/// A new session of the user `email` (the clock moves in these tests; access tokens last 15 minutes).
async fn signed_in(market: &TestMarketplace, email: &str) -> Session {
    if email == "admin" {
        return market.admin().await;
    }
    Session::from_response(&market.login(email, PASSWORD).await)
}

/// Places an order of `quantity` × `product` as `buyer` at `when`; returns it.
async fn order_at(market: &TestMarketplace, buyer: &str, product: &str, quantity: u32, when: &str) -> Order {
    market.clock.set(at(when));
    let buyer = signed_in(market, buyer).await;
    let placed = market.checkout(&buyer, &souk_tests::orders::basket(&[(product, quantity)]), None).await;
    assert_eq!(placed.status, 201, "{:?}", placed.body);
    serde_json::from_value(placed.json()["orders"][0].clone()).unwrap()
}

/// The figures `who` (an email, or "admin") sees over `from..=to`.
async fn analytics(market: &TestMarketplace, who: &str, from: &str, to: &str) -> Value {
    let who = signed_in(market, who).await;
    let answer = market.get_as(&who.access_token, &format!("/api/analytics?from={from}&to={to}")).await;
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    answer.json()
}

/// The orders per day of `report`, as (date, orders) for days with any.
fn orders_per_day(report: &Value) -> Vec<(String, u64)> {
    report["daily"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["orders"].as_u64().unwrap() > 0)
        .map(|d| (d["date"].as_str().unwrap().to_owned(), d["orders"].as_u64().unwrap()))
        .collect()
}

/// Waits until the marketplace's figures over `from..=to` say `figure` is `value`; returns them.
async fn counted(market: &TestMarketplace, from: &str, to: &str, figure: &str, value: u64) -> Value {
    let admin = market.admin().await;
    let path = format!("/api/analytics?from={from}&to={to}");
    souk_tests::eventually(&format!("{figure} counted"), || async {
        market.get_as(&admin.access_token, &path).await.json()["totals"][figure] == value
    })
    .await;
    market.get_as(&admin.access_token, &path).await.json()
}

#[tokio::test]
async fn the_23_hour_day_when_daylight_saving_starts_counts_from_01_00() {
    // 2026-04-24, the last Friday of April: 00:00 is skipped, the day runs 01:00 (22:00 UTC) to
    // 24:00 (21:00 UTC).
    let market = market_at("2026-04-23T18:00:00Z").await;
    let shop = market.shop("dst-spring", 50).await;
    for when in ["2026-04-23T21:59:00Z", "2026-04-23T22:00:00Z", "2026-04-24T20:59:00Z", "2026-04-24T21:00:00Z"] {
        order_at(&market, "dst-spring-buyer@example.com", &shop.product, 1, when).await;
    }
    let report = counted(&market, "2026-04-23", "2026-04-25", "orders", 4).await;
    let days = orders_per_day(&report);
    assert_eq!(days, [("2026-04-23".into(), 1), ("2026-04-24".into(), 2), ("2026-04-25".into(), 1)]);
}

#[tokio::test]
async fn the_25_hour_day_when_daylight_saving_ends_keeps_its_repeated_hour() {
    // 2026-10-29, the last Thursday of October: 24:00 EEST becomes 23:00 EET, so the day runs
    // 21:00 UTC the day before to 22:00 UTC, and 21:30 UTC is still its 23:30.
    let market = market_at("2026-10-28T18:00:00Z").await;
    let shop = market.shop("dst-autumn", 50).await;
    for when in ["2026-10-28T20:59:00Z", "2026-10-28T21:00:00Z", "2026-10-29T21:30:00Z", "2026-10-29T22:00:00Z"] {
        order_at(&market, "dst-autumn-buyer@example.com", &shop.product, 1, when).await;
    }
    let report = counted(&market, "2026-10-28", "2026-10-30", "orders", 4).await;
    let days = orders_per_day(&report);
    assert_eq!(days, [("2026-10-28".into(), 1), ("2026-10-29".into(), 2), ("2026-10-30".into(), 1)]);
}

/// A change of an order as the orders table's stream carries it.
fn change(name: &str, sequence: u32, old: Option<&Order>, new: &Order) -> StreamRecord {
    let kind = [("kind", "order".to_owned())];
    record(name, sequence, old.map(|o| image(o, &kind)).unwrap_or_default(), image(new, &kind))
}

/// A scripted Cairo day, 2026-03-10: two vendors, four orders, one cancelled by its buyer.
struct ScriptedDay {
    market: TestMarketplace,
    orders: Vec<Order>,
    cancelled: (Order, Order),
}

const BUYER: &str = "scripted-buyer@example.com";
const PADS_VENDOR: &str = "scripted-vendor@example.com";

async fn scripted_day() -> ScriptedDay {
    let market = market_at("2026-03-10T06:00:00Z").await;
    let pads = market.shop("scripted", 20).await;
    let oil_vendor = market.approved_vendor("scripted-oil-vendor@example.com").await;
    let oil = market.new_product(&oil_vendor, "Engine oil", 20, 400).await;
    let mut orders = vec![
        order_at(&market, BUYER, &pads.product, 2, "2026-03-10T08:00:00Z").await,
        order_at(&market, BUYER, &oil, 3, "2026-03-10T09:00:00Z").await,
        order_at(&market, BUYER, &pads.product, 1, "2026-03-10T10:00:00Z").await,
    ];
    let to_cancel = order_at(&market, BUYER, &oil, 1, "2026-03-10T11:00:00Z").await;
    let buyer = signed_in(&market, BUYER).await;
    let cancelled = market.set_status(&buyer, &to_cancel.id.to_string(), "cancelled").await;
    assert_eq!(cancelled.status, 200, "{:?}", cancelled.body);
    let cancelled: Order = serde_json::from_value(cancelled.json()).unwrap();
    orders.push(cancelled.clone());
    counted(&market, "2026-03-10", "2026-03-10", "orders", 4).await;
    // The cancellation is counted by its own trigger, after the order was.
    counted(&market, "2026-03-10", "2026-03-10", "cancelledOrders", 1).await;
    ScriptedDay { market, orders, cancelled: (to_cancel, cancelled) }
}

/// The figures the scripted day must show the admin: pads 1,500 EGP (2 + 1 units), oil 400 EGP
/// (3 units kept, 1 cancelled).
fn assert_scripted_figures(report: &Value) {
    assert_eq!(report["totals"]["orders"], 4, "every order placed, the cancelled one too");
    assert_eq!(report["totals"]["cancelledOrders"], 1);
    assert_eq!(report["totals"]["revenue"], json!({ "amount": 3 * 150_000 + 3 * 40_000, "currency": "EGP" }));
    assert_eq!(report["byPaymentMethod"]["cash_on_delivery"]["orders"], 4);
    assert_eq!(report["byPaymentMethod"]["cash_on_delivery"]["revenue"]["amount"], 570_000);
    assert_eq!(
        report["daily"],
        json!([{ "date": "2026-03-10", "orders": 4, "revenue": { "amount": 570_000, "currency": "EGP" }, "cancelledOrders": 1 }])
    );
    let top = report["topProducts"].as_array().unwrap();
    assert_eq!(top.len(), 2);
    assert_eq!(
        (&top[0]["title"], &top[0]["orders"], &top[0]["revenue"]["amount"]),
        (&json!("Brake pads"), &json!(2), &json!(450_000))
    );
    assert_eq!(
        (&top[1]["title"], &top[1]["orders"], &top[1]["revenue"]["amount"]),
        (&json!("Engine oil"), &json!(1), &json!(120_000))
    );
}

#[tokio::test]
async fn a_scripted_day_adds_up_for_the_admin_and_each_vendor_sees_only_their_own() {
    let day = scripted_day().await;
    let report = analytics(&day.market, "admin", "2026-03-10", "2026-03-10").await;
    assert_scripted_figures(&report);
    counted(&day.market, "2026-03-10", "2026-03-10", "newProducts", 2).await;
    // Users count once their email is verified: the buyer and the two sellers; a registration
    // never verified is no user.
    counted(&day.market, "2026-03-10", "2026-03-10", "newUsers", 3).await;
    day.market.unverified_customer("scripted-unverified@example.com").await;
    day.market.verified_customer("scripted-late@example.com").await;
    counted(&day.market, "2026-03-10", "2026-03-10", "newUsers", 4).await;

    let own = analytics(&day.market, PADS_VENDOR, "2026-03-09", "2026-03-11").await;
    assert_eq!(own["totals"]["orders"], 2);
    assert_eq!(own["totals"]["revenue"]["amount"], 450_000);
    assert_eq!(own["totals"]["newUsers"], 0, "users belong to no vendor");
    assert_eq!(own["totals"]["newProducts"], 1);
    assert_eq!(own["daily"].as_array().unwrap().len(), 3, "every day of the range, zeros included");
    assert_eq!(own["topProducts"].as_array().unwrap().len(), 1);

    let buyer = signed_in(&day.market, BUYER).await;
    day.market
        .get_as(&buyer.access_token, "/api/analytics?from=2026-03-10&to=2026-03-10")
        .await
        .assert_problem(403, "forbidden");
    day.market.get("/api/analytics?from=2026-03-10&to=2026-03-10").await.assert_problem(401, "unauthorized");
}

#[tokio::test]
async fn records_delivered_again_even_concurrently_count_once() {
    let day = scripted_day().await;
    let app = day.market.trigger_app();
    let created = on_order_created::OnOrderCreated::new(&app).unwrap();
    let updated = on_order_updated::OnOrderUpdated::new(&app).unwrap();
    let inserts = batch(day.orders.iter().enumerate().map(|(i, o)| change("INSERT", i as u32 + 1, None, o)).collect());
    let (pending, cancelled) = &day.cancelled;
    let cancellation = batch(vec![change("MODIFY", 9, Some(pending), cancelled)]);
    // An old record of the cancelled order, delivered late, must not undo its cancellation.
    let late_insert = batch(vec![change("INSERT", 10, None, pending)]);
    let deliveries = (0..5).map(|_| async {
        assert!(process(&created, &inserts).await.batch_item_failures.is_empty());
        assert!(process(&updated, &cancellation).await.batch_item_failures.is_empty());
        assert!(process(&created, &late_insert).await.batch_item_failures.is_empty());
    });
    futures::future::join_all(deliveries).await;
    assert_scripted_figures(&analytics(&day.market, "admin", "2026-03-10", "2026-03-10").await);
}

fn recount(market: &TestMarketplace) -> Recount {
    Recount::new(&market.trigger_app().database()).unwrap()
}

#[tokio::test]
async fn recomputing_right_figures_changes_nothing_and_wrong_ones_are_repaired() {
    let day = scripted_day().await;
    let recount = recount(&day.market);
    let march_10: CairoDate = "2026-03-10".parse().unwrap();
    let untouched = recount.day(march_10).await.unwrap();
    assert_eq!(untouched, Recounted { days: 1, orders: 4, facts_counted: 0, counters_repaired: 0 });

    // Counters gone wrong in every way: a day inflated, a product's counter lost, a product that
    // sold nothing that day given figures, and an order's facts never counted at all.
    let db = day.market.app().database();
    let (client, table) = (db.client(), format!("{}AnalyticsTable", day.market.table_prefix));
    let key = |pk: String, sk: String| {
        HashMap::from([("pk".to_owned(), AttributeValue::S(pk)), ("sk".to_owned(), AttributeValue::S(sk))])
    };
    let set = |pk: String, sk: String, figures: &[(&str, i64)]| {
        let mut item = key(pk, sk);
        item.insert("version".into(), AttributeValue::N("1".into()));
        for (name, value) in figures {
            item.insert((*name).into(), AttributeValue::N(value.to_string()));
        }
        client.put_item().table_name(&table).set_item(Some(item)).send()
    };
    set("days#all".into(), "2026-03-10".into(), &[("orders", 99), ("revenue", 1)]).await.unwrap();
    let pads = day.orders[0].items[0].product_id;
    client
        .delete_item()
        .table_name(&table)
        .set_key(Some(key("products#all".into(), format!("2026-03-10#{pads}"))))
        .send()
        .await
        .unwrap();
    let phantom = shared::ids::ProductId::new();
    set("products#all".into(), format!("2026-03-10#{phantom}"), &[("orders", 7), ("revenue", 700)]).await.unwrap();
    let forgotten = &day.orders[1];
    let facts = client
        .query()
        .table_name(&table)
        .key_condition_expression("pk = :pk AND begins_with(sk, :order)")
        .expression_attribute_values(":pk", AttributeValue::S("facts#2026-03-10".into()))
        .expression_attribute_values(":order", AttributeValue::S(format!("order#{}", forgotten.id)))
        .send()
        .await
        .unwrap();
    for item in facts.items() {
        client
            .delete_item()
            .table_name(&table)
            .set_key(Some(key("facts#2026-03-10".into(), item["sk"].as_s().unwrap().clone())))
            .send()
            .await
            .unwrap();
    }
    let wrong = analytics(&day.market, "admin", "2026-03-10", "2026-03-10").await;
    assert_eq!(wrong["totals"]["orders"], 99, "the counters were corrupted");

    let repaired = recount.day(march_10).await.unwrap();
    assert_eq!(repaired.facts_counted, 2, "the forgotten order's day and product");
    // The marketplace's day, the lost and the phantom product, and the forgotten order's day and
    // product counted again on top of what the counters held: its seller's day and product, and
    // the marketplace's product.
    assert_eq!(repaired.counters_repaired, 6, "{repaired:?}");
    assert_scripted_figures(&analytics(&day.market, "admin", "2026-03-10", "2026-03-10").await);
    let oil = analytics(&day.market, "scripted-oil-vendor@example.com", "2026-03-10", "2026-03-10").await;
    assert_eq!((&oil["totals"]["orders"], &oil["totals"]["cancelledOrders"]), (&json!(2), &json!(1)));
    assert_eq!(oil["totals"]["revenue"]["amount"], 120_000);
    assert_eq!(oil["topProducts"][0]["orders"], 1);
    assert_eq!(recount.day(march_10).await.unwrap().counters_repaired, 0, "right now, and stays so");
}

#[tokio::test]
async fn an_admin_refresh_is_accepted_at_once_and_recomputes_in_the_background() {
    let day = scripted_day().await;
    let db = day.market.app().database();
    let table = format!("{}AnalyticsTable", day.market.table_prefix);
    db.client()
        .update_item()
        .table_name(&table)
        .key("pk", AttributeValue::S("days#all".into()))
        .key("sk", AttributeValue::S("2026-03-10".into()))
        .update_expression("SET orders = :wrong")
        .expression_attribute_values(":wrong", AttributeValue::N("40".into()))
        .send()
        .await
        .unwrap();

    let admin = day.market.admin().await;
    let accepted = day
        .market
        .post_as(&admin.access_token, "/api/analytics/refresh?from=2026-03-09&to=2026-03-11", &json!(null))
        .await;
    assert_eq!(accepted.status, 202, "{:?}", accepted.body);
    assert_eq!((&accepted.json()["from"], &accepted.json()["to"]), (&json!("2026-03-09"), &json!("2026-03-11")));
    souk_tests::eventually("the refresh repaired the day", || async {
        analytics(&day.market, "admin", "2026-03-10", "2026-03-10").await["totals"]["orders"] == 4
    })
    .await;
    assert_scripted_figures(&analytics(&day.market, "admin", "2026-03-10", "2026-03-10").await);

    let by_default = day.market.post_as(&admin.access_token, "/api/analytics/refresh", &json!(null)).await;
    assert_eq!(by_default.status, 202);
    assert_eq!(
        (&by_default.json()["from"], &by_default.json()["to"]),
        (&json!("2026-03-04"), &json!("2026-03-10")),
        "the last week"
    );

    let vendor = signed_in(&day.market, PADS_VENDOR).await;
    day.market
        .post_as(&vendor.access_token, "/api/analytics/refresh", &json!(null))
        .await
        .assert_problem(403, "forbidden");
}

#[tokio::test]
async fn bad_reversed_or_overlong_ranges_are_refused_naming_the_field() {
    let market = market_at("2026-03-10T06:00:00Z").await;
    let admin = market.admin().await;
    for (query, field) in [
        ("", "from"),
        ("from=2026-03-10", "to"),
        ("from=2026-3-10&to=2026-03-11", "from"),
        ("from=2026-02-30&to=2026-03-11", "from"),
        ("from=2026-03-11&to=2026-03-10", "to"),
        ("from=2025-01-01&to=2026-01-02", "to"),
        ("from=2026-03-10&to=2026-03-10&vendor=x", "vendor"),
    ] {
        let answer = market.get_as(&admin.access_token, &format!("/api/analytics?{query}")).await;
        answer.assert_problem(400, "validation_failed");
        assert!(answer.error_fields().contains(&field.to_owned()), "{query}: {:?}", answer.error_fields());
    }
    let year = analytics(&market, "admin", "2025-03-11", "2026-03-11").await;
    assert_eq!(year["daily"].as_array().unwrap().len(), 366);
    market
        .post_as(&admin.access_token, "/api/analytics/refresh?from=2026-03-10", &json!(null))
        .await
        .assert_problem(400, "validation_failed");
}
