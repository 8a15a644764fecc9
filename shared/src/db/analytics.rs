//! The analytics table: counters, the markers of the facts counted into them, and requests to
//! recompute.
//!
//! - Day counters: `pk = days#<scope>`, `sk = <date>`; product counters: `pk = products#<scope>`,
//!   `sk = <date>#<productId>` (with `title`). So a range of days of one scope is one Query.
//!   Each figure is a number attribute; `version` counts the changes.
//! - Fact markers: `pk = facts#<date>`, `sk = <fact key>`, with the fact's stage, the counters it
//!   adds to and what it adds. A marker and the counters it adds to change in one transaction,
//!   conditional on the marker as read: a fact counts once, and the counters of a day always equal
//!   the sum of its markers (which is how [`AnalyticsRepo::set_counter`] repairs them).
//! - Refresh requests: `pk = refresh`, `sk = <id>`; inserting one fires `updateAnalytics`.

use std::collections::{BTreeMap, HashMap};

use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem, Update};

use crate::analytics::report::{ProductDay, Report};
use crate::analytics::{Counter, Counts, DayRange, Fact, Scope, Stage};
use crate::calendar::CairoDate;
use crate::clock::Timestamp;
use crate::config::ConfigError;
use crate::db::Database;
use crate::db::attributes::{Item, get_n, get_s, n, s};
use crate::db::read::query_all;
use crate::db::transaction;
use crate::error::ApiError;
use crate::ids::ProductId;
use crate::tables::Table;

#[derive(Clone, Debug)]
pub struct AnalyticsRepo {
    client: aws_sdk_dynamodb::Client,
    table: String,
}

/// A fact as counted so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marker {
    pub stage: Stage,
    pub counters: Vec<Counter>,
    pub counts: Counts,
    /// The product's title, for a product fact.
    pub title: Option<String>,
}

/// A counter as stored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stored {
    pub counts: Counts,
    pub version: u64,
    pub title: Option<String>,
}

/// What became of an attempt to count a fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counted {
    Done,
    /// The marker changed since it was read: read it again.
    Raced,
}

/// Attributes of a counter item that are not figures.
const NOT_FIGURES: &[&str] = &["pk", "sk", "version", "title", "productId"];

impl AnalyticsRepo {
    pub fn new(db: &Database) -> Result<Self, ConfigError> {
        Ok(Self { client: db.client(), table: db.table(Table::Analytics)? })
    }

