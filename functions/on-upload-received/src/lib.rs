//! `onUploadReceived`: S3's object-created event for the quarantine prefix of the media bucket.
//! Each file is checked against what was declared, photos published as metadata-free renditions,
//! documents kept private (see `shared::services::upload_check`); the upload becomes ready or
//! rejected with its reason, once, whatever S3 repeats.

use shared::config::ConfigError;
use shared::metrics::{Metric, Metrics};
use shared::object_events::ObjectTrigger;
use shared::services::upload_check::{Checked, UploadCheck};
use shared::{ApiError, App};

pub struct OnUploadReceived {
    check: UploadCheck,
    metrics: Metrics,
}

impl OnUploadReceived {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        Ok(Self { check: UploadCheck::new(&app.database(), app.s3_client())?, metrics: app.metrics() })
    }
}

impl ObjectTrigger for OnUploadReceived {
    async fn handle(&self, bucket: &str, key: &str) -> Result<(), ApiError> {
        match self.check.received(bucket, key).await? {
            Checked::Ready => self.metrics.count(Metric::UploadsReady, 1),
            Checked::Rejected(rejection) => self.metrics.count_because(Metric::UploadsRejected, rejection.code()),
            Checked::Ignored => {}
        }
        Ok(())
    }
}
