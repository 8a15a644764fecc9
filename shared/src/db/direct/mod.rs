//! The hottest reads, parsed straight from DynamoDB's JSON into the domain types.
//!
//! The SDK parses an answer into maps of `AttributeValue`s, and `serde_dynamo` then copies those
//! into its own maps before deserialising them: for a page of 20 products that was half of a warm
//! listing's CPU (BENCHMARKS.md section 7). The reads here keep the SDK for everything but that
//! parse ([`answer`]), and read the items with [`item::Item`] as the type asks.

pub mod answer;
pub mod item;

use std::collections::HashMap;

use serde::Deserialize;
use serde::de::{DeserializeOwned, IgnoredAny};

use self::answer::Read;
use self::item::Item;

/// A `GetItem` answer: the item, if there is one.
pub fn get_item<T: DeserializeOwned>(body: &[u8]) -> Result<Read<Option<T>>, serde_json::Error> {
    #[derive(Deserialize)]
    struct Answer<T> {
        #[serde(rename = "Item")]
        item: Option<Item<T>>,
    }
    let answer: Answer<T> = serde_json::from_slice(body)?;
    Ok(Read { answer: answer.item.map(|item| item.0), sdk_too: false })
}

/// A `BatchGetItem` answer from one table: its items, in the order DynamoDB returned them. When
/// keys were left unprocessed the SDK reads the answer too, for them.
pub fn batch_get_items<T: DeserializeOwned>(body: &[u8]) -> Result<Read<Vec<T>>, serde_json::Error> {
    #[derive(Deserialize)]
    struct Answer<T> {
        #[serde(rename = "Responses", default = "HashMap::new")]
        responses: HashMap<String, Vec<Item<T>>>,
        #[serde(rename = "UnprocessedKeys", default = "HashMap::new")]
        unprocessed: HashMap<String, IgnoredAny>,
    }
    let answer: Answer<T> = serde_json::from_slice(body)?;
    let items = answer.responses.into_values().flatten().map(|item| item.0).collect();
    Ok(Read { answer: items, sdk_too: !answer.unprocessed.is_empty() })
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::{batch_get_items, get_item};

    #[derive(Debug, PartialEq, Deserialize)]
    struct Row {
        id: String,
    }

    #[test]
    fn a_get_answers_its_item_or_nothing() {
        let found = get_item::<Row>(br#"{"Item": {"id": {"S": "a"}}}"#).unwrap();
        assert_eq!((found.answer, found.sdk_too), (Some(Row { id: "a".into() }), false));
        assert_eq!(get_item::<Row>(b"{}").unwrap().answer, None);
        assert!(get_item::<Row>(br#"{"Item": {"id": {"N": "1"}}}"#).is_err(), "a number is not a string");
    }

    #[test]
    fn a_batch_get_answers_its_items_and_leaves_unprocessed_keys_to_the_sdk() {
        let done = br#"{"Responses": {"T": [{"id": {"S": "a"}}, {"id": {"S": "b"}}]}, "UnprocessedKeys": {}}"#;
        let read = batch_get_items::<Row>(done).unwrap();
        assert_eq!((read.answer, read.sdk_too), (vec![Row { id: "a".into() }, Row { id: "b".into() }], false));
        let partial = br#"{"Responses": {"T": [{"id": {"S": "a"}}]},
            "UnprocessedKeys": {"T": {"Keys": [{"id": {"S": "b"}}], "ConsistentRead": true}}}"#;
        let read = batch_get_items::<Row>(partial).unwrap();
        assert_eq!((read.answer, read.sdk_too), (vec![Row { id: "a".into() }], true));
        assert!(batch_get_items::<Row>(b"{}").unwrap().answer.is_empty());
    }
}
