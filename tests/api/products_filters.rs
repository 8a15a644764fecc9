//! Every filter and sort of `GET /api/products`, each checked against the expected set in order.

use shared::catalog::{Condition, Governorate, Product, ProductStatus};
use souk_tests::TestMarketplace;
use souk_tests::fixtures::{VENDOR_B, car, part};

/// A small catalog with a bit of everything; products are listed at increasing minutes.
fn catalog() -> Vec<Product> {
    let mut alex_new = car("Hyundai", "Elantra", 2023, 0, 1_400_000, 4);
    alex_new.condition = Condition::New;
    alex_new.location.governorate = Governorate::Alexandria;
    let mut vendor_b = car("Toyota", "Yaris", 2017, 120_000, 520_000, 6);
    vendor_b.vendor_id = VENDOR_B.into();
    vec![
        car("Toyota", "Corolla", 2019, 80_000, 950_000, 0),
        car("toyota", "Corolla", 2015, 150_000, 610_000, 1),
        car("Nissan", "Sunny", 2021, 30_000, 780_000, 2),
        car("Toyota", "Land Cruiser", 2012, 240_000, 2_900_000, 3),
        alex_new,
        part("Brake pads", &[("Toyota", "Corolla"), ("Nissan", "Sunny")], 1_800, 5),
        vendor_b,
        Product { status: ProductStatus::SoldOut, ..car("Toyota", "Corolla", 2020, 50_000, 990_000, 7) },
        Product { status: ProductStatus::Archived, ..car("Toyota", "Corolla", 2022, 5_000, 1_100_000, 8) },
    ]
}

