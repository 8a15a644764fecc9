//! The product listings table: the entries of [`crate::catalog::listing_index`], keyed by
//! `pk` (the partition) and `productId`, with one GSI per sort order (`ByPrice`, `ByYear`,
//! `ByMileage`), and one [watermark](watermark) item per product.
//!
//! - [`expression`]: the Query a plan becomes.
//! - [`reads`]: pages and facet counts, bounded: at most [`MAX_EVALUATED_PER_PAGE`] entries are
//!   evaluated for a page and [`MAX_FACET_ENTRIES`] for a count, in Queries of at most
//!   [`MAX_QUERY_LIMIT`]. When filters are sparse the budget can
//!   run out before the page is full; the page is then short and `next` continues where the
//!   reading stopped.
//! - [`sync`]: keeping a product's entries in step with the product, never going backwards.

mod expression;
mod reads;
mod sync;
mod watermark;

use std::collections::BTreeMap;

use crate::catalog::product::ProductId;
use crate::config::ConfigError;
use crate::db::Database;
use crate::tables::Table;

pub use crate::db::index_page::Position;

pub const MAX_EVALUATED_PER_PAGE: i32 = 1000;
pub const MAX_QUERY_LIMIT: i32 = 400;
/// Facets count at most this many entries; past it they are a sample and say so.
pub const MAX_FACET_ENTRIES: i32 = 2000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListingPage {
    pub product_ids: Vec<ProductId>,
    pub next: Option<Position>,
    /// How many entries DynamoDB evaluated for this page (what the page cost).
    pub evaluated: i32,
}

/// How many matches there are per make, condition and governorate.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Facets {
    pub make: BTreeMap<String, u64>,
    pub condition: BTreeMap<String, u64>,
    pub governorate: BTreeMap<String, u64>,
}

/// Facets as counted from the index, with what the count covered and cost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacetCount {
    pub facets: Facets,
    /// False when the budget ran out before the last match: the facets are then those of the
    /// entries read.
    pub complete: bool,
    /// How many entries DynamoDB evaluated for the count.
    pub evaluated: i32,
}

#[derive(Clone, Debug)]
pub struct ListingRepo {
    client: aws_sdk_dynamodb::Client,
    reads: crate::db::direct::reads::DirectReads,
    table: String,
}

impl ListingRepo {
    pub fn new(db: &Database) -> Result<Self, ConfigError> {
        Ok(Self { client: db.client(), reads: db.direct_reads(), table: db.table(Table::ProductListings)? })
    }
}
