//! `PATCH /api/me`: name, phone and preferences; nothing else.

use serde_json::json;
use souk_tests::TestMarketplace;

#[tokio::test]
async fn a_new_user_has_default_preferences_and_can_change_them_with_name_and_phone() {
    let market = TestMarketplace::spawn().await;
    let session = market.verified_customer("prefs@example.com").await;
    assert_eq!(
        session.user["preferences"],
        json!({ "language": "ar", "notifications": { "email": true, "sms": true, "push": true } })
    );
    let chosen = json!({ "language": "en", "notifications": { "email": true, "sms": false, "push": true } });
    let updated = market.update_me(&session, &json!({ "name": "Mona Hassan", "preferences": chosen })).await;
    assert_eq!(updated.status, 200, "{}", String::from_utf8_lossy(&updated.body));
    let user = &updated.json()["user"];
    assert_eq!((user["name"].clone(), user["preferences"].clone()), (json!("Mona Hassan"), chosen.clone()));
    assert_eq!(user["email"], "prefs@example.com");

    let phoned = market.update_me(&session, &json!({ "phone": "+201012345678" })).await.json();
    assert_eq!(phoned["user"]["phone"], "+201012345678");
    assert_eq!(phoned["user"]["name"], "Mona Hassan", "fields not given are kept");
    let me = market.get_as(&session.access_token, "/api/me").await.json();
    assert_eq!(me["user"]["preferences"], chosen);
}

#[tokio::test]
async fn email_role_unknown_fields_and_bad_values_are_400_and_change_nothing() {
    let market = TestMarketplace::spawn().await;
    let session = market.verified_customer("strict@example.com").await;
    for body in [
        json!({ "email": "other@example.com" }),
        json!({ "role": "admin" }),
        json!({ "preferences": { "language": "fr", "notifications": { "email": true, "sms": true, "push": true } } }),
        json!({ "preferences": { "language": "en" } }),
        json!({ "name": "" }),
        json!({ "name": "Ok", "phone": "12" }),
    ] {
        market.update_me(&session, &body).await.assert_problem(400, "validation_failed");
    }
    let me = market.get_as(&session.access_token, "/api/me").await.json();
    assert_eq!((me["user"]["name"].clone(), me["user"]["role"].clone()), (json!("Khalid Mansour"), json!("customer")));
    market
        .update_me(&souk_tests::accounts::Session { access_token: "x".into(), ..session }, &json!({}))
        .await
        .assert_problem(401, "unauthorized");
}
