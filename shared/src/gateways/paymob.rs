//! Paymob's API as a [`PaymentGateway`]: a checkout's payment is a Paymob *intention*
//! (`POST /v1/intention/`), which the buyer pays on Paymob's Unified Checkout page; a refund is
//! `POST /api/acceptance/void_refund/refund`. Both authorise with the secret key
//! (`Authorization: Token <secret key>`).
//!
//! Neither the secret key, nor an intention's client secret, nor the buyer's billing data is ever
//! logged or put in an error: errors carry the status and Paymob's reason only.

use std::sync::Arc;

use futures::FutureExt;
use futures::future::BoxFuture;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{Answer, HttpsClient};
use crate::clock::{Clock, Timestamp};
use crate::config::{Config, ConfigError, vars};
use crate::payments::provider::{CurrencyCode, ReportedAmount};
use crate::payments::{
    GatewayError, OnlineMethod, PaymentGateway, PaymentRequest, PaymentSession, Provider, ProviderOrderId,
    ProviderTransactionId, RefundReceipt,
};

/// Paymob's Egyptian API, when the configuration names no other.
pub const DEFAULT_BASE_URL: &str = "https://accept.paymob.com";

/// How the marketplace is known to Paymob, from the configuration.
#[derive(Clone)]
pub struct PaymobSettings {
    /// Without a trailing `/`.
    pub base_url: String,
    pub secret_key: String,
    pub public_key: String,
    pub card_integration: u64,
    pub wallet_integration: u64,
    pub notification_url: String,
}

impl std::fmt::Debug for PaymobSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PaymobSettings")
            .field("base_url", &self.base_url)
            .field("secret_key", &"<redacted>")
            .field("public_key", &self.public_key)
            .field("card_integration", &self.card_integration)
            .field("wallet_integration", &self.wallet_integration)
            .field("notification_url", &self.notification_url)
            .finish()
    }
}

impl PaymobSettings {
    pub fn from_config(config: &Config) -> Result<Self, ConfigError> {
        let base_url = config.get(vars::PAYMOB_BASE_URL).unwrap_or(DEFAULT_BASE_URL).trim_end_matches('/');
        if !(base_url.starts_with("https://") || base_url.starts_with("http://")) {
            return Err(ConfigError::Invalid { name: vars::PAYMOB_BASE_URL, reason: "must be an http(s) URL".into() });
        }
        let integration = |name: &'static str| {
            config.require(name)?.parse::<u64>().map_err(|_| ConfigError::Invalid {
                name,
                reason: "must be a Paymob integration id (a whole number)".into(),
            })
        };
        Ok(Self {
            base_url: base_url.to_owned(),
            secret_key: config.require(vars::PAYMOB_SECRET_KEY)?.to_owned(),
            public_key: config.require(vars::PAYMOB_PUBLIC_KEY)?.to_owned(),
            card_integration: integration(vars::PAYMOB_CARD_INTEGRATION_ID)?,
            wallet_integration: integration(vars::PAYMOB_WALLET_INTEGRATION_ID)?,
            notification_url: config.require(vars::PAYMOB_NOTIFICATION_URL)?.to_owned(),
        })
    }

    fn integration(&self, method: OnlineMethod) -> u64 {
        match method {
            OnlineMethod::Card => self.card_integration,
            OnlineMethod::Wallet => self.wallet_integration,
        }
    }
}

pub struct PaymobGateway {
    settings: PaymobSettings,
    http: HttpsClient,
    /// What an intention's `expiration` (seconds from now) is counted from.
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for PaymobGateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PaymobGateway").field("settings", &self.settings).finish_non_exhaustive()
    }
}

impl PaymobGateway {
    pub fn new(settings: PaymobSettings, http: HttpsClient, clock: Arc<dyn Clock>) -> Self {
        Self { settings, http, clock }
    }

    fn authorization(&self) -> String {
        format!("Token {}", self.settings.secret_key)
    }

