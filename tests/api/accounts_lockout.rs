//! Failed logins are limited so that guessing is slow but nobody can lock a stranger out: per email
//! and client address, per address, and per email from everywhere.

use futures::future::join_all;
use souk_tests::TestMarketplace;
use souk_tests::accounts::PASSWORD;

const WRONG: &str = "Wrong-Password-99";

#[tokio::test]
async fn a_stranger_failing_from_another_address_does_not_lock_the_owner_out() {
    let market = TestMarketplace::spawn().await;
    let owner = market.verified_customer("owner@example.com").await;
    for _ in 0..5 {
        market.login_from("127.0.0.2", "owner@example.com", WRONG).await.assert_problem(401, "invalid_credentials");
    }
    let refused = market.login_from("127.0.0.2", "owner@example.com", PASSWORD).await;
    refused.assert_problem(429, "rate_limited");
    assert!(refused.header("retry-after").is_some());

    assert_eq!(market.login_from("127.0.0.1", "owner@example.com", PASSWORD).await.status, 200);
    assert_eq!(market.login_from("127.0.0.3", "owner@example.com", PASSWORD).await.status, 200);
    let audited = market.audit_entries(&format!("user#{}", owner.user_id())).await;
    assert_eq!(audited.iter().filter(|e| e["action"].as_s().unwrap() == "login_failed").count(), 5);
}

#[tokio::test]
async fn an_address_failing_fifty_times_whatever_the_emails_is_refused_every_login() {
    let market = TestMarketplace::spawn().await;
    market.verified_customer("bystander@example.com").await;
    // Ten emails, five failures each: no single email is locked for the address, but the address is spent.
    let emails: Vec<String> = (0..50).map(|i| format!("target{}@example.com", i % 10)).collect();
    let attempts = emails.iter().map(|email| market.login_from("127.0.0.4", email, WRONG));
    let responses = join_all(attempts).await;
    assert!(responses.iter().all(|r| r.status == 401), "{:?}", responses.iter().map(|r| r.status).collect::<Vec<_>>());

    market.login_from("127.0.0.4", "someone-new@example.com", WRONG).await.assert_problem(429, "rate_limited");
    market.login_from("127.0.0.4", "bystander@example.com", PASSWORD).await.assert_problem(429, "rate_limited");
    assert_eq!(market.login_from("127.0.0.5", "bystander@example.com", PASSWORD).await.status, 200);
}

#[tokio::test]
async fn a_hundred_failures_from_many_addresses_lock_the_email_everywhere_and_the_owner_is_told_once() {
    let market = TestMarketplace::spawn().await;
    market.verified_customer("famous@example.com").await;
    // 25 addresses at once, 5 guesses each: the email's budget of 100 holds exactly.
    let addresses: Vec<String> = (1..=25).map(|i| format!("127.0.1.{i}")).collect();
    let market = &market;
    let guessing = addresses.iter().map(|address| async move {
        let mut responses = Vec::new();
        for _ in 0..5 {
            responses.push(market.login_from(address, "famous@example.com", WRONG).await);
        }
        responses
    });
    let responses: Vec<_> = join_all(guessing).await.into_iter().flatten().collect();
    let tried = responses.iter().filter(|r| r.status == 401).count();
    let limited = responses.iter().filter(|r| r.status == 429).count();
    let others: Vec<_> = responses.iter().filter(|r| r.status != 401 && r.status != 429).map(|r| r.json()).collect();
    assert_eq!((tried, limited), (100, 25), "{others:?}");

    market.login_from("127.0.0.1", "famous@example.com", PASSWORD).await.assert_problem(429, "rate_limited");
    market.login_from("127.0.2.1", "famous@example.com", PASSWORD).await.assert_problem(429, "rate_limited");
    assert_eq!(market.outbox_of_type("famous@example.com", "login_locked").await.len(), 1);

    market.clock.advance(std::time::Duration::from_secs(3600));
    assert_eq!(market.login_from("127.0.0.1", "famous@example.com", PASSWORD).await.status, 200);
}

#[tokio::test]
async fn a_correct_password_gives_its_attempt_back_on_every_budget() {
    let market = TestMarketplace::spawn().await;
    market.verified_customer("regular@example.com").await;
    for _ in 0..51 {
        assert_eq!(market.login_from("127.0.0.6", "regular@example.com", PASSWORD).await.status, 200);
    }
    for _ in 0..5 {
        market.login_from("127.0.0.6", "regular@example.com", WRONG).await.assert_problem(401, "invalid_credentials");
    }
    market.login_from("127.0.0.6", "regular@example.com", PASSWORD).await.assert_problem(429, "rate_limited");
}
