//! The hottest reads (a product, a batch of products, a listing page, facet counts): sent to
//! DynamoDB without the SDK's orchestrator and parsed straight from its JSON into the domain types.
//!
//! The SDK parses an answer into maps of `AttributeValue`s, and `serde_dynamo` then copies those
//! into its own maps before deserialising them: for a page of 20 products that was half of a warm
//! listing's CPU; of what was left, the orchestrator's fixed cost per call was 40 % (BENCHMARKS.md
//! section 7). The call sites build their calls with the SDK's builders as every other store does;
//! [`reads`] sends each once itself ([`request`] writes the body, [`signing`] signs it, [`wire`]
//! sends it) and reads a 200's items with [`item::Item`] as the type asks, and hands anything else
//! to the SDK, whose answer [`answer`] reads the same way.

pub mod answer;
pub mod item;
pub mod reads;
pub mod request;
pub mod signing;
pub mod wire;

use std::collections::HashMap;

use std::fmt;
use std::marker::PhantomData;

use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::{AttributeValue, KeysAndAttributes};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Deserialize;
use serde::de::{DeserializeOwned, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use self::answer::{ForTheSdk, Read};
use self::item::Item;
use crate::db::index_page::Position;

/// A `GetItem` answer: the item, if there is one.
pub fn get_item<T: DeserializeOwned>(body: &[u8]) -> Result<Read<Option<T>>, serde_json::Error> {
    #[derive(Deserialize)]
    struct Answer<T> {
        #[serde(rename = "Item")]
        item: Option<Item<T>>,
    }
    let answer: Answer<T> = serde_json::from_slice(body)?;
    Ok(Read { answer: answer.item.map(|item| item.0), for_the_sdk: ForTheSdk::Nothing })
}

/// A batch's items, and the keys DynamoDB left unprocessed, if any.
pub type Batch<T> = (Vec<T>, Option<HashMap<String, KeysAndAttributes>>);

/// A `BatchGetItem` answer from one table: its items, in the order DynamoDB returned them, and the
/// keys it left unprocessed (throttled), for the caller to ask for again, and only those.
pub fn batch_get_items<T: DeserializeOwned>(body: &[u8]) -> Result<Read<Batch<T>>, serde_json::Error> {
    #[derive(Deserialize)]
    struct Answer<T> {
        #[serde(rename = "Responses", default = "HashMap::new")]
        responses: HashMap<String, Vec<Item<T>>>,
        #[serde(rename = "UnprocessedKeys", default = "HashMap::new")]
        unprocessed: HashMap<String, Unprocessed>,
    }
    let answer: Answer<T> = serde_json::from_slice(body)?;
    let items = answer.responses.into_values().flatten().map(|item| item.0).collect();
    let unprocessed = answer
        .unprocessed
        .into_iter()
        .map(|(table, keys)| Ok((table, keys.into_sdk()?)))
        .collect::<Result<HashMap<_, _>, serde_json::Error>>()?;
    let unprocessed = (!unprocessed.is_empty()).then_some(unprocessed);
    Ok(Read { answer: (items, unprocessed), for_the_sdk: ForTheSdk::Nothing })
}

/// One table's unprocessed keys, as DynamoDB hands back the request's `KeysAndAttributes`.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Unprocessed {
    keys: Vec<HashMap<String, KeyValue>>,
    consistent_read: Option<bool>,
    projection_expression: Option<String>,
    expression_attribute_names: Option<HashMap<String, String>>,
}

/// A key attribute's typed value: a key is a string, a number or binary.
#[derive(Deserialize)]
enum KeyValue {
    S(String),
    N(String),
    B(String),
}

impl Unprocessed {
    fn into_sdk(self) -> Result<KeysAndAttributes, serde_json::Error> {
        let value = |value| match value {
            KeyValue::S(s) => Ok(AttributeValue::S(s)),
            KeyValue::N(n) => Ok(AttributeValue::N(n)),
            KeyValue::B(b) => {
                STANDARD.decode(b).map(|b| AttributeValue::B(Blob::new(b))).map_err(serde::de::Error::custom)
            }
        };
        let key = |key: HashMap<String, KeyValue>| key.into_iter().map(|(name, v)| Ok((name, value(v)?))).collect();
        let keys = self.keys.into_iter().map(key).collect::<Result<Vec<_>, serde_json::Error>>()?;
        KeysAndAttributes::builder()
            .set_keys(Some(keys))
            .set_consistent_read(self.consistent_read)
            .set_projection_expression(self.projection_expression)
            .set_expression_attribute_names(self.expression_attribute_names)
            .build()
            .map_err(serde::de::Error::custom)
    }
}

