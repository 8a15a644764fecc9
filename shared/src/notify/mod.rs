//! Notifications: what a user is told (verification emails now; applications, orders and admin
//! messages later), and where it is published for delivery channels (push, email, SMS) to pick up.

pub mod announcement;
pub mod messages;

use futures::future::BoxFuture;
use serde::{Deserialize, Serialize};

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
    Announcement,
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
            Self::Announcement => "announcement",
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
    pub subject: String,
    pub body: String,
    #[serde(default)]
    pub data: serde_json::Value,
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
