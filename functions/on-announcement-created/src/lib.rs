//! `onAnnouncementCreated`: a queued announcement is delivered a page of recipients per record
//! — its creation delivers the first page, each change of where delivery goes on the next (see
//! `shared::services::announcement_delivery`).

use serde::Deserialize;
use shared::config::ConfigError;
use shared::db::index_page::Position;
use shared::notify::announcement::Announcement;
use shared::services::announcement_delivery::AnnouncementDelivery;
use shared::streams::{StreamRecord, Trigger, new_image};
use shared::{ApiError, App};

pub struct OnAnnouncementCreated {
    delivery: AnnouncementDelivery,
}

/// An announcement as queued, and where delivery goes on.
#[derive(Deserialize)]
struct Queued {
    #[serde(flatten)]
    announcement: Announcement,
    #[serde(default)]
    next: Option<Position>,
}

impl OnAnnouncementCreated {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        Ok(Self { delivery: AnnouncementDelivery::new(&app.database(), app.publisher()?)? })
    }
}

impl Trigger for OnAnnouncementCreated {
    async fn handle(&self, record: &StreamRecord) -> Result<(), ApiError> {
        let Some(queued) = new_image::<Queued>(record)? else { return Ok(()) };
        self.delivery.deliver(&queued.announcement, queued.next).await
    }
}
