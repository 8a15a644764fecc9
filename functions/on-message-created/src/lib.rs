//! `onMessageCreated`: a message whose recipient has had no open connection since it was sent
//! (so nothing reached them live, and no app of theirs has loaded it since) becomes an inbox
//! notification — at most one per conversation per 10 minutes, once however often the record is
//! delivered.

use std::sync::Arc;

use shared::clock::Clock;
use shared::config::ConfigError;
use shared::conversations::{INBOX_NOTICE_EVERY, Message};
use shared::db::{ConnectionRepo, ConversationRepo};
use shared::notify::messages;
use shared::services::notifier::Notifier;
use shared::streams::{StreamRecord, Trigger, new_image};
use shared::{ApiError, App};

pub struct OnMessageCreated {
    conversations: ConversationRepo,
    connections: ConnectionRepo,
    notifier: Notifier,
    clock: Arc<dyn Clock>,
}

impl OnMessageCreated {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        let db = app.database();
        Ok(Self {
            conversations: ConversationRepo::new(&db)?,
            connections: ConnectionRepo::new(&db)?,
            notifier: Notifier::new(&db, app.publisher()?)?,
            clock: db.clock(),
        })
    }
}

impl Trigger for OnMessageCreated {
    async fn handle(&self, record: &StreamRecord) -> Result<(), ApiError> {
        let Some(message) = new_image::<Message>(record)? else { return Ok(()) };
        let Some(view) = self.conversations.view(message.conversation_id, message.sender_id).await? else {
            return Ok(());
        };
        let recipient = view.other_than(message.sender_id);
        let now = self.clock.now();
        let presence = self.connections.presence(recipient, now).await?;
        if presence.online || presence.last_seen_at.is_some_and(|seen| seen >= message.created_at) {
            return Ok(());
        }
        let until = message.created_at.plus(INBOX_NOTICE_EVERY);
        if !self.conversations.claim_inbox_notice(&message, recipient, until).await? {
            return Ok(());
        }
        let key = format!("chat#{}", message.id);
        self.notifier.send_once(&key, message.created_at, &messages::chat_message(&view, &message)).await
    }
}
