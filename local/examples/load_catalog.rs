//! Loads a realistic catalog into DynamoDB for benchmarks: `load_catalog ENDPOINT [PREFIX] [COUNT]`.
//! It creates the tables (without streams) if they do not exist yet.
//!
//! Products and their listing and search entries are written directly, in parallel batches
//! ([`souk_local::bulk`]; the products trigger would write the same entries, one product at a
//! time). Deterministic: the same count gives the same catalog. Then, for each benchmark query, it
//! reports how many index entries one page read, and for each search how many its facet count
//! reads, in-process, so the HTTP latency figures have their cost next to them.

use std::time::Instant;

use shared::App;
use shared::catalog::listing::ListingQuery;
use shared::catalog::listing_index::{plan, plan_search, plan_search_facets};
use shared::catalog::product::{Compatibility, Location, Part, Vehicle};
use shared::catalog::search::SearchQuery;
use shared::catalog::{Condition, Governorate, Product, ProductId, ProductStatus};
use shared::clock::Timestamp;
use shared::config::Config;
use shared::db::ListingRepo;
use shared::money::Money;
use shared::params::Params;
use shared::tables::Table;

const MAKES: &[(&str, &str, &[&str])] = &[
    ("Toyota", "تويوتا", &["Corolla", "Yaris", "Camry", "Land Cruiser", "Fortuner"]),
    ("Hyundai", "هيونداي", &["Elantra", "Tucson", "Accent", "Verna"]),
    ("Kia", "كيا", &["Sportage", "Cerato", "Rio", "Picanto"]),
    ("Nissan", "نيسان", &["Sunny", "Sentra", "Qashqai"]),
    ("Chevrolet", "شيفروليه", &["Optra", "Aveo", "Lanos"]),
    ("Mitsubishi", "ميتسوبيشي", &["Lancer", "Pajero", "Attrage"]),
    ("BMW", "بي ام دبليو", &["320i", "X5", "520i"]),
    ("Mercedes-Benz", "مرسيدس", &["C180", "E200", "GLC"]),
    ("Fiat", "فيات", &["Tipo", "128", "500X"]),
    ("Renault", "رينو", &["Logan", "Megane", "Duster"]),
    ("Skoda", "سكودا", &["Octavia", "Fabia"]),
    ("Peugeot", "بيجو", &["301", "3008", "508"]),
    ("Chery", "شيري", &["Tiggo", "Arrizo"]),
    ("MG", "ام جي", &["ZS", "MG5", "RX5"]),
];
/// Cairo, Giza and Alexandria hold most listings, as they hold most buyers.
const PLACES: &[(Governorate, &str, u32)] = &[
    (Governorate::Cairo, "Nasr City", 35),
    (Governorate::Giza, "Dokki", 20),
    (Governorate::Alexandria, "Smouha", 15),
    (Governorate::Qalyubia, "Banha", 5),
    (Governorate::Sharqia, "Zagazig", 5),
    (Governorate::Dakahlia, "Mansoura", 5),
    (Governorate::Gharbia, "Tanta", 5),
    (Governorate::Asyut, "Asyut", 5),
    (Governorate::Luxor, "Luxor", 5),
];

/// Products generated and written at a time (with about 30 listing entries each).
const LOAD_CHUNK: u64 = 2_000;

/// A small deterministic generator (splitmix64), so catalogs are reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn product(i: u64, vendors: &[String]) -> Product {
    let mut rng = Rng(i.wrapping_mul(7919) + 17);
    let (make, make_ar, models) = MAKES[rng.below(MAKES.len() as u64) as usize];
    let model = models[rng.below(models.len() as u64) as usize];
    let weight = rng.below(100) as u32;
    let mut acc = 0;
    let (governorate, city, _) = *PLACES
        .iter()
        .find(|(_, _, w)| {
            acc += w;
            weight < acc
        })
        .unwrap_or(&PLACES[0]);
    let created = Timestamp::from_unix_millis(1_760_000_000_000 + i as i64 * 60_000);
    let kind = rng.below(100);
    let year = 2000 + rng.below(26) as u16;
    let arabic = rng.below(2) == 0;
    let base = Product {
        id: ProductId::created_at(created),
        vendor_id: vendors[rng.below(vendors.len() as u64) as usize].clone(),
        category_id: "cars".into(),
        title: if arabic { format!("{make_ar} {model} {year}") } else { format!("{make} {model} {year}") },
        description: ["بحالة ممتازة", "Excellent condition", "فابريكا بالكامل", "First owner, agency maintained"]
            [rng.below(4) as usize]
            .into(),
        price: Money::egp(100_000 + rng.below(4_000_000)),
        condition: if year >= 2025 { Condition::New } else { Condition::Used },
        stock: 1,
        status: ProductStatus::Active,
        images: vec![format!("https://images.souk-el-sayarat.com/p/{i}.jpg")],
        thumbnails: vec![],
        location: Location { governorate, city: city.into() },
        vehicle: None,
        part: None,
        created_at: created,
        updated_at: created,
        version: 1,
    };
    if kind < 80 {
        Product {
            vehicle: Some(Vehicle::new(
                make,
                model,
                year,
                (2026 - u32::from(year)) * (5_000 + rng.below(15_000) as u32),
            )),
            ..base
        }
    } else {
        let (title, category) = if kind < 95 {
            ("Brake pads / تيل فرامل", "spare-parts")
        } else {
            ("Floor mats / دواسات", "accessories")
        };
        Product {
            category_id: category.into(),
            title: format!("{title} {make} {model}"),
            condition: Condition::New,
            stock: 1 + rng.below(20) as u32,
            price: Money::egp(200 + rng.below(8_000)),
            part: Some(Part {
                oem_number: None,
                compatible_with: vec![Compatibility {
                    make: make.into(),
                    model: model.into(),
                    year_from: 2010,
                    year_to: 2024,
                }],
            }),
            ..base
        }
    }
}

