//! The product listings table: the entries of [`crate::catalog::listing_index`], keyed by
//! `pk` (the partition) and `productId`, with one GSI per sort order (`ByPrice`, `ByYear`,
//! `ByMileage`).
//!
//! A page read is bounded: at most [`MAX_EVALUATED_PER_PAGE`] entries are evaluated, in Queries of
//! at most [`MAX_QUERY_LIMIT`]. When filters are sparse the budget can run out before the page is
//! full; the page is then short and `next` continues where the reading stopped.

use std::collections::{BTreeMap, HashMap};

use aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder;
use aws_sdk_dynamodb::types::{AttributeValue, DeleteRequest, PutRequest, WriteRequest};
use serde::Serialize;

use crate::catalog::governorate::Governorate;
use crate::catalog::listing::Range;
use crate::catalog::listing_index::{self, Entry, Plan, Residual, SortKey};
use crate::catalog::product::{Condition, Product, ProductId};
use crate::error::ApiError;

pub const MAX_EVALUATED_PER_PAGE: i32 = 1000;
pub const MAX_QUERY_LIMIT: i32 = 400;
const BATCH_WRITE_MAX: usize = 25;
const BATCH_WRITE_ATTEMPTS: u32 = 6;

/// Where the next page starts: the key attributes of the last entry read.
pub type Position = BTreeMap<String, String>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListingPage {
    pub product_ids: Vec<ProductId>,
    pub next: Option<Position>,
    /// How many entries DynamoDB evaluated for this page (what the page cost).
    pub evaluated: i32,
}

#[derive(Clone, Debug)]
pub struct ListingRepo {
    client: aws_sdk_dynamodb::Client,
    table: String,
}

impl SortKey {
    fn attribute(self) -> &'static str {
        match self {
            Self::ProductId => "productId",
            Self::ByPrice => "byPrice",
            Self::ByYear => "byYear",
            Self::ByMileage => "byMileage",
        }
    }

    fn index(self) -> Option<&'static str> {
        match self {
            Self::ProductId => None,
            Self::ByPrice => Some("ByPrice"),
            Self::ByYear => Some("ByYear"),
            Self::ByMileage => Some("ByMileage"),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct EntryItem<'a> {
    pk: &'a str,
    product_id: ProductId,
    by_price: &'a str,
    by_year: &'a str,
    by_mileage: &'a str,
    category_id: &'a str,
    makes: &'a [String],
    models: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    year: Option<u16>,
    price: u64,
    condition: Condition,
    governorate: Governorate,
    vendor_id: &'a str,
    terms: &'a str,
    version: u64,
}

impl<'a> From<&'a Entry> for EntryItem<'a> {
    fn from(e: &'a Entry) -> Self {
        Self {
            pk: &e.partition,
            product_id: e.product_id,
            by_price: &e.by_price,
            by_year: &e.by_year,
            by_mileage: &e.by_mileage,
            category_id: &e.category_id,
            makes: &e.makes,
            models: &e.models,
            year: e.year,
            price: e.price,
            condition: e.condition,
            governorate: e.governorate,
            vendor_id: &e.vendor_id,
            terms: &e.terms,
            version: e.version,
        }
    }
}

/// A filter expression under construction: placeholders for every name (several are reserved
/// words) and value.
#[derive(Default)]
struct Expression {
    clauses: Vec<String>,
    names: HashMap<String, String>,
    values: HashMap<String, AttributeValue>,
}

impl Expression {
    fn name(&mut self, attribute: &str) -> String {
        let placeholder = format!("#{attribute}");
        self.names.insert(placeholder.clone(), attribute.to_owned());
        placeholder
    }

    fn value(&mut self, label: &str, value: AttributeValue) -> String {
        let placeholder = format!(":{label}");
        self.values.insert(placeholder.clone(), value);
        placeholder
    }

    fn equals(&mut self, attribute: &str, value: AttributeValue) {
        let (n, v) = (self.name(attribute), self.value(attribute, value));
        self.clauses.push(format!("{n} = {v}"));
    }

