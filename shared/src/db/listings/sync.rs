//! Writing a product's entries: what its current state calls for, and nothing else.

use aws_sdk_dynamodb::types::{DeleteRequest, PutRequest, WriteRequest};
use serde::Serialize;

use crate::catalog::governorate::Governorate;
use crate::catalog::listing_index::{self, Entry};
use crate::catalog::product::{Condition, Product, ProductId};
use crate::db::attributes::{Item, get_n, get_s, s};
use crate::db::listings::ListingRepo;
use crate::db::read::query_all;
use crate::error::ApiError;
use crate::retry::Backoff;

/// BatchWriteItem takes at most 25 writes.
const BATCH_WRITE_MAX: usize = 25;
/// Unprocessed writes are retried this way before the change gives up with a 503 (and the stream
/// record is retried).
const UNPROCESSED: Backoff = Backoff::new(6, std::time::Duration::from_millis(25));

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
            let put =
                PutRequest::builder().set_item(Some(Self::entry_item(entry)?)).build().map_err(ApiError::internal)?;
            writes.push(WriteRequest::builder().put_request(put).build());
        }
        for (pk, _) in existing.iter().filter(|(pk, _)| !wanted.iter().any(|w| &w.partition == pk)) {
            let key = Item::from([("pk".to_owned(), s(pk)), ("productId".to_owned(), s(id))]);
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
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .index_name("ByProduct")
            .key_condition_expression("productId = :id")
            .expression_attribute_values(":id", s(id));
        let items = query_all(query).await?;
        Ok(items.iter().filter_map(|item| Some((get_s(item, "pk")?, get_n(item, "version")))).collect())
    }

    async fn batch_write(&self, mut pending: Vec<WriteRequest>) -> Result<(), ApiError> {
        let mut backoff = UNPROCESSED;
        loop {
            let out = self.client.batch_write_item().request_items(&self.table, pending).send().await?;
            pending = out.unprocessed_items.and_then(|mut u| u.remove(&self.table)).unwrap_or_default();
            if pending.is_empty() {
                return Ok(());
            }
            backoff.pause().await?;
        }
    }
}