/// One `Query` call's answer.
pub struct QueryAnswer<T> {
    /// The first entries returned, as many as were wanted.
    pub items: Vec<T>,
    /// How many entries DynamoDB returned: those read, then those skipped.
    pub returned: usize,
    /// How many entries DynamoDB evaluated (what the call cost).
    pub scanned_count: i32,
    /// Where DynamoDB stopped, if it did before the end; every key attribute a string.
    pub last_evaluated_key: Option<Position>,
}

/// A `Query` answer of a table or index whose key attributes are strings, of which only the first
/// `wanted` entries are read: a filtered page asks DynamoDB for more than it may need, and the
/// entries past the page are skipped without a copy.
pub fn query<T: DeserializeOwned>(body: &[u8], wanted: usize) -> Result<Read<QueryAnswer<T>>, serde_json::Error> {
    let mut json = serde_json::Deserializer::from_slice(body);
    let (answer, count) = QueryAnswerSeed::<T> { wanted, item: PhantomData }.deserialize(&mut json)?;
    json.end()?;
    let for_the_sdk = ForTheSdk::Counts { count, scanned_count: answer.scanned_count };
    Ok(Read { answer, for_the_sdk })
}

#[derive(Deserialize)]
#[serde(field_identifier)]
enum QueryField {
    Items,
    Count,
    ScannedCount,
    LastEvaluatedKey,
    #[serde(other)]
    Other,
}

/// Reads a Query answer and its `Count`.
struct QueryAnswerSeed<T> {
    wanted: usize,
    item: PhantomData<T>,
}

impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for QueryAnswerSeed<T> {
    type Value = (QueryAnswer<T>, i32);

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, T: DeserializeOwned> Visitor<'de> for QueryAnswerSeed<T> {
    type Value = (QueryAnswer<T>, i32);

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Query answer")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut answer = QueryAnswer { items: Vec::new(), returned: 0, scanned_count: 0, last_evaluated_key: None };
        let mut count = 0;
        while let Some(field) = map.next_key()? {
            match field {
                QueryField::Items => {
                    (answer.items, answer.returned) =
                        map.next_value_seed(FirstItems::<T> { wanted: self.wanted, item: PhantomData })?;
                }
                QueryField::Count => count = map.next_value()?,
                QueryField::ScannedCount => answer.scanned_count = map.next_value()?,
                QueryField::LastEvaluatedKey => {
                    answer.last_evaluated_key = map.next_value::<Option<Item<Position>>>()?.map(|key| key.0);
                }
                QueryField::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok((answer, count))
    }
}

/// The first `wanted` items of a list, and how many it holds.
struct FirstItems<T> {
    wanted: usize,
    item: PhantomData<T>,
}

impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for FirstItems<T> {
    type Value = (Vec<T>, usize);

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de, T: DeserializeOwned> Visitor<'de> for FirstItems<T> {
    type Value = (Vec<T>, usize);

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of items")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(self.wanted));
        while items.len() < self.wanted {
            match seq.next_element::<Item<T>>()? {
                Some(item) => items.push(item.0),
                None => {
                    let returned = items.len();
                    return Ok((items, returned));
                }
            }
        }
        let mut returned = items.len();
        while seq.next_element::<IgnoredAny>()?.is_some() {
            returned += 1;
        }
        Ok((items, returned))
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::json;

    use std::collections::HashMap;

    use aws_sdk_dynamodb::primitives::Blob;
    use aws_sdk_dynamodb::types::{AttributeValue as V, KeysAndAttributes};

    use super::{ForTheSdk, batch_get_items, get_item, query};
    use crate::catalog::Governorate;
    use crate::catalog::product::{
        BodyType, Compatibility, Condition, FuelType, Location, Part, Product, ProductId, ProductStatus, Transmission,
        Vehicle,
    };
    use crate::clock::Timestamp;
    use crate::db::index_page::Position;
    use crate::money::Money;

    #[derive(Debug, PartialEq, Deserialize)]
    struct Row {
        id: String,
    }

    #[test]
    fn a_get_answers_its_item_or_nothing() {
        let found = get_item::<Row>(br#"{"Item": {"id": {"S": "a"}}}"#).unwrap();
        assert_eq!(found.answer, Some(Row { id: "a".into() }));
        assert!(matches!(found.for_the_sdk, ForTheSdk::Nothing));
        assert_eq!(get_item::<Row>(b"{}").unwrap().answer, None);
        assert!(get_item::<Row>(br#"{"Item": {"id": {"N": "1"}}}"#).is_err(), "a number is not a string");
    }

    #[test]
    fn a_batch_get_answers_its_items_and_the_keys_left_unprocessed() {
        let done = br#"{"Responses": {"T": [{"id": {"S": "a"}}, {"id": {"S": "b"}}]}, "UnprocessedKeys": {}}"#;
        let read = batch_get_items::<Row>(done).unwrap();
        assert_eq!(read.answer, (vec![Row { id: "a".into() }, Row { id: "b".into() }], None));
        assert!(matches!(read.for_the_sdk, ForTheSdk::Nothing));
        let partial = br##"{"Responses": {"T": [{"id": {"S": "a"}}]},
            "UnprocessedKeys": {"T": {"Keys": [{"id": {"S": "b"}, "n": {"N": "7"}}, {"id": {"S": "c"}, "n": {"B": "AQI="}}],
                "ConsistentRead": true, "ProjectionExpression": "#s", "ExpressionAttributeNames": {"#s": "status"}}}}"##;
        let read = batch_get_items::<Row>(partial).unwrap();
        assert!(matches!(read.for_the_sdk, ForTheSdk::Nothing), "the SDK needs none of it");
        let (items, unprocessed) = read.answer;
        assert_eq!(items, vec![Row { id: "a".into() }]);
        let asked_again = KeysAndAttributes::builder()
            .keys(HashMap::from([("id".into(), V::S("b".into())), ("n".into(), V::N("7".into()))]))
            .keys(HashMap::from([("id".into(), V::S("c".into())), ("n".into(), V::B(Blob::new(vec![1, 2])))]))
            .consistent_read(true)
            .projection_expression("#s")
            .expression_attribute_names("#s", "status")
            .build()
            .unwrap();
        assert_eq!(unprocessed, Some(HashMap::from([("T".into(), asked_again)])), "exactly the keys left, as asked");
        assert!(batch_get_items::<Row>(b"{}").unwrap().answer.0.is_empty());
        let broken = br#"{"UnprocessedKeys": {"T": {"Keys": [{"id": {"B": "not base64!"}}]}}}"#;
        assert!(batch_get_items::<Row>(broken).is_err());
    }

    #[test]
    fn a_query_answers_its_items_its_cost_and_where_it_stopped() {
        let body = br#"{"Count": 1, "ScannedCount": 3, "Items": [{"id": {"S": "a"}}],
            "LastEvaluatedKey": {"pk": {"S": "all"}, "id": {"S": "c"}}}"#;
        let read = query::<Row>(body, 20).unwrap();
        assert!(matches!(read.for_the_sdk, ForTheSdk::Counts { count: 1, scanned_count: 3 }));
        let read = read.answer;
        assert_eq!((read.items, read.returned, read.scanned_count), (vec![Row { id: "a".into() }], 1, 3));
        let stopped = Position::from([("pk".into(), "all".into()), ("id".into(), "c".into())]);
        assert_eq!(read.last_evaluated_key, Some(stopped));
        let last = query::<Row>(br#"{"Count": 0, "ScannedCount": 0, "Items": []}"#, 20).unwrap().answer;
        assert_eq!((last.items.len(), last.returned, last.last_evaluated_key), (0, 0, None));
    }

    #[test]
    fn a_query_reads_only_the_items_wanted_and_counts_the_rest() {
        let body = br#"{"Items": [{"id": {"S": "a"}}, {"id": {"S": "b"}}, {"id": {"N": "3"}}], "Count": 3, "ScannedCount": 9}"#;
        let read = query::<Row>(body, 2).unwrap();
        assert!(matches!(read.for_the_sdk, ForTheSdk::Counts { count: 3, scanned_count: 9 }));
        let first = read.answer;
        assert_eq!(first.items, vec![Row { id: "a".into() }, Row { id: "b".into() }]);
        assert_eq!(first.returned, 3, "the third is counted, and not read as a row");
        assert!(query::<Row>(body, 3).is_err(), "read, the third is no row");
        let broken = br#"{"Items": [{"id": {"S": "a"}}, {"id": ]}"#;
        assert!(query::<Row>(broken, 1).is_err(), "skipped, an entry is still read as JSON");
    }

    /// DynamoDB's JSON of an item as the SDK would send it: each value under its type's tag.
    fn wire(item: &crate::db::attributes::Item) -> serde_json::Value {
        use aws_sdk_dynamodb::types::AttributeValue as V;
        fn value(v: &V) -> serde_json::Value {
            match v {
                V::S(s) => json!({ "S": s }),
                V::N(n) => json!({ "N": n }),
                V::Bool(b) => json!({ "BOOL": b }),
                V::Null(_) => json!({ "NULL": true }),
                V::Ss(ss) => json!({ "SS": ss }),
                V::L(l) => json!({ "L": l.iter().map(value).collect::<Vec<_>>() }),
                V::M(m) => json!({ "M": wire(m) }),
                other => panic!("not written by serde_dynamo for these types: {other:?}"),
            }
        }
        item.iter().map(|(name, v)| (name.clone(), value(v))).collect()
    }

    #[test]
    fn a_product_reads_back_as_serde_dynamo_wrote_it() {
        let at = Timestamp::from_unix_millis(1_790_000_000_123);
        let car = Product {
            id: ProductId::created_at(at),
            vendor_id: "01K77N3YA05DKHKBD61M5X13YF".into(),
            category_id: "cars".into(),
            title: "بيجو 301 موديل 2021 \"فابريكا\"".into(),
            description: "Line one\nline two\ttabbed, émigré".into(),
            price: Money::egp(55_000_000),
            condition: Condition::Used,
            stock: 1,
            status: ProductStatus::Active,
            images: vec!["https://images.souk-el-sayarat.com/p/1.jpg".into(), "https://x/2.jpg".into()],
            thumbnails: vec!["https://images.souk-el-sayarat.com/p/1-320.webp".into()],
            location: Location { governorate: Governorate::Giza, city: "6th of October".into() },
            vehicle: Some(Vehicle {
                body_type: Some(BodyType::Sedan),
                fuel_type: Some(FuelType::NaturalGas),
                transmission: Some(Transmission::Automatic),
                color: Some("أبيض".into()),
                vin: Some("VF3DDNFP0MJ000001".into()),
                ..Vehicle::new("Peugeot", "301", 2021, 45_000)
            }),
            part: None,
            created_at: at,
            updated_at: at.plus(std::time::Duration::from_secs(3600)),
            version: 7,
        };
        let pads = Product {
            id: ProductId::created_at(at.plus(std::time::Duration::from_millis(1))),
            category_id: "spare-parts".into(),
            title: "تيل فرامل".into(),
            description: String::new(),
            condition: Condition::New,
            stock: 0,
            status: ProductStatus::SoldOut,
            images: vec![],
            thumbnails: vec![],
            vehicle: None,
            part: Some(Part {
                oem_number: Some("04465-02220".into()),
                compatible_with: vec![
                    Compatibility { make: "Toyota".into(), model: "Corolla".into(), year_from: 2014, year_to: 2019 },
                    Compatibility { make: "Kia".into(), model: "Cerato".into(), year_from: 2019, year_to: 2019 },
                ],
            }),
            ..car.clone()
        };
        for product in [car, pads] {
            let body = json!({ "Item": wire(&serde_dynamo::to_item(&product).unwrap()) }).to_string();
            assert_eq!(get_item::<Product>(body.as_bytes()).unwrap().answer, Some(product));
        }
    }
}
