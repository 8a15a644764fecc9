//! Conversations between buyers and sellers about a listing, and what reaches a client live:
//! the message and its rules ([`message_body`], [`client_message_id`]) and a WebSocket
//! connection's id ([`connection_id`]); the frames a client sends and receives are
//! [`crate::frames`].

pub mod client_message_id;
pub mod connection_id;
pub mod message_body;
pub mod owed;
pub mod requests;

use std::time::Duration;

use serde::{Deserialize, Serialize};

pub use client_message_id::ClientMessageId;
pub use connection_id::ConnectionId;
pub use message_body::MessageBody;
pub use owed::Owed;

use crate::clock::Timestamp;
use crate::ids::{ConversationId, MessageId, ProductId, UserId};

/// API Gateway closes a WebSocket connection after 2 hours; its record goes with it (TTL).
pub const CONNECTION_LIFETIME: Duration = Duration::from_secs(2 * 3600);
/// A recipient with no open connection hears of a conversation in their inbox at most this often.
pub const INBOX_NOTICE_EVERY: Duration = Duration::from_secs(10 * 60);
/// How much of the latest message a conversation list shows.
const PREVIEW_CHARS: usize = 100;

/// A conversation as one of its two participants lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Conversation {
    pub id: ConversationId,
    pub product_id: ProductId,
    pub product_title: String,
    pub buyer_id: UserId,
    pub seller_id: UserId,
    pub last_message_at: Timestamp,
    pub last_message_preview: String,
    /// Messages from the other participant this one has not read yet.
    pub unread_count: u64,
}

impl Conversation {
    /// The participant who is not `me`.
    pub fn other_than(&self, me: UserId) -> UserId {
        if me == self.buyer_id { self.seller_id } else { self.buyer_id }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Message {
    pub id: MessageId,
    pub conversation_id: ConversationId,
    pub sender_id: UserId,
    pub body: MessageBody,
    pub created_at: Timestamp,
    /// The sender's own id for it, which makes sending it again harmless (none for the message
    /// that started the conversation).
    pub client_message_id: Option<ClientMessageId>,
}

impl Message {
    /// What a conversation list shows of it.
    pub fn preview(&self) -> String {
        self.body.as_str().chars().take(PREVIEW_CHARS).collect()
    }
}

/// Whether a user has a WebSocket connection open, and when their last one closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Presence {
    pub online: bool,
    pub last_seen_at: Option<Timestamp>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_other_participant_is_the_one_who_is_not_me() {
        let (buyer, seller) = (UserId::new(), UserId::new());
        let conversation = Conversation {
            id: ConversationId::new(),
            product_id: ProductId::new(),
            product_title: "تويوتا كورولا 2020".into(),
            buyer_id: buyer,
            seller_id: seller,
            last_message_at: Timestamp::from_unix_millis(0),
            last_message_preview: String::new(),
            unread_count: 0,
        };
        assert_eq!((conversation.other_than(buyer), conversation.other_than(seller)), (seller, buyer));
    }

    #[test]
    fn a_preview_is_the_first_hundred_characters() {
        let message = Message {
            id: MessageId::new(),
            conversation_id: ConversationId::new(),
            sender_id: UserId::new(),
            body: MessageBody::parse("ب".repeat(150).as_str()).expect("a valid body"),
            created_at: Timestamp::from_unix_millis(0),
            client_message_id: None,
        };
        assert_eq!(message.preview().chars().count(), 100);
    }
}
