//! Refresh-token rotation and reuse, logout and `GET /api/me`; forged tokens are in
//! `owasp/api2_authentication.rs`.

use std::time::Duration;

use serde_json::json;
use shared::accounts::Email;
use souk_tests::TestMarketplace;
use souk_tests::accounts::{Session, claims};

#[tokio::test]
async fn a_refresh_token_rotates_and_presenting_a_rotated_one_revokes_the_session() {
    let market = TestMarketplace::spawn().await;
    let first = market.verified_customer("rotate@example.com").await;

    let second = market.refreshed(&first).await;
    assert_ne!(second.refresh_token, first.refresh_token);
    assert_eq!(second.user["email"], "rotate@example.com");
    assert_eq!(market.get_as(&second.access_token, "/api/me").await.status, 200);
    let third = market.refreshed(&second).await;

    // The first token was rotated: someone replaying it revokes the whole session...
    market.refresh(&first.refresh_token).await.assert_problem(401, "unauthorized");
    // ...so even the newest token of that session is dead now.
    market.refresh(&third.refresh_token).await.assert_problem(401, "unauthorized");
    // Another session of the same user is unaffected.
    let other = Session::from_response(&market.login("rotate@example.com", souk_tests::accounts::PASSWORD).await);
    assert_eq!(market.refresh(&other.refresh_token).await.status, 200);
}

#[tokio::test]
async fn concurrent_refreshes_with_one_token_succeed_at_most_once_and_revoke_the_session() {
    let market = TestMarketplace::spawn().await;
    let session = market.verified_customer("twice@example.com").await;
    let responses = futures::future::join_all((0..6).map(|_| market.refresh(&session.refresh_token))).await;
    let winners: Vec<_> = responses.iter().filter(|r| r.status == 200).collect();
    assert_eq!(winners.len(), 1, "{:?}", responses.iter().map(|r| r.status).collect::<Vec<_>>());
    for loser in responses.iter().filter(|r| r.status != 200) {
        loser.assert_problem(401, "unauthorized");
    }
    let winner = Session::from_response(winners[0]);
    market.refresh(&winner.refresh_token).await.assert_problem(401, "unauthorized");
}

#[tokio::test]
async fn refresh_tokens_expire_after_30_days_and_garbage_is_401() {
    let market = TestMarketplace::spawn().await;
    let session = market.verified_customer("old@example.com").await;
    market.refresh("garbage").await.assert_problem(401, "unauthorized");
    market.refresh(shared::accounts::SecretToken::generate().expose()).await.assert_problem(401, "unauthorized");
    market.clock.advance(Duration::from_secs(30 * 24 * 3600));
    market.refresh(&session.refresh_token).await.assert_problem(401, "unauthorized");
}

#[tokio::test]
async fn a_session_ends_30_days_after_its_login_however_often_it_is_refreshed() {
    let market = TestMarketplace::spawn().await;
    let mut session = market.verified_customer("daily@example.com").await;
    // Refreshed every day: still alive on day 29...
    for _ in 0..29 {
        market.clock.advance(Duration::from_secs(24 * 3600));
        session = market.refreshed(&session).await;
    }
    // ...and over a day after the login's 30 days, however fresh its newest token.
    market.clock.advance(Duration::from_secs(24 * 3600 - 1));
    session = market.refreshed(&session).await;
    market.clock.advance(Duration::from_secs(1));
    market.refresh(&session.refresh_token).await.assert_problem(401, "unauthorized");
    // A new login starts a new 30 days.
    let fresh = Session::from_response(&market.login("daily@example.com", souk_tests::accounts::PASSWORD).await);
    market.clock.advance(Duration::from_secs(29 * 24 * 3600));
    assert_eq!(market.refresh(&fresh.refresh_token).await.status, 200);
}

