//! The local stand-in for the notifications topic: every published notification is kept, newest
//! first, and shown at `GET /_local/outbox?to=<email or userId>` (how a developer reads the
//! verification token of an account they registered locally).

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use futures::future::BoxFuture;
use serde::Serialize;
use shared::ApiError;
use shared::notify::{Notification, Publisher};

#[derive(Default)]
pub struct Outbox {
    published: Mutex<Vec<Notification>>,
    /// Recipients whose next message fails to publish, as a delivery outage would.
    refused: Mutex<Vec<String>>,
    /// Whether every message fails to publish, as while SNS is down.
    down: AtomicBool,
}

#[derive(Serialize)]
struct Listing<'a> {
    items: Vec<&'a Notification>,
}

impl Outbox {
    /// Makes publishing the next message to `to` (an email or a user id) fail with 503, once.
    pub fn refuse_next(&self, to: &str) {
        self.refused.lock().expect("outbox lock").push(to.to_owned());
    }

    /// Makes every message fail to publish with 503 (`down`), as while SNS is unreachable, or
    /// publish again.
    pub fn set_down(&self, down: bool) {
        self.down.store(down, Ordering::SeqCst);
    }

    /// The JSON of `GET /_local/outbox`, filtered by recipient when `to` is given.
    pub fn list_json(&self, to: Option<&str>) -> String {
        let published = self.published.lock().expect("outbox lock");
        let items = published.iter().rev().filter(|n| to.is_none_or(|to| addressed_to(n, to))).collect();
        serde_json::to_string(&Listing { items }).expect("notifications serialize")
    }
}

impl Publisher for Outbox {
    fn publish<'a>(&'a self, notification: &'a Notification) -> BoxFuture<'a, Result<(), ApiError>> {
        let mut refused = self.refused.lock().expect("outbox lock");
        let refuse_once = refused.iter().position(|to| addressed_to(notification, to)).map(|at| refused.remove(at));
        if refuse_once.is_some() || self.down.load(Ordering::SeqCst) {
            return Box::pin(async { Err(ApiError::Unavailable { retry_after_secs: 1 }) });
        }
        self.published.lock().expect("outbox lock").push(notification.clone());
        Box::pin(async { Ok(()) })
    }
}

fn addressed_to(notification: &Notification, to: &str) -> bool {
    notification.to == to || notification.user_id.is_some_and(|id| id.to_string() == to)
}
