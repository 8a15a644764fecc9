//! Uploaded media: product photos and vendors' documents. What may be uploaded and by whom, what a
//! file claims to be, what its bytes are, and (with the `imaging` feature) the renditions
//! published in its place.

pub mod check;
pub mod media_type;
pub mod rejection;
#[cfg(feature = "imaging")]
pub mod renditions;
pub mod upload;

pub use check::check_bytes;
pub use media_type::MediaType;
pub use rejection::Rejection;
#[cfg(feature = "imaging")]
pub use renditions::{MAX_SIDE, Rendition, render, verify_image};
pub use upload::{MediaUrls, Upload, UploadPurpose, UploadRequest, UploadStatus};
