//! The channels a user accepts (`PATCH /api/me`) decide what is published for them: a message
//! goes by those channels only, a user who accepts none still has it in their inbox but nothing
//! is published, and account security codes go by email whatever was chosen.

use serde_json::{Value, json};
use souk_tests::accounts::Session;
use souk_tests::{TestMarketplace, eventually};

/// `PATCH /api/me` accepting only the channels that are `true`.
async fn accept(market: &TestMarketplace, who: &Session, email: bool, sms: bool, push: bool) {
    let notifications = json!({ "email": email, "sms": sms, "push": push });
    let updated =
        market.update_me(who, &json!({ "preferences": { "language": "en", "notifications": notifications } })).await;
    assert_eq!(updated.status, 200, "{}", String::from_utf8_lossy(&updated.body));
}

/// The newest message of type `kind` published to `to`, once there is one.
async fn published(market: &TestMarketplace, to: &str, kind: &str) -> Value {
    eventually(&format!("{kind} is published to {to}"), || async { !market.outbox_of_type(to, kind).await.is_empty() })
        .await;
    market.outbox_of_type(to, kind).await.remove(0)
}

/// The types of what `who`'s inbox holds, newest first.
async fn inbox_types(market: &TestMarketplace, who: &Session) -> Vec<String> {
    let inbox = market.inbox(who).await;
    inbox["items"].as_array().unwrap().iter().map(|n| n["type"].as_str().unwrap().to_owned()).collect()
}

/// A vendor selling brake pads (its id), and a buyer (`<name>@example.com`) who accepts only the
/// channels that are `true` (email, sms, push).
async fn vendor_pads_and_buyer(
    market: &TestMarketplace,
    name: &str,
    channels: [bool; 3],
) -> (Session, String, Session) {
    let vendor = market.approved_vendor(&format!("{name}-vendor@example.com")).await;
    let pads = market.new_product(&vendor, "Brake pads", 10, 1_500).await;
    let buyer = market.verified_customer(&format!("{name}@example.com")).await;
    let [email, sms, push] = channels;
    accept(market, &buyer, email, sms, push).await;
    (vendor, pads, buyer)
}

#[tokio::test]
async fn a_buyer_who_turned_sms_off_is_told_of_orders_by_every_other_channel() {
    let market = TestMarketplace::spawn().await;
    let (vendor, pads, buyer) = vendor_pads_and_buyer(&market, "no-sms", [true, false, true]).await;

    let order = market.place_order(&buyer, &[(&pads, 1)]).await;
    let placed = published(&market, buyer.user_id(), "order_created").await;
    assert_eq!(placed["channels"], json!(["email", "push"]), "no SMS for a buyer who turned it off");
    assert!(inbox_types(&market, &buyer).await.contains(&"order_created".to_owned()));
    let received = published(&market, vendor.user_id(), "order_received").await;
    assert_eq!(received["channels"], json!(["email", "sms", "push"]), "the vendor kept every channel");

    assert_eq!(market.set_status(&vendor, &order, "confirmed").await.status, 200);
    let confirmed = published(&market, buyer.user_id(), "order_status_changed").await;
    assert_eq!(confirmed["channels"], json!(["email", "push"]));
}

#[tokio::test]
async fn a_buyer_with_every_channel_off_has_orders_in_the_inbox_and_nothing_published() {
    let market = TestMarketplace::spawn().await;
    let (vendor, pads, buyer) = vendor_pads_and_buyer(&market, "quiet", [false; 3]).await;

    market.place_order(&buyer, &[(&pads, 1)]).await;
    // The vendor is told after the buyer, so once the vendor's message is out the buyer's is settled.
    published(&market, vendor.user_id(), "order_received").await;
    assert!(inbox_types(&market, &buyer).await.contains(&"order_created".to_owned()), "the inbox still has it");
    assert!(market.outbox_of_type(buyer.user_id(), "order_created").await.is_empty(), "nothing is published");

    // Account security codes still go to the email address.
    assert_eq!(market.forgot_password("quiet@example.com").await.status, 202);
    let reset = published(&market, "quiet@example.com", "password_reset").await;
    assert_eq!(reset["channels"], json!(["email"]));
}

#[tokio::test]
async fn verification_codes_go_by_email_whatever_the_preferences() {
    let market = TestMarketplace::spawn().await;
    let unverified = market.unverified_customer("later@example.com").await;
    let registered = published(&market, "later@example.com", "email_verification").await;
    assert_eq!(registered["channels"], json!(["email"]));

    accept(&market, &unverified, false, false, false).await;
    assert_eq!(market.resend_verification("later@example.com").await.status, 202);
    let resent = market.outbox_of_type("later@example.com", "email_verification").await;
    assert_eq!(resent.len(), 2, "a fresh code is sent");
    assert_eq!(resent[0]["channels"], json!(["email"]));
}
