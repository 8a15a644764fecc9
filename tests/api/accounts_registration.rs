//! Registration and email verification.

use serde_json::json;
use souk_tests::TestMarketplace;
use souk_tests::accounts::PASSWORD;

#[tokio::test]
async fn a_new_account_is_an_unverified_customer_and_gets_a_verification_message() {
    let market = TestMarketplace::spawn().await;
    let response = market
        .post(
            "/api/auth/register",
            &json!({ "email": "  Mona.Hassan@Example.COM ", "password": PASSWORD, "name": "منى حسن", "phone": "010 1234 5678" }),
        )
        .await;
    assert_eq!(response.status, 201, "{}", String::from_utf8_lossy(&response.body));
    let user = response.json()["user"].clone();
    assert_eq!(user["email"], "mona.hassan@example.com");
    assert_eq!(user["name"], "منى حسن");
    assert_eq!(user["phone"], "+201012345678");
    assert_eq!(user["role"], "customer");
    assert_eq!(user["emailVerified"], false);
    assert!(user["createdAt"].as_str().unwrap().ends_with('Z'));
    let keys: Vec<&str> = user.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        ["createdAt", "email", "emailVerified", "id", "name", "phone", "preferences", "role"],
        "never a password hash"
    );

    let messages = market.outbox("mona.hassan@example.com").await;
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0]["type"], "email_verification");
    assert_eq!(messages[0]["userId"], user["id"]);
    let token = messages[0]["data"]["token"].as_str().unwrap();
    assert!(messages[0]["body"].as_str().unwrap().contains(token));
    assert_eq!(market.outbox(user["id"].as_str().unwrap()).await.len(), 1, "the outbox is searchable by user id");
}

#[tokio::test]
async fn an_email_has_one_account_whatever_its_case() {
    let market = TestMarketplace::spawn().await;
    assert_eq!(market.register("sara@example.com", PASSWORD, "Sara").await.status, 201);
    let again = market.register("SARA@example.com", "An0ther-Strong-Pass", "Sara 2").await;
    again.assert_problem(409, "email_taken");
}

#[tokio::test]
async fn concurrent_registrations_of_one_email_make_exactly_one_account() {
    let market = TestMarketplace::spawn().await;
    let names: Vec<String> = (0..12).map(|i| format!("Racer {i}")).collect();
    let attempts = names.iter().map(|name| market.register("race@example.com", PASSWORD, name));
    let responses = futures::future::join_all(attempts).await;
    let created = responses.iter().filter(|r| r.status == 201).count();
    assert_eq!(created, 1, "{:?}", responses.iter().map(|r| r.status).collect::<Vec<_>>());
    for response in responses.iter().filter(|r| r.status != 201) {
        response.assert_problem(409, "email_taken");
    }
    assert_eq!(market.outbox("race@example.com").await.len(), 1, "one verification message");
}

#[tokio::test]
async fn every_bad_field_is_reported_and_nothing_is_created() {
    let market = TestMarketplace::spawn().await;
    let cases: &[(serde_json::Value, &[&str])] = &[
        (json!({ "email": "not-an-email", "password": PASSWORD, "name": "A" }), &["email"]),
        (json!({ "email": "a@example.com", "password": "Sh0rt!", "name": "A" }), &["password"]),
        (json!({ "email": "a@example.com", "password": "password123", "name": "A" }), &["password"]),
        (json!({ "email": "a@example.com", "password": "hassan2024", "name": "Mona Hassan" }), &["password"]),
        (json!({ "email": "a@example.com", "password": "x".repeat(129), "name": "A" }), &["password"]),
        (json!({ "email": "a@example.com", "password": PASSWORD, "name": "  " }), &["name"]),
        (json!({ "email": "a@example.com", "password": PASSWORD, "name": "A", "phone": "12345" }), &["phone"]),
        (
            json!({ "email": "bad", "password": "short", "name": "", "phone": "1" }),
            &["email", "name", "password", "phone"],
        ),
        (json!({ "email": "a@example.com", "password": PASSWORD }), &["body"]),
        (json!({ "email": "a@example.com", "password": PASSWORD, "name": "A", "role": "admin" }), &["role"]),
    ];
    for (body, fields) in cases {
        let response = market.post("/api/auth/register", body).await;
        let mut got = response.error_fields();
        got.sort();
        assert_eq!(got, *fields, "{body}");
    }
    let mass_assignment = market
        .post(
            "/api/auth/register",
            &json!({ "email": "a@example.com", "password": PASSWORD, "name": "A", "role": "admin" }),
        )
        .await;
    let problem = mass_assignment.assert_problem(400, "validation_failed");
    assert!(problem["errors"][0]["message"].as_str().unwrap().contains("unknown field `role`"));
    assert!(market.outbox("a@example.com").await.is_empty(), "no account, no message");
    assert_eq!(market.register("a@example.com", PASSWORD, "A").await.status, 201, "the email is still free");
}

