//! An upload: a file a user sends straight to S3 with a presigned PUT, into a private quarantine
//! area, and that nothing uses before `onUploadReceived` has checked it. What may be uploaded, by
//! whom, how big, and where its bytes live at each step.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::accounts::{Caller, Role};
use crate::clock::Timestamp;
use crate::error::{ApiError, FieldErrors};
use crate::ids::{UploadId, UserId};
use crate::media::MediaType;

/// 10 MiB: the largest file either purpose accepts.
pub const MAX_UPLOAD_BYTES: u64 = 10 * 1024 * 1024;
/// Uploads requested and not yet checked, per user: enough for a listing's twenty photos five
/// times over, and a bound on what one account can make the bucket hold unchecked.
pub const MAX_PENDING_UPLOADS: u32 = 100;
/// How long a presigned PUT is valid.
pub const UPLOAD_URL_LIFETIME: Duration = Duration::from_secs(15 * 60);
/// An upload no product or application uses is deleted this long after it was requested.
pub const UNUSED_UPLOAD_LIFETIME: Duration = Duration::from_secs(7 * 24 * 60 * 60);
/// How long a presigned GET of a private document is valid.
pub const DOCUMENT_URL_LIFETIME: Duration = Duration::from_secs(5 * 60);

/// What an upload is for, which decides who may send it and in which formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UploadPurpose {
    ProductImage,
    ApplicationDocument,
}

impl UploadPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ProductImage => "product_image",
            Self::ApplicationDocument => "application_document",
        }
    }

    pub fn accepted(self) -> &'static [MediaType] {
        match self {
            Self::ProductImage => &[MediaType::Jpeg, MediaType::Png, MediaType::Webp],
            Self::ApplicationDocument => &[MediaType::Pdf, MediaType::Jpeg, MediaType::Png],
        }
    }

    /// Product photos are published; documents stay private.
    pub fn is_public(self) -> bool {
        self == Self::ProductImage
    }

    /// Product photos are for vendors (403 `forbidden`); documents for anyone verified, since
    /// customers send them when they apply to become vendors (403 `email_not_verified`).
    fn authorise(self, caller: &Caller) -> Result<(), ApiError> {
        match self {
            Self::ProductImage => caller.require_role(&[Role::Vendor]),
            Self::ApplicationDocument => caller.require_verified_email(),
        }
    }
}

/// `POST /api/uploads`, as sent.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UploadRequest {
    purpose: UploadPurpose,
    content_type: String,
    size: u64,
}

impl UploadRequest {
    /// The upload `caller` may make, or why not.
    pub fn into_upload(self, caller: &Caller, now: Timestamp) -> Result<Upload, ApiError> {
        self.purpose.authorise(caller)?;
        let mut errors = FieldErrors::default();
        let accepted = self.purpose.accepted();
        let media_type = MediaType::parse(&self.content_type).filter(|t| accepted.contains(t));
        if media_type.is_none() {
            let names: Vec<&str> = accepted.iter().map(|t| t.content_type()).collect();
            errors.push("contentType", format!("must be one of {} for {}", names.join(", "), self.purpose.as_str()));
        }
        if self.size == 0 || self.size > MAX_UPLOAD_BYTES {
            errors.push("size", format!("must be 1 to {MAX_UPLOAD_BYTES} bytes"));
        }
        errors.finish(|| Upload {
            id: UploadId::created_at(now),
            owner_id: caller.user_id,
            purpose: self.purpose,
            media_type: media_type.expect("checked above"),
            size: self.size,
            status: UploadStatus::Pending,
            reason: None,
            detail: None,
            created_at: now,
            url_expires_at: now.plus(UPLOAD_URL_LIFETIME),
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UploadStatus {
    /// Requested; its bytes have not arrived or are being checked.
    Pending,
    /// Checked and published (photos) or kept (documents): it can be used.
    Ready,
    /// Refused, for the `reason` given.
    Rejected,
}

impl UploadStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Ready => "ready",
            Self::Rejected => "rejected",
        }
    }
}

/// An upload as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Upload {
    pub id: UploadId,
    pub owner_id: UserId,
    pub purpose: UploadPurpose,
    #[serde(with = "content_type")]
    pub media_type: MediaType,
    /// The size declared when the upload was requested, in bytes; the presigned PUT is signed
    /// for exactly this length.
    pub size: u64,
    pub status: UploadStatus,
    /// Why it was rejected: one of [`crate::media::Rejection`]'s codes, or `not_received`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The reason, in a sentence for the person who sent the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    pub created_at: Timestamp,
    pub url_expires_at: Timestamp,
}

impl Upload {
    /// Where the presigned PUT puts the bytes: private, read only by `onUploadReceived`.
    pub fn quarantine_key(&self) -> String {
        quarantine_key(self.id)
    }

    /// Where a checked document is kept (private).
    pub fn document_key(&self) -> String {
        format!("{DOCUMENTS_PREFIX}{}.{}", self.id, self.media_type.extension())
    }

    /// Every object this upload may have made, for deleting it whole.
    pub fn object_keys(&self) -> Vec<String> {
        let mut keys = vec![self.quarantine_key(), self.document_key()];
        keys.extend(RENDITION_WIDTHS.iter().map(|width| rendition_key(self.id, *width)));
        keys
    }
}

/// An upload as its owner sees it (`GET /api/uploads/{id}`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UploadView {
    pub id: UploadId,
    pub purpose: UploadPurpose,
    pub content_type: &'static str,
    pub size: u64,
    pub status: UploadStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// A ready photo's renditions by width (`"320"`, `"800"`, `"1600"`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub urls: Option<BTreeMap<String, String>>,
    pub created_at: Timestamp,
}

