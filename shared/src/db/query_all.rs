//! Every item a Query matches, page after page: for the few reads that are small by nature (the
//! categories, one product's listing entries, the admins), never for what a client pages through.

use aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder;

use crate::db::attributes::Item;
use crate::error::ApiError;

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