#[tokio::test]
async fn bodies_must_be_json_and_at_most_64_kib() {
    let market = TestMarketplace::spawn().await;
    let form = market
        .client
        .send(
            http::Method::POST,
            "/api/auth/register",
            &[("content-type", "application/x-www-form-urlencoded")],
            "email=a".into(),
        )
        .await;
    form.assert_problem(415, "unsupported_media_type");
    let huge = json!({ "email": "a@example.com", "password": PASSWORD, "name": "x".repeat(70 * 1024) });
    market.post("/api/auth/register", &huge).await.assert_problem(413, "payload_too_large");
}

#[tokio::test]
async fn a_verification_token_works_once_and_only_for_24_hours() {
    let market = TestMarketplace::spawn().await;
    market.register("once@example.com", PASSWORD, "Once").await;
    let token = market.verification_token("once@example.com").await;

    let verified = market.verify(&token).await;
    assert_eq!(verified.status, 200);
    assert_eq!(verified.json()["user"]["emailVerified"], true);
    market.verify(&token).await.assert_problem(400, "invalid_token");
    market.verify("not-a-token").await.assert_problem(400, "invalid_token");
    market.verify(shared::accounts::SecretToken::generate().expose()).await.assert_problem(400, "invalid_token");

    market.register("late@example.com", PASSWORD, "Late").await;
    let late = market.verification_token("late@example.com").await;
    market.clock.advance(std::time::Duration::from_secs(24 * 3600));
    market.verify(&late).await.assert_problem(400, "invalid_token");
    let login = market.login("late@example.com", PASSWORD).await;
    assert_eq!(login.json()["user"]["emailVerified"], false);
}

/// A notifications channel that is down.
struct Unreachable;

impl shared::notify::Publisher for Unreachable {
    fn publish<'a>(
        &'a self,
        _: &'a shared::notify::Notification,
    ) -> futures::future::BoxFuture<'a, Result<(), shared::ApiError>> {
        Box::pin(async { Err(shared::ApiError::Unavailable { retry_after_secs: 1 }) })
    }
}

#[tokio::test]
async fn when_the_verification_message_cannot_be_sent_nothing_is_kept_and_a_retry_works() {
    let market = TestMarketplace::spawn().await;
    let config =
        market.app().config.clone().with(shared::config::vars::NOTIFICATIONS_TOPIC_ARN, "arn:aws:sns:us-east-1:0:down");
    let app = market.app().with_config(config).with_publisher(std::sync::Arc::new(Unreachable));
    let register = register_user::RegisterUser::new(&app).unwrap();
    let event = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../events/register-user.json")).unwrap();

    let response = shared::http::serve(&register, lambda_http::request::from_str(&event).unwrap()).await;

    assert_eq!(response.status(), 503);
    assert!(response.headers().contains_key("retry-after"));
    let users = shared::db::UserRepo::new(&market.app().database()).unwrap();
    let email = shared::accounts::Email::parse("mona.hassan@example.com").unwrap();
    assert!(users.find_by_email(&email).await.unwrap().is_none(), "no half-made account");
    let retried = market.register("mona.hassan@example.com", PASSWORD, "منى حسن").await;
    assert_eq!(retried.status, 201, "the email is free again");
}
