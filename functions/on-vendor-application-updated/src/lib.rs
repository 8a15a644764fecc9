//! `onVendorApplicationUpdated`: when an application is decided, an approved applicant becomes a
//! vendor with a public profile, and the applicant is told the decision (and the reason). Each
//! effect is conditional or marked, so a re-delivered record changes nothing twice and notifies once.

use shared::config::ConfigError;
use shared::notify::messages;
use shared::services::notifier::Notifier;
use shared::services::vendor_approval::VendorApproval;
use shared::streams::{self, StreamRecord, Trigger, new_image, old_image};
use shared::vendors::{ApplicationStatus, VendorApplication};
use shared::{ApiError, App};

pub struct OnVendorApplicationUpdated {
    approval: VendorApproval,
    notifier: Notifier,
}

impl OnVendorApplicationUpdated {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        let db = app.database();
        Ok(Self { approval: VendorApproval::new(&db)?, notifier: Notifier::new(&db, app.publisher()?)? })
    }
}

impl Trigger for OnVendorApplicationUpdated {
    async fn handle(&self, record: &StreamRecord) -> Result<(), ApiError> {
        let (Some(before), Some(after)) =
            (old_image::<VendorApplication>(record)?, new_image::<VendorApplication>(record)?)
        else {
            return Ok(());
        };
        if before.status != ApplicationStatus::Pending || after.status == ApplicationStatus::Pending {
            return Ok(());
        }
        if after.status == ApplicationStatus::Approved {
            self.approval.approve(&after, &streams::origin(record)).await?;
        }
        let key = format!("application-decided#{}", after.id);
        self.notifier.send_once(&key, after.updated_at, &messages::application_decided(&after)).await
    }
}
