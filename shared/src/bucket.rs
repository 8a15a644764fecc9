//! The media bucket, over the AWS SDK: presigned PUTs for uploads and GETs for private documents,
//! and the objects `onUploadReceived` reads, writes and deletes.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use aws_sdk_s3::presigning::{PresignedRequest, PresigningConfig};
use aws_sdk_s3::primitives::ByteStream;

use crate::clock::Timestamp;
use crate::error::ApiError;

/// Renditions never change under their key (a new photo is a new upload): browsers and CloudFront
/// keep them a year.
const RENDITION_CACHE_CONTROL: &str = "public, max-age=31536000, immutable";

#[derive(Clone, Debug)]
pub struct MediaBucket {
    client: aws_sdk_s3::Client,
    bucket: String,
}

/// A request a client makes itself, signed for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedRequest {
    pub url: String,
    pub method: String,
    /// The headers the request must carry, as signed.
    pub headers: BTreeMap<String, String>,
}

/// What an object's read found.
pub enum Fetched {
    Bytes(Vec<u8>),
    /// The object is bigger than the caller will read: its size.
    TooBig(u64),
    Missing,
}

impl MediaBucket {
    pub fn new(client: aws_sdk_s3::Client, bucket: impl Into<String>) -> Self {
        Self { client, bucket: bucket.into() }
    }

    /// A PUT of exactly `size` bytes of `content_type` to `key`, valid `lifetime` from `now`: S3
    /// refuses any other length or type, since both are signed.
    pub async fn presign_put(
        &self,
        key: &str,
        content_type: &str,
        size: u64,
        now: Timestamp,
        lifetime: Duration,
    ) -> Result<SignedRequest, ApiError> {
        let presigned = self
            .client
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            .content_type(content_type)
            .content_length(size as i64)
            .presigned(presigning(now, lifetime)?)
            .await?;
        Ok(signed(&presigned))
    }

    /// A GET of `key` valid `lifetime` from `now`, answered as a download named `filename`.
    pub async fn presign_get(
        &self,
        key: &str,
        filename: &str,
        now: Timestamp,
        lifetime: Duration,
    ) -> Result<SignedRequest, ApiError> {
        let presigned = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .response_content_disposition(format!("attachment; filename=\"{filename}\""))
            .presigned(presigning(now, lifetime)?)
            .await?;
        Ok(signed(&presigned))
    }

    /// The object at `key`, if it is at most `limit` bytes; its size is known before its body is
    /// read, so nothing bigger is ever held in memory.
    pub async fn fetch(&self, key: &str, limit: u64) -> Result<Fetched, ApiError> {
        let object = match self.client.get_object().bucket(&self.bucket).key(key).send().await {
            Ok(object) => object,
            Err(error) if error.as_service_error().is_some_and(|e| e.is_no_such_key()) => return Ok(Fetched::Missing),
            Err(error) => return Err(error.into()),
        };
        let size = object.content_length().unwrap_or_default().max(0) as u64;
        if size > limit {
            return Ok(Fetched::TooBig(size));
        }
        let body = object.body.collect().await.map_err(|error| {
            tracing::warn!(%error, "reading an object failed");
            ApiError::Unavailable { retry_after_secs: 1 }
        })?;
        Ok(Fetched::Bytes(body.to_vec()))
    }

    /// Publishes a rendition (public, cached for good).
    pub async fn put_rendition(&self, key: &str, jpeg: Vec<u8>) -> Result<(), ApiError> {
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            .content_type("image/jpeg")
            .cache_control(RENDITION_CACHE_CONTROL)
            .body(ByteStream::from(jpeg))
            .send()
            .await?;
        Ok(())
    }

    /// Keeps a private document.
    pub async fn put_document(&self, key: &str, content_type: &str, bytes: Vec<u8>) -> Result<(), ApiError> {
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            .content_type(content_type)
            .body(ByteStream::from(bytes))
            .send()
            .await?;
        Ok(())
    }

    /// Deletes `key`; deleting what is not there is no error (S3's own rule), so this repeats safely.
    pub async fn delete(&self, key: &str) -> Result<(), ApiError> {
        self.client.delete_object().bucket(&self.bucket).key(key).send().await?;
        Ok(())
    }
}

fn presigning(now: Timestamp, lifetime: Duration) -> Result<PresigningConfig, ApiError> {
    let start = SystemTime::UNIX_EPOCH + Duration::from_secs(now.unix_seconds().max(0) as u64);
    PresigningConfig::builder().start_time(start).expires_in(lifetime).build().map_err(ApiError::internal)
}

fn signed(presigned: &PresignedRequest) -> SignedRequest {
    SignedRequest {
        url: presigned.uri().to_owned(),
        method: presigned.method().to_owned(),
        headers: presigned.headers().map(|(name, value)| (name.to_owned(), value.to_owned())).collect(),
    }
}