    async fn create_intention(
        &self,
        request: &PaymentRequest,
        expires_at: Timestamp,
    ) -> Result<PaymentSession, GatewayError> {
        let body = intention_body(&self.settings, request, expires_at, self.clock.now());
        let url = format!("{}/v1/intention/", self.settings.base_url);
        let answer = self.http.post_json(&url, &self.authorization(), body.to_string().into_bytes()).await;
        let intention = answer.and_then(|answer| read_intention(&answer)).inspect_err(|error| {
            tracing::warn!(checkout = %request.reference(), %error, "Paymob did not create the intention");
        })?;
        Ok(PaymentSession {
            provider: Provider::Paymob,
            checkout_url: checkout_url(&self.settings, &intention.client_secret),
            client_secret: intention.client_secret,
            expires_at,
            provider_order: ProviderOrderId::new(intention.order.to_string()),
        })
    }

    async fn refund_transaction(
        &self,
        transaction: &ProviderTransactionId,
        amount: ReportedAmount,
    ) -> Result<RefundReceipt, GatewayError> {
        let Ok(transaction_id) = transaction.as_str().parse::<u64>() else {
            return Err(GatewayError::Refused(format!("{transaction} is not a Paymob transaction id")));
        };
        let body = json!({ "transaction_id": transaction_id, "amount_cents": amount.minor_units });
        let url = format!("{}/api/acceptance/void_refund/refund", self.settings.base_url);
        let answer = self.http.post_json(&url, &self.authorization(), body.to_string().into_bytes()).await;
        answer.and_then(|answer| read_refund(&answer)).inspect_err(|error| {
            tracing::warn!(%transaction, %error, "Paymob did not refund");
        })
    }
}

impl PaymentGateway for PaymobGateway {
    fn provider(&self) -> Provider {
        Provider::Paymob
    }

    fn open<'a>(
        &'a self,
        request: &'a PaymentRequest,
        expires_at: Timestamp,
    ) -> BoxFuture<'a, Result<PaymentSession, GatewayError>> {
        self.create_intention(request, expires_at).boxed()
    }

    fn refund<'a>(
        &'a self,
        transaction: &'a ProviderTransactionId,
        amount: ReportedAmount,
    ) -> BoxFuture<'a, Result<RefundReceipt, GatewayError>> {
        self.refund_transaction(transaction, amount).boxed()
    }
}

/// Paymob refuses a billing field left empty and uses `NA` itself for what is not known; the
/// marketplace ships nothing through Paymob, so it knows no address.
const UNKNOWN: &str = "NA";

/// The intention for `request`: one item for the whole checkout (Paymob checks that the items add
/// up to the amount), open for the seconds left until `expires_at`.
fn intention_body(settings: &PaymobSettings, request: &PaymentRequest, expires_at: Timestamp, now: Timestamp) -> Value {
    let amount = request.amount();
    let billing = request.billing();
    let (first_name, last_name) = billing.first_and_last_name();
    let methods: Vec<u64> = request.methods().map(|method| settings.integration(method)).collect();
    // At least a second: Paymob takes a positive number of seconds, and the checkout's own
    // expiry, not Paymob's, is what cancels an unpaid checkout.
    let left = u64::try_from(expires_at.unix_millis() - now.unix_millis()).unwrap_or(0);
    let expiration = left.div_ceil(1000).max(1);
    json!({
        "amount": amount.amount,
        "currency": CurrencyCode::of(amount.currency).as_str(),
        "payment_methods": methods,
        "items": [{
            "name": "Souk El-Sayarat order",
            "amount": amount.amount,
            "description": format!("Checkout {}", request.reference()),
            "quantity": 1,
        }],
        "billing_data": {
            "first_name": first_name,
            "last_name": last_name,
            "email": billing.email.as_str(),
            "phone_number": String::from(billing.phone.clone()),
            "country": "EG",
            "city": UNKNOWN,
            "state": UNKNOWN,
            "street": UNKNOWN,
            "building": UNKNOWN,
            "floor": UNKNOWN,
            "apartment": UNKNOWN,
            "postal_code": UNKNOWN,
            "shipping_method": UNKNOWN,
        },
        "special_reference": request.reference().to_string(),
        "notification_url": settings.notification_url,
        "expiration": expiration,
    })
}

