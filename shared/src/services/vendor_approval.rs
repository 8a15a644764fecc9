//! What an approval does: the applicant gets a public vendor profile and the vendor role, each
//! written on condition (a re-delivered approval changes nothing twice), and the role change is
//! audited.

use crate::accounts::audit::{AuditAction, AuditEntry, Origin, Subject};
use crate::config::ConfigError;
use crate::db::{AuditLog, Database, UserRepo, VendorRepo};
use crate::error::ApiError;
use crate::vendors::{VendorApplication, VendorProfile};

pub struct VendorApproval {
    users: UserRepo,
    vendors: VendorRepo,
    audit: AuditLog,
}

impl VendorApproval {
    pub fn new(db: &Database) -> Result<Self, ConfigError> {
        Ok(Self { users: UserRepo::new(db)?, vendors: VendorRepo::new(db)?, audit: AuditLog::new(db)? })
    }

    /// Makes the applicant of an approved `application` a vendor; `origin` is the event that said so.
    pub async fn approve(&self, application: &VendorApplication, origin: &Origin) -> Result<(), ApiError> {
        let decided_at = application.decision.as_ref().map_or(application.updated_at, |d| d.decided_at);
        self.vendors.create(&VendorProfile::from_approved(application, decided_at)).await?;
        if self.users.make_vendor(application.applicant_id).await? {
            let entry = AuditEntry {
                actor: application.decision.as_ref().map(|d| d.decided_by),
                ..AuditEntry::new(AuditAction::RoleChanged, Subject::User(application.applicant_id), origin)
            };
            self.audit.record(entry.with_detail(format!("customer -> vendor (application {})", application.id))).await;
        }
        Ok(())
    }
}
