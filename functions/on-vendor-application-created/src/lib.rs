//! `onVendorApplicationCreated`: every admin hears of a new vendor application, once, however
//! often the stream delivers its record.

use shared::accounts::Role;
use shared::config::ConfigError;
use shared::db::UserRepo;
use shared::notify::messages;
use shared::services::notifier::Notifier;
use shared::streams::{StreamRecord, Trigger, new_image};
use shared::vendors::VendorApplication;
use shared::{ApiError, App};

pub struct OnVendorApplicationCreated {
    users: UserRepo,
    notifier: Notifier,
}

impl OnVendorApplicationCreated {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        let db = app.database();
        Ok(Self { users: UserRepo::new(&db)?, notifier: Notifier::new(&db, app.publisher()?)? })
    }
}

impl Trigger for OnVendorApplicationCreated {
    async fn handle(&self, record: &StreamRecord) -> Result<(), ApiError> {
        let Some(application) = new_image::<VendorApplication>(record)? else { return Ok(()) };
        for admin in self.users.ids_with_role(Role::Admin).await? {
            let key = format!("application-submitted#{}#{admin}", application.id);
            let notification = messages::application_submitted(&application, admin);
            self.notifier.send_once(&key, application.created_at, &notification).await?;
        }
        Ok(())
    }
}
