//! `onVendorApplicationUpdated`: when an application is decided, an approved applicant becomes a
//! vendor with a public profile, and the applicant is told the decision (and the reason). Each
//! effect is conditional or marked, so a re-delivered record changes nothing twice and notifies once.

use shared::config::ConfigError;
use shared::db::audit::{AuditAction, AuditEntry, Subject};
use shared::db::{AuditLog, UserRepo, VendorRepo};
use shared::notify::once::Notifier;
use shared::notify::{Notification, NotificationType};
use shared::streams::{StreamRecord, Trigger, new_image, old_image};
use shared::vendors::{ApplicationStatus, VendorApplication, VendorProfile};
use shared::{ApiError, App};

pub struct OnVendorApplicationUpdated {
    users: UserRepo,
    vendors: VendorRepo,
    audit: AuditLog,
    notifier: Notifier,
}

impl OnVendorApplicationUpdated {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        Ok(Self {
            users: UserRepo::from_app(app)?,
            vendors: VendorRepo::from_app(app)?,
            audit: AuditLog::from_app(app)?,
            notifier: Notifier::from_app(app)?,
        })
    }

    async fn approve(&self, application: &VendorApplication, record: &StreamRecord) -> Result<(), ApiError> {
        let decided_at = application.decision.as_ref().map_or(application.updated_at, |d| d.decided_at);
        self.vendors.create(&VendorProfile::from_approved(application, decided_at)).await?;
        if self.users.make_vendor(application.applicant_id).await? {
            self.audit
                .record(AuditEntry {
                    action: AuditAction::RoleChanged,
                    subject: Subject::User(application.applicant_id),
                    actor: application.decision.as_ref().map(|d| d.decided_by),
                    request_id: record.event_id.clone(),
                    source_ip: String::new(),
                    detail: Some(format!("customer -> vendor (application {})", application.id)),
                })
                .await;
        }
        Ok(())
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
            self.approve(&after, record).await?;
        }
        let reason = after.decision.as_ref().and_then(|d| d.reason.clone());
        let (subject, body) = match after.status {
            ApplicationStatus::Approved => (
                "You are now a vendor on Souk El-Sayarat – تمت الموافقة على طلبك".to_owned(),
                "Your vendor application was approved. Sign in again to start listing.\nتمت الموافقة على طلبك كتاجر."
                    .to_owned(),
            ),
            _ => (
                "Your vendor application was not approved – لم تتم الموافقة على طلبك".to_owned(),
                format!("Reason: {}\nالسبب: {}", reason.as_deref().unwrap_or("-"), reason.as_deref().unwrap_or("-")),
            ),
        };
        let notification = Notification {
            id: None,
            kind: NotificationType::VendorApplicationDecided,
            to: after.applicant_id.to_string(),
            user_id: Some(after.applicant_id),
            subject,
            body,
            data: serde_json::json!({ "applicationId": after.id, "status": after.status, "reason": reason }),
        };
        self.notifier.send_once(&format!("application-decided#{}", after.id), after.updated_at, &notification).await
    }
}