/// The benchmark queries: (label, query string of GET /api/products, or search body).
pub const LISTINGS: &[(&str, &str)] = &[
    ("newest, no filter", ""),
    ("category + governorate, price_asc", "category=cars&governorate=giza&sort=price_asc"),
    ("make + model, year_desc", "make=toyota&model=corolla&sort=year_desc"),
    (
        "make + year range + price range + condition",
        "make=hyundai&yearMin=2015&yearMax=2020&priceMax=150000000&condition=used",
    ),
    ("sparse: governorate + condition new", "governorate=luxor&condition=new"),
    ("governorate, price_asc", "governorate=cairo&sort=price_asc"),
];
pub const SEARCHES: &[(&str, &str)] = &[
    ("Arabic word", r#"{"q":"تويوتا"}"#),
    ("make prefix + model", r#"{"q":"toyo corolla"}"#),
    ("word + filters, price_asc", r#"{"q":"كيا","governorate":"cairo","sort":"price_asc"}"#),
];

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let endpoint = args.next().ok_or("usage: load_catalog ENDPOINT [PREFIX] [COUNT]")?;
    let prefix = args.next().unwrap_or_default();
    let count: u64 = args.next().map(|c| c.parse()).transpose()?.unwrap_or(100_000);
    let app = App::new(Config::local(&endpoint, &prefix, &[0; 32])).await;
    let products_table = app.config.table(Table::Products)?;
    let vendors: Vec<String> = (0..200)
        .map(|i| shared::ids::UserId::created_at(Timestamp::from_unix_millis(1_750_000_000_000 + i)).to_string())
        .collect();

    // Tables without streams: nothing listens during a benchmark, and DynamoDB Local slows down
    // keeping a stream record of every write. A runner started afterwards keeps these tables.
    let template = souk_local::template::Template::project()?;
    souk_local::tables::create_all_with(&app.dynamodb, &template, &prefix, souk_local::tables::Streams::Off).await?;
    let existing = app
        .dynamodb
        .describe_table()
        .table_name(&products_table)
        .send()
        .await?
        .table
        .and_then(|t| t.item_count)
        .unwrap_or(0);
    if existing as u64 >= count {
        eprintln!("{products_table} already holds {existing} products; not loading");
    } else {
        let started = Instant::now();
        for first in (0..count).step_by(LOAD_CHUNK as usize) {
            let products: Vec<Product> = (first..count.min(first + LOAD_CHUNK)).map(|i| product(i, &vendors)).collect();
            souk_local::bulk::put_products(&app, &products, 12).await.map_err(|e| e.to_string())?;
            let done = first + products.len() as u64;
            if done.is_multiple_of(10_000) {
                eprintln!("{done} products in {:.0} s", started.elapsed().as_secs_f64());
            }
        }
        eprintln!("loaded {count} products in {:.0} s", started.elapsed().as_secs_f64());
    }

    // Entries one page reads, for each benchmark query (the first page, limit 20).
    let listings = ListingRepo::new(&app.database())?;
    println!("| query | entries read for one page of 20 | items returned |");
    println!("| --- | ---: | ---: |");
    for (label, query) in LISTINGS {
        let pairs = query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| p.split_once('=').map(|(k, v)| (k.to_owned(), v.to_owned())).unwrap())
            .collect();
        let listing = ListingQuery::from_params(&Params::new(pairs)).map_err(|e| e.to_string())?;
        let page = listings.page(&plan(&listing.filters, listing.sort), 20, None).await.map_err(|e| e.to_string())?;
        println!("| listing: {label} | {} | {} |", page.evaluated, page.product_ids.len());
    }
    let mut counts = Vec::new();
    for (label, body) in SEARCHES {
        let search = SearchQuery::from_body(serde_json::from_str(body)?).map_err(|e| e.to_string())?;
        let page = listings
            .page(&plan_search(&search.listing.filters, search.listing.sort, &search.words), 20, None)
            .await
            .map_err(|e| e.to_string())?;
        println!("| search: {label} | {} | {} |", page.evaluated, page.product_ids.len());
        let plan = plan_search_facets(&search.listing.filters, &search.words);
        counts.push((label, listings.facets(&plan).await.map_err(|e| e.to_string())?));
    }
    // What a search reads besides its page when its facets are not kept yet.
    println!();
    println!("| search | entries its facet count reads (a miss) | facetsComplete |");
    println!("| --- | ---: | --- |");
    for (label, count) in counts {
        println!("| search: {label} | {} | {} |", count.evaluated, count.complete);
    }
    Ok(())
}
