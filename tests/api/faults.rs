//! Faults: DynamoDB stopped in the middle of traffic and started again, the notifications topic
//! down, and stream records a trigger fails on.
//!
//! The database outage runs against a DynamoDB Local of the test's own that keeps its data on
//! disk, so a restart on the same port finds its tables, items and streams again. The notifications
//! topic is the local runner's outbox, which is how the runner models SNS: while it is set down,
//! every publish fails with 503 as an unreachable SNS does. The SNS adapter itself (what functions
//! publish with in AWS) is checked against a closed port and then moto.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use aws_sdk_dynamodb::types::AttributeValue;
use serde_json::{Value, json};
use shared::ApiError;
use shared::accounts::audit::Origin;
use shared::accounts::registration::{RegisterRequest, Registration};
use shared::orders::Order;
use shared::services::registrar::Registrar;
use shared::streams::process;
use shared::tables::Table;
use souk_local::streams::RetryWaits;
use souk_tests::accounts::{PASSWORD, Session};
use souk_tests::database::StoppableDatabase;
use souk_tests::orders::{Shop, basket};
use souk_tests::streams::{batch, image, record};
use souk_tests::{TestMarketplace, TestResponse, eventually, moto, unique_prefix};

/// How long API Gateway waits for a function (`Timeout` in template.yaml's Globals): whatever is
/// down, a request is answered within it.
fn function_timeout() -> Duration {
    let template: serde_yaml::Value = serde_yaml::from_str(souk_local::template::TEMPLATE_YAML).unwrap();
    Duration::from_secs(template["Globals"]["Function"]["Timeout"].as_u64().expect("a global function timeout"))
}

/// The request `what` as a client sends it, answered within the function's timeout.
async fn answered(what: &str, request: impl Future<Output = TestResponse>) -> TestResponse {
    tokio::time::timeout(function_timeout(), request).await.unwrap_or_else(|_| panic!("{what} hung"))
}

/// A 503 `unavailable` problem that says when to retry.
#[track_caller]
fn assert_unavailable(what: &str, response: &TestResponse) {
    assert_eq!(response.status, 503, "{what}: {}", String::from_utf8_lossy(&response.body));
    response.assert_problem(503, "unavailable");
    let retry_after: u64 = response.header("retry-after").and_then(|s| s.parse().ok()).expect("Retry-After seconds");
    assert!(retry_after > 0, "{what}: Retry-After {retry_after}");
}

/// The kinds of request the outage is met with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    Checkout,
    Registration,
    ProductRead,
    Login,
}

/// What a shopping crowd sends at once: two of each kind. Registrations use fresh emails
/// `outage-<round>-<n>@example.com`.
async fn round(
    market: &TestMarketplace,
    buyer: &Session,
    product: &str,
    round: usize,
) -> Vec<(Kind, String, TestResponse)> {
    let product_url = format!("/api/products/{product}");
    let emails: Vec<String> = (0..2).map(|n| format!("outage-{round}-{n}@example.com")).collect();
    let buyer_email = buyer.user["email"].as_str().unwrap().to_owned();
    let requests = (0..2).flat_map(|n| {
        let email = emails[n].clone();
        let (product_url, buyer_email) = (product_url.clone(), buyer_email.clone());
        [
            Box::pin(async move {
                let placed = answered("a checkout", market.checkout(buyer, &basket(&[(product, 1)]), None)).await;
                (Kind::Checkout, String::new(), placed)
            }) as std::pin::Pin<Box<dyn Future<Output = _> + Send + '_>>,
            Box::pin(async move {
                let registered = answered("a registration", market.register(&email, PASSWORD, "Hoda")).await;
                (Kind::Registration, email, registered)
            }),
            Box::pin(
                async move { (Kind::ProductRead, String::new(), answered("a read", market.get(&product_url)).await) },
            ),
            Box::pin(async move {
                (Kind::Login, String::new(), answered("a login", market.login(&buyer_email, PASSWORD)).await)
            }),
        ]
    });
    futures::future::join_all(requests).await
}

/// The status a request of `kind` answers when the marketplace can serve it.
fn served(kind: Kind) -> u16 {
    match kind {
        Kind::Checkout | Kind::Registration => 201,
        Kind::ProductRead | Kind::Login => 200,
    }
}

