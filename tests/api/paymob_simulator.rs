//! The runner plays Paymob, and the functions' Paymob client speaks to it as to Paymob: intentions
//! are created with the checkout's amount and reference, refunds are held to what a payment paid,
//! an outage makes the gateway unreachable, and a paid checkout's callback is signed with the
//! local HMAC secret over the values Paymob signs.

use std::time::Duration;

use serde_json::{Value, json};
use shared::accounts::{Email, PersonName, Phone};
use shared::clock::Clock;
use shared::ids::CheckoutId;
use shared::money::Money;
use shared::payments::paymob::{Callback, HmacSecret};
use shared::payments::provider::ReportedAmount;
use shared::payments::{
    Billing, GatewayError, OnlineMethod, OutcomeStatus, PaymentOutcome, PaymentRequest, ProviderTransactionId,
};
use souk_local::paymob::{LOCAL_CARD_INTEGRATION, LOCAL_HMAC_SECRET, LOCAL_WALLET_INTEGRATION};
use souk_tests::{TestMarketplace, TestResponse};

fn request(checkout: CheckoutId, piasters: u64) -> PaymentRequest {
    let billing = Billing {
        name: PersonName::parse("Mona Hassan").unwrap(),
        phone: Phone::parse("01012345678").unwrap(),
        email: Email::parse("mona@example.com").unwrap(),
    };
    PaymentRequest::new(checkout, Money::egp(piasters), billing, [OnlineMethod::Card, OnlineMethod::Wallet]).unwrap()
}

async fn payments(market: &TestMarketplace) -> Value {
    let listed = market.get("/_local/payments").await;
    assert_eq!(listed.status, 200);
    listed.json()
}

async fn pay(market: &TestMarketplace, checkout: CheckoutId, body: Value) -> TestResponse {
    market.post(&format!("/_local/payments/{checkout}/pay"), &body).await
}

async fn outage(market: &TestMarketplace, down: bool) {
    assert_eq!(market.post("/_local/paymob/outage", &json!({ "down": down })).await.status, 200);
}

/// The outcome of a callback the simulator answered with, checked as the webhook checks it.
fn verified_outcome(paid: &Value) -> PaymentOutcome {
    let body = paid["callback"].to_string();
    let callback = Callback::parse(body.as_bytes()).expect("a well-formed callback");
    let verified = callback.verify(&HmacSecret::new(LOCAL_HMAC_SECRET), paid["hmac"].as_str()).expect("signed");
    verified.outcome().expect("a settled payment")
}

