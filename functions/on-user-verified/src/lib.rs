//! `onUserVerified`: a user whose email has just been verified is counted among the new users of
//! the Cairo day they registered, once. Registrations never verified are removed after a week and
//! never counted. (The stream's filter delivers only the change that verifies an account.)

use serde::Deserialize;
use shared::analytics::facts;
use shared::clock::Timestamp;
use shared::config::ConfigError;
use shared::ids::UserId;
use shared::services::tally::Tally;
use shared::streams::{StreamRecord, Trigger, new_image};
use shared::{ApiError, App};

pub struct OnUserVerified {
    tally: Tally,
}

/// All this trigger reads of the account (the image also holds what it must not touch).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Registered {
    id: UserId,
    created_at: Timestamp,
}

impl OnUserVerified {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        Ok(Self { tally: Tally::new(&app.database())? })
    }
}

impl Trigger for OnUserVerified {
    async fn handle(&self, record: &StreamRecord) -> Result<(), ApiError> {
        let Some(user) = new_image::<Registered>(record)? else { return Ok(()) };
        self.tally.count(facts::new_user(user.id, user.created_at), None).await
    }
}