/// Every account item has its email guard and every guard its account (a scan of the test's own
/// table).
async fn assert_accounts_whole(market: &TestMarketplace) {
    let app = market.app();
    let out = app.dynamodb.scan().table_name(app.config.table(Table::Users).unwrap()).send().await.unwrap();
    let text = |item: &HashMap<String, AttributeValue>, name: &str| item.get(name).and_then(|v| v.as_s().ok()).cloned();
    let (mut accounts, mut guards) = (HashMap::new(), HashMap::new());
    for item in out.items.unwrap_or_default() {
        let pk = text(&item, "pk").unwrap();
        if let Some(id) = pk.strip_prefix("user#") {
            accounts.insert(id.to_owned(), text(&item, "email").expect("an account has an email"));
        } else if let Some(email) = pk.strip_prefix("email#") {
            guards.insert(email.to_owned(), text(&item, "userId").expect("a guard names its account"));
        }
    }
    for (id, email) in &accounts {
        assert_eq!(guards.get(email), Some(id), "account {id} ({email}) has its email guard");
    }
    for (email, id) in &guards {
        assert_eq!(accounts.get(id), Some(email), "the guard of {email} has its account");
    }
}

/// The orders `buyer` has, as `GET /api/orders` lists them.
async fn orders_of(market: &TestMarketplace, buyer: &Session) -> Vec<Value> {
    let listed = market.get_as(&buyer.access_token, "/api/orders?limit=100").await;
    assert_eq!(listed.status, 200, "{}", String::from_utf8_lossy(&listed.body));
    listed.json()["items"].as_array().unwrap().clone()
}

/// How many messages of `kind` the outbox holds for `to` about each order.
async fn told_per_order(market: &TestMarketplace, to: &str, kind: &str) -> HashMap<String, usize> {
    let mut told = HashMap::new();
    for message in market.outbox_of_type(to, kind).await {
        *told.entry(message["data"]["orderId"].as_str().unwrap_or_default().to_owned()).or_default() += 1;
    }
    told
}

#[tokio::test]
async fn a_database_outage_is_503_to_every_request_and_after_it_nothing_is_lost_doubled_or_half_written() {
    let mut database = StoppableDatabase::start().await;
    let market = TestMarketplace::spawn_with(database.endpoint(), &unique_prefix(), |_| {}).await;
    const STOCK: u64 = 200;
    let Shop { vendor, product, buyer } = market.shop("outage", STOCK as u32).await;

    // An order whose notification cannot go out yet: the trigger has read it (it is in the inbox)
    // and retries it across the outage. The next one may not even be read before the outage.
    market.set_topic_down(true);
    let early = market.place_order(&buyer, &[(&product, 1)]).await;
    eventually("the trigger has the early order", || async {
        market.inbox(&buyer).await["items"].as_array().unwrap().iter().any(|n| n["data"]["orderId"] == early.as_str())
    })
    .await;
    market.place_order(&buyer, &[(&product, 1)]).await;

    // Traffic goes on while the database stops: each request is served or answers 503 (the first
    // registrations meet the topic down as well; either way they must leave nothing behind).
    let (started, stopped) = (tokio::sync::Notify::new(), AtomicBool::new(false));
    let traffic = async {
        let (mut during, mut after) = (Vec::new(), Vec::new());
        for n in 0.. {
            let down = stopped.load(Ordering::SeqCst);
            let answers = round(&market, &buyer, &product, n).await;
            if down {
                after.extend(answers)
            } else {
                during.extend(answers)
            }
            started.notify_one();
            if after.len() >= 16 {
                break;
            }
        }
        (during, after)
    };
    let outage = async {
        started.notified().await;
        database.stop().await;
        stopped.store(true, Ordering::SeqCst);
    };
    let ((during, after), ()) = tokio::join!(traffic, outage);
    let mut refused_emails = Vec::new();
    for (kind, email, response) in during.iter().chain(&after) {
        if response.status != served(*kind) {
            assert_unavailable(&format!("{kind:?}"), response);
            if *kind == Kind::Registration {
                refused_emails.push(email.clone());
            }
        }
    }
    for (kind, _, response) in &after {
        assert_unavailable(&format!("{kind:?} while the database is down"), response);
    }

    database.restart().await;
    market.set_topic_down(false);

    // The same marketplace serves again: the same kinds of request succeed.
    for (kind, _, response) in round(&market, &buyer, &product, 1_000).await {
        assert_eq!(
            response.status,
            served(kind),
            "{kind:?} after the outage: {}",
            String::from_utf8_lossy(&response.body)
        );
    }
    // A registration refused during the outage left nothing behind: it goes through now.
    for email in &refused_emails {
        assert_eq!(market.register(email, PASSWORD, "Hoda").await.status, 201, "{email} registers after the outage");
    }
    assert_accounts_whole(&market).await;

    // Stock: never negative, and the initial stock less exactly what the orders took.
    let orders = orders_of(&market, &buyer).await;
    let ordered: u64 = orders
        .iter()
        .flat_map(|o| o["items"].as_array().unwrap().clone())
        .map(|i| i["quantity"].as_u64().unwrap())
        .sum();
    let stock =
        market.get(&format!("/api/products/{product}")).await.json()["stock"].as_u64().expect("stock is not negative");
    assert_eq!(stock, STOCK - ordered, "stock {stock} after {} orders of {ordered} units", orders.len());

    // The triggers caught up: every order, the early one too, told to each party exactly once.
    let ids: HashSet<String> = orders.iter().map(|o| o["id"].as_str().unwrap().to_owned()).collect();
    assert!(ids.contains(&early));
    for (to, kind) in [(buyer.user_id(), "order_created"), (vendor.user_id(), "order_received")] {
        eventually(&format!("every order is told as {kind}"), || async {
            told_per_order(&market, to, kind).await.len() == ids.len()
        })
        .await;
        let told = told_per_order(&market, to, kind).await;
        assert_eq!(told.keys().cloned().collect::<HashSet<_>>(), ids, "{kind} for exactly the orders placed");
        assert!(told.values().all(|&n| n == 1), "{kind} once each: {told:?}");
    }
    let inbox = market.inbox(&buyer).await;
    let in_inbox = inbox["items"].as_array().unwrap().iter().filter(|n| n["type"] == "order_created").count();
    assert_eq!(in_inbox, ids.len(), "one inbox item per order");
    assert!(market.dead_letters().await.is_empty(), "no record was given up on");
}