#[tokio::test]
async fn logout_ends_the_session_and_is_idempotent() {
    let market = TestMarketplace::spawn().await;
    let session = market.verified_customer("bye@example.com").await;
    for _ in 0..2 {
        let out = market.post("/api/auth/logout", &json!({ "refreshToken": session.refresh_token })).await;
        assert_eq!(out.status, 204);
        assert!(out.body.is_empty());
    }
    market.refresh(&session.refresh_token).await.assert_problem(401, "unauthorized");
    assert_eq!(market.post("/api/auth/logout", &json!({ "refreshToken": "unknown" })).await.status, 204);
    market.post("/api/auth/logout", &json!({ "refreshToken": 5 })).await.assert_problem(400, "validation_failed");
}

#[tokio::test]
async fn me_is_the_caller_and_needs_a_valid_token() {
    let market = TestMarketplace::spawn().await;
    let session = market.verified_customer("me@example.com").await;
    let me = market.get_as(&session.access_token, "/api/me").await;
    assert_eq!(me.status, 200);
    assert_eq!(me.json()["user"], session.user);

    let anonymous = market.get("/api/me").await;
    anonymous.assert_problem(401, "unauthorized");
    assert_eq!(anonymous.header("www-authenticate"), Some("Bearer"));
    market
        .get_with("/api/me", &[("authorization", &format!("Basic {}", session.access_token))])
        .await
        .assert_problem(401, "unauthorized");
}

#[tokio::test]
async fn a_role_change_takes_effect_at_the_next_refresh() {
    let market = TestMarketplace::spawn().await;
    let session = market.verified_customer("promoted@example.com").await;
    assert_eq!(claims(&session.access_token)["role"], "customer");
    market.promote_to_admin(&session).await;

    assert_eq!(claims(&session.access_token)["role"], "customer", "an issued token does not change");
    let refreshed = market.refreshed(&session).await;
    assert_eq!(claims(&refreshed.access_token)["role"], "admin");
    assert_eq!(refreshed.user["role"], "admin");
}

#[tokio::test]
async fn security_relevant_actions_are_audited_without_secrets() {
    let market = TestMarketplace::spawn().await;
    let registered = market.register("audit@example.com", souk_tests::accounts::PASSWORD, "Audit").await;
    let user_id = registered.json()["user"]["id"].as_str().unwrap().to_owned();
    let token = market.verification_token("audit@example.com").await;
    market.verify(&token).await;
    let failed = market.login("audit@example.com", "Wrong-Password-99").await;
    let session = Session::from_response(&market.login("audit@example.com", souk_tests::accounts::PASSWORD).await);
    market.post("/api/auth/logout", &json!({ "refreshToken": session.refresh_token })).await;
    market.login("ghost@example.com", "Wrong-Password-99").await;

    let entries = market.audit_entries(&format!("user#{user_id}")).await;
    let actions: Vec<&str> = entries.iter().map(|e| e["action"].as_s().unwrap().as_str()).collect();
    assert_eq!(actions, ["registered", "email_verified", "login_failed", "login_succeeded", "logged_out"]);
    let failure = entries.iter().find(|e| e["action"].as_s().unwrap() == "login_failed").unwrap();
    assert_eq!(failure["requestId"].as_s().unwrap(), failed.header("x-request-id").unwrap());
    assert_eq!(failure["sourceIp"].as_s().unwrap(), "127.0.0.1");
    let everything = format!("{entries:?}");
    for secret in
        [souk_tests::accounts::PASSWORD, token.as_str(), session.refresh_token.as_str(), session.access_token.as_str()]
    {
        assert!(!everything.contains(secret), "a secret reached the audit log");
    }

    // An unknown email is recorded by digest, not by address.
    let ghost = Email::parse("ghost@example.com").unwrap();
    let ghost_entries = market.audit_entries(&format!("email#{}", ghost.digest())).await;
    assert_eq!(ghost_entries.len(), 1);
    assert!(!format!("{ghost_entries:?}").contains("ghost@"));
}
