//! API2:2023 Broken Authentication. Access tokens that are forged (another key), downgraded
//! (`alg: none`, HS256 keyed with the public key), for another issuer or audience, tampered with,
//! malformed or expired are refused with 401 on every kind of route, not only on `/api/me`: a forged
//! admin token must not send an announcement. Refresh-token rotation and reuse, absolute session
//! lifetime and logout are in `accounts_tokens.rs`; login limits in `accounts_lockout.rs`; what
//! ends sessions in `accounts_passwords.rs` and `accounts_closing.rs`.

use std::time::Duration;

use base64::Engine;
use hmac::{Hmac, Mac};
use http::Method;
use ring::signature::Ed25519KeyPair;
use serde_json::json;
use sha2::Sha256;
use shared::accounts::tokens::{AUDIENCE, Claims, ISSUER, KeyPair, TokenIssuer};
use shared::accounts::{Email, PersonName, Role, User};
use souk_tests::{TestMarketplace, signing_keys};

fn claims_for(user_id: &str, iss: &str, aud: &str, now: i64) -> Claims {
    Claims {
        sub: user_id.parse().unwrap(),
        role: Role::Admin,
        email_verified: true,
        iat: now,
        exp: now + 600,
        iss: iss.into(),
        aud: aud.into(),
        jti: "forged".into(),
        sid: None,
    }
}

#[tokio::test]
async fn forged_expired_and_none_algorithm_tokens_are_rejected() {
    let market = TestMarketplace::spawn().await;
    let session = market.verified_customer("target@example.com").await;
    let id = session.user_id();
    let now = market.clock_now().unix_seconds();
    // Tokens are made by hand here, not by the library the server verifies with.
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let unsigned = |alg: &str, claims: &Claims| {
        let header = json!({ "alg": alg, "typ": "JWT" }).to_string();
        format!("{}.{}", b64(header.as_bytes()), b64(&serde_json::to_vec(claims).unwrap()))
    };
    let our_key = Ed25519KeyPair::from_pkcs8_maybe_unchecked(
        &base64::engine::general_purpose::STANDARD.decode(&signing_keys().private_pkcs8_base64).unwrap(),
    )
    .unwrap();
    let signed_by_us = |claims: &Claims| {
        let message = unsigned("EdDSA", claims);
        format!("{message}.{}", b64(our_key.sign(message.as_bytes()).as_ref()))
    };
    let hs256 = |claims: &Claims, secret: &[u8]| {
        let message = unsigned("HS256", claims);
        let mut mac = Hmac::<Sha256>::new_from_slice(secret).unwrap();
        mac.update(message.as_bytes());
        format!("{message}.{}", b64(&mac.finalize().into_bytes()))
    };

    let user = User {
        id: id.parse().unwrap(),
        email: Email::parse("target@example.com").unwrap(),
        name: PersonName::parse("T").unwrap(),
        phone: None,
        role: Role::Admin,
        email_verified: true,
        preferences: Default::default(),
        created_at: market.clock_now(),
    };
    let stranger = KeyPair::generate();
    let forged_by_stranger = TokenIssuer::from_private_base64("K", &stranger.private_pkcs8_base64)
        .unwrap()
        .issue(&user, market.clock_now())
        .token;
    let public_key_as_hmac_secret =
        base64::engine::general_purpose::STANDARD.decode(&signing_keys().public_base64).unwrap();
    let cases = [
        ("signed by another key", forged_by_stranger),
        (
            "HS256 with the public key as secret",
            hs256(&claims_for(id, ISSUER, AUDIENCE, now), &public_key_as_hmac_secret),
        ),
        ("alg none", format!("{}.", unsigned("none", &claims_for(id, ISSUER, AUDIENCE, now)))),
        ("wrong issuer", signed_by_us(&claims_for(id, "someone-else", AUDIENCE, now))),
        ("wrong audience", signed_by_us(&claims_for(id, ISSUER, "another-api", now))),
        ("tampered payload", {
            let parts: Vec<&str> = session.access_token.split('.').collect();
            format!(
                "{}.{}.{}",
                parts[0],
                b64(&serde_json::to_vec(&claims_for(id, ISSUER, AUDIENCE, now)).unwrap()),
                parts[2]
            )
        }),
        ("not a JWT", "abc.def".to_owned()),
    ];
    // Each claims admin: a read, a customer's write, a vendor's write and an admin's write.
    let announcement = json!({ "audience": { "role": "customer" }, "title": "Forged", "body": "Forged" });
    let routes = [
        (Method::GET, "/api/me", None),
        (Method::GET, "/api/orders", None),
        (Method::PATCH, "/api/me", Some(json!({ "name": "Forged" }))),
        (Method::POST, "/api/products", Some(json!({}))),
        (Method::POST, "/api/notifications", Some(announcement)),
        (Method::GET, "/api/vendor-applications?status=pending", None),
    ];
    for (what, token) in &cases {
        for (method, path, body) in &routes {
            let response = market.send_as(method.clone(), token, path, body.as_ref(), &[]).await;
            assert_eq!(response.status, 401, "{what}: {method} {path}");
            response.assert_problem(401, "unauthorized");
        }
    }
    assert!(market.outbox_of_type(id, "announcement").await.is_empty(), "no forged announcement went out");
    // Made by hand the right way, a token is accepted: each case above fails for its one fault.
    let right = signed_by_us(&claims_for(id, ISSUER, AUDIENCE, now));
    assert_eq!(market.get_as(&right, "/api/me").await.status, 200);
    // The genuine token works until it expires, 15 minutes after issue.
    assert_eq!(market.get_as(&session.access_token, "/api/me").await.status, 200);
    market.clock.advance(Duration::from_secs(15 * 60));
    market.get_as(&session.access_token, "/api/me").await.assert_problem(401, "unauthorized");
}
