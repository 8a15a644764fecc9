//! What users are told: the local runner's outbox of sent messages, and a user's inbox.

use serde_json::Value;

use crate::TestMarketplace;
use crate::accounts::Session;

impl TestMarketplace {
    /// What the outbox holds for `to` (an email or a user id), newest first.
    pub async fn outbox(&self, to: &str) -> Vec<Value> {
        let response = self.get(&format!("/_local/outbox?to={}", to.replace('+', "%2B"))).await;
        assert_eq!(response.status, 200);
        response.json()["items"].as_array().unwrap().clone()
    }

    /// The messages of type `kind` (e.g. `order_status_changed`) the outbox holds for `to`, newest
    /// first.
    pub async fn outbox_of_type(&self, to: &str, kind: &str) -> Vec<Value> {
        self.outbox(to).await.into_iter().filter(|n| n["type"] == kind).collect()
    }

    /// `GET /api/notifications` as `who`: the inbox page with its `items` and `unreadCount`.
    pub async fn inbox(&self, who: &Session) -> Value {
        self.get_as(&who.access_token, "/api/notifications").await.json()
    }
}

impl TestMarketplace {
    /// Makes the next message to `to` (an email or a user id) fail to publish, once.
    pub fn refuse_next_message(&self, to: &str) {
        self.marketplace.outbox.refuse_next(to);
    }
}

impl TestMarketplace {
    /// Makes every message fail to publish (`down`), as while the notifications topic is
    /// unreachable, or publish again.
    pub fn set_topic_down(&self, down: bool) {
        self.marketplace.outbox.set_down(down);
    }

    /// `GET /_local/dead-letters`: the stream records triggers gave up on, oldest first.
    pub async fn dead_letters(&self) -> Vec<Value> {
        let response = self.get("/_local/dead-letters").await;
        assert_eq!(response.status, 200);
        response.json()["items"].as_array().unwrap().clone()
    }
}
