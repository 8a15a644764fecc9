//! DynamoDB Local writes an empty map attribute of a stream record as `{}`, where DynamoDB writes
//! `{"M":{}}` (as GetItem does for the same item). The SDK cannot read a page of records holding
//! one: the whole GetRecords fails, again on every retry, and every trigger of that table stalls
//! behind it. The runner's streams client reads through [`as_dynamodb_writes`], which writes
//! such values as DynamoDB does before the SDK reads them.

use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, SharedHttpClient, SharedHttpConnector, http_client_fn,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_types::body::SdkBody;
use http_body_util::BodyExt;
use serde_json::{Value, json};

/// `inner`, with the empty maps in the records of a GetRecords page written `{"M":{}}`.
pub fn as_dynamodb_writes(inner: SharedHttpClient) -> SharedHttpClient {
    http_client_fn(move |settings, components| {
        SharedHttpConnector::new(Connector(inner.http_connector(settings, components)))
    })
}

#[derive(Debug)]
struct Connector(SharedHttpConnector);

impl HttpConnector for Connector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let response = self.0.call(request);
        HttpConnectorFuture::new(async move {
            let mut response = response.await?;
            let body = std::mem::replace(response.body_mut(), SdkBody::taken());
            let bytes = body.collect().await.map_err(ConnectorError::io)?.to_bytes();
            let body = match fixed_page(&bytes) {
                Some(fixed) => {
                    // The checksum and length were of the body as DynamoDB Local wrote it.
                    response.headers_mut().remove("x-amz-crc32");
                    response.headers_mut().insert("content-length", fixed.len().to_string());
                    SdkBody::from(fixed)
                }
                None => SdkBody::from(bytes),
            };
            *response.body_mut() = body;
            Ok(response)
        })
    }
}

/// The page with every empty attribute value of its records' keys and images written
/// `{"M":{}}`; `None` when it has none (or is not a page of records).
fn fixed_page(body: &[u8]) -> Option<Vec<u8>> {
    let mut page: Value = serde_json::from_slice(body).ok()?;
    let mut fixed = false;
    for record in page.get_mut("Records")?.as_array_mut()? {
        for image in ["Keys", "NewImage", "OldImage"] {
            if let Some(Value::Object(attributes)) = record.get_mut("dynamodb").and_then(|d| d.get_mut(image)) {
                for value in attributes.values_mut() {
                    fixed |= fix(value);
                }
            }
        }
    }
    fixed.then(|| serde_json::to_vec(&page).expect("a JSON value serializes"))
}

/// Writes an attribute value `{}` as `{"M":{}}`, within maps and lists too; whether it wrote any.
fn fix(value: &mut Value) -> bool {
    let Value::Object(typed) = value else { return false };
    if typed.is_empty() {
        *value = json!({ "M": {} });
        return true;
    }
    let mut fixed = false;
    if let Some(Value::Object(map)) = typed.get_mut("M") {
        for value in map.values_mut() {
            fixed |= fix(value);
        }
    }
    if let Some(Value::Array(list)) = typed.get_mut("L") {
        for value in list {
            fixed |= fix(value);
        }
    }
    fixed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_empty_maps_of_records_as_dynamodb_does_and_leaves_the_rest() {
        let page = json!({ "Records": [{ "eventName": "MODIFY", "dynamodb": {
            "Keys": { "pk": { "S": "facts#2026-03-10" } },
            "NewImage": { "counts": {}, "nested": { "M": { "inner": {}, "list": { "L": [{}, { "N": "1" }] } } } },
            "OldImage": {}
        } }], "NextShardIterator": "x" });
        let fixed: Value = serde_json::from_slice(&fixed_page(page.to_string().as_bytes()).unwrap()).unwrap();
        let image = &fixed["Records"][0]["dynamodb"]["NewImage"];
        assert_eq!(image["counts"], json!({ "M": {} }));
        assert_eq!(image["nested"]["M"]["inner"], json!({ "M": {} }));
        assert_eq!(image["nested"]["M"]["list"], json!({ "L": [{ "M": {} }, { "N": "1" }] }));
        assert_eq!(fixed["Records"][0]["dynamodb"]["OldImage"], json!({}), "an image, not an attribute value");

        let right = json!({ "Records": [{ "dynamodb": { "NewImage": { "data": { "M": {} } } } }] });
        assert_eq!(fixed_page(right.to_string().as_bytes()), None);
        assert_eq!(fixed_page(br#"{"StreamDescription":{}}"#), None);
    }
}
