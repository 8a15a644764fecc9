//! Records the DynamoDB answers of the warm-handler bench (`benches/warm/`):
//! `record_warm LOAD_CATALOG OUT_DIR`.
//!
//! Starts an in-memory DynamoDB Local, loads the benchmark catalog into it with the `load_catalog`
//! example (2,000 products, half of the titles in Arabic, with their listing and search entries),
//! starts the local runner (triggers off) with a recording proxy between the functions and
//! DynamoDB Local, then sends each scenario's request once over loopback and writes what it sent,
//! what it got and every DynamoDB call it made to `OUT_DIR/<scenario>.json`.

mod recording_proxy;

use std::path::{Path, PathBuf};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::{Value, json};
use shared::accounts::tokens::{KeyPair, TokenIssuer};
use shared::accounts::{Email, PersonName, Role, User};
use shared::clock::Timestamp;
use shared::ids::UserId;
use souk_local::dynamodb_local::{DynamoDbLocal, Storage, free_port};
use souk_local::{Marketplace, Options};

use crate::recording_proxy::RecordingProxy;

const PRODUCTS: &str = "2000";

type HttpClient = Client<HttpConnector, Full<Bytes>>;

/// What one scenario sends, as the fixture stores it.
struct Scenario {
    name: &'static str,
    function: &'static str,
    request: Value,
    expected: u16,
}

fn product_read(id: &str) -> Scenario {
    Scenario {
        name: "get-product",
        function: "get-product",
        request: json!({ "routeKey": "GET /api/products/{id}", "path": format!("/api/products/{id}"), "pathParameters": { "id": id } }),
        expected: 200,
    }
}

fn listing_page() -> Scenario {
    let query = json!({ "category": "cars", "governorate": "cairo", "sort": "price_asc", "limit": "20" });
    Scenario {
        name: "get-products",
        function: "get-products",
        request: json!({ "routeKey": "GET /api/products", "path": "/api/products", "query": query }),
        expected: 200,
    }
}

fn search_page() -> Scenario {
    let body = json!({ "q": "تيل فرامل", "limit": 20 }).to_string();
    Scenario {
        name: "search-products",
        function: "search-products",
        request: json!({ "routeKey": "POST /api/search", "path": "/api/search", "body": body }),
        expected: 200,
    }
}

fn checkout(name: &'static str, products: &[&str], buyer: &User) -> Scenario {
    let items: Vec<Value> = products.iter().map(|id| json!({ "productId": id, "quantity": 1 })).collect();
    let body = json!({
        "items": items,
        "shippingAddress": { "name": "منى حسن", "phone": "01012345678", "governorate": "cairo", "city": "Nasr City", "street": "12 Makram Ebeid St" },
        "paymentMethod": "cash_on_delivery"
    });
    let key = format!("checkout-{}", ulid::Ulid::new());
    Scenario {
        name,
        function: "create-order",
        request: json!({
            "routeKey": "POST /api/orders", "path": "/api/orders", "body": body.to_string(),
            "headers": { "idempotency-key": key }, "caller": buyer,
        }),
        expected: 201,
    }
}

