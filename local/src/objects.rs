//! S3's object-created notifications, as Lambda delivers them to a function: asynchronously, to
//! every function whose `S3` event names the bucket and a prefix of the key, and retried twice
//! after a failed invocation (Lambda's default for asynchronous invocations; here a second and
//! then two apart, not minutes). What still fails is logged at ERROR, as its dead-letter
//! destination would receive it in AWS.

use std::sync::Arc;
use std::time::Duration;

use crate::functions::ObjectHandler;
use crate::s3::{ObjectCreated, object_created_event};

/// The region the local emulators answer as.
const REGION: &str = "us-east-1";
const RETRIES: u32 = 2;

pub struct ObjectSubscriber {
    /// Logical id of the function.
    pub function: String,
    /// The bucket's local name.
    pub bucket: String,
    pub prefix: String,
    pub handler: ObjectHandler,
}

#[derive(Default)]
pub struct ObjectNotifications {
    pub subscribers: Vec<ObjectSubscriber>,
}

impl ObjectNotifications {
    /// Invokes, in the background, every function subscribed to `created`.
    pub fn deliver(&self, created: &ObjectCreated, at: time::OffsetDateTime) {
        let event = object_created_event(created, REGION, at);
        let interested =
            self.subscribers.iter().filter(|s| s.bucket == created.bucket && created.key.starts_with(&s.prefix));
        for subscriber in interested {
            let (handler, event, function) =
                (Arc::clone(&subscriber.handler), event.clone(), subscriber.function.clone());
            tokio::spawn(async move {
                for attempt in 0..=RETRIES {
                    match handler(event.clone()).await {
                        Ok(()) => return,
                        Err(error) if attempt < RETRIES => {
                            tracing::warn!(%function, %error, attempt, "object-created invocation failed; retried");
                            tokio::time::sleep(Duration::from_secs(1 << attempt)).await;
                        }
                        Err(error) => tracing::error!(%function, %error, "object-created event given up"),
                    }
                }
            });
        }
    }
}
