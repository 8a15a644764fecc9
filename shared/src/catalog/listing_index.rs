//! The listing index: how "list products with these filters in this order" becomes a bounded
//! DynamoDB Query instead of a Scan.
//!
//! Every active product has one small entry per *partition* a buyer may list by: everything, its
//! category, its vendor, its governorate, its category within its governorate, and each make and
//! make+model it is sold for (a part compatible with three cars is under three makes). Each entry
//! carries one sort key per order (`byPrice`, `byYear`, `byMileage`; `newest` is the product id
//! itself, a ULID) and the attributes the remaining filters test.
//!
//! A [`Plan`] picks the most selective partition the filters allow, turns a range filter on the
//! sort dimension into a key condition, and leaves the other filters to a filter expression over
//! the entries read. Entries are rewritten by the products stream trigger whenever a product changes.

use crate::catalog::governorate::Governorate;
use crate::catalog::listing::{Filters, MIN_YEAR, MakeModel, Range, Sort};
use crate::catalog::product::{Condition, Product, ProductId, ProductStatus};
use crate::catalog::text::{fold, words};

pub const PARTITION_ALL: &str = "all";
/// A year that sorts after every real one in `year_desc` (entries of products without a vehicle).
const NO_YEAR: u16 = 0;
/// A mileage that sorts after every real one in `mileage_asc`.
const NO_MILEAGE: u64 = 9_999_999_999;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub partition: String,
    pub product_id: ProductId,
    pub by_price: String,
    pub by_year: String,
    pub by_mileage: String,
    pub category_id: String,
    /// Folded makes this product is listed under.
    pub makes: Vec<String>,
    /// Folded `make|model` pairs this product is listed under.
    pub models: Vec<String>,
    pub year: Option<u16>,
    pub price: u64,
    pub condition: Condition,
    pub governorate: Governorate,
    pub vendor_id: String,
    /// The product's searchable words, normalised, as ` word word ` (leading and trailing space),
    /// so "a word starts with w" is the substring test `contains(terms, " w")`.
    pub terms: String,
    /// The product version this entry was derived from.
    pub version: u64,
}

/// Search partitions hold word prefixes up to this length; longer query words are checked in full
/// against `terms`.
pub const SEARCH_PREFIX_CHARS: usize = 6;
/// Description words indexed per product, beyond the title, make and model.
const DESCRIPTION_WORDS: usize = 30;

/// The entries `product` is listed under; none unless it is active.
pub fn entries(product: &Product) -> Vec<Entry> {
    if product.status != ProductStatus::Active {
        return Vec::new();
    }
    let mut makes: Vec<String> = Vec::new();
    let mut models: Vec<String> = Vec::new();
    for (make, model) in product.makes_and_models() {
        push_unique(&mut makes, fold(make));
        push_unique(&mut models, model_key(&fold(make), &fold(model)));
    }
    let governorate = product.location.governorate;
    let mut partitions = vec![
        PARTITION_ALL.to_owned(),
        format!("category#{}", product.category_id),
        format!("category#{}#governorate#{}", product.category_id, governorate.slug()),
        format!("governorate#{}", governorate.slug()),
        format!("vendor#{}", product.vendor_id),
    ];
    partitions.extend(makes.iter().map(|make| format!("make#{make}")));
    partitions.extend(models.iter().map(|model| format!("model#{model}")));
    let (search_partitions, terms) = search_terms(product);
    partitions.extend(search_partitions);

    let year = product.vehicle.as_ref().map(|v| v.year);
    let mileage = product.vehicle.as_ref().map_or(NO_MILEAGE, |v| u64::from(v.mileage_km));
    let id = product.id;
    partitions
        .into_iter()
        .map(|partition| Entry {
            partition,
            product_id: id,
            by_price: format!("{:015}#{id}", product.price.amount),
            by_year: format!("{:04}#{id}", year.unwrap_or(NO_YEAR)),
            by_mileage: format!("{mileage:010}#{id}"),
            category_id: product.category_id.clone(),
            makes: makes.clone(),
            models: models.clone(),
            year,
            price: product.price.amount,
            condition: product.condition,
            governorate,
            vendor_id: product.vendor_id.clone(),
            terms: terms.clone(),
            version: product.version,
        })
        .collect()
}

