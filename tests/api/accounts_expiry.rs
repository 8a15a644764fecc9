//! Accounts that are never verified are removed after 7 days (DynamoDB TTL), freeing their email;
//! since TTL deletes lazily, an expired account is gone for reads at once.

use std::time::Duration;

use aws_sdk_dynamodb::types::AttributeValue;
use shared::tables::Table;
use souk_tests::TestMarketplace;
use souk_tests::accounts::PASSWORD;

const WEEK: Duration = Duration::from_secs(7 * 24 * 3600);

/// Whether the users-table item at `pk` carries a TTL attribute.
async fn expires(market: &TestMarketplace, pk: &str) -> bool {
    let app = market.app();
    let item = app
        .dynamodb
        .get_item()
        .table_name(app.config.table(Table::Users).unwrap())
        .key("pk", AttributeValue::S(pk.to_owned()))
        .send()
        .await
        .unwrap()
        .item
        .expect("the item exists");
    item.contains_key("expiresAt")
}

#[tokio::test]
async fn an_unverified_account_expires_after_7_days_and_its_email_can_register_again() {
    let market = TestMarketplace::spawn().await;
    let registered = market.register("idle@example.com", PASSWORD, "Idle").await;
    let id = registered.json()["user"]["id"].as_str().unwrap().to_owned();
    assert!(expires(&market, &format!("user#{id}")).await && expires(&market, "email#idle@example.com").await);
    assert_eq!(market.login("idle@example.com", PASSWORD).await.status, 200, "usable while unverified");

    market.clock.advance(WEEK);
    market.login("idle@example.com", PASSWORD).await.assert_problem(401, "invalid_credentials");
    let again = market.register("idle@example.com", "An0ther-Sayara-2027", "Idle Again").await;
    assert_eq!(again.status, 201, "{}", String::from_utf8_lossy(&again.body));
    assert_ne!(again.json()["user"]["id"], id.as_str());
    assert_eq!(market.login("idle@example.com", "An0ther-Sayara-2027").await.status, 200);
}

#[tokio::test]
async fn a_verified_account_is_kept_for_good() {
    let market = TestMarketplace::spawn().await;
    let session = market.verified_customer("kept@example.com").await;
    assert!(!expires(&market, &format!("user#{}", session.user_id())).await);
    assert!(!expires(&market, "email#kept@example.com").await);
    market.clock.advance(WEEK * 2);
    assert_eq!(market.login("kept@example.com", PASSWORD).await.status, 200);
    market.register("kept@example.com", PASSWORD, "Someone").await.assert_problem(409, "email_taken");
}
