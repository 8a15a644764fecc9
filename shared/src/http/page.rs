//! The list envelope of the contract: `{ "items": [...], "nextCursor": "<opaque>" | null }`.

use serde::Serialize;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}
