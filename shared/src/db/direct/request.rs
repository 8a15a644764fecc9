//! The bodies of the direct calls, written from the SDK's own input builders.
//!
//! The hottest reads go to DynamoDB without the SDK's orchestrator, but their call sites still
//! build them with the SDK's fluent builders; this module writes what DynamoDB's JSON protocol
//! (`application/x-amz-json-1.0`) expects from such a builder's input, straight into the body's
//! bytes, without cloning the input or building a `serde_json::Value` first. A call using a field
//! not written here gets `None` and goes through the SDK, so that nothing set is silently dropped.
//! The tests hold every body equal (as JSON) to the one the SDK itself sends for the same builder.
//!
//! The fields each input builder has are listed in a test: a newer SDK with another field fails
//! it, so that the field is written here or sends the call to the SDK before it is used.

use std::collections::HashMap;

use aws_sdk_dynamodb::operation::{
    batch_get_item::builders::BatchGetItemInputBuilder, get_item::builders::GetItemInputBuilder,
    query::builders::QueryInputBuilder,
};
use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::{AttributeValue, KeysAndAttributes};
use base64::display::Base64Display;
use base64::engine::general_purpose::STANDARD;
use serde::Serialize;
use serde::ser::{Error as _, SerializeMap, Serializer};

/// The body of a GetItem call, or None when the input uses a field not written here (the call then goes through the SDK).
pub fn get_item(input: &GetItemInputBuilder) -> Option<Vec<u8>> {
    if input.get_attributes_to_get().is_some() || input.get_return_consumed_capacity().is_some() {
        return None;
    }
    body(|m| {
        put(m, "TableName", input.get_table_name().as_ref())?;
        put(m, "Key", input.get_key().as_ref().map(item))?;
        put(m, "ConsistentRead", input.get_consistent_read().as_ref())?;
        put(m, "ProjectionExpression", input.get_projection_expression().as_ref())?;
        put(m, "ExpressionAttributeNames", input.get_expression_attribute_names().as_ref())
    })
}

/// The body of a BatchGetItem call, or None when the input uses a field not written here.
pub fn batch_get_item(input: &BatchGetItemInputBuilder) -> Option<Vec<u8>> {
    let tables = input.get_request_items().as_ref();
    if input.get_return_consumed_capacity().is_some()
        || tables.into_iter().flatten().any(|(_, t)| t.attributes_to_get.is_some())
    {
        return None;
    }
    body(|m| put(m, "RequestItems", tables.map(|tables| Map(tables, Table))))
}

/// The body of a Query call, or None when the input uses a field not written here.
pub fn query(input: &QueryInputBuilder) -> Option<Vec<u8>> {
    // The legacy forms of the expressions, and the consumed capacity the direct reads don't parse.
    if input.get_attributes_to_get().is_some()
        || input.get_key_conditions().is_some()
        || input.get_query_filter().is_some()
        || input.get_conditional_operator().is_some()
        || input.get_return_consumed_capacity().is_some()
    {
        return None;
    }
    body(|m| {
        put(m, "TableName", input.get_table_name().as_ref())?;
        put(m, "IndexName", input.get_index_name().as_ref())?;
        put(m, "KeyConditionExpression", input.get_key_condition_expression().as_ref())?;
        put(m, "FilterExpression", input.get_filter_expression().as_ref())?;
        put(m, "ProjectionExpression", input.get_projection_expression().as_ref())?;
        put(m, "ExpressionAttributeNames", input.get_expression_attribute_names().as_ref())?;
        put(m, "ExpressionAttributeValues", input.get_expression_attribute_values().as_ref().map(item))?;
        put(m, "ExclusiveStartKey", input.get_exclusive_start_key().as_ref().map(item))?;
        put(m, "Limit", input.get_limit().as_ref())?;
        put(m, "ScanIndexForward", input.get_scan_index_forward().as_ref())?;
        put(m, "ConsistentRead", input.get_consistent_read().as_ref())?;
        put(m, "Select", input.get_select().as_ref().map(|select| select.as_str()))
    })
}

type JsonMap<'b> = serde_json::ser::Compound<'b, Vec<u8>, serde_json::ser::CompactFormatter>;

