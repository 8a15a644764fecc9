//! The WebSocket frames: what a client sends (`action`) and what the server pushes (`type`):
//! conversations' messages, typing, reads and presence, and inbox notifications.

use serde::{Deserialize, Serialize};

use crate::clock::Timestamp;
use crate::conversations::{ClientMessageId, Message, MessageBody};
use crate::error::FieldError;
use crate::ids::{ConversationId, UserId};
use crate::notify::InboxItem;

/// Pushed to a client's connections.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum ServerFrame {
    /// A message from the other participant.
    Message { message: Message },
    /// The other participant is typing.
    Typing { conversation_id: ConversationId, user_id: UserId },
    /// The other participant read the conversation.
    Read { conversation_id: ConversationId, reader_id: UserId, at: Timestamp },
    /// A conversation partner's first connection opened or last one closed.
    Presence { user_id: UserId, online: bool, last_seen_at: Option<Timestamp> },
    /// A new notification in the user's inbox (orders, payments, applications, ...).
    Notification { notification: InboxItem },
    /// The sender's own message, stored (also when it was stored before, under the same id).
    Ack { client_message_id: ClientMessageId, message: Message },
    /// A frame that could not be acted on, with the `code` an HTTP request would have got.
    Error {
        #[serde(skip_serializing_if = "Option::is_none")]
        client_message_id: Option<String>,
        code: String,
        detail: String,
    },
}

impl ServerFrame {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a frame serializes")
    }
}

/// `{ "action": "sendMessage", "conversationId", "body", "clientMessageId" }`, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct SendMessage {
    pub conversation_id: ConversationId,
    pub body: MessageBody,
    pub client_message_id: ClientMessageId,
}

/// `{ "action": "typing", "conversationId" }`, parsed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Typing {
    pub conversation_id: ConversationId,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RawSendMessage {
    #[allow(dead_code)] // the route was chosen by it
    action: String,
    conversation_id: String,
    body: String,
    client_message_id: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RawTyping {
    #[allow(dead_code)] // the route was chosen by it
    action: String,
    conversation_id: String,
}

/// A frame that is not what its action needs: the field errors, for the error frame.
#[derive(Debug, Clone, PartialEq)]
pub struct BadFrame {
    /// The frame's `clientMessageId` if it had a readable one, so the client knows which send failed.
    pub client_message_id: Option<String>,
    pub errors: Vec<FieldError>,
}

fn conversation_id(raw: &str) -> Result<ConversationId, FieldError> {
    raw.parse().map_err(|_| FieldError::new("conversationId", "must be a conversation id"))
}

fn unreadable(error: serde_json::Error) -> BadFrame {
    BadFrame { client_message_id: None, errors: vec![FieldError::new("frame", error.to_string())] }
}

impl SendMessage {
    pub fn parse(frame: &str) -> Result<Self, BadFrame> {
        let raw: RawSendMessage = serde_json::from_str(frame).map_err(unreadable)?;
        let (conversation, body, client) = (
            conversation_id(&raw.conversation_id),
            MessageBody::parse(&raw.body),
            ClientMessageId::parse(&raw.client_message_id),
        );
        match (conversation, body, client) {
            (Ok(conversation_id), Ok(body), Ok(client_message_id)) => {
                Ok(Self { conversation_id, body, client_message_id })
            }
            (conversation, body, client) => Err(BadFrame {
                client_message_id: client.as_ref().ok().map(|id| id.as_str().to_owned()),
                errors: [conversation.err(), body.err(), client.err()].into_iter().flatten().collect(),
            }),
        }
    }
}

impl Typing {
    pub fn parse(frame: &str) -> Result<Self, BadFrame> {
        let raw: RawTyping = serde_json::from_str(frame).map_err(unreadable)?;
        conversation_id(&raw.conversation_id)
            .map(|conversation_id| Self { conversation_id })
            .map_err(|error| BadFrame { client_message_id: None, errors: vec![error] })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_send_frame_parses_and_a_bad_one_says_every_field_it_got_wrong() {
        let id = ConversationId::new();
        let frame =
            format!(r#"{{"action":"sendMessage","conversationId":"{id}","body":" مرحبا ","clientMessageId":"c-1"}}"#);
        let send = SendMessage::parse(&frame).expect("valid");
        assert_eq!((send.conversation_id, send.body.as_str(), send.client_message_id.as_str()), (id, "مرحبا", "c-1"));

        let bad =
            SendMessage::parse(r#"{"action":"sendMessage","conversationId":"x","body":"","clientMessageId":"c-2"}"#)
                .expect_err("invalid");
        assert_eq!(bad.client_message_id.as_deref(), Some("c-2"));
        let fields: Vec<_> = bad.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["conversationId", "body"]);

        let extra = format!(
            r#"{{"action":"sendMessage","conversationId":"{id}","body":"hi","clientMessageId":"c","senderId":"x"}}"#
        );
        assert!(SendMessage::parse(&extra).is_err(), "unknown fields are refused");
    }

    #[test]
    fn server_frames_are_tagged_by_type_in_camel_case() {
        let frame = ServerFrame::Typing { conversation_id: ConversationId::new(), user_id: UserId::new() };
        let json: serde_json::Value = serde_json::from_str(&frame.to_json()).expect("json");
        assert_eq!(json["type"], "typing");
        assert!(json["conversationId"].is_string() && json["userId"].is_string());
    }
}