    fn contains(&mut self, attribute: &str, value: &str) {
        let (n, v) = (self.name(attribute), self.value(attribute, AttributeValue::S(value.to_owned())));
        self.clauses.push(format!("contains({n}, {v})"));
    }

    fn within<T: ToString + Copy>(&mut self, attribute: &str, range: Range<T>) {
        if range.min.is_none() && range.max.is_none() {
            return;
        }
        let n = self.name(attribute);
        let num = |v: T| AttributeValue::N(v.to_string());
        match (range.min, range.max) {
            (Some(lo), Some(hi)) => {
                let (lo, hi) =
                    (self.value(&format!("{attribute}Min"), num(lo)), self.value(&format!("{attribute}Max"), num(hi)));
                self.clauses.push(format!("{n} BETWEEN {lo} AND {hi}"));
            }
            (Some(lo), None) => {
                let lo = self.value(&format!("{attribute}Min"), num(lo));
                self.clauses.push(format!("{n} >= {lo}"));
            }
            (None, Some(hi)) => {
                let hi = self.value(&format!("{attribute}Max"), num(hi));
                self.clauses.push(format!("{n} <= {hi}"));
            }
            (None, None) => unreachable!("open ranges return early"),
        }
    }

    fn residual(residual: &Residual) -> Self {
        let mut e = Self::default();
        let s = |v: &str| AttributeValue::S(v.to_owned());
        if let Some(category) = &residual.category {
            e.equals("categoryId", s(category));
        }
        if let Some(make) = &residual.make {
            e.contains("makes", make);
        }
        if let Some(model) = &residual.model {
            e.contains("models", model);
        }
        e.within("year", residual.year);
        e.within("price", residual.price);
        if let Some(condition) = residual.condition {
            e.equals("condition", s(condition.as_str()));
        }
        if let Some(governorate) = residual.governorate {
            e.equals("governorate", s(governorate.slug()));
        }
        if let Some(vendor) = &residual.vendor_id {
            e.equals("vendorId", s(vendor));
        }
        for (i, word) in residual.words.iter().enumerate() {
            let n = e.name("terms");
            let v = e.value(&format!("word{i}"), s(&format!(" {word}")));
            e.clauses.push(format!("contains({n}, {v})"));
        }
        e
    }
}

/// The key condition, filter and placeholders of the Query that reads `plan`'s entries.
struct PreparedQuery {
    key_condition: String,
    filter: Option<String>,
    expression: Expression,
    key_names: Vec<&'static str>,
}

impl PreparedQuery {
    /// The Query over `table` for `plan`'s index, key condition and filter.
    fn query(&self, client: &aws_sdk_dynamodb::Client, table: &str, plan: &Plan) -> QueryFluentBuilder {
        client
            .query()
            .table_name(table)
            .set_index_name(plan.sort_key.index().map(str::to_owned))
            .key_condition_expression(&self.key_condition)
            .set_filter_expression(self.filter.clone())
            .set_expression_attribute_names(Some(self.expression.names.clone()))
            .set_expression_attribute_values(Some(self.expression.values.clone()))
    }

    fn of(plan: &Plan) -> Self {
        let mut expression = Expression::residual(&plan.residual);
        let mut key_condition = "#pk = :pk".to_owned();
        expression.names.insert("#pk".into(), "pk".into());
        expression.values.insert(":pk".into(), AttributeValue::S(plan.partition.clone()));
        let sort_attribute = plan.sort_key.attribute();
        if let Some((lo, hi)) = &plan.key_range {
            let n = expression.name(sort_attribute);
            expression.values.insert(":lo".into(), AttributeValue::S(lo.clone()));
            expression.values.insert(":hi".into(), AttributeValue::S(hi.clone()));
            key_condition.push_str(&format!(" AND {n} BETWEEN :lo AND :hi"));
        }
        let filter = (!expression.clauses.is_empty()).then(|| expression.clauses.join(" AND "));
        let key_names = match plan.sort_key {
            SortKey::ProductId => vec!["pk", "productId"],
            other => vec!["pk", "productId", other.attribute()],
        };
        Self { key_condition, filter, expression, key_names }
    }
}

