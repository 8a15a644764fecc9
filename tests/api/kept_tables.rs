//! A local data directory outlives changes to the template: a table kept from an earlier run gets
//! the indexes the template has gained since, so the functions that read them work on it.

use aws_sdk_dynamodb::types::AttributeValue;
use souk_local::template::Template;
use souk_tests::TestMarketplace;

#[tokio::test]
async fn a_kept_table_gets_the_indexes_the_template_has_gained() {
    let prefix = souk_tests::unique_prefix();
    let mut earlier = Template::project().unwrap();
    let orders = earlier.tables.iter_mut().find(|t| t.logical_id == "OrdersTable").unwrap();
    // The orders table before it had the `ByDay` index (on `createdDay`).
    orders.properties["GlobalSecondaryIndexes"].as_sequence_mut().unwrap().retain(|i| i["IndexName"] != "ByDay");
    orders.properties["AttributeDefinitions"].as_sequence_mut().unwrap().retain(|a| a["AttributeName"] != "createdDay");
    let endpoint = souk_tests::database::endpoint().await;
    let app = shared::App::new(shared::config::Config::local(&endpoint, &prefix, b"not-used-by-this-test")).await;
    souk_local::tables::create_all(&app.dynamodb, &earlier, &prefix).await.unwrap();

    let market = TestMarketplace::spawn_with_prefix(&prefix).await;
    let table = format!("{prefix}OrdersTable");
    let described = market.app().dynamodb.describe_table().table_name(&table).send().await.unwrap();
    let indexes: Vec<_> =
        described.table().unwrap().global_secondary_indexes().iter().filter_map(|i| i.index_name()).collect();
    assert!(indexes.contains(&"ByDay"), "{indexes:?}");
    let by_day = market
        .app()
        .dynamodb
        .query()
        .table_name(&table)
        .index_name("ByDay")
        .key_condition_expression("createdDay = :day")
        .expression_attribute_values(":day", AttributeValue::S("2026-04-23".into()));
    assert_eq!(by_day.send().await.unwrap().count, 0);
}
