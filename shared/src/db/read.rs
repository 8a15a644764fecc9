//! The two reads every store makes the same way: one item by key, read consistently (a client
//! reads its own writes), and every item a Query matches, page after page — for the few reads
//! that are small by nature (the categories, one product's listing entries, the admins), never for
//! what a client pages through.

use aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder;
use serde::de::DeserializeOwned;

use crate::db::attributes::Item;
use crate::error::ApiError;

/// The item at `key` in `table`, decoded; `None` if there is none.
pub async fn get_consistent<T: DeserializeOwned>(
    client: &aws_sdk_dynamodb::Client,
    table: &str,
    key: Item,
) -> Result<Option<T>, ApiError> {
    let out = client.get_item().table_name(table).set_key(Some(key)).consistent_read(true).send().await?;
    Ok(out.item.map(serde_dynamo::from_item).transpose()?)
}

pub async fn query_all(query: QueryFluentBuilder) -> Result<Vec<Item>, ApiError> {
    let mut items = Vec::new();
    let mut start = None;
    loop {
        let out = query.clone().set_exclusive_start_key(start).send().await?;
        items.extend(out.items.unwrap_or_default());
        start = out.last_evaluated_key;
        if start.is_none() {
            return Ok(items);
        }
    }
}
