//! A notification is published at least once, whatever happens between publishing it and
//! recording that it was: an invocation cut off mid-publish (a Lambda timeout, a crash) leaves it
//! to the retry, never lost; once it went out, re-deliveries do not send it again.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures::future::BoxFuture;
use shared::ApiError;
use shared::ids::UserId;
use shared::notify::{Notification, Publisher, messages};
use shared::services::notifier::Notifier;
use souk_tests::TestMarketplace;

/// A channel whose first publish never completes (the invocation is cut off while it waits).
#[derive(Default)]
struct StallsOnce {
    calls: AtomicUsize,
    published: Mutex<Vec<Notification>>,
}

impl Publisher for StallsOnce {
    fn publish<'a>(&'a self, notification: &'a Notification) -> BoxFuture<'a, Result<(), ApiError>> {
        Box::pin(async move {
            if self.calls.fetch_add(1, Ordering::SeqCst) == 0 {
                std::future::pending::<()>().await;
            }
            self.published.lock().unwrap().push(notification.clone());
            Ok(())
        })
    }
}

#[tokio::test]
async fn a_publish_cut_off_midway_is_sent_by_the_retry_and_only_once_after_that() {
    let market = TestMarketplace::spawn().await;
    let channel = std::sync::Arc::new(StallsOnce::default());
    let notifier = Notifier::new(&market.app().database(), channel.clone()).unwrap();
    // A real account: a user who is gone is told nothing.
    let user: UserId = market.verified_customer("cut-off@example.com").await.user_id().parse().unwrap();
    let message = messages::announcement(user, "Eid sale", "Up to 20% off brake pads", &serde_json::json!({}));
    let (key, at) = ("announcement#cut-off", market.clock_now());

    let cut_off = tokio::time::timeout(Duration::from_millis(300), notifier.send_once(key, at, &message)).await;
    assert!(cut_off.is_err(), "the first invocation never finished publishing");
    assert!(channel.published.lock().unwrap().is_empty());

    notifier.send_once(key, at, &message).await.expect("the retry succeeds");
    notifier.send_once(key, at, &message).await.expect("a re-delivery succeeds");
    let published = channel.published.lock().unwrap();
    assert_eq!(published.len(), 1, "published once the retry ran, and not again");
    assert_eq!(published[0].user_id, Some(user));
    assert!(published[0].id.is_some(), "with the inbox id channels deduplicate on");
}
