//! The products table: one item per product, keyed by `id`.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::{KeysAndAttributes, Put, TransactWriteItem};

use crate::catalog::product::{Product, ProductId};
use crate::config::ConfigError;
use crate::db::Database;
use crate::db::attributes::{Item, n, s};
use crate::db::direct::reads::DirectReads;
use crate::db::error::is_condition_failure;
use crate::db::uploads::{Claim, write_claiming};
use crate::error::ApiError;
use crate::retry::Backoff;
use crate::tables::Table;

/// BatchGetItem takes at most 100 keys, which is also the largest page.
const BATCH_GET_MAX: usize = 100;
/// Unprocessed keys are retried this way before the request gives up with a 503.
const UNPROCESSED: Backoff = Backoff::new(4, std::time::Duration::from_millis(25));

#[derive(Clone, Debug)]
pub struct ProductRepo {
    client: aws_sdk_dynamodb::Client,
    reads: DirectReads,
    table: String,
}

fn key(id: ProductId) -> Item {
    Item::from([("id".to_owned(), s(id))])
}

impl ProductRepo {
    pub fn new(db: &Database) -> Result<Self, ConfigError> {
        Ok(Self { client: db.client(), reads: db.direct_reads(), table: db.table(Table::Products)? })
    }

    /// Strongly consistent: a client reads its own writes.
    pub async fn get(&self, id: ProductId) -> Result<Option<Product>, ApiError> {
        let call = self.client.get_item().table_name(&self.table).set_key(Some(key(id))).consistent_read(true);
        self.reads.get_item(call).await
    }

    /// The products with these ids, in the order of `ids`; missing ones are skipped.
    pub async fn get_many(&self, ids: &[ProductId]) -> Result<Vec<Product>, ApiError> {
        self.get_many_with(ids, false).await
    }

    /// As [`get_many`](Self::get_many), read consistently (what a checkout is priced from).
    pub async fn get_many_consistent(&self, ids: &[ProductId]) -> Result<Vec<Product>, ApiError> {
        self.get_many_with(ids, true).await
    }

    async fn get_many_with(&self, ids: &[ProductId], consistent: bool) -> Result<Vec<Product>, ApiError> {
        let mut found: HashMap<ProductId, Product> = HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(BATCH_GET_MAX) {
            let mut pending = KeysAndAttributes::builder()
                .set_keys(Some(chunk.iter().map(|id| key(*id)).collect()))
                .consistent_read(consistent)
                .build()
                .map_err(ApiError::internal)?;
            let mut backoff = UNPROCESSED;
            loop {
                let call = self.client.batch_get_item().request_items(&self.table, pending.clone());
                let (products, unprocessed) = self.reads.batch_get_items::<Product>(call).await?;
                found.extend(products.into_iter().map(|product| (product.id, product)));
                match unprocessed.and_then(|mut u| u.remove(&self.table)) {
                    Some(rest) if !rest.keys.is_empty() => {
                        backoff.pause().await?;
                        pending = rest;
                    }
                    _ => break,
                }
            }
        }
        Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
    }

    /// Stores a new product.
    /// Lists a new product, with the uploads its images use claimed in the same transaction.
    pub async fn create(&self, product: &Product, claims: &[Claim]) -> Result<(), ApiError> {
        let item = serde_dynamo::to_item(product)?;
        if claims.is_empty() {
            let put = self.client.put_item().table_name(&self.table).set_item(Some(item));
            put.condition_expression("attribute_not_exists(id)").send().await?;
            return Ok(());
        }
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(id)");
        let items = vec![TransactWriteItem::builder().put(put.build().map_err(ApiError::internal)?).build()];
        Ok(write_claiming(&self.client, items, claims).await?)
    }

    /// Replaces the product if it is still at `expected_version`; 412 `precondition_failed` if
    /// someone changed it since it was read.
    pub async fn replace(&self, product: &Product, expected_version: u64, claims: &[Claim]) -> Result<(), ApiError> {
        if !claims.is_empty() {
            let put = Put::builder()
                .table_name(&self.table)
                .set_item(Some(serde_dynamo::to_item(product)?))
                .condition_expression("version = :expected")
                .expression_attribute_values(":expected", n(expected_version))
                .build()
                .map_err(ApiError::internal)?;
            return match write_claiming(&self.client, vec![TransactWriteItem::builder().put(put).build()], claims).await
            {
                Err(error) if error.failed_at(0) => Err(ApiError::PreconditionFailed),
                other => Ok(other?),
            };
        }
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(serde_dynamo::to_item(product)?))
            .condition_expression("version = :expected")
            .expression_attribute_values(":expected", n(expected_version))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(e) if is_condition_failure(&e) => Err(ApiError::PreconditionFailed),
            Err(e) => Err(e.into()),
        }
    }

    /// Writes a whole product, unconditionally (data loading and tests).
    pub async fn put(&self, product: &Product) -> Result<(), ApiError> {
        self.client.put_item().table_name(&self.table).set_item(Some(serde_dynamo::to_item(product)?)).send().await?;
        Ok(())
    }
}
