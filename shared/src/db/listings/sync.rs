//! Writing a product's entries: what its current state calls for, and nothing else — and never
//! what an older state called for.
//!
//! Two stream consumers rebuild a product's entries, concurrently and in any order, each from the
//! product as it read it. Every entry carries the product version it was written from, and each
//! rebuild first claims its version on the product's [watermark](super::watermark): a rebuild of
//! an older version than one already claimed does nothing. Entries are then written and removed
//! one by one, each on condition that the entry is not newer, so nothing goes backwards. Last, a
//! rebuild that a newer one overtook while it was writing removes what it wrote that the newer
//! one does not want (the newer one may have removed those entries before they were written).

use futures::StreamExt;
use futures::future::BoxFuture;
use serde::Serialize;

use crate::catalog::governorate::Governorate;
use crate::catalog::listing_index::{self, Entry};
use crate::catalog::product::{Condition, Product, ProductId};
use crate::db::attributes::{Item, n, s};
use crate::db::error::applied;
use crate::db::listings::ListingRepo;
use crate::error::ApiError;

/// Entry writes in flight at once for one product.
const CONCURRENT_WRITES: usize = 16;

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

impl ListingRepo {
    /// The item of an entry as stored (for bulk loaders that write entries themselves).
    pub fn entry_item(entry: &Entry) -> Result<Item, ApiError> {
        Ok(serde_dynamo::to_item(EntryItem::from(entry))?)
    }

    /// Makes the entries of product `id` what `current` calls for (`None`: it is gone), unless a
    /// newer state of the product was already reconciled. Working from the product's state rather
    /// than from a change record, it gives the same result however often, and in whatever order,
    /// the changes are seen.
    pub async fn reconcile(&self, id: ProductId, current: Option<&Product>) -> Result<(), ApiError> {
        // A product that is gone has no state after it.
        let version = current.map_or(u64::MAX, |p| p.version);
        let wanted = current.map(listing_index::entries).unwrap_or_default();
        let partitions: Vec<String> = wanted.iter().map(|e| e.partition.clone()).collect();
        let Some(claimed) = self.claim(id, version, &partitions).await? else { return Ok(()) };
        // Boxed, so the stream of writes stays `Send` inside the triggers' futures.
        let mut writes: Vec<BoxFuture<'_, Result<(), ApiError>>> = Vec::new();
        for entry in &wanted {
            writes.push(Box::pin(self.put_entry(entry)));
        }
        for stale in claimed.ever.iter().filter(|p| !partitions.contains(p)) {
            writes.push(Box::pin(self.delete_entry(id, stale, "version <= :v", version)));
        }
        let written: Vec<Result<(), ApiError>> =
            futures::stream::iter(writes).buffer_unordered(CONCURRENT_WRITES).collect().await;
        written.into_iter().collect::<Result<Vec<()>, _>>()?;
        let latest = self.watermark(id).await?;
        if latest.version > version {
            for overtaken in partitions.iter().filter(|p| !latest.wanted.contains(p)) {
                self.delete_entry(id, overtaken, "version = :v", version).await?;
            }
        }
        Ok(())
    }

    /// Writes `entry` unless a newer one is there.
    async fn put_entry(&self, entry: &Entry) -> Result<(), ApiError> {
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(Self::entry_item(entry)?))
            .condition_expression("attribute_not_exists(productId) OR version <= :v")
            .expression_attribute_values(":v", n(entry.version))
            .send()
            .await;
        applied(result).map(|_| ())
    }

    /// Removes product `id`'s entry in `partition` if `condition` on its version holds.
    async fn delete_entry(
        &self,
        id: ProductId,
        partition: &str,
        condition: &str,
        version: u64,
    ) -> Result<(), ApiError> {
        let result = self
            .client
            .delete_item()
            .table_name(&self.table)
            .key("pk", s(partition))
            .key("productId", s(id))
            .condition_expression(format!("attribute_not_exists(productId) OR {condition}"))
            .expression_attribute_values(":v", n(version))
            .send()
            .await;
        applied(result).map(|_| ())
    }
}