/// The search partitions of a product and its `terms`. Words of the title, make and model are
/// found by any prefix of 2 or more letters; description words by the whole word or its first
/// six letters.
fn search_terms(product: &Product) -> (Vec<String>, String) {
    let mut identity: Vec<String> = words(&product.title);
    for (make, model) in product.makes_and_models() {
        identity.extend(words(make));
        identity.extend(words(model));
    }
    let description: Vec<String> = words(&product.description);
    let mut partitions: Vec<String> = Vec::new();
    let mut all: Vec<String> = Vec::new();
    for word in &identity {
        let chars: Vec<char> = word.chars().collect();
        for len in 2..=chars.len().min(SEARCH_PREFIX_CHARS) {
            push_unique(&mut partitions, format!("q#{}", chars[..len].iter().collect::<String>()));
        }
        push_unique(&mut all, word.clone());
    }
    for word in description.iter().filter(|w| w.chars().count() >= 2).take(DESCRIPTION_WORDS) {
        push_unique(&mut partitions, format!("q#{}", search_prefix(word)));
        push_unique(&mut all, word.clone());
    }
    (partitions, format!(" {} ", all.join(" ")))
}

/// The partition key part a search word is looked up under.
pub fn search_prefix(word: &str) -> String {
    word.chars().take(SEARCH_PREFIX_CHARS).collect()
}

fn push_unique(list: &mut Vec<String>, value: String) {
    if !list.contains(&value) {
        list.push(value);
    }
}

fn model_key(make: &str, model: &str) -> String {
    format!("{make}|{model}")
}

/// The order entries are read in: the table's own sort key (the product id) or one of the indexes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SortKey {
    ProductId,
    ByPrice,
    ByYear,
    ByMileage,
}

/// Filters not answered by the partition or the key condition, checked on each entry read.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Residual {
    pub category: Option<String>,
    pub make: Option<String>,
    /// A `make|model` key.
    pub model: Option<String>,
    pub year: Range<u16>,
    pub price: Range<u64>,
    pub condition: Option<Condition>,
    pub governorate: Option<Governorate>,
    pub vendor_id: Option<String>,
    /// Normalised search words, each of which must start a word of the product's `terms`.
    pub words: Vec<String>,
}

/// Two equal plans read the same entries in the same order, so they select the same matches.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Plan {
    pub partition: String,
    pub sort_key: SortKey,
    /// Ascending when true.
    pub forward: bool,
    /// Inclusive bounds on the sort key.
    pub key_range: Option<(String, String)>,
    pub residual: Residual,
}

impl Residual {
    /// Every filter (and search word), none yet answered by a partition or a key condition.
    fn of(filters: &Filters, words: &[String]) -> Self {
        Self {
            category: filters.category.clone(),
            make: filters.make_model.as_ref().map(|m| m.make.clone()),
            model: filters
                .make_model
                .as_ref()
                .and_then(|MakeModel { make, model }| model.as_ref().map(|model| model_key(make, model))),
            year: filters.year,
            price: filters.price,
            condition: filters.condition,
            governorate: filters.governorate,
            vendor_id: filters.vendor_id.clone(),
            words: words.to_vec(),
        }
    }
}

pub fn plan(filters: &Filters, sort: Sort) -> Plan {
    let mut residual = Residual::of(filters, &[]);
    let partition = choose_partition(&mut residual);
    finish_plan(partition, residual, sort)
}

/// A search: the partition of the longest query word (the most selective), every filter and
/// every other word checked on each entry read. The longest word is checked too when it is longer
/// than the partition's prefix; otherwise its partition holds exactly the products with a word
/// that starts with it. `words` are normalised and non-empty.
pub fn plan_search(filters: &Filters, sort: Sort, words: &[String]) -> Plan {
    let longest = words.iter().max_by_key(|w| w.chars().count()).expect("a search has words");
    let partition = format!("q#{}", search_prefix(longest));
    let answered = longest.chars().count() <= SEARCH_PREFIX_CHARS;
    let checked: Vec<String> = words.iter().filter(|w| !(answered && *w == longest)).cloned().collect();
    finish_plan(partition, Residual::of(filters, &checked), sort)
}

