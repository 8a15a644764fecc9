//! Publishing to the notifications topic (the store of what is told, as SNS). Message attributes `type`, `userId` and
//! `channels` (a `String.Array` of the channels it may go by) let each delivery channel subscribe with a filter
//! policy to just what it delivers: the SMS channel with `{"channels": ["sms"]}`.

use aws_sdk_sns::types::MessageAttributeValue;
use futures::future::BoxFuture;

use crate::error::ApiError;
use crate::notify::{Notification, Publisher};

pub struct SnsPublisher {
    client: aws_sdk_sns::Client,
    topic_arn: String,
}

impl SnsPublisher {
    pub fn new(client: aws_sdk_sns::Client, topic_arn: impl Into<String>) -> Self {
        Self { client, topic_arn: topic_arn.into() }
    }
}

fn string_attribute(value: &str) -> MessageAttributeValue {
    MessageAttributeValue::builder().data_type("String").string_value(value).build().expect("data type is set")
}

/// The channels a notification may go by, as the JSON array `String.Array` attributes hold.
fn channels_attribute(notification: &Notification) -> MessageAttributeValue {
    let names: Vec<&str> = notification.channels.iter().map(|channel| channel.as_str()).collect();
    MessageAttributeValue::builder()
        .data_type("String.Array")
        .string_value(serde_json::to_string(&names).expect("names serialize"))
        .build()
        .expect("data type is set")
}

impl Publisher for SnsPublisher {
    fn publish<'a>(&'a self, notification: &'a Notification) -> BoxFuture<'a, Result<(), ApiError>> {
        Box::pin(async move {
            let mut request = self
                .client
                .publish()
                .topic_arn(&self.topic_arn)
                .message(serde_json::to_string(notification).expect("notifications serialize"))
                .message_attributes("type", string_attribute(notification.kind.as_str()))
                .message_attributes("channels", channels_attribute(notification));
            if let Some(user_id) = notification.user_id {
                request = request.message_attributes("userId", string_attribute(&user_id.to_string()));
            }
            request.send().await.map_err(|e| {
                tracing::warn!(error = %aws_sdk_sns::error::DisplayErrorContext(&e), "publishing a notification failed");
                ApiError::Unavailable { retry_after_secs: 1 }
            })?;
            Ok(())
        })
    }
}