#[tokio::test]
async fn a_registration_while_the_topic_is_down_answers_503_and_leaves_no_account() {
    let market = TestMarketplace::spawn().await;
    market.set_topic_down(true);
    let refused = answered("a registration", market.register("topic-down@example.com", PASSWORD, "Hoda")).await;
    assert_unavailable("a registration", &refused);
    assert!(market.outbox("topic-down@example.com").await.is_empty());
    market.login("topic-down@example.com", PASSWORD).await.assert_problem(401, "invalid_credentials");
    assert_accounts_whole(&market).await;

    market.set_topic_down(false);
    let session = market.verified_customer("topic-down@example.com").await;
    assert_eq!(session.user["email"], "topic-down@example.com", "the retried registration is a whole account");
    assert_accounts_whole(&market).await;
}

#[tokio::test]
async fn an_order_placed_while_the_topic_is_down_is_told_once_it_is_back() {
    let market = TestMarketplace::spawn().await;
    let Shop { vendor, product, buyer } = market.shop("topic", 5).await;

    market.set_topic_down(true);
    let placed = answered("a checkout", market.checkout(&buyer, &basket(&[(&product, 2)]), None)).await;
    assert_eq!(placed.status, 201, "a checkout does not wait for the topic");
    let order = placed.json()["orders"][0]["id"].as_str().unwrap().to_owned();
    eventually("the trigger has tried the order", || async {
        market.inbox(&buyer).await["items"].as_array().unwrap().iter().any(|n| n["data"]["orderId"] == order.as_str())
    })
    .await;
    assert!(market.outbox_of_type(buyer.user_id(), "order_created").await.is_empty(), "nothing went out yet");

    market.set_topic_down(false);
    eventually("the order is told", || async {
        !market.outbox_of_type(buyer.user_id(), "order_created").await.is_empty()
    })
    .await;
    let told = told_per_order(&market, buyer.user_id(), "order_created").await;
    assert_eq!(told, HashMap::from([(order.clone(), 1)]), "told once");
    eventually("the vendor is told", || async {
        told_per_order(&market, vendor.user_id(), "order_received").await.get(&order) == Some(&1)
    })
    .await;
    assert!(market.dead_letters().await.is_empty());
}

#[tokio::test]
async fn an_unreachable_sns_makes_registration_503_with_no_account_and_a_retry_registers() {
    let market = TestMarketplace::spawn().await;
    let moto = moto::endpoint().await;
    let sns = moto::sns().await;
    let name = format!("notifications-{}", ulid::Ulid::new());
    let topic_arn = sns.create_topic().name(&name).send().await.unwrap().topic_arn.unwrap();
    let closed = format!("http://127.0.0.1:{}", souk_local::dynamodb_local::free_port().unwrap());

    let database = market.app().database();
    let register = |publisher| {
        let registrar = Registrar::new(&database, publisher).unwrap();
        async move {
            let request: RegisterRequest = serde_json::from_value(
                json!({ "email": "sns-down@example.com", "password": PASSWORD, "name": "Hoda" }),
            )
            .unwrap();
            let registration = Registration::try_from(request).unwrap();
            let origin = Origin { request_id: ulid::Ulid::new().to_string(), source_ip: "127.0.0.1".into() };
            tokio::time::timeout(function_timeout(), registrar.register(registration, &origin))
                .await
                .expect("answered within the function's timeout")
        }
    };
    let refused = register(moto::function_publisher(&closed, &topic_arn).await).await;
    assert!(matches!(refused, Err(ApiError::Unavailable { .. })), "{refused:?}");
    market.login("sns-down@example.com", PASSWORD).await.assert_problem(401, "invalid_credentials");
    assert_accounts_whole(&market).await;

    let registered =
        register(moto::function_publisher(&moto, &topic_arn).await).await.expect("registers once SNS answers");
    assert_eq!(registered.email.as_str(), "sns-down@example.com");
    assert_accounts_whole(&market).await;
}