/// How many matches there are per make, condition and governorate.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Facets {
    pub make: BTreeMap<String, u64>,
    pub condition: BTreeMap<String, u64>,
    pub governorate: BTreeMap<String, u64>,
}

/// Facets count at most this many entries; past it they are a sample and say so.
pub const MAX_FACET_ENTRIES: i32 = 2000;

fn strings(item: &HashMap<String, AttributeValue>, names: &[&str]) -> Option<Position> {
    names.iter().map(|name| item.get(*name)?.as_s().ok().map(|v| ((*name).to_owned(), v.clone()))).collect()
}

impl ListingRepo {
    pub fn new(client: aws_sdk_dynamodb::Client, table: String) -> Self {
        Self { client, table }
    }

    /// Up to `limit` product ids matching `plan`, in its order, starting after `start`.
    pub async fn page(&self, plan: &Plan, limit: usize, start: Option<Position>) -> Result<ListingPage, ApiError> {
        let prepared = PreparedQuery::of(plan);
        let key_names = &prepared.key_names;
        let mut product_ids = Vec::with_capacity(limit);
        let mut evaluated = 0;
        let mut start = start.map(|p| p.into_iter().map(|(k, v)| (k, AttributeValue::S(v))).collect::<HashMap<_, _>>());
        let chunk = (limit as i32 * 4).clamp(50, MAX_QUERY_LIMIT);
        loop {
            let budget = MAX_EVALUATED_PER_PAGE - evaluated;
            let out = prepared
                .query(&self.client, &self.table, plan)
                .scan_index_forward(plan.forward)
                .limit(chunk.min(budget))
                .set_exclusive_start_key(start.take())
                .send()
                .await?;
            evaluated += out.scanned_count;
            let items = out.items.unwrap_or_default();
            let count = items.len();
            for (index, item) in items.into_iter().enumerate() {
                let id = item
                    .get("productId")
                    .and_then(|v| v.as_s().ok())
                    .and_then(|v| v.parse().ok())
                    .ok_or_else(|| ApiError::internal("listing entry without a product id"))?;
                product_ids.push(id);
                if product_ids.len() == limit {
                    // Resume right after this entry. When it is the last one returned, DynamoDB's
                    // own position may be further on (past entries the filter dropped) or absent
                    // (nothing left to read).
                    let next = if index + 1 == count {
                        out.last_evaluated_key.as_ref().and_then(|last| strings(last, key_names))
                    } else {
                        strings(&item, key_names)
                    };
                    return Ok(ListingPage { product_ids, next, evaluated });
                }
            }
            match out.last_evaluated_key {
                None => return Ok(ListingPage { product_ids, next: None, evaluated }),
                Some(last) if evaluated >= MAX_EVALUATED_PER_PAGE => {
                    return Ok(ListingPage { product_ids, next: strings(&last, key_names), evaluated });
                }
                Some(last) => start = Some(last),
            }
        }
    }

    /// Counts the matches of `plan` by make, condition and governorate, reading at most
    /// [`MAX_FACET_ENTRIES`] entries; the flag says whether every match was counted.
    pub async fn facets(&self, plan: &Plan) -> Result<(Facets, bool), ApiError> {
        let prepared = PreparedQuery::of(plan);
        let mut facets = Facets::default();
        let mut evaluated = 0;
        let mut start = None;
        loop {
            let out = prepared
                .query(&self.client, &self.table, plan)
                .limit(MAX_QUERY_LIMIT.min(MAX_FACET_ENTRIES - evaluated))
                .set_exclusive_start_key(start)
                .send()
                .await?;
            evaluated += out.scanned_count;
            for item in out.items.unwrap_or_default() {
                let text = |name: &str| item.get(name).and_then(|v| v.as_s().ok()).cloned();
                for make in item.get("makes").and_then(|v| v.as_l().ok()).into_iter().flatten() {
                    if let Ok(make) = make.as_s() {
                        *facets.make.entry(make.clone()).or_default() += 1;
                    }
                }
                if let Some(condition) = text("condition") {
                    *facets.condition.entry(condition).or_default() += 1;
                }
                if let Some(governorate) = text("governorate") {
                    *facets.governorate.entry(governorate).or_default() += 1;
                }
            }
            match out.last_evaluated_key {
                None => return Ok((facets, true)),
                Some(_) if evaluated >= MAX_FACET_ENTRIES => return Ok((facets, false)),
                Some(last) => start = Some(last),
            }
        }
    }

