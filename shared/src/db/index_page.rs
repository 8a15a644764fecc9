//! One page of an index, newest first: what every "list my things" endpoint reads. Ids are ULIDs,
//! so an index sorted by id read backwards is newest first, and the position of the last item
//! read is where the next page starts.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;

use crate::db::attributes::{Item, s};
use crate::db::error::refused_start;
use crate::error::ApiError;

/// Where the next page starts: the key attributes of the last item read (all strings).
pub type Position = BTreeMap<String, String>;

pub fn to_start(position: Option<Position>) -> Option<Item> {
    position.map(|p| p.into_iter().map(|(k, v)| (k, s(v))).collect())
}

/// The start key of a query from a client's position, if the position belongs to that query: it
/// names exactly the query's key attributes (`names`) and the partition it reads (`partition`:
/// attribute and value). Anything else came from a forged or foreign cursor: `invalid_cursor`.
pub fn checked_start(
    position: Option<Position>,
    names: &[&str],
    partition: (&str, &str),
) -> Result<Option<Item>, ApiError> {
    let Some(position) = position else { return Ok(None) };
    let shaped = position.len() == names.len() && names.iter().all(|n| position.contains_key(*n));
    if !shaped || position.get(partition.0).map(String::as_str) != Some(partition.1) {
        return Err(ApiError::InvalidCursor);
    }
    Ok(to_start(Some(position)))
}

pub fn to_position(key: Option<Item>) -> Option<Position> {
    key.map(|k| k.into_iter().filter_map(|(name, v)| v.as_s().ok().map(|s| (name, s.clone()))).collect())
}

/// The position of `item` in an index whose key attributes are `names` (all strings).
pub fn position_of(item: &Item, names: &[&str]) -> Option<Position> {
    names.iter().map(|name| item.get(*name)?.as_s().ok().map(|v| ((*name).to_owned(), v.clone()))).collect()
}

/// One page of `query` (its table, key condition and values set), newest first, from `start`
/// (checked with [`checked_start`]), decoded.
pub async fn newest_first<T: DeserializeOwned>(
    query: aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder,
    limit: i32,
    start: Option<Item>,
) -> Result<(Vec<T>, Option<Position>), ApiError> {
    let from_cursor = start.is_some();
    let out = query
        .scan_index_forward(false)
        .limit(limit)
        .set_exclusive_start_key(start)
        .send()
        .await
        .map_err(|e| refused_start(e, from_cursor))?;
    let items = out.items.unwrap_or_default().into_iter().map(serde_dynamo::from_item).collect::<Result<_, _>>()?;
    Ok((items, to_position(out.last_evaluated_key)))
}

/// The query of one index partition, newest first.
pub struct IndexPage<'a> {
    pub table: &'a str,
    pub index: &'a str,
    /// The index's partition key attribute, and the value to read.
    pub key: (&'a str, String),
    /// An extra equality filter on a non-key attribute (a status).
    pub filter: Option<(&'a str, String)>,
    pub limit: i32,
    pub start: Option<Position>,
}

impl IndexPage<'_> {
    pub async fn read<T: DeserializeOwned>(
        self,
        client: &aws_sdk_dynamodb::Client,
    ) -> Result<(Vec<T>, Option<Position>), ApiError> {
        let start = checked_start(self.start, &["pk", self.key.0, "id"], (self.key.0, &self.key.1))?;
        let from_cursor = start.is_some();
        let mut query = client
            .query()
            .table_name(self.table)
            .index_name(self.index)
            .key_condition_expression("#k = :v")
            .expression_attribute_names("#k", self.key.0)
            .expression_attribute_values(":v", s(self.key.1))
            .scan_index_forward(false)
            .limit(self.limit)
            .set_exclusive_start_key(start);
        if let Some((attribute, value)) = self.filter {
            query = query
                .filter_expression("#f = :f")
                .expression_attribute_names("#f", attribute)
                .expression_attribute_values(":f", s(value));
        }
        let out = query.send().await.map_err(|e| refused_start(e, from_cursor))?;
        let items = out.items.unwrap_or_default().into_iter().map(serde_dynamo::from_item).collect::<Result<_, _>>()?;
        Ok((items, to_position(out.last_evaluated_key)))
    }
}
