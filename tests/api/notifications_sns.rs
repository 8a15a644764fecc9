//! The SNS adapter against moto server: a notification arrives on the topic whole, with the
//! `type` and `userId` message attributes delivery channels filter on.

use std::collections::HashMap;
use std::time::Duration;

use shared::App;
use shared::config::{Config, vars};
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

#[tokio::test]
async fn a_published_notification_reaches_subscribers_with_type_and_user_id_attributes() {
    let endpoint = moto::endpoint().await;
    let name = format!("notifications-{}", ulid::Ulid::new());
    let sns = aws_sdk_sns::Client::from_conf(
        aws_sdk_sns::Config::builder()
            .behavior_version(aws_sdk_sns::config::BehaviorVersion::latest())
            .region(aws_sdk_sns::config::Region::new("us-east-1"))
            .credentials_provider(aws_sdk_sns::config::Credentials::new("test", "test", None, None, "test"))
            .endpoint_url(&endpoint)
            .build(),
    );
    let topic_arn = sns.create_topic().name(&name).send().await.unwrap().topic_arn.unwrap();
    let http = Client::new(endpoint.clone());
    let created = sqs(&http, &[("Action", "CreateQueue"), ("QueueName", &name), ("Version", "2012-11-05")]).await;
    let queue_url = between(&created, "<QueueUrl>", "</QueueUrl>").unwrap().to_owned();
    let queue_arn = format!("arn:aws:sqs:us-east-1:123456789012:{name}");
    sns.subscribe().topic_arn(&topic_arn).protocol("sqs").endpoint(&queue_arn).send().await.unwrap();

    // The publisher exactly as a function builds it from its environment.
    let vars = HashMap::from([
        (vars::DYNAMODB_ENDPOINT, "http://127.0.0.1:9".to_owned()),
        (vars::SNS_ENDPOINT, endpoint.clone()),
        (vars::NOTIFICATIONS_TOPIC_ARN, topic_arn.clone()),
    ]);
    let app = App::new(Config::from_vars(|n| vars.get(n).cloned())).await;
    let user_id = UserId::new();
    let notification = Notification {
        id: None,
        kind: NotificationType::EmailVerification,
        to: "mona@example.com".into(),
        user_id: Some(user_id),
        subject: "فعّل بريدك الإلكتروني".into(),
        body: "رمز التفعيل".into(),
        data: serde_json::json!({ "token": "abc" }),
    };
    app.publisher().unwrap().publish(&notification).await.unwrap();

    let mut received = String::new();
    for _ in 0..20 {
        received = sqs(
            &http,
            &[
                ("Action", "ReceiveMessage"),
                ("QueueUrl", &queue_url),
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
    let envelope: serde_json::Value =
        serde_json::from_str(&unescape(between(&received, "<Body>", "</Body>").expect("a delivered message"))).unwrap();
    assert_eq!(envelope["TopicArn"], topic_arn);
    assert_eq!(envelope["MessageAttributes"]["type"]["Value"], "email_verification");
    assert_eq!(envelope["MessageAttributes"]["userId"]["Value"], user_id.to_string());
    let message: Notification = serde_json::from_str(envelope["Message"].as_str().unwrap()).unwrap();
    assert_eq!(message, notification);
}