/// What the marketplace keeps of a created intention.
#[derive(Debug, PartialEq, Eq)]
struct Intention {
    client_secret: String,
    /// Paymob's order id (`intention_order_id`), which every callback of the payment signs.
    order: u64,
}

fn read_intention(answer: &Answer) -> Result<Intention, GatewayError> {
    #[derive(Deserialize)]
    struct Created {
        client_secret: String,
        intention_order_id: u64,
    }
    refusal(answer)?;
    let created: Created = serde_json::from_slice(&answer.body).map_err(|e| {
        // Created or not, it cannot be paid without these; asking again makes a fresh one.
        GatewayError::Unreachable(format!("Paymob's intention answer is unreadable: {e}"))
    })?;
    Ok(Intention { client_secret: created.client_secret, order: created.intention_order_id })
}

/// A refund is answered with its own transaction, bare or as a callback's `obj`; Paymob's samples
/// write its flags as booleans or as the strings `"true"`/`"false"`.
fn read_refund(answer: &Answer) -> Result<RefundReceipt, GatewayError> {
    refusal(answer)?;
    let unreadable = || GatewayError::Unreachable("Paymob's refund answer is unreadable".to_owned());
    let body: Value = serde_json::from_slice(&answer.body).map_err(|_| unreadable())?;
    let transaction = body.get("obj").unwrap_or(&body);
    let success = match transaction.get("success") {
        Some(Value::Bool(success)) => *success,
        Some(Value::String(success)) => success == "true",
        _ => return Err(unreadable()),
    };
    if !success {
        return Err(GatewayError::Refused(format!("the refund was declined: {}", reason(transaction))));
    }
    let id = match transaction.get("id") {
        Some(Value::Number(id)) => id.as_u64().map(|id| id.to_string()),
        Some(Value::String(id)) => Some(id.clone()),
        _ => None,
    };
    Ok(RefundReceipt { transaction: ProviderTransactionId::new(id.ok_or_else(unreadable)?) })
}

/// A 4xx is Paymob saying no, for good; a 5xx, or a 408 or 429 (not now), is Paymob unable to say.
fn refusal(answer: &Answer) -> Result<(), GatewayError> {
    let status = answer.status;
    if status.is_success() {
        return Ok(());
    }
    let retry_later = matches!(status, http::StatusCode::REQUEST_TIMEOUT | http::StatusCode::TOO_MANY_REQUESTS);
    if status.is_client_error() && !retry_later {
        let body = serde_json::from_slice::<Value>(&answer.body).unwrap_or(Value::Null);
        return Err(GatewayError::Refused(format!("Paymob answered {status}: {}", reason(&body))));
    }
    Err(GatewayError::Unreachable(format!("Paymob answered {status}")))
}

/// Paymob's reason for a no: its `detail` or `message` (also under `data`), or else which fields
/// it objected to. Never the values of those fields, which may be the buyer's billing data.
fn reason(body: &Value) -> String {
    let said = ["detail", "message"]
        .into_iter()
        .find_map(|key| body.get(key).or_else(|| body.get("data")?.get(key))?.as_str());
    match (said, body.as_object()) {
        (Some(said), _) => said.chars().take(200).collect(),
        (None, Some(fields)) if !fields.is_empty() => {
            format!("about {}", fields.keys().map(String::as_str).collect::<Vec<_>>().join(", "))
        }
        _ => "no reason given".to_owned(),
    }
}

/// Paymob's Unified Checkout page for the intention, on the same host as its API.
fn checkout_url(settings: &PaymobSettings, client_secret: &str) -> String {
    format!(
        "{}/unifiedcheckout/?publicKey={}&clientSecret={}",
        settings.base_url,
        query_value(&settings.public_key),
        query_value(client_secret)
    )
}

