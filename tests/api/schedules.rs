//! The runner plays the template's schedules: `POST /_local/schedules/{name}` fires one now for
//! its latest scheduled time, and the hourly analytics schedule puts one refresh request per time
//! however often that time is fired (as a retried attempt in AWS would).

use aws_sdk_dynamodb::types::AttributeValue;
use serde_json::json;
use souk_local::access::Operation;
use souk_tests::{TestMarketplace, TestResponse};

async fn fire(market: &TestMarketplace, schedule: &str) -> TestResponse {
    let path = format!("/_local/schedules/{schedule}");
    market.client.send(http::Method::POST, &path, &[], bytes::Bytes::new()).await
}

/// The refresh requests in the analytics table, read back directly.
async fn refresh_requests(market: &TestMarketplace) -> Vec<std::collections::HashMap<String, AttributeValue>> {
    let queried = market
        .app()
        .dynamodb
        .query()
        .table_name(format!("{}AnalyticsTable", market.table_prefix))
        .key_condition_expression("pk = :pk")
        .expression_attribute_values(":pk", AttributeValue::S("refresh".into()))
        .consistent_read(true)
        .send()
        .await
        .unwrap();
    queried.items.unwrap_or_default()
}

#[tokio::test]
async fn the_analytics_schedule_puts_one_refresh_request_however_often_its_time_is_fired() {
    let market = TestMarketplace::spawn().await;

    let fired = fire(&market, "AnalyticsSchedule").await;
    assert_eq!(fired.status, 202, "{}", String::from_utf8_lossy(&fired.body));
    let fired = fired.json();
    let time = fired["scheduledTime"].as_str().unwrap().to_owned();
    assert!(time.len() == 20 && time.ends_with(":05:00Z"), "five past an hour, to the second: {time}");
    let key = json!({ "pk": { "S": "refresh" }, "sk": { "S": format!("scheduled#{time}") } });
    assert_eq!((&fired["key"], &fired["created"]), (&key, &json!(true)));

    let requests = refresh_requests(&market).await;
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0]["sk"], AttributeValue::S(format!("scheduled#{time}")));
    assert_eq!(requests[0]["requestedBy"], AttributeValue::S("schedule".into()));
    assert_eq!(requests[0]["requestedAt"], AttributeValue::S(time.clone()));

    // Its insertion fires updateAnalytics, which recounts the last week and marks it done.
    souk_tests::eventually("updateAnalytics does the request", || async {
        let done = refresh_requests(&market).await.iter().any(|r| r.contains_key("finishedAt"));
        if !done {
            eprintln!("{}", market.marketplace.dead_letters.list_json());
        }
        done
    })
    .await;

    let again = fire(&market, "AnalyticsSchedule").await;
    assert_eq!(again.status, 202);
    assert_eq!((&again.json()["key"], &again.json()["created"]), (&key, &json!(false)));
    assert_eq!(refresh_requests(&market).await.len(), 1, "the same scheduled time is one request");

    assert_eq!(fire(&market, "NoSuchSchedule").await.status, 404);
}

/// The scheduler's role may put a refresh request and do nothing else.
#[test]
fn the_analytics_schedule_may_only_put_refresh_requests() {
    let yaml: serde_yaml::Value = serde_yaml::from_str(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../template.yaml")).unwrap(),
    )
    .unwrap();
    let resources = yaml["Resources"].as_mapping().unwrap();
    let target = &yaml["Resources"]["AnalyticsSchedule"]["Properties"]["Target"];
    // What policies::parse reads of a function: its `Role`.
    let properties = serde_yaml::Mapping::from_iter([("Role".into(), target["RoleArn"].clone())]);
    let permissions =
        souk_local::policies::parse("AnalyticsSchedule", &serde_yaml::Value::Mapping(properties), resources).unwrap();
    let [statement] = &permissions.statements[..] else { panic!("one statement: {:?}", permissions.statements) };
    assert_eq!(
        (&statement.actions[..], &statement.resources[..]),
        (&["dynamodb:PutItem".to_owned()][..], &["AnalyticsTable".to_owned()][..])
    );
    let put = |key: &str| Operation {
        function: "AnalyticsSchedule".into(),
        action: "dynamodb:PutItem".into(),
        resource: "AnalyticsTable".into(),
        leading_key: Some(key.into()),
    };
    assert!(statement.allows(&put("refresh")));
    assert!(!statement.allows(&put("days#all")));
}