/// A JSON object of the entries `write` puts; None if a value can't be written (an unknown
/// `AttributeValue`, which the SDK refuses too).
fn body(write: impl FnOnce(&mut JsonMap<'_>) -> serde_json::Result<()>) -> Option<Vec<u8>> {
    let mut serializer = serde_json::Serializer::new(Vec::with_capacity(256));
    let mut map = (&mut serializer).serialize_map(None).ok()?;
    write(&mut map).ok()?;
    map.end().ok()?;
    Some(serializer.into_inner())
}

/// Writes `key` only when its value is set, as the SDK does.
fn put<M: SerializeMap>(map: &mut M, key: &'static str, value: Option<impl Serialize>) -> Result<(), M::Error> {
    value.map_or(Ok(()), |value| map.serialize_entry(key, &value))
}

/// A map whose values are written through the wrapper `W`.
struct Map<'a, V, W>(&'a HashMap<String, V>, fn(&'a V) -> W);

impl<'a, V, W: Serialize> Serialize for Map<'a, V, W> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(key, value)| (key, (self.1)(value))))
    }
}

/// An item (or key): attribute names to typed values.
fn item(item: &HashMap<String, AttributeValue>) -> Map<'_, AttributeValue, Typed<'_>> {
    Map(item, Typed)
}

/// One table's keys of a BatchGetItem.
struct Table<'a>(&'a KeysAndAttributes);

impl Serialize for Table<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let table = self.0;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("Keys", &Each(table.keys(), item))?;
        put(&mut map, "ConsistentRead", table.consistent_read)?;
        put(&mut map, "ProjectionExpression", table.projection_expression())?;
        put(&mut map, "ExpressionAttributeNames", table.expression_attribute_names())?;
        map.end()
    }
}

/// A list whose elements are written through the wrapper `W`.
struct Each<'a, T, W>(&'a [T], fn(&'a T) -> W);

impl<'a, T, W: Serialize> Serialize for Each<'a, T, W> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(self.1))
    }
}

/// An `AttributeValue` as DynamoDB's typed JSON: `{"S": "..."}`, `{"N": "1"}`, ...
struct Typed<'a>(&'a AttributeValue);

impl Serialize for Typed<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1))?;
        match self.0 {
            AttributeValue::S(s) => map.serialize_entry("S", s),
            AttributeValue::N(n) => map.serialize_entry("N", n),
            AttributeValue::B(b) => map.serialize_entry("B", &Base64(b)),
            AttributeValue::Bool(b) => map.serialize_entry("BOOL", b),
            // The SDK writes the flag as it is, even `false` (which DynamoDB rejects).
            AttributeValue::Null(null) => map.serialize_entry("NULL", null),
            AttributeValue::M(m) => map.serialize_entry("M", &item(m)),
            AttributeValue::L(l) => map.serialize_entry("L", &Each(l, Typed)),
            AttributeValue::Ss(ss) => map.serialize_entry("SS", ss),
            AttributeValue::Ns(ns) => map.serialize_entry("NS", ns),
            AttributeValue::Bs(bs) => map.serialize_entry("BS", &Each(bs, Base64)),
            _ => Err(S::Error::custom("an AttributeValue of a type this SDK doesn't know")),
        }?;
        map.end()
    }
}

/// Bytes in standard, padded base64, encoded straight into the body.
struct Base64<'a>(&'a Blob);