/// Percent-encodes all but RFC 3986's unreserved characters. Paymob's keys are made of those, so
/// this changes nothing unless a key is not what it should be, and then it cannot break the URL.
fn query_value(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => char::from(b).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::{Email, PersonName, Phone};
    use crate::ids::CheckoutId;
    use crate::money::Money;
    use crate::payments::Billing;

    fn settings() -> PaymobSettings {
        PaymobSettings {
            base_url: "https://accept.paymob.com".into(),
            secret_key: "sk_test".into(),
            public_key: "egy_pk_test_abc".into(),
            card_integration: 4097558,
            wallet_integration: 4097559,
            notification_url: "https://api.example.com/api/payments/paymob/webhook".into(),
        }
    }

    fn request(name: &str, methods: &[OnlineMethod]) -> PaymentRequest {
        let billing = Billing {
            name: PersonName::parse(name).unwrap(),
            phone: Phone::parse("01012345678").unwrap(),
            email: Email::parse("mona@example.com").unwrap(),
        };
        PaymentRequest::new(CheckoutId::new(), Money::egp(250_000), billing, methods.iter().copied()).unwrap()
    }

    fn answer(status: u16, body: Value) -> Answer {
        Answer { status: http::StatusCode::from_u16(status).unwrap(), body: body.to_string().into() }
    }

    #[test]
    fn an_intention_asks_for_the_checkout_total_by_the_requested_methods() {
        let request = request("منى حسن", &[OnlineMethod::Wallet, OnlineMethod::Card]);
        let now = Timestamp::from_unix_millis(1_700_000_000_000);
        let body = intention_body(&settings(), &request, now.plus(std::time::Duration::from_secs(1800)), now);
        let checkout = request.reference().to_string();
        assert_eq!(
            body,
            json!({
                "amount": 250000,
                "currency": "EGP",
                "payment_methods": [4097558, 4097559],
                "items": [{
                    "name": "Souk El-Sayarat order",
                    "amount": 250000,
                    "description": format!("Checkout {checkout}"),
                    "quantity": 1,
                }],
                "billing_data": {
                    "first_name": "منى",
                    "last_name": "حسن",
                    "email": "mona@example.com",
                    "phone_number": "+201012345678",
                    "country": "EG",
                    "city": "NA",
                    "state": "NA",
                    "street": "NA",
                    "building": "NA",
                    "floor": "NA",
                    "apartment": "NA",
                    "postal_code": "NA",
                    "shipping_method": "NA",
                },
                "special_reference": checkout,
                "notification_url": "https://api.example.com/api/payments/paymob/webhook",
                "expiration": 1800,
            })
        );
    }

    #[test]
    fn each_method_is_its_integration_and_a_one_word_name_gets_a_filler() {
        let now = Timestamp::from_unix_millis(1_700_000_000_000);
        let wallet = intention_body(&settings(), &request("Mona", &[OnlineMethod::Wallet]), now, now);
        assert_eq!(wallet["payment_methods"], json!([4097559]));
        assert_eq!(
            (&wallet["billing_data"]["first_name"], &wallet["billing_data"]["last_name"]),
            (&json!("Mona"), &json!("NA"))
        );
        // Already due: still a positive number of seconds.
        assert_eq!(wallet["expiration"], json!(1));
        let card = intention_body(
            &settings(),
            &request("Mona", &[OnlineMethod::Card]),
            now.plus(std::time::Duration::from_millis(1500)),
            now,
        );
        assert_eq!((&card["payment_methods"], &card["expiration"]), (&json!([4097558]), &json!(2)));
    }

    #[test]
    fn a_created_intention_gives_the_client_secret_and_paymobs_order() {
        let created = answer(
            201,
            json!({
                "id": "pi_test_0e5b", "client_secret": "egy_csk_test_7f", "intention_order_id": 217503754,
                "payment_keys": [], "special_reference": "01J", "status": "intended", "confirmed": false,
            }),
        );
        assert_eq!(
            read_intention(&created).unwrap(),
            Intention { client_secret: "egy_csk_test_7f".into(), order: 217503754 }
        );
        assert_eq!(
            checkout_url(&settings(), "egy_csk_test_7f"),
            "https://accept.paymob.com/unifiedcheckout/?publicKey=egy_pk_test_abc&clientSecret=egy_csk_test_7f"
        );
        assert!(matches!(read_intention(&answer(200, json!({ "id": "pi" }))), Err(GatewayError::Unreachable(_))));
    }

    #[test]
    fn a_4xx_is_a_refusal_and_a_5xx_or_throttle_is_unreachable() {
        let not_found = answer(404, json!({ "detail": "Integration ID/Name does not exist in our system" }));
        assert_eq!(
            read_intention(&not_found),
            Err(GatewayError::Refused(
                "Paymob answered 404 Not Found: Integration ID/Name does not exist in our system".into()
            ))
        );
        let invalid = answer(400, json!({ "billing_data": { "phone_number": ["+201012345678 is not valid"] } }));
        let Err(GatewayError::Refused(reason)) = read_intention(&invalid) else { panic!("a refusal") };
        assert!(reason.ends_with("about billing_data") && !reason.contains("+20"), "{reason}");
        for status in [500, 502, 503, 408, 429] {
            assert!(
                matches!(read_intention(&answer(status, json!({}))), Err(GatewayError::Unreachable(_))),
                "{status}"
            );
            assert!(matches!(read_refund(&answer(status, json!({}))), Err(GatewayError::Unreachable(_))), "{status}");
        }
    }

    #[test]
    fn a_refund_is_its_own_transaction_or_a_refusal() {
        let refunded =
            answer(200, json!({ "id": 555123457, "success": true, "amount_cents": 25000, "is_refund": true }));
        assert_eq!(read_refund(&refunded).unwrap().transaction.as_str(), "555123457");
        let as_callback = answer(200, json!({ "type": "TRANSACTION", "obj": { "id": 78, "success": "true" } }));
        assert_eq!(read_refund(&as_callback).unwrap().transaction.as_str(), "78");
        let declined =
            answer(200, json!({ "id": 79, "success": false, "data": { "message": "Refund amount exceeded" } }));
        assert_eq!(
            read_refund(&declined),
            Err(GatewayError::Refused("the refund was declined: Refund amount exceeded".into()))
        );
        let refused = answer(400, json!({ "success": false, "message": "Transaction not found" }));
        assert_eq!(
            read_refund(&refused),
            Err(GatewayError::Refused("Paymob answered 400 Bad Request: Transaction not found".into()))
        );
    }

    #[test]
    fn settings_come_from_the_configuration_and_hide_the_secret_key() {
        let config = Config::default()
            .with(vars::PAYMOB_SECRET_KEY, "sk_live_secret")
            .with(vars::PAYMOB_PUBLIC_KEY, "egy_pk_live")
            .with(vars::PAYMOB_CARD_INTEGRATION_ID, "11")
            .with(vars::PAYMOB_WALLET_INTEGRATION_ID, "12")
            .with(vars::PAYMOB_NOTIFICATION_URL, "https://api.example.com/hook");
        let settings = PaymobSettings::from_config(&config).unwrap();
        assert_eq!((settings.base_url.as_str(), settings.card_integration), (DEFAULT_BASE_URL, 11));
        assert!(!format!("{settings:?}").contains("sk_live_secret"));
        let local = config.clone().with(vars::PAYMOB_BASE_URL, "http://127.0.0.1:3000/_local/paymob/");
        assert_eq!(PaymobSettings::from_config(&local).unwrap().base_url, "http://127.0.0.1:3000/_local/paymob");
        let bad = config.clone().with(vars::PAYMOB_CARD_INTEGRATION_ID, "card");
        assert!(matches!(
            PaymobSettings::from_config(&bad),
            Err(ConfigError::Invalid { name: vars::PAYMOB_CARD_INTEGRATION_ID, .. })
        ));
        assert!(matches!(
            PaymobSettings::from_config(&Config::default()),
            Err(ConfigError::Missing(vars::PAYMOB_SECRET_KEY))
        ));
    }

    #[test]
    fn a_query_value_cannot_break_the_url() {
        assert_eq!(query_value("egy_csk-test.7~F"), "egy_csk-test.7~F");
        assert_eq!(query_value("a&b=c d"), "a%26b%3Dc%20d");
    }
}
