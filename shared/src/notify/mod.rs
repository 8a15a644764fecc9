//! Notifications: what a user is told (verification emails now; applications, orders and admin
//! messages later), and where it is published for delivery channels (push, email, SMS) to pick up.

pub mod announcement;
pub mod messages;

use futures::future::BoxFuture;
use serde::{Deserialize, Serialize};

use crate::accounts::{Channel, Channels};
use crate::clock::Timestamp;
use crate::error::ApiError;
use crate::ids::{NotificationId, UserId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotificationType {
    EmailVerification,
    PasswordReset,
    LoginLocked,
    VendorApplicationSubmitted,
    VendorApplicationDecided,
    OrderCreated,
    OrderReceived,
    OrderStatusChanged,
    PaymentStatusChanged,
    Announcement,
    ChatMessage,
}

impl NotificationType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::EmailVerification => "email_verification",
            Self::PasswordReset => "password_reset",
            Self::LoginLocked => "login_locked",
            Self::VendorApplicationSubmitted => "vendor_application_submitted",
            Self::VendorApplicationDecided => "vendor_application_decided",
            Self::OrderCreated => "order_created",
            Self::OrderReceived => "order_received",
            Self::OrderStatusChanged => "order_status_changed",
            Self::PaymentStatusChanged => "payment_status_changed",
            Self::Announcement => "announcement",
            Self::ChatMessage => "chat_message",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Notification {
    /// The inbox id, for channels to deduplicate on (absent for messages outside the inbox).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<NotificationId>,
    #[serde(rename = "type")]
    pub kind: NotificationType,
    /// An email address or a user id: where a delivery channel sends it.
    pub to: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<UserId>,
    /// The channels it may be delivered on: a message to a user starts with every channel and is
    /// narrowed to the ones they accept; account security messages go by email whatever they chose.
    pub channels: Vec<Channel>,
    pub subject: String,
    pub body: String,
    #[serde(default)]
    pub data: serde_json::Value,
}

impl Notification {
    /// Keeps only the channels `accepted` allows (`None`: the recipient is gone, so none).
    pub fn narrow_to(&mut self, accepted: Option<&Channels>) {
        self.channels.retain(|channel| accepted.is_some_and(|accepted| accepted.allows(*channel)));
    }
}

/// Hands a notification to the delivery channels: SNS in AWS, the local runner's outbox locally.
pub trait Publisher: Send + Sync {
    fn publish<'a>(&'a self, notification: &'a Notification) -> BoxFuture<'a, Result<(), ApiError>>;
}

/// What a user sees in their inbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InboxItem {
    pub id: NotificationId,
    #[serde(rename = "type")]
    pub kind: NotificationType,
    pub title: String,
    pub body: String,
    #[serde(default)]
    pub data: serde_json::Value,
    pub read: bool,
    pub created_at: Timestamp,
}

impl InboxItem {
    /// `notification` as it lands in an inbox under `id`, unread.
    pub fn of(notification: &Notification, id: NotificationId, at: Timestamp) -> Self {
        Self {
            id,
            kind: notification.kind,
            title: notification.subject.clone(),
            body: notification.body.clone(),
            data: notification.data.clone(),
            read: false,
            created_at: at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn to_everyone() -> Notification {
        Notification {
            id: None,
            kind: NotificationType::Announcement,
            to: "someone".into(),
            user_id: None,
            channels: Channel::ALL.to_vec(),
            subject: "s".into(),
            body: "b".into(),
            data: serde_json::json!({}),
        }
    }

    #[test]
    fn channels_narrow_to_what_the_recipient_accepts_and_to_none_without_one() {
        let mut notification = to_everyone();
        notification.narrow_to(Some(&Channels { email: true, sms: false, push: true }));
        assert_eq!(notification.channels, [Channel::Email, Channel::Push]);
        assert_eq!(serde_json::to_value(&notification).unwrap()["channels"], serde_json::json!(["email", "push"]));
        let mut gone = to_everyone();
        gone.narrow_to(None);
        assert!(gone.channels.is_empty());
    }
}