    /// The item of an entry as stored (for bulk loaders that write entries themselves).
    pub fn entry_item(entry: &Entry) -> Result<HashMap<String, AttributeValue>, ApiError> {
        Ok(serde_dynamo::to_item(EntryItem::from(entry))?)
    }

    /// Makes the entries of product `id` what its current state calls for (`None`: it is gone):
    /// writes the entries it should have and deletes the ones it should not. Working from the
    /// product's state rather than from a change record, it gives the same result however often,
    /// and in whatever order, the changes are seen.
    pub async fn reconcile(&self, id: ProductId, current: Option<&Product>) -> Result<(), ApiError> {
        let wanted = current.map(listing_index::entries).unwrap_or_default();
        let existing = self.entries_of(id).await?;
        let mut writes = Vec::with_capacity(wanted.len() + existing.len());
        for entry in &wanted {
            if existing.iter().any(|(pk, version)| *pk == entry.partition && *version == Some(entry.version)) {
                continue;
            }
            let item = serde_dynamo::to_item(EntryItem::from(entry))?;
            let put = PutRequest::builder().set_item(Some(item)).build().map_err(ApiError::internal)?;
            writes.push(WriteRequest::builder().put_request(put).build());
        }
        for (pk, _) in existing.iter().filter(|(pk, _)| !wanted.iter().any(|w| &w.partition == pk)) {
            let key = HashMap::from([
                ("pk".to_owned(), AttributeValue::S(pk.clone())),
                ("productId".to_owned(), AttributeValue::S(id.to_string())),
            ]);
            let delete = DeleteRequest::builder().set_key(Some(key)).build().map_err(ApiError::internal)?;
            writes.push(WriteRequest::builder().delete_request(delete).build());
        }
        for chunk in writes.chunks(BATCH_WRITE_MAX) {
            self.batch_write(chunk.to_vec()).await?;
        }
        Ok(())
    }

    /// The partitions product `id` has entries in, with the product version each was written from
    /// (the `ByProduct` index).
    async fn entries_of(&self, id: ProductId) -> Result<Vec<(String, Option<u64>)>, ApiError> {
        let mut entries = Vec::new();
        let mut start = None;
        loop {
            let out = self
                .client
                .query()
                .table_name(&self.table)
                .index_name("ByProduct")
                .key_condition_expression("productId = :id")
                .expression_attribute_values(":id", AttributeValue::S(id.to_string()))
                .set_exclusive_start_key(start)
                .send()
                .await?;
            for item in out.items.unwrap_or_default() {
                let Some(pk) = item.get("pk").and_then(|v| v.as_s().ok()) else { continue };
                let version = item.get("version").and_then(|v| v.as_n().ok()).and_then(|n| n.parse().ok());
                entries.push((pk.clone(), version));
            }
            start = out.last_evaluated_key;
            if start.is_none() {
                return Ok(entries);
            }
        }
    }

    async fn batch_write(&self, mut pending: Vec<WriteRequest>) -> Result<(), ApiError> {
        for attempt in 1..=BATCH_WRITE_ATTEMPTS {
            let out = self.client.batch_write_item().request_items(&self.table, pending).send().await?;
            pending = out.unprocessed_items.and_then(|mut u| u.remove(&self.table)).unwrap_or_default();
            if pending.is_empty() {
                return Ok(());
            }
            tokio::time::sleep(std::time::Duration::from_millis(25 << attempt)).await;
        }
        Err(ApiError::Unavailable { retry_after_secs: 1 })
    }
}
