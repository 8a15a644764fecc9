//! Attribute values and items, written and read the same way in every store.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;

pub type Item = HashMap<String, AttributeValue>;

/// A string attribute.
pub fn s(value: impl ToString) -> AttributeValue {
    AttributeValue::S(value.to_string())
}

/// A number attribute.
pub fn n(value: impl ToString) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

/// The key of a table whose partition key is `pk`, with no sort key.
pub fn pk(value: impl ToString) -> Item {
    HashMap::from([("pk".to_owned(), s(value))])
}

/// A string attribute of `item`, parsed.
pub fn get_s<T: std::str::FromStr>(item: &Item, name: &str) -> Option<T> {
    item.get(name)?.as_s().ok()?.parse().ok()
}

/// A number attribute of `item`.
pub fn get_n<T: std::str::FromStr>(item: &Item, name: &str) -> Option<T> {
    item.get(name)?.as_n().ok()?.parse().ok()
}