async fn titles(market: &TestMarketplace, query: &str) -> Vec<String> {
    let response = market.get(&format!("/api/products?{query}")).await;
    assert_eq!(response.status, 200, "{query}: {}", String::from_utf8_lossy(&response.body));
    let body = response.json();
    assert!(body["nextCursor"].is_null(), "{query}: everything fits one page");
    body["items"].as_array().unwrap().iter().map(|p| p["title"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn each_filter_and_sort_returns_exactly_the_matching_active_products_in_order() {
    let market = TestMarketplace::spawn().await;
    market.list(&catalog()).await;
    // The newer a car of this catalog, the fewer its kilometres: by year and by mileage agree.
    let newest_car_first = &[
        "Hyundai Elantra 2023",
        "Nissan Sunny 2021",
        "Toyota Corolla 2019",
        "Toyota Yaris 2017",
        "toyota Corolla 2015",
        "Toyota Land Cruiser 2012",
        "Brake pads",
    ];
    let cheapest_car_first = [
        "Toyota Yaris 2017",
        "toyota Corolla 2015",
        "Nissan Sunny 2021",
        "Toyota Corolla 2019",
        "Hyundai Elantra 2023",
        "Toyota Land Cruiser 2012",
    ];
    let cheapest_first: Vec<&str> = std::iter::once("Brake pads").chain(cheapest_car_first).collect();
    let cases: &[(&str, &[&str])] = &[
        // newest first by default; sold-out and archived products are never listed
        (
            "",
            &[
                "Toyota Yaris 2017",
                "Brake pads",
                "Hyundai Elantra 2023",
                "Toyota Land Cruiser 2012",
                "Nissan Sunny 2021",
                "toyota Corolla 2015",
                "Toyota Corolla 2019",
            ],
        ),
        ("sort=price_asc", cheapest_first.as_slice()),
        (
            "sort=price_desc",
            &[
                "Toyota Land Cruiser 2012",
                "Hyundai Elantra 2023",
                "Toyota Corolla 2019",
                "Nissan Sunny 2021",
                "toyota Corolla 2015",
                "Toyota Yaris 2017",
                "Brake pads",
            ],
        ),
        // products without a year or mileage come last
        ("sort=year_desc", newest_car_first),
        ("sort=mileage_asc", newest_car_first),
        ("sort=newest&category=spare-parts", &["Brake pads"]),
        ("category=cars&sort=price_asc", &cheapest_car_first),
        // make and model are case-insensitive and find the parts that fit too
        (
            "make=TOYOTA&sort=price_asc",
            &[
                "Brake pads",
                "Toyota Yaris 2017",
                "toyota Corolla 2015",
                "Toyota Corolla 2019",
                "Toyota Land Cruiser 2012",
            ],
        ),
        ("make=toyota&model=COROLLA", &["Brake pads", "toyota Corolla 2015", "Toyota Corolla 2019"]),
        ("make=toyota&model=land%20%20cruiser", &["Toyota Land Cruiser 2012"]),
        ("make=nissan&category=cars", &["Nissan Sunny 2021"]),
        (
            "yearMin=2017&yearMax=2021&sort=year_desc",
            &["Nissan Sunny 2021", "Toyota Corolla 2019", "Toyota Yaris 2017"],
        ),
        ("yearMax=2015", &["Toyota Land Cruiser 2012", "toyota Corolla 2015"]),
        ("yearMin=2019&sort=price_asc", &["Nissan Sunny 2021", "Toyota Corolla 2019", "Hyundai Elantra 2023"]),
        (
            "priceMin=61000000&priceMax=95000000&sort=price_desc",
            &["Toyota Corolla 2019", "Nissan Sunny 2021", "toyota Corolla 2015"],
        ),
        ("priceMax=60000000", &["Toyota Yaris 2017", "Brake pads"]),
        ("priceMin=100000000&sort=mileage_asc", &["Hyundai Elantra 2023", "Toyota Land Cruiser 2012"]),
        ("condition=new", &["Brake pads", "Hyundai Elantra 2023"]),
        ("condition=new&category=cars", &["Hyundai Elantra 2023"]),
        ("governorate=alexandria", &["Hyundai Elantra 2023"]),
        (
            "governorate=cairo&category=cars&sort=year_desc",
            &[
                "Nissan Sunny 2021",
                "Toyota Corolla 2019",
                "Toyota Yaris 2017",
                "toyota Corolla 2015",
                "Toyota Land Cruiser 2012",
            ],
        ),
        ("governorate=giza", &[]),
        (&format!("vendorId={VENDOR_B}"), &["Toyota Yaris 2017"]),
        (&format!("vendorId={VENDOR_B}&make=nissan"), &[]),
        (
            "make=toyota&yearMin=2015&priceMax=95000000&condition=used&governorate=cairo&sort=mileage_asc",
            &["Toyota Corolla 2019", "Toyota Yaris 2017", "toyota Corolla 2015"],
        ),
    ];
    for (query, expected) in cases {
        assert_eq!(titles(&market, query).await, *expected, "GET /api/products?{query}");
    }
}

#[tokio::test]
async fn a_price_change_moves_a_product_and_a_sale_removes_it() {
    let market = TestMarketplace::spawn().await;
    let cheap = car("Fiat", "Tipo", 2021, 20_000, 500_000, 0);
    let dear = car("Kia", "Sportage", 2022, 10_000, 1_500_000, 1);
    market.list(&[cheap.clone(), dear.clone()]).await;
    assert_eq!(titles(&market, "sort=price_asc").await, ["Fiat Tipo 2021", "Kia Sportage 2022"]);

    let now_dearer = Product { price: shared::money::Money::egp(200_000_000), version: 2, ..cheap.clone() };
    market.change(&now_dearer).await;
    assert_eq!(titles(&market, "sort=price_asc").await, ["Kia Sportage 2022", "Fiat Tipo 2021"]);
    assert_eq!(titles(&market, "priceMax=100000000").await, Vec::<String>::new());

    let sold = Product { status: ProductStatus::SoldOut, version: 3, ..now_dearer.clone() };
    market.change(&sold).await;
    assert_eq!(titles(&market, "").await, ["Kia Sportage 2022"]);
    assert_eq!(titles(&market, "make=fiat").await, Vec::<String>::new());
}
