//! Uploads as a client makes them: ask for a presigned PUT, send the bytes to it with the signed
//! headers, and wait for the check to settle the upload.

use aws_sdk_dynamodb::types::AttributeValue;
use serde_json::{Value, json};

use crate::accounts::Session;
use crate::{TestMarketplace, TestResponse, eventually};

impl TestMarketplace {
    /// `POST /api/uploads` as `who`.
    pub async fn request_upload(&self, who: &Session, purpose: &str, content_type: &str, size: usize) -> TestResponse {
        let body = json!({ "purpose": purpose, "contentType": content_type, "size": size });
        self.post_as(&who.access_token, "/api/uploads", &body).await
    }

    /// Sends `bytes` the way the answer to `POST /api/uploads` says: its method, URL and headers.
    /// The URL is the runner's own S3 (`/_local/s3/...`).
    pub async fn put_upload(&self, requested: &Value, bytes: &[u8]) -> TestResponse {
        let url = requested["uploadUrl"].as_str().expect("uploadUrl");
        let path = url.strip_prefix(&self.marketplace.url()).unwrap_or_else(|| panic!("{url} is not the runner's"));
        let headers: Vec<(String, String)> = requested["headers"]
            .as_object()
            .expect("headers")
            .iter()
            .map(|(name, value)| (name.clone(), value.as_str().unwrap().to_owned()))
            .filter(|(name, _)| name != "content-length" && name != "host")
            .collect();
        let headers: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        assert_eq!(requested["method"], "PUT");
        self.client.send(http::Method::PUT, path, &headers, bytes::Bytes::copy_from_slice(bytes)).await
    }

    /// Requests an upload of `bytes` declared as `content_type` and sends them; its id.
    pub async fn upload(&self, who: &Session, purpose: &str, content_type: &str, bytes: &[u8]) -> String {
        let requested = self.request_upload(who, purpose, content_type, bytes.len()).await;
        assert_eq!(requested.status, 201, "{}", String::from_utf8_lossy(&requested.body));
        let requested = requested.json();
        let put = self.put_upload(&requested, bytes).await;
        assert_eq!(put.status, 200, "{}", String::from_utf8_lossy(&put.body));
        requested["id"].as_str().unwrap().to_owned()
    }

    /// `GET /api/uploads/{id}` as `who`, once the check has settled it (not `pending`).
    pub async fn settled_upload(&self, who: &Session, id: &str) -> Value {
        let path = format!("/api/uploads/{id}");
        eventually(&format!("upload {id} checked"), || async {
            self.get_as(&who.access_token, &path).await.json()["status"] != "pending"
        })
        .await;
        self.get_as(&who.access_token, &path).await.json()
    }

    /// Uploads `bytes` and waits for them to be checked; the upload as its owner sees it.
    pub async fn uploaded(&self, who: &Session, purpose: &str, content_type: &str, bytes: &[u8]) -> Value {
        let id = self.upload(who, purpose, content_type, bytes).await;
        self.settled_upload(who, &id).await
    }

    /// A `GET` of a URL the runner serves (a rendition, a presigned document), by its path.
    pub async fn fetch(&self, url: &str) -> TestResponse {
        let path = url.strip_prefix(&self.marketplace.url()).unwrap_or_else(|| panic!("{url} is the runner's"));
        self.get(path).await
    }
}

impl TestMarketplace {
    /// The stored item of upload `id`, attribute by attribute (numbers as their decimal strings).
    pub async fn upload_item(&self, id: &str) -> Value {
        let table = format!("{}UploadsTable", self.table_prefix);
        let item = self
            .app()
            .dynamodb
            .get_item()
            .table_name(table)
            .key("pk", AttributeValue::S(format!("upload#{id}")))
            .consistent_read(true)
            .send()
            .await
            .expect("the upload is read")
            .item
            .expect("the upload exists");
        let plain = |value: &AttributeValue| match value {
            AttributeValue::S(s) | AttributeValue::N(s) => json!(s),
            AttributeValue::Bool(b) => json!(b),
            other => json!(format!("{other:?}")),
        };
        Value::Object(item.iter().map(|(name, value)| (name.clone(), plain(value))).collect())
    }

    /// Removes upload `id`'s item, as DynamoDB's TTL does when it expires.
    /// How many uploads of `owner` are stored as pending (the `PendingByOwner` index, read whole).
    pub async fn pending_uploads_of(&self, owner: &str) -> usize {
        let table = format!("{}UploadsTable", self.table_prefix);
        let mut count = 0;
        let mut start = None;
        loop {
            let page = self
                .app()
                .dynamodb
                .query()
                .table_name(&table)
                .index_name("PendingByOwner")
                .key_condition_expression("pendingOwner = :owner")
                .expression_attribute_values(":owner", AttributeValue::S(owner.to_owned()))
                .set_exclusive_start_key(start)
                .send()
                .await
                .expect("the pending uploads are read");
            count += page.count as usize;
            start = page.last_evaluated_key;
            if start.is_none() {
                return count;
            }
        }
    }

    pub async fn remove_upload_item(&self, id: &str) {
        let table = format!("{}UploadsTable", self.table_prefix);
        let key = AttributeValue::S(format!("upload#{id}"));
        self.app().dynamodb.delete_item().table_name(table).key("pk", key).send().await.expect("the upload is removed");
    }
}
