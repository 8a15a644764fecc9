//! What analytics costs, on the DynamoDB at ENDPOINT (tables created from template.yaml, without
//! streams): one recomputation of a Cairo day of ORDERS orders (first with none of its facts
//! counted, then again with the figures right), and the read behind `GET /api/analytics` for a
//! year (366 days, each with PRODUCTS products sold): items read, p50 and p95 of READS reads.
//!
//!   analytics_bench ENDPOINT [ORDERS=10000] [PRODUCTS=100] [READS=40]

use std::time::{Duration, Instant};

use futures::{StreamExt, TryStreamExt};
use shared::App;
use shared::analytics::facts::{ORDERS, REVENUE};
use shared::analytics::{Counter, Counts, DayRange, Scope};
use shared::calendar::CairoDate;
use shared::clock::Timestamp;
use shared::config::Config;
use shared::db::AnalyticsRepo;
use shared::ids::{CheckoutId, OrderId, ProductId, UserId};
use shared::money::Money;
use shared::orders::order::HistoryEntry;
use shared::orders::{Order, OrderItem, OrderStatus, PaymentMethod, PaymentStatus, ShippingAddress};
use shared::services::recount::Recount;

const VENDORS: u64 = 60;
const CATALOG: u64 = 600;

struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

/// Order `i` of the day starting at `start`: one to three products of one vendor, 5 % cancelled.
fn order(i: u64, start: Timestamp, vendors: &[UserId], products: &[ProductId]) -> Order {
    let mut rng = Rng(i * 7919 + 1);
    let at = Timestamp::from_unix_millis(start.unix_millis() + (i * 8_000) as i64 % 86_000_000);
    let vendor = rng.below(VENDORS);
    let items: Vec<OrderItem> = (0..1 + rng.below(3))
        .map(|_| {
            let product = products[(vendor * (CATALOG / VENDORS) + rng.below(CATALOG / VENDORS)) as usize];
            let (price, quantity) = (Money::egp(10_000 + rng.below(1_000_000)), 1 + rng.below(3) as u32);
            OrderItem {
                product_id: product,
                title: format!("Part {product}"),
                unit_price: price,
                quantity,
                line_total: Money::egp(price.amount * u64::from(quantity)),
            }
        })
        .collect();
    let status = if rng.below(20) == 0 { OrderStatus::Cancelled } else { OrderStatus::Pending };
    let customer = UserId::new();
    Order {
        id: OrderId::created_at(at),
        checkout_id: CheckoutId::new(),
        customer_id: customer,
        vendor_id: vendors[vendor as usize],
        total: Money::egp(items.iter().map(|l| l.line_total.amount).sum()),
        items,
        status,
        payment_method: PaymentMethod::CashOnDelivery,
        payment_status: PaymentStatus::Unpaid,
        shipping_address: ShippingAddress {
            name: "Mona Hassan".into(),
            phone: shared::accounts::Phone::parse("01012345678").expect("a phone"),
            governorate: shared::catalog::Governorate::Cairo,
            city: "Nasr City".into(),
            street: "12 Makram Ebeid St".into(),
        },
        history: vec![HistoryEntry { status, at, by: customer.into(), note: None }],
        created_at: at,
        updated_at: at,
    }
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    sorted[((sorted.len() as f64 * p).ceil() as usize).saturating_sub(1)].as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let endpoint = args.next().ok_or("usage: analytics_bench ENDPOINT [ORDERS] [PRODUCTS] [READS]")?;
    let count: u64 = args.next().map(|c| c.parse()).transpose()?.unwrap_or(10_000);
    let per_day: u64 = args.next().map(|c| c.parse()).transpose()?.unwrap_or(100);
    let reads: usize = args.next().map(|c| c.parse()).transpose()?.unwrap_or(40);
    let app = App::new(Config::local(&endpoint, "", &[0; 32])).await;
    let template = souk_local::template::Template::project()?;
    souk_local::tables::create_all_with(&app.dynamodb, &template, "", souk_local::tables::Streams::Off).await?;
    let db = app.database();

    let day: CairoDate = "2026-03-10".parse()?;
    let vendors: Vec<UserId> = (0..VENDORS).map(|_| UserId::new()).collect();
    let products: Vec<ProductId> = (0..CATALOG).map(|_| ProductId::new()).collect();
    let orders: Vec<Order> = (0..count).map(|i| order(i, day.start(), &vendors, &products)).collect();
    let started = Instant::now();
    souk_local::bulk::put_orders(&app, &orders, 8).await.map_err(|e| e.to_string())?;
    eprintln!("put {count} orders in {:.1} s", started.elapsed().as_secs_f64());

    let recount = Recount::new(&db)?;
    println!("| recomputation of one day of {count} orders | seconds | what it did |");
    println!("| --- | ---: | --- |");
    for label in ["first (no fact counted yet)", "again (figures right)"] {
        let started = Instant::now();
        let done = recount.day(day).await?;
        println!("| {label} | {:.1} | {done:?} |", started.elapsed().as_secs_f64());
    }

    // A year of counters, as the triggers leave them: each day's, and PRODUCTS products' per day.
    let analytics = AnalyticsRepo::new(&db)?;
    let year = DayRange::new("2025-03-11".parse()?, "2026-03-11".parse()?)?;
    let rows: Vec<(CairoDate, Counter, Counts, Option<String>)> = year
        .days()
        .flat_map(|d| {
            let day_row = (
                d,
                Counter::Day(Scope::Marketplace),
                Counts::default().with(ORDERS, 300).with(REVENUE, 9_000_000),
                None,
            );
            let product_rows = products.iter().take(per_day as usize).map(move |p| {
                (
                    d,
                    Counter::Product(Scope::Marketplace, *p),
                    Counts::default().with(ORDERS, 3).with(REVENUE, 90_000),
                    Some(format!("Part {p}")),
                )
            });
            std::iter::once(day_row).chain(product_rows)
        })
        .collect();
    let started = Instant::now();
    let analytics = &analytics;
    futures::stream::iter(rows.iter().map(Ok::<_, shared::ApiError>))
        .try_for_each_concurrent(16, |(d, counter, counts, title)| async move {
            analytics.set_counter(*d, *counter, counts, title.as_deref(), None).await.map(|_| ())
        })
        .await?;
    eprintln!("put {} counters in {:.1} s", rows.len(), started.elapsed().as_secs_f64());

    let days = analytics.days(Scope::Marketplace, year).await?.len();
    let product_days = analytics.product_days(Scope::Marketplace, year).await?.len();
    let mut times: Vec<Duration> = futures::stream::iter(0..reads)
        .then(|_| async {
            let started = Instant::now();
            analytics.report(Scope::Marketplace, year).await.map(|_| started.elapsed())
        })
        .try_collect()
        .await?;
    times.sort();
    println!();
    println!("| getAnalytics read, {} days | items read | p50 ms | p95 ms | reads |", year.days().count());
    println!("| --- | ---: | ---: | ---: | ---: |");
    println!(
        "| marketplace, {per_day} products a day | {} ({days} days + {product_days} product-days) | {:.0} | {:.0} | {reads} |",
        days + product_days,
        percentile(&times, 0.5),
        percentile(&times, 0.95)
    );
    Ok(())
}
