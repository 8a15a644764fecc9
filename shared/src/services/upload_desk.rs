//! Requesting an upload: the record first, counted against its owner's pending uploads, then the
//! presigned PUT the client sends the bytes with, straight to the bucket's quarantine.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;

use crate::accounts::Caller;
use crate::bucket::MediaBucket;
use crate::clock::{Clock, Timestamp};
use crate::config::ConfigError;
use crate::db::{Database, UploadRepo};
use crate::error::ApiError;
use crate::ids::UploadId;
use crate::media::UploadRequest;
use crate::media::upload::UPLOAD_URL_LIFETIME;

pub struct UploadDesk {
    uploads: UploadRepo,
    bucket: MediaBucket,
    clock: Arc<dyn Clock>,
}

/// The answer to `POST /api/uploads`: how to send the file.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestedUpload {
    pub id: UploadId,
    pub upload_url: String,
    pub method: String,
    /// Headers the PUT must carry exactly (the content type and length are signed).
    pub headers: BTreeMap<String, String>,
    pub expires_at: Timestamp,
}

impl UploadDesk {
    pub fn new(db: &Database, bucket: MediaBucket) -> Result<Self, ConfigError> {
        Ok(Self { uploads: UploadRepo::new(db)?, bucket, clock: db.clock() })
    }

    pub async fn request(&self, caller: &Caller, request: UploadRequest) -> Result<RequestedUpload, ApiError> {
        let upload = request.into_upload(caller, self.clock.now())?;
        self.uploads.request(&upload).await?;
        let key = upload.quarantine_key();
        let content_type = upload.media_type.content_type();
        let signed =
            self.bucket.presign_put(&key, content_type, upload.size, upload.created_at, UPLOAD_URL_LIFETIME).await?;
        Ok(RequestedUpload {
            id: upload.id,
            upload_url: signed.url,
            method: signed.method,
            headers: signed.headers,
            expires_at: upload.url_expires_at,
        })
    }
}
