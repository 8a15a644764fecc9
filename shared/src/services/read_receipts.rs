//! A participant reading a conversation: their unread count drops to zero, and the other
//! participant's open connections hear of it (`read`).

use std::sync::Arc;

use crate::clock::Clock;
use crate::config::ConfigError;
use crate::db::{ConversationRepo, Database};
use crate::error::ApiError;
use crate::frames::ServerFrame;
use crate::ids::{ConversationId, UserId};
use crate::services::live::Live;

#[derive(Clone)]
pub struct ReadReceipts {
    conversations: ConversationRepo,
    clock: Arc<dyn Clock>,
    live: Live,
}

impl ReadReceipts {
    pub fn new(db: &Database, live: Live) -> Result<Self, ConfigError> {
        Ok(Self { conversations: ConversationRepo::new(db)?, clock: db.clock(), live })
    }

    /// `reader` has read a conversation they are in (anyone else: 404).
    pub async fn mark_read(&self, reader: UserId, conversation: ConversationId) -> Result<(), ApiError> {
        let view = self.conversations.view(conversation, reader).await?.ok_or(ApiError::NotFound)?;
        if !self.conversations.mark_read(conversation, reader).await? {
            return Err(ApiError::NotFound);
        }
        let frame = ServerFrame::Read { conversation_id: conversation, reader_id: reader, at: self.clock.now() };
        self.live.push(view.other_than(reader), &frame).await?;
        Ok(())
    }
}