/// What the facets of a search count: its matches whatever the order asked for, read newest
/// first, so every sort of one search (and every page) has the same facets, and a count cut short
/// by its budget is a sample of the newest matches.
pub fn plan_search_facets(filters: &Filters, words: &[String]) -> Plan {
    plan_search(filters, Sort::Newest, words)
}

fn finish_plan(partition: String, mut residual: Residual, sort: Sort) -> Plan {
    let (sort_key, forward) = match sort {
        Sort::Newest => (SortKey::ProductId, false),
        Sort::PriceAsc => (SortKey::ByPrice, true),
        Sort::PriceDesc => (SortKey::ByPrice, false),
        Sort::YearDesc => (SortKey::ByYear, false),
        Sort::MileageAsc => (SortKey::ByMileage, true),
    };
    let key_range = match sort_key {
        SortKey::ByPrice if !residual.price.is_open() => {
            let Range { min, max } = std::mem::take(&mut residual.price);
            Some((format!("{:015}#", min.unwrap_or(0)), format!("{:015}#~", max.unwrap_or(u64::MAX / 10))))
        }
        SortKey::ByYear if !residual.year.is_open() => {
            let Range { min, max } = std::mem::take(&mut residual.year);
            Some((format!("{:04}#", min.unwrap_or(MIN_YEAR)), format!("{:04}#~", max.unwrap_or(9999))))
        }
        _ => None,
    };
    Plan { partition, sort_key, forward, key_range, residual }
}

