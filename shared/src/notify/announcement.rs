//! An admin's announcement: a message to one user or to everyone with a role, queued when it is
//! sent and delivered to each recipient's inbox and channels afterwards.

use serde::{Deserialize, Serialize};

use crate::accounts::Role;
use crate::clock::Timestamp;
use crate::ids::{NotificationId, UserId};

/// Who is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Audience {
    UserId(UserId),
    Role(Role),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Announcement {
    pub id: NotificationId,
    /// The admin who sent it.
    pub by: UserId,
    pub audience: Audience,
    pub title: String,
    pub body: String,
    /// Stored only when it holds something: a stream record's empty map is more than the SDK's
    /// stream reader parses.
    #[serde(default = "no_data", skip_serializing_if = "is_empty")]
    pub data: serde_json::Value,
    pub created_at: Timestamp,
}

fn no_data() -> serde_json::Value {
    serde_json::Value::Object(serde_json::Map::new())
}

fn is_empty(data: &serde_json::Value) -> bool {
    data.is_null() || data.as_object().is_some_and(serde_json::Map::is_empty)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_audience_reads_as_the_api_writes_it() {
        let role: Audience = serde_json::from_str(r#"{"role":"vendor"}"#).unwrap();
        assert_eq!(role, Audience::Role(Role::Vendor));
        let user = UserId::new();
        let one: Audience = serde_json::from_value(serde_json::json!({ "userId": user })).unwrap();
        assert_eq!(one, Audience::UserId(user));
    }
}