/// Sends `request` (a fixture's request) to the runner; returns the status and the JSON answered.
async fn send(client: &HttpClient, base: &str, request: &Value, token: Option<&str>) -> (u16, Value) {
    let route = request["routeKey"].as_str().expect("a route key");
    let method = route.split_once(' ').expect("METHOD /path").0;
    let query: Vec<String> = request["query"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(name, value)| format!("{name}={}", value.as_str().expect("a string")))
        .collect();
    let path = request["path"].as_str().expect("a path");
    let uri = if query.is_empty() { format!("{base}{path}") } else { format!("{base}{path}?{}", query.join("&")) };
    let mut builder = http::Request::builder().method(method).uri(uri).header("content-type", "application/json");
    for (name, value) in request["headers"].as_object().into_iter().flatten() {
        builder = builder.header(name, value.as_str().expect("a string"));
    }
    if let Some(token) = token {
        builder = builder.header("authorization", format!("Bearer {token}"));
    }
    let body = request["body"].as_str().map(|b| Bytes::from(b.to_owned())).unwrap_or_default();
    let response = client.request(builder.body(Full::new(body)).expect("a valid request")).await.expect("answered");
    let status = response.status().as_u16();
    let body = response.into_body().collect().await.expect("a body").to_bytes();
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(loader), Some(out_dir)) = (args.next(), args.next().map(PathBuf::from)) else {
        return Err("usage: record_warm LOAD_CATALOG OUT_DIR".into());
    };
    let dynamodb = DynamoDbLocal::start(Path::new(".souk/dynamodb-local"), Storage::InMemory, free_port()?).await?;
    let loaded = tokio::process::Command::new(&loader)
        .args([dynamodb.endpoint.as_str(), "", PRODUCTS])
        .stdout(std::process::Stdio::null())
        .status()
        .await?;
    if !loaded.success() {
        return Err(format!("{loader} failed: {loaded}").into());
    }

    let proxy = RecordingProxy::start(&dynamodb.endpoint).await?;
    let keys = KeyPair::generate();
    let market = Marketplace::start(Options::benchmark(proxy.endpoint.clone(), String::new(), &keys)).await?;
    let client: HttpClient = Client::builder(TokioExecutor::new()).build_http();
    let base = market.url();

    // The products to read and buy, among the newest: a car with an Arabic title to look at, another
    // to buy alone, and three more of any kind for a cart of three.
    let (_, newest) =
        send(&client, &base, &json!({ "routeKey": "GET /api/products", "path": "/api/products" }), None).await;
    let items = newest["items"].as_array().cloned().unwrap_or_default();
    let arabic =
        |p: &Value| p["title"].as_str().is_some_and(|t| t.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)));
    let (cars, others): (Vec<&Value>, Vec<&Value>) = items.iter().partition(|p| p["vehicle"].is_object() && arabic(p));
    let ids: Vec<&str> = cars.iter().take(2).chain(others.iter()).filter_map(|p| p["id"].as_str()).collect();
    if cars.len() < 2 || ids.len() < 5 {
        return Err(format!("too few products among the newest: {newest}").into());
    }
    let buyer = User {
        id: UserId::new(),
        email: Email::parse("mona@example.com")?,
        name: PersonName::parse("منى حسن")?,
        phone: None,
        role: Role::Customer,
        email_verified: true,
        preferences: Default::default(),
        created_at: Timestamp::now(),
    };
    let token =
        TokenIssuer::from_private_base64("key", &keys.private_pkcs8_base64)?.issue(&buyer, Timestamp::now()).token;
    let scenarios = [
        product_read(ids[0]),
        listing_page(),
        search_page(),
        checkout("create-order-1-item", &ids[1..2], &buyer),
        checkout("create-order-3-items", &ids[2..5], &buyer),
    ];

    std::fs::create_dir_all(&out_dir)?;
    for scenario in scenarios {
        proxy.record();
        let authenticated = scenario.request.get("caller").is_some();
        let (status, answer) = send(&client, &base, &scenario.request, authenticated.then_some(token.as_str())).await;
        let mut exchanges = proxy.take();
        if status != scenario.expected {
            return Err(format!("{}: {status} {answer}", scenario.name).into());
        }
        if let Some(failed) = exchanges.iter().find(|e| e["status"] != 200) {
            return Err(format!("{}: DynamoDB answered {failed}", scenario.name).into());
        }
        for exchange in &mut exchanges {
            exchange.as_object_mut().expect("an object").remove("status");
        }
        let targets: Vec<&str> = exchanges.iter().filter_map(|e| e["target"].as_str()).collect();
        eprintln!("{}: {status}, DynamoDB calls {targets:?}", scenario.name);
        let fixture = json!({
            "function": scenario.function,
            "request": scenario.request,
            "status": status,
            "exchanges": exchanges,
        });
        std::fs::write(
            out_dir.join(format!("{}.json", scenario.name)),
            serde_json::to_string_pretty(&fixture)? + "\n",
        )?;
    }
    market.stop().await;
    dynamodb.stop().await;
    Ok(())
}