/// The most selective partition the filters name; the filter it answers leaves the residual.
fn choose_partition(residual: &mut Residual) -> String {
    if let Some(vendor) = residual.vendor_id.take() {
        return format!("vendor#{vendor}");
    }
    if let Some(model) = residual.model.take() {
        residual.make = None;
        return format!("model#{model}");
    }
    if let Some(make) = residual.make.take() {
        return format!("make#{make}");
    }
    match (residual.category.take(), residual.governorate.take()) {
        (Some(c), Some(g)) => format!("category#{c}#governorate#{}", g.slug()),
        (Some(c), None) => format!("category#{c}"),
        (None, Some(g)) => format!("governorate#{}", g.slug()),
        (None, None) => PARTITION_ALL.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::product::{Compatibility, Location, Part, Vehicle};
    use crate::clock::Timestamp;
    use crate::money::Money;

    fn car() -> Product {
        Product {
            id: ProductId::new(),
            vendor_id: "01HV0000000000000000000000".into(),
            category_id: "cars".into(),
            title: "Toyota Corolla".into(),
            description: "".into(),
            price: Money::egp(95_000_000),
            condition: Condition::Used,
            stock: 1,
            status: ProductStatus::Active,
            images: vec![],
            thumbnails: vec![],
            location: Location { governorate: Governorate::Giza, city: "Dokki".into() },
            vehicle: Some(Vehicle::new("Toyota", "Corolla", 2019, 80_000)),
            part: None,
            created_at: Timestamp::now(),
            updated_at: Timestamp::now(),
            version: 1,
        }
    }

    #[test]
    fn an_active_car_is_listed_under_every_partition_a_buyer_may_ask_for() {
        let partitions: Vec<_> = entries(&car()).into_iter().map(|e| e.partition).collect();
        assert_eq!(
            partitions,
            [
                "all",
                "category#cars",
                "category#cars#governorate#giza",
                "governorate#giza",
                "vendor#01HV0000000000000000000000",
                "make#toyota",
                "model#toyota|corolla",
                "q#to",
                "q#toy",
                "q#toyo",
                "q#toyot",
                "q#toyota",
                "q#co",
                "q#cor",
                "q#coro",
                "q#corol",
                "q#coroll",
            ]
        );
        assert_eq!(entries(&car())[0].terms, " toyota corolla ");
    }

    #[test]
    fn inactive_products_are_not_listed() {
        for status in [ProductStatus::SoldOut, ProductStatus::Archived] {
            assert!(entries(&Product { status, ..car() }).is_empty());
        }
    }

    #[test]
    fn a_part_is_listed_under_each_make_it_fits_once() {
        let fits = |make: &str, model: &str| Compatibility {
            make: make.into(),
            model: model.into(),
            year_from: 2010,
            year_to: 2020,
        };
        let part = Product {
            category_id: "spare-parts".into(),
            vehicle: None,
            part: Some(Part {
                oem_number: None,
                compatible_with: vec![fits("Toyota", "Corolla"), fits("TOYOTA", "Yaris"), fits("Nissan", "Sunny")],
            }),
            ..car()
        };
        let entries = entries(&part);
        let makes: Vec<_> = entries.iter().filter(|e| e.partition.starts_with("make#")).collect();
        assert_eq!(makes.len(), 2);
        assert!(entries[0].by_year.starts_with("0000#"), "no year sorts last in year_desc");
        assert!(entries[0].by_mileage.starts_with("9999999999#"), "no mileage sorts last in mileage_asc");
    }

    #[test]
    fn sort_keys_order_as_numbers() {
        let cheap = entries(&Product { price: Money::egp(900), ..car() });
        let dear = entries(&Product { price: Money::egp(10_000), ..car() });
        assert!(cheap[0].by_price < dear[0].by_price);
    }

    #[test]
    fn plan_prefers_the_most_selective_partition_and_keeps_the_rest_as_filters() {
        let filters = Filters {
            category: Some("cars".into()),
            make_model: Some(MakeModel { make: "toyota".into(), model: Some("corolla".into()) }),
            governorate: Some(Governorate::Cairo),
            price: Range { min: Some(10), max: Some(20) },
            ..Filters::default()
        };
        let plan = plan(&filters, Sort::PriceDesc);
        assert_eq!(plan.partition, "model#toyota|corolla");
        assert_eq!(plan.sort_key, SortKey::ByPrice);
        assert!(!plan.forward);
        assert_eq!(plan.key_range, Some(("000000000000010#".into(), "000000000000020#~".into())));
        assert_eq!(plan.residual.category.as_deref(), Some("cars"));
        assert_eq!(plan.residual.governorate, Some(Governorate::Cairo));
        assert!(plan.residual.make.is_none() && plan.residual.model.is_none() && plan.residual.price.is_open());
    }

    #[test]
    fn the_facets_of_a_search_are_planned_alike_whatever_its_order() {
        let filters = Filters { price: Range { min: Some(10), max: Some(20) }, ..Filters::default() };
        let words = ["toyota".to_owned()];
        let facets = plan_search_facets(&filters, &words);
        assert_eq!(facets, plan_search(&filters, Sort::Newest, &words));
        assert_eq!(facets.residual.price, filters.price, "a price range stays a filter, as no order uses it");
        assert!(!facets.forward, "newest first");
        assert_ne!(facets, plan_search_facets(&Filters::default(), &words));
    }

    #[test]
    fn a_search_checks_only_the_words_its_partition_does_not_answer() {
        let words = |list: &[&str]| list.iter().map(|w| (*w).to_owned()).collect::<Vec<_>>();
        let one = plan_search(&Filters::default(), Sort::Newest, &words(&["تويوتا"]));
        assert_eq!((one.partition.as_str(), one.residual.words.len()), ("q#تويوتا", 0));
        let two = plan_search(&Filters::default(), Sort::Newest, &words(&["toyo", "corolla"]));
        assert_eq!(two.partition, "q#coroll");
        assert_eq!(two.residual.words, words(&["toyo", "corolla"]), "corolla is longer than its partition's prefix");
        // Of words equally long, the last is the partition's (`max_by_key` keeps the last).
        let short = plan_search(&Filters::default(), Sort::Newest, &words(&["rio", "kia"]));
        assert_eq!((short.partition.as_str(), short.residual.words.clone()), ("q#kia", words(&["rio"])));
    }

    #[test]
    fn a_year_bound_excludes_products_without_a_year_from_year_order() {
        let filters = Filters { year: Range { min: None, max: Some(2015) }, ..Filters::default() };
        let plan = plan(&filters, Sort::YearDesc);
        assert_eq!(plan.key_range, Some(("1900#".into(), "2015#~".into())));
        assert_eq!(plan.partition, "all");
    }
}