#[tokio::test]
async fn the_paymob_client_opens_refunds_and_meets_outages_against_the_simulator() {
    let market = TestMarketplace::spawn().await;
    let gateway = market.app().payment_gateway().expect("the runner names Paymob");
    let checkout = CheckoutId::new();
    let expires_at = market.clock.now().plus(Duration::from_secs(30 * 60));

    let session = gateway.open(&request(checkout, 250_000), expires_at).await.unwrap();
    let base = format!("{}/_local/paymob", market.marketplace.url());
    assert_eq!(
        session.checkout_url,
        format!("{base}/unifiedcheckout/?publicKey=egy_pk_local&clientSecret={}", session.client_secret)
    );
    assert_eq!(session.expires_at, expires_at);
    let listed = payments(&market).await;
    let intention = &listed["intentions"][0];
    assert_eq!(intention["amountCents"], 250_000);
    assert_eq!(intention["currency"], "EGP");
    assert_eq!(intention["specialReference"], checkout.to_string());
    assert_eq!(intention["clientSecret"], session.client_secret.as_str());
    assert_eq!(intention["intentionOrderId"].to_string(), session.provider_order.as_str());
    assert_eq!(intention["paymentMethods"], json!([LOCAL_CARD_INTEGRATION, LOCAL_WALLET_INTEGRATION]));
    assert_eq!(
        intention["notificationUrl"],
        format!("{}/api/payments/paymob/webhook", market.marketplace.url()).as_str()
    );

    // Paid, but not delivered: the test holds the very callback Paymob would send.
    let paid = pay(&market, checkout, json!({ "outcome": "success", "deliver": false })).await;
    assert_eq!(paid.status, 200, "{}", String::from_utf8_lossy(&paid.body));
    let paid = paid.json();
    assert_eq!(paid["webhookStatus"], Value::Null);
    assert_eq!(paid["callback"]["obj"]["order"]["merchant_order_id"], checkout.to_string());
    assert_eq!(paid["callback"]["obj"]["source_data"]["type"], "card");
    let outcome = verified_outcome(&paid);
    assert_eq!(outcome.status, OutcomeStatus::Succeeded);
    assert_eq!(outcome.provider_order, session.provider_order);
    assert!(outcome.amount.is(Money::egp(250_000)));
    assert_eq!(outcome.transaction.as_str(), paid["transactionId"].to_string());

    // Refunds are held to what the payment paid, less what was refunded already.
    let transaction = outcome.transaction;
    let first = gateway.refund(&transaction, ReportedAmount::of(Money::egp(100_000))).await.unwrap();
    assert!(matches!(
        gateway.refund(&transaction, ReportedAmount::of(Money::egp(150_001))).await,
        Err(GatewayError::Refused(_))
    ));
    let second = gateway.refund(&transaction, ReportedAmount::of(Money::egp(150_000))).await.unwrap();
    assert_ne!(first.transaction, second.transaction);
    assert!(matches!(
        gateway.refund(&transaction, ReportedAmount::of(Money::egp(1))).await,
        Err(GatewayError::Refused(_))
    ));
    let unknown = ProviderTransactionId::new("1");
    assert!(matches!(gateway.refund(&unknown, ReportedAmount::of(Money::egp(1))).await, Err(GatewayError::Refused(_))));
    let refunds = payments(&market).await["refunds"].clone();
    assert_eq!(refunds.as_array().unwrap().len(), 2);
    assert_eq!(refunds[0]["transactionId"].to_string(), second.transaction.as_str());
    assert_eq!(refunds[0]["parentTransactionId"].to_string(), transaction.as_str());
    assert_eq!(refunds[0]["amountCents"], 150_000);
    // Each refund's own callback goes to the webhook after the refund is answered.
    souk_tests::eventually("the refunds' callbacks are delivered", || async {
        let refunds = payments(&market).await["refunds"].clone();
        refunds.as_array().unwrap().iter().all(|r| r["webhookStatus"].is_u64())
    })
    .await;

    // A decline, for another amount and currency than the intention's.
    let declined =
        pay(&market, checkout, json!({ "outcome": "decline", "amountCents": 1, "currency": "USD", "deliver": false }))
            .await
            .json();
    let outcome = verified_outcome(&declined);
    assert_eq!(outcome.status, OutcomeStatus::Failed);
    assert_eq!((outcome.amount.minor_units, outcome.amount.currency.as_str()), (1, "USD"));
    assert!(matches!(
        gateway.refund(&outcome.transaction, ReportedAmount::of(Money::egp(1))).await,
        Err(GatewayError::Refused(_))
    ));

    // Delivered: the simulator posts the signed callback to the webhook and reports its answer.
    let delivered = pay(&market, checkout, json!({ "outcome": "success", "method": "wallet" })).await.json();
    assert!(delivered["webhookStatus"].is_u64(), "{delivered}");
    assert_eq!(delivered["callback"]["obj"]["source_data"]["type"], "wallet");

    // While Paymob cannot be reached, neither call gets through, and nothing is recorded.
    outage(&market, true).await;
    let other = CheckoutId::new();
    assert!(matches!(gateway.open(&request(other, 5_000), expires_at).await, Err(GatewayError::Unreachable(_))));
    assert!(matches!(
        gateway.refund(&transaction, ReportedAmount::of(Money::egp(1))).await,
        Err(GatewayError::Unreachable(_))
    ));
    assert_eq!(payments(&market).await["intentions"].as_array().unwrap().len(), 1);
    outage(&market, false).await;
    gateway.open(&request(other, 5_000), expires_at).await.unwrap();
    assert_eq!(payments(&market).await["intentions"][0]["specialReference"], other.to_string());
}

#[tokio::test]
async fn the_simulator_answers_only_the_secret_key_and_known_checkouts() {
    let market = TestMarketplace::spawn().await;
    let intention = json!({
        "amount": 100, "currency": "EGP", "payment_methods": [LOCAL_CARD_INTEGRATION],
        "billing_data": { "first_name": "Mona", "last_name": "NA", "email": "m@example.com", "phone_number": "+201012345678" },
    });
    for authorization in [None, Some("Token not-the-key")] {
        let headers: Vec<(&str, &str)> = authorization.map(|a| ("authorization", a)).into_iter().collect();
        let answered = market.post_with("/_local/paymob/v1/intention/", &intention, &headers).await;
        assert_eq!(answered.status, 401, "{authorization:?}");
    }
    let refund = json!({ "transaction_id": 1, "amount_cents": 1 });
    assert_eq!(market.post("/_local/paymob/api/acceptance/void_refund/refund", &refund).await.status, 401);
    assert!(payments(&market).await["intentions"].as_array().unwrap().is_empty());

    let unknown = pay(&market, CheckoutId::new(), json!({ "outcome": "success" })).await;
    assert_eq!(unknown.status, 404);
    let malformed = pay(&market, CheckoutId::new(), json!({ "outcome": "maybe" })).await;
    assert_eq!(malformed.status, 400);
}