impl Upload {
    pub fn view(&self, media: &MediaUrls) -> UploadView {
        let published = self.status == UploadStatus::Ready && self.purpose.is_public();
        UploadView {
            id: self.id,
            purpose: self.purpose,
            content_type: self.media_type.content_type(),
            size: self.size,
            status: self.status,
            reason: self.reason.clone(),
            detail: self.detail.clone(),
            urls: published.then(|| {
                RENDITION_WIDTHS.iter().map(|width| (width.to_string(), media.rendition(self.id, *width))).collect()
            }),
            created_at: self.created_at,
        }
    }
}

/// The key prefix of uploads as they arrive; S3's object-created event for it runs the check.
pub const QUARANTINE_PREFIX: &str = "quarantine/";
/// The key prefix of the renditions of product photos: the only one the public may read.
pub const PUBLIC_PREFIX: &str = "media/";
const DOCUMENTS_PREFIX: &str = "documents/";

/// The nominal widths of a photo's renditions, in pixels.
pub const RENDITION_WIDTHS: [u32; 3] = [320, 800, 1_600];
/// The rendition a product shows as its image.
pub const IMAGE_WIDTH: u32 = 1_600;
/// The rendition a product shows as its thumbnail.
pub const THUMBNAIL_WIDTH: u32 = 320;

pub fn quarantine_key(id: UploadId) -> String {
    format!("{QUARANTINE_PREFIX}{id}")
}

pub fn rendition_key(id: UploadId, width: u32) -> String {
    format!("{PUBLIC_PREFIX}{id}/{width}.jpg")
}

/// The upload a quarantine key names (the key of an S3 event).
pub fn quarantined(key: &str) -> Option<UploadId> {
    key.strip_prefix(QUARANTINE_PREFIX)?.parse().ok()
}

/// An upload a product or an application names, and the request field it was named in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadUse {
    pub field: String,
    pub id: UploadId,
}

/// `upload:<id>`: how a product or an application refers to an upload of its author's.
pub fn upload_reference(value: &str) -> Option<UploadId> {
    value.strip_prefix("upload:")?.parse().ok()
}

/// The public addresses of renditions: the media domain (CloudFront in AWS, the runner locally).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaUrls {
    base: String,
}

impl MediaUrls {
    pub fn new(base: &str) -> Self {
        Self { base: base.trim_end_matches('/').to_owned() }
    }

    pub fn rendition(&self, id: UploadId, width: u32) -> String {
        format!("{}/{}", self.base, rendition_key(id, width))
    }
}

/// Content types as the contract spells them.
mod content_type {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::media::MediaType;

    pub fn serialize<S: Serializer>(media_type: &MediaType, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(media_type.content_type())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<MediaType, D::Error> {
        let value = String::deserialize(d)?;
        MediaType::parse(&value).ok_or_else(|| serde::de::Error::custom(format!("unknown content type {value}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller(role: Role, verified: bool) -> Caller {
        Caller { user_id: UserId::new(), role, email_verified: verified, session_id: None }
    }

    fn request(purpose: &str, content_type: &str, size: u64) -> UploadRequest {
        serde_json::from_value(serde_json::json!({ "purpose": purpose, "contentType": content_type, "size": size }))
            .expect("a request")
    }

    #[test]
    fn vendors_upload_photos_of_the_accepted_types_and_sizes() {
        let vendor = caller(Role::Vendor, true);
        let now = Timestamp::now();
        let upload = request("product_image", "image/webp", 2_000_000).into_upload(&vendor, now).unwrap();
        assert_eq!(
            (upload.status, upload.media_type, upload.owner_id),
            (UploadStatus::Pending, MediaType::Webp, vendor.user_id)
        );
        assert_eq!(upload.url_expires_at, now.plus(UPLOAD_URL_LIFETIME));
        for (content_type, size) in
            [("application/pdf", 10), ("image/gif", 10), ("image/jpeg", 0), ("image/jpeg", MAX_UPLOAD_BYTES + 1)]
        {
            let refused = request("product_image", content_type, size).into_upload(&vendor, now);
            assert!(matches!(refused, Err(ApiError::Validation(_))), "{content_type} {size}");
        }
    }

    #[test]
    fn photos_are_for_vendors_and_documents_for_the_verified() {
        let now = Timestamp::now();
        let photo = || request("product_image", "image/jpeg", 10);
        assert!(matches!(photo().into_upload(&caller(Role::Customer, true), now), Err(ApiError::Forbidden)));
        let document = || request("application_document", "application/pdf", 10);
        assert!(matches!(document().into_upload(&caller(Role::Customer, false), now), Err(ApiError::EmailNotVerified)));
        assert!(document().into_upload(&caller(Role::Customer, true), now).is_ok());
    }

    #[test]
    fn references_and_keys_name_the_upload() {
        let id = UploadId::new();
        assert_eq!(upload_reference(&format!("upload:{id}")), Some(id));
        assert_eq!(upload_reference(&format!("https://x/{id}")), None);
        assert_eq!(quarantined(&quarantine_key(id)), Some(id));
        assert_eq!(quarantined(&rendition_key(id, 320)), None);
        let urls = MediaUrls::new("https://media.example.com/");
        assert_eq!(urls.rendition(id, 1_600), format!("https://media.example.com/media/{id}/1600.jpg"));
    }
}
