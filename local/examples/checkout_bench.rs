//! Checkout latency and throughput through the local runner: `checkout_bench ENDPOINT`.
//!
//! Starts a marketplace in-process over DynamoDB at ENDPOINT (fresh tables), makes verified
//! buyers and a vendor's products directly in the tables, signs their access tokens with the
//! run's own key, then sends checkouts over HTTP on loopback:
//!
//! - spread: every checkout buys one unit of its own product (no two touch the same item);
//! - contended: every checkout buys one unit of the same product (large stock): the optimistic
//!   stock condition makes concurrent checkouts of one product retry;
//! - last unit: many checkouts race for one unit; exactly one may win;
//! - cash and card: cash-on-delivery and card checkouts interleaved in one run, so their
//!   latencies compare (a card checkout also opens its payment at the runner's Paymob simulator,
//!   over loopback HTTP as it would over the internet to Paymob);
//! - webhook: Paymob's signed callbacks for those card checkouts, delivered to the webhook.
//!
//! Each scenario is bounded (a fixed number of requests at a fixed concurrency).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures::StreamExt;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use shared::accounts::tokens::{KeyPair, TokenIssuer};
use shared::accounts::{Account, Email, Password, PersonName, Role, User};
use shared::catalog::product::{Location, Vehicle};
use shared::catalog::{Condition, Governorate, Product, ProductId, ProductStatus};
use shared::clock::Timestamp;
use shared::db::{ProductRepo, UserRepo};
use shared::ids::UserId;
use shared::money::Money;
use souk_local::{Marketplace, Options};

const CONCURRENCY: usize = 16;

fn product(vendor: UserId, stock: u32) -> Product {
    let now = Timestamp::now();
    Product {
        id: ProductId::new(),
        vendor_id: vendor.to_string(),
        category_id: "cars".into(),
        title: "Kia Rio 2020".into(),
        description: String::new(),
        price: Money::egp(40_000_000),
        condition: Condition::Used,
        stock,
        status: ProductStatus::Active,
        images: vec!["https://images.souk-el-sayarat.com/p/1.jpg".into()],
        thumbnails: vec![],
        location: Location { governorate: Governorate::Cairo, city: "Nasr City".into() },
        vehicle: Some(Vehicle::new("Kia", "Rio", 2020, 1)),
        part: None,
        created_at: now,
        updated_at: now,
        version: 1,
    }
}

fn body(product: ProductId) -> String {
    paid_by(product, "cash_on_delivery")
}

fn paid_by(product: ProductId, method: &str) -> String {
    serde_json::json!({
        "items": [{ "productId": product, "quantity": 1 }],
        "shippingAddress": { "name": "منى حسن", "phone": "01012345678", "governorate": "cairo", "city": "Nasr City", "street": "12 Makram Ebeid St" },
        "paymentMethod": method
    })
    .to_string()
}

struct Run {
    latencies: Vec<Duration>,
    statuses: HashMap<u16, usize>,
    elapsed: Duration,
}

/// One request of a run: where, with whose token (if any), what body, and which kind it is.
struct Sent {
    url: String,
    token: Option<String>,
    body: String,
    kind: &'static str,
}

/// Checkouts of `bodies`, each as one of the buyers, to `url`.
fn checkouts(url: &str, bodies: Vec<(String, String)>, kind: &'static str) -> Vec<Sent> {
    bodies.into_iter().map(|(token, body)| Sent { url: url.to_owned(), token: Some(token), body, kind }).collect()
}

async fn run(url: &str, requests: Vec<(String, String)>) -> Run {
    run_kinds(checkouts(url, requests, "")).await.remove("").expect("one kind")
}

/// Sends `requests`, CONCURRENCY at a time; the run of each kind, and the answers' bodies in order.
async fn send(requests: Vec<Sent>) -> (HashMap<&'static str, Run>, Vec<Bytes>) {
    let client: Client<_, Full<Bytes>> = Client::builder(TokioExecutor::new()).build_http();
    let started = Instant::now();
    let results: Vec<(&'static str, Duration, u16, Bytes)> = futures::stream::iter(requests)
        .map(|sent| {
            let client = client.clone();
            async move {
                let mut request = http::Request::post(&sent.url).header("content-type", "application/json");
                if let Some(token) = &sent.token {
                    request = request.header("authorization", format!("Bearer {token}"));
                }
                let request = request.body(Full::new(Bytes::from(sent.body))).unwrap();
                let at = Instant::now();
                let response = client.request(request).await.expect("answered");
                let status = response.status().as_u16();
                let body = response.into_body().collect().await.expect("body").to_bytes();
                (sent.kind, at.elapsed(), status, body)
            }
        })
        .buffered(CONCURRENCY)
        .collect()
        .await;
    let elapsed = started.elapsed();
    let mut runs: HashMap<&'static str, Run> = HashMap::new();
    for (kind, latency, status, _) in &results {
        let run = runs.entry(kind).or_insert_with(|| Run { latencies: Vec::new(), statuses: HashMap::new(), elapsed });
        run.latencies.push(*latency);
        *run.statuses.entry(*status).or_default() += 1;
    }
    for run in runs.values_mut() {
        run.latencies.sort();
    }
    (runs, results.into_iter().map(|(.., body)| body).collect())
}

async fn run_kinds(requests: Vec<Sent>) -> HashMap<&'static str, Run> {
    send(requests).await.0
}