    /// The marker of the fact `key` of `day`, read consistently.
    pub async fn marker(&self, day: CairoDate, key: &str) -> Result<Option<Marker>, ApiError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(facts_pk(day)))
            .key("sk", s(key))
            .consistent_read(true)
            .send()
            .await?;
        Ok(out.item.as_ref().and_then(marker))
    }

    /// Every marker of `day`, by fact key, read consistently.
    pub async fn markers(&self, day: CairoDate) -> Result<BTreeMap<String, Marker>, ApiError> {
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(":pk", s(facts_pk(day)))
            .consistent_read(true);
        let items = query_all(query).await?;
        Ok(items.iter().filter_map(|item| Some((get_s(item, "sk")?, marker(item)?))).collect())
    }

    /// Moves `fact` from `before` (its marker as read) to where it stands now: the marker and every
    /// counter it adds to, in one transaction that holds only if the marker is still as read.
    pub async fn count(&self, fact: &Fact, before: Option<&Marker>) -> Result<Counted, ApiError> {
        let delta = fact.counts.minus(before.map_or(&Counts::default(), |m| &m.counts));
        let mut marker = HashMap::from([
            ("pk".to_owned(), s(facts_pk(fact.day))),
            ("sk".to_owned(), s(&fact.key)),
            ("stage".to_owned(), n(fact.stage.number())),
            ("counters".to_owned(), AttributeValue::L(fact.counters.iter().map(|c| s(counter_name(*c))).collect())),
        ]);
        // No empty map: a fact that adds nothing (a product of an order cancelled before it was
        // counted) has no `counts`.
        if !fact.counts.is_zero() {
            marker.insert("counts".to_owned(), AttributeValue::M(figures(&fact.counts)));
        }
        if let Some(title) = &fact.title {
            marker.insert("title".to_owned(), s(title));
        }
        let put = Put::builder().table_name(&self.table).set_item(Some(marker));
        let put = match before {
            None => put.condition_expression("attribute_not_exists(pk)"),
            Some(read) => {
                put.condition_expression("stage = :stage").expression_attribute_values(":stage", n(read.stage.number()))
            }
        };
        let mut items = vec![TransactWriteItem::builder().put(put.build().map_err(ApiError::internal)?).build()];
        if !delta.is_zero() {
            for counter in &fact.counters {
                items.push(self.add(fact.day, *counter, &delta, fact.title.as_deref())?);
            }
        }
        match transaction::write(&self.client, items).await {
            Ok(()) => Ok(Counted::Done),
            Err(e) if e.failed_at(0) => Ok(Counted::Raced),
            Err(e) => Err(e.into()),
        }
    }

    fn add(
        &self,
        day: CairoDate,
        counter: Counter,
        delta: &Counts,
        title: Option<&str>,
    ) -> Result<TransactWriteItem, ApiError> {
        let (pk, sk) = counter_key(day, counter);
        let mut adds = vec!["version :one".to_owned()];
        let mut update = Update::builder().table_name(&self.table).key("pk", s(pk)).key("sk", s(sk));
        for (i, (name, value)) in delta.iter().enumerate() {
            adds.push(format!("#f{i} :f{i}"));
            update = update
                .expression_attribute_names(format!("#f{i}"), name)
                .expression_attribute_values(format!(":f{i}"), n(value));
        }
        let mut expression = format!("ADD {}", adds.join(", "));
        if let (Counter::Product(_, product), Some(title)) = (counter, title) {
            expression.push_str(" SET title = :title, productId = :product");
            update = update
                .expression_attribute_values(":title", s(title))
                .expression_attribute_values(":product", s(product));
        }
        let update = update
            .update_expression(expression)
            .expression_attribute_values(":one", n(1))
            .build()
            .map_err(ApiError::internal)?;
        Ok(TransactWriteItem::builder().update(update).build())
    }

    /// The counters of `day` for `scopes`: each scope's day and every product counter of that day,
    /// read consistently.
    pub async fn counters(&self, day: CairoDate, scopes: &[Scope]) -> Result<BTreeMap<Counter, Stored>, ApiError> {
        let mut counters = BTreeMap::new();
        for scope in scopes {
            let out = self
                .client
                .get_item()
                .table_name(&self.table)
                .key("pk", s(format!("days#{scope}")))
                .key("sk", s(day))
                .consistent_read(true)
                .send()
                .await?;
            if let Some(item) = out.item {
                counters.insert(Counter::Day(*scope), stored(&item));
            }
            let query = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("pk = :pk AND begins_with(sk, :day)")
                .expression_attribute_values(":pk", s(format!("products#{scope}")))
                .expression_attribute_values(":day", s(format!("{day}#")))
                .consistent_read(true);
            for item in query_all(query).await? {
                if let Some(product) = get_s::<String>(&item, "sk").and_then(|sk| sk.rsplit('#').next()?.parse().ok()) {
                    counters.insert(Counter::Product(*scope, product), stored(&item));
                }
            }
        }
        Ok(counters)
    }

    /// Sets a counter of `day` to `counts`, if it is still at the version read (`None`: it was
    /// not there). `Ok(false)`: it changed meanwhile.
    pub async fn set_counter(
        &self,
        day: CairoDate,
        counter: Counter,
        counts: &Counts,
        title: Option<&str>,
        read: Option<u64>,
    ) -> Result<bool, ApiError> {
        let (pk, sk) = counter_key(day, counter);
        let mut item = figures(counts);
        item.insert("pk".to_owned(), s(pk));
        item.insert("sk".to_owned(), s(sk));
        item.insert("version".to_owned(), n(read.unwrap_or(0) + 1));
        if let (Counter::Product(_, product), Some(title)) = (counter, title) {
            item.insert("title".to_owned(), s(title));
            item.insert("productId".to_owned(), s(product));
        }
        let put = self.client.put_item().table_name(&self.table).set_item(Some(item));
        let put = match read {
            None => put.condition_expression("attribute_not_exists(pk)"),
            Some(version) => {
                put.condition_expression("version = :read").expression_attribute_values(":read", n(version))
            }
        };
        match put.send().await {
            Ok(_) => Ok(true),
            Err(e) if e.as_service_error().is_some_and(|e| e.is_conditional_check_failed_exception()) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    /// The day counters of `scope` over `range`; days without any are absent.
    pub async fn days(&self, scope: Scope, range: DayRange) -> Result<BTreeMap<CairoDate, Counts>, ApiError> {
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk AND sk BETWEEN :from AND :to")
            .expression_attribute_values(":pk", s(format!("days#{scope}")))
            .expression_attribute_values(":from", s(range.from()))
            .expression_attribute_values(":to", s(range.to()));
        let items = query_all(query).await?;
        Ok(items.iter().filter_map(|item| Some((get_s(item, "sk")?, stored(item).counts))).collect())
    }

    /// Every product counter of `scope` over `range`. A year holds tens of thousands, so the range
    /// is read as stretches of a month at a time, side by side: the same items, read in about the
    /// time of one month's.
    pub async fn product_days(&self, scope: Scope, range: DayRange) -> Result<Vec<ProductDay>, ApiError> {
        let stretches = range.stretches(PRODUCT_READ_DAYS).map(|stretch| {
            let query = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("pk = :pk AND sk BETWEEN :from AND :to")
                .expression_attribute_values(":pk", s(format!("products#{scope}")))
                .expression_attribute_values(":from", s(format!("{}#", stretch.from())))
                // `~` sorts after every character of an id.
                .expression_attribute_values(":to", s(format!("{}#~", stretch.to())));
            query_all(query)
        });
        let items = futures::future::try_join_all(stretches).await?;
        Ok(items
            .iter()
            .flatten()
            .filter_map(|item| {
                let stored = stored(item);
                Some(ProductDay { product: get_s(item, "productId")?, title: stored.title?, counts: stored.counts })
            })
            .collect())
    }

    /// The report of `scope` over `range`: the days in one Query, the products in a Query per month.
    pub async fn report(&self, scope: Scope, range: DayRange) -> Result<Report, ApiError> {
        let (days, products) = futures::try_join!(self.days(scope, range), self.product_days(scope, range))?;
        Ok(Report::build(range, &days, products))
    }

    /// Records a request to recompute `range`; its insertion fires `updateAnalytics`. (The
    /// hourly schedule puts its own requests, naming no range: the recent days.)
    pub async fn request_refresh(&self, id: &str, range: DayRange, by: &str, at: Timestamp) -> Result<(), ApiError> {
        self.client
            .put_item()
            .table_name(&self.table)
            .item("pk", s("refresh"))
            .item("sk", s(id))
            .item("from", s(range.from()))
            .item("to", s(range.to()))
            .item("requestedBy", s(by))
            .item("requestedAt", s(at))
            .item("expiresAt", n(at.unix_seconds() + REFRESH_KEPT_SECONDS))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await?;
        Ok(())
    }

    /// Notes that the refresh `id` is done, and lets TTL remove it later.
    pub async fn finish_refresh(&self, id: &str, range: DayRange, at: Timestamp) -> Result<(), ApiError> {
        self.client
            .update_item()
            .table_name(&self.table)
            .key("pk", s("refresh"))
            .key("sk", s(id))
            .update_expression("SET finishedAt = :at, recomputedFrom = :from, recomputedTo = :to, expiresAt = :expires")
            .expression_attribute_values(":at", s(at))
            .expression_attribute_values(":from", s(range.from()))
            .expression_attribute_values(":to", s(range.to()))
            .expression_attribute_values(":expires", n(at.unix_seconds() + REFRESH_KEPT_SECONDS))
            .send()
            .await?;
        Ok(())
    }
}

/// The days of product counters one Query reads; a year's are read in 12 Queries at once.
const PRODUCT_READ_DAYS: u32 = 31;

/// How long a refresh request is kept after it was made or done: a week.
const REFRESH_KEPT_SECONDS: i64 = 7 * 24 * 3600;

fn facts_pk(day: CairoDate) -> String {
    format!("facts#{day}")
}

fn counter_key(day: CairoDate, counter: Counter) -> (String, String) {
    match counter {
        Counter::Day(scope) => (format!("days#{scope}"), day.to_string()),
        Counter::Product(scope, product) => (format!("products#{scope}"), format!("{day}#{product}")),
    }
}

/// A counter as a marker names it: `day|<scope>` or `product|<scope>|<productId>`.
fn counter_name(counter: Counter) -> String {
    match counter {
        Counter::Day(scope) => format!("day|{scope}"),
        Counter::Product(scope, product) => format!("product|{scope}|{product}"),
    }
}

fn parse_counter(name: &str) -> Option<Counter> {
    let mut parts = name.split('|');
    let counter = match (parts.next()?, parts.next()?.parse().ok()?, parts.next()) {
        ("day", scope, None) => Counter::Day(scope),
        ("product", scope, Some(product)) => Counter::Product(scope, product.parse::<ProductId>().ok()?),
        _ => return None,
    };
    parts.next().is_none().then_some(counter)
}

fn figures(counts: &Counts) -> Item {
    counts.iter().map(|(name, value)| (name.to_owned(), n(value))).collect()
}

fn marker(item: &Item) -> Option<Marker> {
    let stage = Stage::from_number(get_n(item, "stage")?)?;
    let counters =
        item.get("counters")?.as_l().ok()?.iter().map(|c| parse_counter(c.as_s().ok()?)).collect::<Option<_>>()?;
    let counts = match item.get("counts") {
        None => Counts::default(),
        Some(counts) => counts
            .as_m()
            .ok()?
            .iter()
            .map(|(k, v)| Some((k.clone(), v.as_n().ok()?.parse().ok()?)))
            .collect::<Option<_>>()?,
    };
    Some(Marker { stage, counters, counts, title: get_s(item, "title") })
}

fn stored(item: &Item) -> Stored {
    Stored {
        counts: item
            .iter()
            .filter(|(name, _)| !NOT_FIGURES.contains(&name.as_str()))
            .filter_map(|(name, value)| Some((name.clone(), value.as_n().ok()?.parse().ok()?)))
            .collect(),
        version: get_n(item, "version").unwrap_or(0),
        title: get_s(item, "title"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::UserId;

    #[test]
    fn counter_names_read_back_as_the_counters_they_name() {
        let vendor = Scope::Vendor(UserId::new());
        let product = ProductId::new();
        for counter in [Counter::Day(Scope::Marketplace), Counter::Day(vendor), Counter::Product(vendor, product)] {
            assert_eq!(parse_counter(&counter_name(counter)), Some(counter));
        }
        assert_eq!(parse_counter("day|all|extra"), None);
    }
}
