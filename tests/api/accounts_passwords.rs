//! Forgotten and changed passwords, fresh verification tokens: every token travels through the
//! notification channel, and every password change ends sessions.

use std::time::Duration;

use futures::future::join_all;
use souk_tests::TestMarketplace;
use souk_tests::accounts::{PASSWORD, Session};

const NEW_PASSWORD: &str = "Sayara-Gedida-2027";

#[tokio::test]
async fn a_reset_token_arrives_as_a_message_sets_the_password_once_and_ends_every_session() {
    let market = TestMarketplace::spawn().await;
    let first = market.verified_customer("forgetful@example.com").await;
    let second = Session::from_response(&market.login("forgetful@example.com", PASSWORD).await);

    let unknown = market.forgot_password("nobody@example.com").await;
    let known = market.forgot_password("Forgetful@example.com").await;
    assert_eq!((unknown.status.as_u16(), known.status.as_u16()), (202, 202));
    assert!(unknown.body.is_empty() && known.body.is_empty(), "no token in a response");
    assert!(market.outbox_of_type("nobody@example.com", "password_reset").await.is_empty());
    let token = market.reset_token("forgetful@example.com").await;

    assert_eq!(market.reset_password(&token, NEW_PASSWORD).await.status, 204);
    market.reset_password(&token, "Another-Sayara-2028").await.assert_problem(400, "invalid_token");
    market.login("forgetful@example.com", PASSWORD).await.assert_problem(401, "invalid_credentials");
    for session in [&first, &second] {
        market.refresh(&session.refresh_token).await.assert_problem(401, "unauthorized");
    }
    let fresh = Session::from_response(&market.login("forgetful@example.com", NEW_PASSWORD).await);
    assert_eq!(market.refresh(&fresh.refresh_token).await.status, 200, "a session after the reset works");
}

#[tokio::test]
async fn a_reset_token_expires_after_an_hour_and_garbage_is_an_invalid_token() {
    let market = TestMarketplace::spawn().await;
    let token = market.customer_with_reset_token("slow@example.com").await;
    market.reset_password("garbage", NEW_PASSWORD).await.assert_problem(400, "invalid_token");
    market.clock.advance(Duration::from_secs(3600));
    market.reset_password(&token, NEW_PASSWORD).await.assert_problem(400, "invalid_token");
    assert_eq!(market.login("slow@example.com", PASSWORD).await.status, 200);
}

#[tokio::test]
async fn a_weak_new_password_is_refused_and_the_token_still_works() {
    let market = TestMarketplace::spawn().await;
    let token = market.customer_with_reset_token("weak@example.com").await;
    let refused = market.reset_password(&token, "password").await;
    refused.assert_problem(400, "validation_failed");
    assert_eq!(refused.error_fields(), ["password"]);
    assert_eq!(market.reset_password(&token, NEW_PASSWORD).await.status, 204);
}

#[tokio::test]
async fn of_concurrent_resets_with_one_token_exactly_one_wins() {
    let market = TestMarketplace::spawn().await;
    let token = market.customer_with_reset_token("race@example.com").await;
    let passwords: Vec<String> = (0..5).map(|i| format!("Sayara-Race-{i}-2027")).collect();
    let responses = join_all(passwords.iter().map(|p| market.reset_password(&token, p))).await;
    let winners: Vec<usize> = (0..5).filter(|&i| responses[i].status == 204).collect();
    assert_eq!(winners.len(), 1, "{:?}", responses.iter().map(|r| r.status).collect::<Vec<_>>());
    for loser in responses.iter().filter(|r| r.status != 204) {
        loser.assert_problem(400, "invalid_token");
    }
    assert_eq!(market.login("race@example.com", &passwords[winners[0]]).await.status, 200);
}

#[tokio::test]
async fn changing_the_password_ends_every_other_session_and_a_wrong_current_one_is_401() {
    let market = TestMarketplace::spawn().await;
    let here = market.verified_customer("changer@example.com").await;
    let elsewhere = Session::from_response(&market.login("changer@example.com", PASSWORD).await);

    market.change_password(&here, "Wrong-Password-99", NEW_PASSWORD).await.assert_problem(401, "invalid_credentials");
    let weak = market.change_password(&here, PASSWORD, "changer@example.com").await;
    weak.assert_problem(400, "validation_failed");
    assert_eq!(market.change_password(&here, PASSWORD, NEW_PASSWORD).await.status, 204);

    market.refresh(&elsewhere.refresh_token).await.assert_problem(401, "unauthorized");
    let here = market.refreshed(&here).await;
    assert_eq!(market.refresh(&here.refresh_token).await.status, 200, "the caller's own session goes on");
    market.login("changer@example.com", PASSWORD).await.assert_problem(401, "invalid_credentials");
    assert_eq!(market.login("changer@example.com", NEW_PASSWORD).await.status, 200);
    market.post("/api/me/password", &serde_json::json!({})).await.assert_problem(401, "unauthorized");
}

#[tokio::test]
async fn wrong_current_passwords_count_as_failed_logins() {
    let market = TestMarketplace::spawn().await;
    let session = market.verified_customer("guessed@example.com").await;
    for _ in 0..5 {
        let wrong = market.change_password(&session, "Wrong-Password-99", NEW_PASSWORD).await;
        wrong.assert_problem(401, "invalid_credentials");
    }
    market.change_password(&session, PASSWORD, NEW_PASSWORD).await.assert_problem(429, "rate_limited");
    market.login("guessed@example.com", PASSWORD).await.assert_problem(429, "rate_limited");
}

#[tokio::test]
async fn a_fresh_verification_token_replaces_the_earlier_ones_and_reveals_nothing() {
    let market = TestMarketplace::spawn().await;
    assert_eq!(market.register("late@example.com", PASSWORD, "Late Comer").await.status, 201);
    let first = market.verification_token("late@example.com").await;
    let resent = market.resend_verification("late@example.com").await;
    assert_eq!(resent.status, 202);
    assert!(resent.body.is_empty());
    let second = market.verification_token("late@example.com").await;
    assert_ne!(first, second);
    market.verify(&first).await.assert_problem(400, "invalid_token");
    assert_eq!(market.verify(&second).await.status, 200);

    // Verified, or no account at all: the same 202, and nothing is sent.
    assert_eq!(market.resend_verification("late@example.com").await.status, 202);
    assert_eq!(market.resend_verification("nobody@example.com").await.status, 202);
    assert_eq!(market.outbox_of_type("late@example.com", "email_verification").await.len(), 2);
    assert!(market.outbox("nobody@example.com").await.is_empty());
    market.resend_verification("not an email").await.assert_problem(400, "validation_failed");
}

#[tokio::test]
async fn asking_for_messages_is_limited_per_email_and_per_address() {
    let market = TestMarketplace::spawn().await;
    for _ in 0..5 {
        assert_eq!(market.forgot_password("inbox@example.com").await.status, 202);
    }
    market.forgot_password("inbox@example.com").await.assert_problem(429, "rate_limited");
    market.resend_verification("inbox@example.com").await.assert_problem(429, "rate_limited");
    for i in 0..23 {
        assert_eq!(market.resend_verification(&format!("other{i}@example.com")).await.status, 202);
    }
    market.forgot_password("fresh@example.com").await.assert_problem(429, "rate_limited");
}
