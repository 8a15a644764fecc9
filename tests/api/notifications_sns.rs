//! The SNS adapter against moto server: a notification arrives on the topic whole, with the
//! `type`, `userId` and `channels` message attributes delivery channels filter on, and a channel
//! subscribed with a filter policy on `channels` gets only what may go by it.

use std::time::Duration;

use shared::accounts::Channel;
use shared::ids::UserId;
use shared::notify::{Notification, NotificationType};
use souk_tests::client::Client;
use souk_tests::moto;

/// SQS through its query API, enough to read what a subscribed queue received.
async fn sqs(client: &Client, form: &[(&str, &str)]) -> String {
    let body: String = form
        .iter()
        .map(|(k, v)| format!("{k}={}", v.replace(':', "%3A").replace('/', "%2F")))
        .collect::<Vec<_>>()
        .join("&");
    let response = client
        .send(
            http::Method::POST,
            "/",
            &[
                ("content-type", "application/x-www-form-urlencoded"),
                // moto picks the service from the credential scope of the signature.
                ("authorization", "AWS4-HMAC-SHA256 Credential=test/20261122/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=0"),
            ],
            body.into(),
        )
        .await;
    assert_eq!(response.status, 200, "{}", String::from_utf8_lossy(&response.body));
    String::from_utf8(response.body.to_vec()).unwrap()
}

fn between<'a>(text: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let start = text.find(open)? + open.len();
    Some(&text[start..start + text[start..].find(close)?])
}

fn unescape(xml: &str) -> String {
    xml.replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&#39;", "'").replace("&amp;", "&")
}

/// A new queue subscribed to `topic_arn` (with `filter_policy`, if any), and its URL.
async fn subscribed_queue(
    http: &Client,
    sns: &aws_sdk_sns::Client,
    topic_arn: &str,
    name: &str,
    filter_policy: Option<&str>,
) -> String {
    let created = sqs(http, &[("Action", "CreateQueue"), ("QueueName", name), ("Version", "2012-11-05")]).await;
    let queue_url = between(&created, "<QueueUrl>", "</QueueUrl>").unwrap().to_owned();
    let queue_arn = format!("arn:aws:sqs:us-east-1:123456789012:{name}");
    let subscribe = sns.subscribe().topic_arn(topic_arn).protocol("sqs").endpoint(&queue_arn);
    let subscribe = match filter_policy {
        Some(policy) => subscribe.attributes("FilterPolicy", policy),
        None => subscribe,
    };
    subscribe.send().await.unwrap();
    queue_url
}

/// What `queue_url` holds after polling it `polls` times (stopping at the first message), as the
/// ReceiveMessage answer.
async fn receive(http: &Client, queue_url: &str, polls: usize) -> String {
    let mut received = String::new();
    for _ in 0..polls {
        received = sqs(
            http,
            &[
                ("Action", "ReceiveMessage"),
                ("QueueUrl", queue_url),
                ("MaxNumberOfMessages", "10"),
                ("Version", "2012-11-05"),
            ],
        )
        .await;
        if received.contains("<Body>") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    received
}

/// The SNS envelope of the first message in a ReceiveMessage answer.
fn envelope(received: &str) -> serde_json::Value {
    serde_json::from_str(&unescape(between(received, "<Body>", "</Body>").expect("a delivered message"))).unwrap()
}

#[tokio::test]
async fn a_published_notification_reaches_subscribers_with_its_attributes_and_only_on_its_channels() {
    let endpoint = moto::endpoint().await;
    let name = format!("notifications-{}", ulid::Ulid::new());
    let sns = moto::sns().await;
    let topic_arn = sns.create_topic().name(&name).send().await.unwrap().topic_arn.unwrap();
    let http = Client::new(endpoint.clone());
    let everything = subscribed_queue(&http, &sns, &topic_arn, &name, None).await;
    let sms = subscribed_queue(&http, &sns, &topic_arn, &format!("{name}-sms"), Some(r#"{"channels":["sms"]}"#)).await;
    let email =
        subscribed_queue(&http, &sns, &topic_arn, &format!("{name}-email"), Some(r#"{"channels":["email"]}"#)).await;

    let user_id = UserId::new();
    let notification = Notification {
        id: None,
        kind: NotificationType::OrderStatusChanged,
        to: user_id.to_string(),
        user_id: Some(user_id),
        channels: vec![Channel::Email, Channel::Push],
        subject: "تحديث حالة الطلب".into(),
        body: "Your order is now shipped.".into(),
        data: serde_json::json!({ "status": "shipped" }),
    };
    moto::function_publisher(&endpoint, &topic_arn).await.publish(&notification).await.unwrap();

    let published = envelope(&receive(&http, &everything, 20).await);
    assert_eq!(published["TopicArn"], topic_arn);
    assert_eq!(published["MessageAttributes"]["type"]["Value"], "order_status_changed");
    assert_eq!(published["MessageAttributes"]["userId"]["Value"], user_id.to_string());
    assert_eq!(published["MessageAttributes"]["channels"]["Type"], "String.Array");
    assert_eq!(published["MessageAttributes"]["channels"]["Value"], r#"["email","push"]"#);
    let message: Notification = serde_json::from_str(published["Message"].as_str().unwrap()).unwrap();
    assert_eq!(message, notification);

    let by_email = envelope(&receive(&http, &email, 20).await);
    assert_eq!(by_email["MessageAttributes"]["channels"]["Value"], r#"["email","push"]"#);
    assert_eq!(serde_json::from_str::<Notification>(by_email["Message"].as_str().unwrap()).unwrap(), notification);
    // The email queue has it, so SNS has fanned it out; a little longer for the SMS queue to be sure.
    let by_sms = receive(&http, &sms, 5).await;
    assert!(!by_sms.contains("<Body>"), "an SMS subscription gets nothing that may not go by SMS: {by_sms}");
}
