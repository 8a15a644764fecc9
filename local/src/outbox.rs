//! The local stand-in for the notifications topic: every published notification is kept, newest
//! first, and shown at `GET /_local/outbox?to=<email or userId>` (how a developer reads the
//! verification token of an account they registered locally).

use std::sync::Mutex;

use futures::future::BoxFuture;
use serde::Serialize;
use shared::ApiError;
use shared::notify::{Notification, Publisher};

#[derive(Default)]
pub struct Outbox {
    published: Mutex<Vec<Notification>>,
}

#[derive(Serialize)]
struct Listing<'a> {
    items: Vec<&'a Notification>,
}

impl Outbox {
    /// The JSON of `GET /_local/outbox`, filtered by recipient when `to` is given.
    pub fn list_json(&self, to: Option<&str>) -> String {
        let published = self.published.lock().expect("outbox lock");
        let items = published
            .iter()
            .rev()
            .filter(|n| to.is_none_or(|to| n.to == to || n.user_id.is_some_and(|id| id.to_string() == to)))
            .collect();
        serde_json::to_string(&Listing { items }).expect("notifications serialize")
    }
}

impl Publisher for Outbox {
    fn publish<'a>(&'a self, notification: &'a Notification) -> BoxFuture<'a, Result<(), ApiError>> {
        self.published.lock().expect("outbox lock").push(notification.clone());
        Box::pin(async { Ok(()) })
    }
}
