//! `onVendorApplicationCreated`: every admin hears of a new vendor application, once, however
//! often the stream delivers its record.

use shared::accounts::Role;
use shared::config::ConfigError;
use shared::db::UserRepo;
use shared::notify::once::Notifier;
use shared::notify::{Notification, NotificationType};
use shared::streams::{StreamRecord, Trigger, new_image};
use shared::vendors::VendorApplication;
use shared::{ApiError, App};

pub struct OnVendorApplicationCreated {
    users: UserRepo,
    notifier: Notifier,
}

impl OnVendorApplicationCreated {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        Ok(Self { users: UserRepo::from_app(app)?, notifier: Notifier::from_app(app)? })
    }
}

impl Trigger for OnVendorApplicationCreated {
    async fn handle(&self, record: &StreamRecord) -> Result<(), ApiError> {
        let Some(application) = new_image::<VendorApplication>(record)? else { return Ok(()) };
        for admin in self.users.ids_with_role(Role::Admin).await? {
            let notification = Notification {
                id: None,
                kind: NotificationType::VendorApplicationSubmitted,
                to: admin.to_string(),
                user_id: Some(admin),
                subject: format!("New vendor application: {}", application.business_name),
                body: format!(
                    "{} ({:?}, {}) applied to sell on Souk El-Sayarat.\nطلب تاجر جديد: {}",
                    application.business_name,
                    application.business_type,
                    application.governorate.slug(),
                    application.business_name
                ),
                data: serde_json::json!({ "applicationId": application.id, "applicantId": application.applicant_id }),
            };
            self.notifier
                .send_once(
                    &format!("application-submitted#{}#{admin}", application.id),
                    application.created_at,
                    &notification,
                )
                .await?;
        }
        Ok(())
    }
}