/// An item of the orders table the orders trigger can never handle: it does not decode as an order.
fn poison() -> Value {
    json!({ "pk": "order#poison", "id": "poison", "kind": "order" })
}

#[tokio::test]
async fn a_trigger_failing_on_one_record_of_a_batch_reports_only_that_record() {
    let market = TestMarketplace::spawn().await;
    let Shop { product, buyer, .. } = market.shop("batch", 10).await;
    let placed = market.checkout(&buyer, &basket(&[(&product, 1)]), None).await.json()["orders"][0].clone();
    // Orders as the stream would carry them, new to the trigger.
    let order = |sequence: u32| {
        let mut order = placed.clone();
        order["id"] = json!(shared::ids::OrderId::new().to_string());
        let order: Order = serde_json::from_value(order).unwrap();
        let kind = [("kind", "order".to_owned())];
        (order.id.to_string(), record("INSERT", sequence, Default::default(), image(&order, &kind)))
    };
    let ((before, first), (after, last)) = (order(1), order(3));
    let poisoned = record("INSERT", 2, Default::default(), image(&poison(), &[]));
    let trigger = on_order_created::OnOrderCreated::new(&market.trigger_app()).unwrap();

    let response = process(&trigger, &batch(vec![first, poisoned.clone(), last])).await;
    let failed: Vec<_> = response.batch_item_failures.iter().map(|f| f.item_identifier.clone().unwrap()).collect();
    assert_eq!(failed, [poisoned.change.sequence_number.clone().unwrap()], "only the failing record is reported");
    let told = told_per_order(&market, buyer.user_id(), "order_created").await;
    assert_eq!(told.get(&before), Some(&1), "the record before it is done");
    assert_eq!(told.get(&after), None, "the record after it waits for the retry from the reported one");
}

#[tokio::test]
async fn a_poison_record_ends_in_the_dead_letters_once_and_the_records_after_it_are_processed() {
    let quick = RetryWaits { first: Duration::from_millis(5), longest: Duration::from_millis(20) };
    let market = TestMarketplace::spawn_with(souk_tests::database::endpoint().await, &unique_prefix(), |options| {
        options.trigger_retries = quick;
    })
    .await;
    let Shop { product, buyer, .. } = market.shop("poison", 10).await;

    let app = market.app();
    let orders_table = app.config.table(Table::Orders).unwrap();
    let item: HashMap<String, AttributeValue> = serde_dynamo::to_item(poison()).unwrap();
    app.dynamodb.put_item().table_name(&orders_table).set_item(Some(item)).send().await.unwrap();
    let after = market.place_order(&buyer, &[(&product, 1)]).await;

    eventually("the order after the poison record is told", || async {
        told_per_order(&market, buyer.user_id(), "order_created").await.contains_key(&after)
    })
    .await;
    let letters = market.dead_letters().await;
    assert_eq!(letters.len(), 1, "{letters:?}");
    let letter = &letters[0];
    assert!(letter["requestContext"]["functionArn"].as_str().unwrap().ends_with(":function:OnOrderCreatedFunction"));
    assert_eq!(letter["requestContext"]["condition"], "RetryAttemptsExhausted");
    assert_eq!(letter["requestContext"]["approximateInvokeCount"], 11, "the first delivery and MaximumRetryAttempts");
    let info = &letter["DDBStreamBatchInfo"];
    assert_eq!(info["batchSize"], 1);
    assert_eq!(info["startSequenceNumber"], info["endSequenceNumber"]);
    assert!(info["streamArn"].as_str().unwrap().contains(orders_table.as_str()), "{info}");
    assert!(info["shardId"].as_str().is_some_and(|s| !s.is_empty()));

    // Given up on once: it is not delivered again, and later records go through.
    let later = market.place_order(&buyer, &[(&product, 1)]).await;
    eventually("a later order is told", || async {
        told_per_order(&market, buyer.user_id(), "order_created").await.contains_key(&later)
    })
    .await;
    assert_eq!(market.dead_letters().await.len(), 1);
}
