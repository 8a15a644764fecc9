//! `onUploadExpired`: an upload that no product or application used is deleted by the uploads
//! table's TTL seven days after it was requested; its removal from the table deletes its objects
//! (renditions, document, and anything left in quarantine). Deleting what is gone is no error, so
//! a repeated record changes nothing.

use shared::bucket::MediaBucket;
use shared::config::ConfigError;
use shared::media::Upload;
use shared::streams::{StreamRecord, Trigger, old_image};
use shared::{ApiError, App};

pub struct OnUploadExpired {
    bucket: MediaBucket,
}

impl OnUploadExpired {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        Ok(Self { bucket: app.media_bucket()? })
    }
}

impl Trigger for OnUploadExpired {
    async fn handle(&self, record: &StreamRecord) -> Result<(), ApiError> {
        let Some(upload) = old_image::<Upload>(record)? else {
            return Ok(());
        };
        for key in upload.object_keys() {
            self.bucket.delete(&key).await?;
        }
        Ok(())
    }
}
