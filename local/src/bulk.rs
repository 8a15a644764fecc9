//! Putting thousands of products in the catalog (or orders in the orders table) at once, for
//! benchmarks and for tests that need more matches than a read budget: each product and its listing entries (what the products
//! trigger writes one product at a time) in `BatchWriteItem` requests of 25, several at a time,
//! retrying what DynamoDB leaves unprocessed. No watermark is written: these products are put
//! once and never changed through the trigger.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::{AttributeValue, PutRequest, WriteRequest};
use futures::TryStreamExt;
use shared::App;
use shared::catalog::Product;
use shared::catalog::listing_index;
use shared::db::{ListingRepo, OrderRepo};
use shared::orders::Order;
use shared::tables::Table;

pub type BulkError = Box<dyn std::error::Error + Send + Sync>;

/// Puts `products` and their listing entries, `concurrency` batches at a time.
pub async fn put_products(app: &App, products: &[Product], concurrency: usize) -> Result<(), BulkError> {
    let products_table = app.config.table(Table::Products)?;
    let listings_table = app.config.table(Table::ProductListings)?;
    let mut batches: Vec<(&str, Vec<WriteRequest>)> = Vec::new();
    for chunk in products.chunks(25) {
        let rows = chunk.iter().map(|p| Ok(put(serde_dynamo::to_item(p)?))).collect::<Result<_, BulkError>>()?;
        batches.push((&products_table, rows));
    }
    let entries = products
        .iter()
        .flat_map(listing_index::entries)
        .map(|e| Ok(put(ListingRepo::entry_item(&e)?)))
        .collect::<Result<Vec<_>, BulkError>>()?;
    batches.extend(entries.chunks(25).map(|chunk| (listings_table.as_str(), chunk.to_vec())));
    futures::stream::iter(batches.into_iter().map(Ok))
        .try_for_each_concurrent(concurrency, |(table, rows)| write_all(app, table, rows))
        .await
}

/// Puts `orders` as the orders table stores them, `concurrency` batches at a time.
pub async fn put_orders(app: &App, orders: &[Order], concurrency: usize) -> Result<(), BulkError> {
    let table = app.config.table(Table::Orders)?;
    let batches = orders
        .chunks(25)
        .map(|chunk| chunk.iter().map(|o| Ok(put(OrderRepo::item(o)?))).collect::<Result<Vec<_>, BulkError>>())
        .collect::<Result<Vec<_>, _>>()?;
    futures::stream::iter(batches.into_iter().map(Ok))
        .try_for_each_concurrent(concurrency, |rows| write_all(app, &table, rows))
        .await
}

/// Writes `rows` until none is left unprocessed. A batch a busy DynamoDB Local did not answer in
/// time is sent again (puts of whole items are idempotent), up to five times.
async fn write_all(app: &App, table: &str, mut rows: Vec<WriteRequest>) -> Result<(), BulkError> {
    let mut attempt = 0;
    while !rows.is_empty() {
        let out = match app.dynamodb.batch_write_item().request_items(table, rows.clone()).send().await {
            Ok(out) => out,
            Err(error) if attempt < 5 && (error.as_service_error().is_none()) => {
                attempt += 1;
                tokio::time::sleep(std::time::Duration::from_millis(250 * attempt)).await;
                continue;
            }
            Err(error) => return Err(error.into()),
        };
        rows = out.unprocessed_items.and_then(|mut left| left.remove(table)).unwrap_or_default();
    }
    Ok(())
}

fn put(item: HashMap<String, AttributeValue>) -> WriteRequest {
    WriteRequest::builder().put_request(PutRequest::builder().set_item(Some(item)).build().expect("an item")).build()
}
