//! Login, the lockout after failures, and what an access token says.

use std::time::Duration;

use base64::Engine;
use souk_tests::TestMarketplace;
use souk_tests::accounts::{PASSWORD, Session, claims};

#[tokio::test]
async fn a_login_returns_a_short_lived_access_token_a_refresh_token_and_the_user() {
    let market = TestMarketplace::spawn().await;
    let session = market.verified_customer("nour@example.com").await;
    let response = market.login("NOUR@example.com", PASSWORD).await;
    let body = response.json();
    assert_eq!(body["tokenType"], "Bearer");
    assert_eq!(body["expiresIn"], 900);
    assert_eq!(body["user"]["email"], "nour@example.com");
    assert_ne!(body["refreshToken"], session.refresh_token);

    let claims = claims(body["accessToken"].as_str().unwrap());
    assert_eq!(claims["sub"], body["user"]["id"]);
    assert_eq!(claims["role"], "customer");
    assert_eq!(claims["emailVerified"], true);
    assert_eq!(claims["iss"], "souk-el-sayarat");
    assert_eq!(claims["aud"], "souk-el-sayarat-api");
    assert_eq!(claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(), 900);
    assert!(claims["jti"].as_str().is_some_and(|j| !j.is_empty()));
    let header = serde_json::from_slice::<serde_json::Value>(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(body["accessToken"].as_str().unwrap().split('.').next().unwrap())
            .unwrap(),
    )
    .unwrap();
    assert_eq!(header["alg"], "EdDSA");
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_email_get_the_same_answer() {
    let market = TestMarketplace::spawn().await;
    market.verified_customer("known@example.com").await;
    let wrong = market.login("known@example.com", "Not-The-Password-1").await;
    let unknown = market.login("nobody@example.com", PASSWORD).await;
    let malformed = market.login("not an email", PASSWORD).await;
    let mut bodies = Vec::new();
    for response in [&wrong, &unknown, &malformed] {
        let mut problem = response.assert_problem(401, "invalid_credentials");
        problem.as_object_mut().unwrap().remove("requestId");
        bodies.push(problem);
    }
    assert!(bodies.windows(2).all(|w| w[0] == w[1]), "{bodies:?}");
}

#[tokio::test]
async fn five_failures_lock_the_email_until_the_window_passes() {
    let market = TestMarketplace::spawn().await;
    market.verified_customer("locked@example.com").await;
    for _ in 0..5 {
        market.login("locked@example.com", "Wrong-Password-99").await.assert_problem(401, "invalid_credentials");
    }
    let locked = market.login("locked@example.com", PASSWORD).await;
    locked.assert_problem(429, "rate_limited");
    let retry_after: u64 = locked.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=900).contains(&retry_after), "{retry_after}");
    market.login("LOCKED@example.com", PASSWORD).await.assert_problem(429, "rate_limited");
    // Other accounts are not affected.
    market.verified_customer("free@example.com").await;

    market.clock.advance(Duration::from_secs(retry_after));
    assert_eq!(market.login("locked@example.com", PASSWORD).await.status, 200, "the window has passed");
}

#[tokio::test]
async fn successful_logins_do_not_count_towards_the_lockout() {
    let market = TestMarketplace::spawn().await;
    market.verified_customer("steady@example.com").await;
    for _ in 0..4 {
        market.login("steady@example.com", "Wrong-Password-99").await.assert_problem(401, "invalid_credentials");
    }
    for _ in 0..3 {
        assert_eq!(market.login("steady@example.com", PASSWORD).await.status, 200);
    }
    market.login("steady@example.com", "Wrong-Password-99").await.assert_problem(401, "invalid_credentials");
    market.login("steady@example.com", PASSWORD).await.assert_problem(429, "rate_limited");
}

#[tokio::test]
async fn concurrent_wrong_passwords_never_get_more_than_five_tries() {
    let market = TestMarketplace::spawn().await;
    market.verified_customer("burst@example.com").await;
    let attempts = (0..12).map(|_| market.login("burst@example.com", "Wrong-Password-99"));
    let responses = futures::future::join_all(attempts).await;
    let tried = responses.iter().filter(|r| r.status == 401).count();
    let limited = responses.iter().filter(|r| r.status == 429).count();
    assert_eq!((tried, limited), (5, 7));
}

#[tokio::test]
async fn the_admin_from_the_environment_can_log_in_and_a_restart_keeps_one_admin() {
    let market = TestMarketplace::spawn().await;
    let admin: Session = market.admin().await;
    assert_eq!(admin.user["role"], "admin");
    assert_eq!(admin.user["emailVerified"], true);
    let again = TestMarketplace::spawn_with_prefix(&market.table_prefix).await;
    assert!(matches!(again.marketplace.admin, Some(shared::services::admin_bootstrap::AdminBootstrap::Promoted(_))));
    assert_eq!(again.admin().await.user_id(), admin.user_id());
}