fn report(label: &str, run: &Run) {
    let at = |q: f64| run.latencies[((run.latencies.len() as f64 - 1.0) * q).round() as usize].as_secs_f64() * 1000.0;
    let rate = run.latencies.len() as f64 / run.elapsed.as_secs_f64();
    let mut statuses: Vec<_> = run.statuses.iter().collect();
    statuses.sort();
    println!("| {label} | {} | {:.1} | {:.1} | {:.0} | {statuses:?} |", run.latencies.len(), at(0.5), at(0.95), rate);
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let endpoint = std::env::args().nth(1).ok_or("usage: checkout_bench DYNAMODB_ENDPOINT")?;
    let requests: usize = std::env::args().nth(2).map(|n| n.parse()).transpose()?.unwrap_or(400);
    let keys = KeyPair::generate();
    let table_prefix = format!("bench{}_", ulid::Ulid::new().to_string().to_lowercase());
    let options = Options::benchmark(endpoint, table_prefix, &keys);
    let market = Marketplace::start(options).await?;
    let url = format!("{}/api/orders", market.url());
    let issuer = TokenIssuer::from_private_base64("key", &keys.private_pkcs8_base64)?;
    let users = UserRepo::new(&market.app.database())?;
    let products = ProductRepo::new(&market.app.database())?;

    // Buyers: verified customers, made directly (registration's argon2 is not what is measured).
    let password = Password::parse("Kh@lid-Corolla-2019", &[])?.hash();
    let mut tokens = Vec::new();
    for i in 0..CONCURRENCY {
        let user = User {
            id: UserId::new(),
            email: Email::parse(&format!("buyer{i}@bench.test"))?,
            name: PersonName::parse("Buyer")?,
            phone: None,
            role: Role::Customer,
            email_verified: true,
            preferences: Default::default(),
            created_at: Timestamp::now(),
        };
        users
            .create(&Account { user: user.clone(), password_hash: password.clone() })
            .await
            .map_err(|e| e.to_string())?;
        tokens.push(issuer.issue(&user, Timestamp::now()).token);
    }
    let vendor = UserId::new();
    let token = |i: usize| tokens[i % tokens.len()].clone();

    println!("| scenario | checkouts | p50 ms | p95 ms | checkouts/s | status codes |");
    println!("| --- | ---: | ---: | ---: | ---: | --- |");
    let mut spread = Vec::new();
    for i in 0..requests {
        let p = product(vendor, 1);
        products.put(&p).await.map_err(|e| e.to_string())?;
        spread.push((token(i), body(p.id)));
    }
    report("spread: each checkout its own product", &run(&url, spread).await);

    let hot = product(vendor, requests as u32);
    products.put(&hot).await.map_err(|e| e.to_string())?;
    let contended = (0..requests).map(|i| (token(i), body(hot.id))).collect();
    report(&format!("contended: {CONCURRENCY} at a time on one product"), &run(&url, contended).await);
    let left = products.get(hot.id).await.map_err(|e| e.to_string())?.map(|p| p.stock);
    println!("\nstock of the contended product afterwards: {left:?} (of {requests})");

    let last = product(vendor, 1);
    products.put(&last).await.map_err(|e| e.to_string())?;
    let race = (0..50).map(|i| (token(i), body(last.id))).collect();
    report("last unit: 50 checkouts race for stock 1", &run(&url, race).await);

    // Cash and card interleaved: the same products, the same buyers, one run.
    let mut mixed = Vec::new();
    for i in 0..requests {
        let p = product(vendor, 1);
        products.put(&p).await.map_err(|e| e.to_string())?;
        let (method, kind) = if i % 2 == 0 { ("cash_on_delivery", "cash") } else { ("card", "card") };
        mixed.extend(checkouts(&url, vec![(token(i), paid_by(p.id, method))], kind));
    }
    let (runs, bodies) = send(mixed).await;
    report("cash on delivery, interleaved with card", &runs["cash"]);
    report("card (opens a Paymob payment), interleaved with cash", &runs["card"]);

    // Paymob's callbacks for the card checkouts, signed by the simulator, then delivered.
    let mut callbacks = Vec::new();
    for body in &bodies {
        let placed: serde_json::Value = serde_json::from_slice(body)?;
        if placed.get("payment").is_none() {
            continue;
        }
        let checkout = placed["checkoutId"].as_str().ok_or("a checkout id")?;
        let pay = format!("{}/_local/payments/{checkout}/pay", market.url());
        let ask = serde_json::json!({ "outcome": "success", "deliver": false }).to_string();
        let (_, signed) = send(vec![Sent { url: pay, token: None, body: ask, kind: "sign" }]).await;
        let signed: serde_json::Value = serde_json::from_slice(&signed[0])?;
        let hook =
            format!("{}/api/payments/paymob/webhook?hmac={}", market.url(), signed["hmac"].as_str().ok_or("hmac")?);
        callbacks.push(Sent { url: hook, token: None, body: signed["callback"].to_string(), kind: "webhook" });
    }
    report("webhook: a card checkout's success callback", &run_kinds(callbacks).await["webhook"]);
    market.stop().await;
    Ok(())
}