impl Serialize for Base64<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&Base64Display::new(self.0.as_ref(), &STANDARD))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex};

    use aws_sdk_dynamodb::Client;
    use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};
    use aws_sdk_dynamodb::primitives::Blob;
    use aws_sdk_dynamodb::types::{AttributeValue as V, KeysAndAttributes, ReturnConsumedCapacity, Select};
    use aws_smithy_runtime_api::client::http::{
        HttpConnector, HttpConnectorFuture, SharedHttpConnector, http_client_fn,
    };
    use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
    use aws_smithy_runtime_api::http::{Response, StatusCode};
    use aws_smithy_types::body::SdkBody;
    use serde_json::Value;

    use super::{batch_get_item, get_item, query};

    /// The SDK's HTTP client: keeps the body of the last request and answers `{}`.
    #[derive(Clone, Debug, Default)]
    struct Recorder(Arc<Mutex<Vec<u8>>>);

    impl HttpConnector for Recorder {
        fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
            *self.0.lock().unwrap() = request.body().bytes().expect("an in-memory body").to_vec();
            let mut response = Response::new(StatusCode::try_from(200).unwrap(), SdkBody::from("{}"));
            response.headers_mut().insert("content-type", "application/x-amz-json-1.0");
            HttpConnectorFuture::ready(Ok(response))
        }
    }

    impl Recorder {
        /// Asserts that `ours` is, as JSON, the body the SDK sent last.
        fn assert_sent(&self, ours: Option<Vec<u8>>) {
            let ours: Value = serde_json::from_slice(&ours.expect("a body written")).expect("our body is JSON");
            let sdk: Value = serde_json::from_slice(&self.0.lock().unwrap()).expect("the SDK's body is JSON");
            assert_eq!(ours, sdk);
        }
    }

    fn client() -> (Client, Recorder) {
        let recorder = Recorder::default();
        let connector = recorder.clone();
        let config = aws_sdk_dynamodb::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new("a", "b", None, None, "t"))
            .endpoint_url("http://127.0.0.1:9")
            .http_client(http_client_fn(move |_, _| SharedHttpConnector::new(connector.clone())))
            .build();
        (Client::from_conf(config), recorder)
    }

    fn s(s: &str) -> V {
        V::S(s.into())
    }

    fn key(id: &str) -> HashMap<String, V> {
        HashMap::from([("pk".into(), s("product")), ("id".into(), s(id))])
    }

    #[tokio::test]
    async fn a_consistent_get_is_written_as_the_sdk_writes_it() {
        let (client, sdk) = client();
        let call = client.get_item().table_name("products").key("id", s("01K7")).consistent_read(true);
        let ours = get_item(call.as_input());
        call.send().await.unwrap();
        sdk.assert_sent(ours);
    }

    #[tokio::test]
    async fn a_batch_get_is_written_as_the_sdk_writes_it() {
        let (client, sdk) = client();
        let plain = KeysAndAttributes::builder().keys(key("a")).keys(key("b")).keys(key("c")).build().unwrap();
        let projected = KeysAndAttributes::builder()
            .set_keys(Some(vec![key("d"), key("e")]))
            .consistent_read(true)
            .projection_expression("id, #s")
            .expression_attribute_names("#s", "status")
            .build()
            .unwrap();
        let call = client.batch_get_item().request_items("products", plain).request_items("vendors", projected);
        let ours = batch_get_item(call.as_input());
        call.send().await.unwrap();
        sdk.assert_sent(ours);
    }

    #[tokio::test]
    async fn a_full_query_with_every_type_of_value_is_written_as_the_sdk_writes_it() {
        let (client, sdk) = client();
        let every = HashMap::from([
            ("s".into(), s("بيجو 301 \"فابريكا\"\nline two\t\\ é")),
            ("n".into(), V::N("-12.50".into())),
            ("bool".into(), V::Bool(false)),
            ("null".into(), V::Null(true)),
            // DynamoDB refuses it, but the SDK writes it as it is, and so do we.
            ("not null".into(), V::Null(false)),
            ("l".into(), V::L(vec![s("x"), V::N("1".into()), V::L(vec![])])),
            ("ss".into(), V::Ss(vec!["a".into(), "ب".into()])),
            ("ns".into(), V::Ns(vec!["1".into(), "2.5".into()])),
        ]);
        let call = client
            .query()
            .table_name("products")
            .index_name("by-category")
            .key_condition_expression("#c = :c AND #t > :t")
            .filter_expression("#s = :s AND attribute_exists(#m)")
            .projection_expression("id, #c")
            .expression_attribute_names("#c", "category")
            .expression_attribute_names("#t", "created")
            .expression_attribute_names("#s", "status")
            .expression_attribute_names("#m", "meta")
            .expression_attribute_values(":c", s("cars"))
            .expression_attribute_values(":t", V::N("1790000000123".into()))
            .expression_attribute_values(":s", s("عربي \"quoted\"\r\nnew line"))
            .expression_attribute_values(":b", V::B(Blob::new(b"\x00\xffbytes?".to_vec())))
            .expression_attribute_values(":bs", V::Bs(vec![Blob::new(b"a".to_vec()), Blob::new(vec![0xfb, 0xff])]))
            .expression_attribute_values(":m", V::M(every))
            .expression_attribute_values(":empty", V::M(HashMap::new()))
            .exclusive_start_key("pk", s("cars"))
            .exclusive_start_key("id", s("01K7"))
            .limit(20)
            .scan_index_forward(false);
        let ours = query(call.as_input());
        call.send().await.unwrap();
        sdk.assert_sent(ours);
    }

    #[tokio::test]
    async fn a_minimal_query_and_one_selecting_a_count_are_written_as_the_sdk_writes_them() {
        let (client, sdk) = client();
        let minimal = client.query().table_name("products").key_condition_expression("pk = :p");
        let ours = query(minimal.as_input());
        minimal.send().await.unwrap();
        sdk.assert_sent(ours);

        let count = client.query().table_name("products").consistent_read(true).select(Select::Count);
        let ours = query(count.as_input());
        count.send().await.unwrap();
        sdk.assert_sent(ours);
    }

    #[test]
    fn a_field_not_written_here_leaves_the_call_to_the_sdk() {
        let (client, _) = client();
        let total = ReturnConsumedCapacity::Total;
        let q = || client.query().table_name("products").key_condition_expression("pk = :p");
        assert!(query(q().return_consumed_capacity(total.clone()).as_input()).is_none());
        assert!(query(q().attributes_to_get("id").as_input()).is_none());
        assert!(
            query(q().conditional_operator(aws_sdk_dynamodb::types::ConditionalOperator::And).as_input()).is_none()
        );

        let get = || client.get_item().table_name("products").key("id", s("a"));
        assert!(get_item(get().attributes_to_get("id").as_input()).is_none());
        assert!(get_item(get().return_consumed_capacity(total.clone()).as_input()).is_none());

        let keys = || KeysAndAttributes::builder().keys(key("a"));
        let batch = |keys: KeysAndAttributes| client.batch_get_item().request_items("products", keys);
        assert!(batch_get_item(batch(keys().build().unwrap()).as_input()).is_some());
        assert!(batch_get_item(batch(keys().attributes_to_get("id").build().unwrap()).as_input()).is_none());
        assert!(batch_get_item(batch(keys().build().unwrap()).return_consumed_capacity(total).as_input()).is_none());
    }

    /// The fields of an input builder, as its `Debug` names them.
    fn fields(debug: String) -> Vec<String> {
        let inner = debug.split_once('{').map_or("", |(_, rest)| rest);
        inner.split(", ").filter_map(|field| field.split_once(':')).map(|(name, _)| name.trim().to_owned()).collect()
    }

    #[test]
    fn every_field_the_sdk_has_is_written_here_or_leaves_the_call_to_the_sdk() {
        use aws_sdk_dynamodb::operation::{batch_get_item, get_item, query};
        let get = ["table_name", "key", "attributes_to_get", "consistent_read", "return_consumed_capacity"];
        let get_rest = ["projection_expression", "expression_attribute_names"];
        let get_fields: Vec<&str> = get.iter().chain(&get_rest).copied().collect();
        assert_eq!(fields(format!("{:?}", get_item::GetItemInput::builder())), get_fields);
        assert_eq!(
            fields(format!("{:?}", batch_get_item::BatchGetItemInput::builder())),
            ["request_items", "return_consumed_capacity"]
        );
        assert_eq!(
            fields(format!("{:?}", KeysAndAttributes::builder())),
            ["keys", "attributes_to_get", "consistent_read", "projection_expression", "expression_attribute_names"]
        );
        assert_eq!(
            fields(format!("{:?}", query::QueryInput::builder())),
            [
                "table_name",
                "index_name",
                "select",
                "attributes_to_get",
                "limit",
                "consistent_read",
                "key_conditions",
                "query_filter",
                "conditional_operator",
                "scan_index_forward",
                "exclusive_start_key",
                "return_consumed_capacity",
                "projection_expression",
                "filter_expression",
                "key_condition_expression",
                "expression_attribute_names",
                "expression_attribute_values",
            ]
        );
    }
}
