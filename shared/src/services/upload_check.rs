//! What `onUploadReceived` does with a file that arrived in quarantine: its bytes must be what was
//! declared; a photo is decoded under a pixel limit and published as metadata-free renditions, a
//! document kept private; then the upload is ready or rejected, once, and the quarantined file
//! goes. A repeated event finds the upload no longer pending and only removes the file again.

use crate::bucket::{Fetched, MediaBucket};
use crate::config::ConfigError;
use crate::db::{Database, UploadRepo};
use crate::error::ApiError;
use crate::media::upload::{quarantined, rendition_key};
use crate::media::{Rejection, Upload, UploadStatus, check_bytes, render, verify_image};

pub struct UploadCheck {
    uploads: UploadRepo,
    /// The bucket comes with each event.
    s3: aws_sdk_s3::Client,
}

/// What became of a file in quarantine.
#[derive(Debug, PartialEq, Eq)]
pub enum Checked {
    Ready,
    Rejected(Rejection),
    /// Nothing to do: not an upload's, or its upload was settled before (a repeated event).
    Ignored,
}

impl UploadCheck {
    pub fn new(db: &Database, s3: aws_sdk_s3::Client) -> Result<Self, ConfigError> {
        Ok(Self { uploads: UploadRepo::new(db)?, s3 })
    }

    /// Checks the file `key` that arrived in `bucket`.
    pub async fn received(&self, bucket: &str, key: &str) -> Result<Checked, ApiError> {
        let bucket = MediaBucket::new(self.s3.clone(), bucket);
        let Some(id) = quarantined(key) else {
            return Ok(Checked::Ignored);
        };
        let upload = match self.uploads.get(id).await? {
            Some(upload) if upload.status == UploadStatus::Pending => upload,
            _ => {
                bucket.delete(key).await?;
                return Ok(Checked::Ignored);
            }
        };
        let verdict = match bucket.fetch(key, upload.size).await? {
            Fetched::Missing => return Ok(Checked::Ignored),
            Fetched::TooBig(received) => Err(Rejection::SizeMismatch { declared: upload.size, received }),
            Fetched::Bytes(bytes) => publish(&bucket, &upload, bytes).await?,
        };
        let rejection = verdict.as_ref().err().map(|r| (r.code(), r.to_string()));
        let settled =
            self.uploads.finish(&upload, rejection.as_ref().map(|(code, detail)| (*code, detail.as_str()))).await?;
        bucket.delete(key).await?;
        Ok(match (settled, verdict) {
            (false, _) => Checked::Ignored,
            (true, Ok(())) => Checked::Ready,
            (true, Err(rejection)) => Checked::Rejected(rejection),
        })
    }
}

/// Checks the bytes and writes what the upload becomes; `Ok(Err(_))` is the file's fault.
async fn publish(bucket: &MediaBucket, upload: &Upload, bytes: Vec<u8>) -> Result<Result<(), Rejection>, ApiError> {
    if let Err(rejection) = check_bytes(upload.media_type, upload.size, &bytes) {
        return Ok(Err(rejection));
    }
    let media_type = upload.media_type;
    if upload.purpose.is_public() {
        // Decoding a 12-megapixel photo takes most of a second of CPU: off the async workers.
        let renditions = match tokio::task::spawn_blocking(move || render(&bytes, media_type)).await {
            Ok(Ok(renditions)) => renditions,
            Ok(Err(rejection)) => return Ok(Err(rejection)),
            Err(panicked) => return Err(ApiError::internal(panicked)),
        };
        for rendition in renditions {
            bucket.put_rendition(&rendition_key(upload.id, rendition.width), rendition.jpeg).await?;
        }
        return Ok(Ok(()));
    }
    let bytes = if media_type.is_image() {
        let checked = tokio::task::spawn_blocking(move || verify_image(&bytes, media_type).map(|()| bytes));
        match checked.await {
            Ok(Ok(bytes)) => bytes,
            Ok(Err(rejection)) => return Ok(Err(rejection)),
            Err(panicked) => return Err(ApiError::internal(panicked)),
        }
    } else {
        bytes
    };
    bucket.put_document(&upload.document_key(), media_type.content_type(), bytes).await?;
    Ok(Ok(()))
}
