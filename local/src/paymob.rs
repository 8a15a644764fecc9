//! Paymob, played by the runner: the two calls of its API the functions make, under
//! `/_local/paymob` (their `PAYMOB_BASE_URL` locally), and the buyer's side, which on Paymob is its
//! checkout page and here is one request:
//! - `POST /_local/paymob/v1/intention/` creates an intention, as Paymob does;
//! - `POST /_local/paymob/api/acceptance/void_refund/refund` refunds a payment, and then posts the
//!   refund's own transaction callback to the intention's `notification_url`, as Paymob does;
//! - `POST /_local/payments/{checkoutId}/pay` `{ "outcome": "success"|"decline", "amountCents"?,
//!   "currency"?, "method"?, "deliver"? }` pays the checkout's intention: it builds the transaction
//!   callback Paymob would send, signs it with the local HMAC secret and posts it to the webhook
//!   (unless `"deliver": false`), and answers with it, so that a test can send it again itself;
//! - `GET /_local/payments` lists intentions (with their payments) and refunds, newest first;
//! - `POST /_local/paymob/outage` `{ "down": true|false }` makes the API answer 503, as while
//!   Paymob cannot be reached.
//!
//! Callbacks are shaped like Paymob's documented one and are signed over the same twenty values,
//! by `shared`'s own parser, so what the webhook verifies locally is what it verifies in AWS.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde::Deserialize;
use serde_json::{Value, json};
use shared::clock::Clock;
use shared::config::vars;
use shared::payments::paymob::{Callback, HmacSecret};

/// The secret key functions authorise with locally.
pub const LOCAL_SECRET_KEY: &str = "local-paymob-secret-key";
/// What signs the simulator's callbacks locally.
pub const LOCAL_HMAC_SECRET: &str = "local-paymob-hmac-secret";
pub const LOCAL_PUBLIC_KEY: &str = "egy_pk_local";
pub const LOCAL_CARD_INTEGRATION: u64 = 4_000_001;
pub const LOCAL_WALLET_INTEGRATION: u64 = 4_000_002;
/// The merchant's Paymob user, `owner` in callbacks.
const LOCAL_OWNER: u64 = 300_001;

/// Where the simulator's API answers, under the runner's URL.
pub const API_PATH: &str = "/_local/paymob";
/// The webhook's route in template.yaml: where intentions are told to send callbacks locally.
pub const WEBHOOK_PATH: &str = "/api/payments/paymob/webhook";
const PAYMENTS_PATH: &str = "/_local/payments";

/// The Paymob variables a function gets locally, whatever the template gives it in AWS: the
/// simulator's URL and keys instead of Paymob's, the secrets inline instead of their SSM
/// parameters. A function whose environment names any Paymob variable always gets the
/// simulator's URL, so that nothing run on a laptop ever reaches the real Paymob.
pub fn local_variable(name: &str, names: impl Fn(&str) -> bool, runner_url: &str) -> Option<String> {
    let named = |var: &str| names(var) || names(&format!("{var}_PARAMETER"));
    let value = match name {
        vars::PAYMOB_BASE_URL => format!("{runner_url}{API_PATH}"),
        vars::PAYMOB_SECRET_KEY => LOCAL_SECRET_KEY.to_owned(),
        vars::PAYMOB_HMAC_SECRET => LOCAL_HMAC_SECRET.to_owned(),
        vars::PAYMOB_PUBLIC_KEY => LOCAL_PUBLIC_KEY.to_owned(),
        vars::PAYMOB_CARD_INTEGRATION_ID => LOCAL_CARD_INTEGRATION.to_string(),
        vars::PAYMOB_WALLET_INTEGRATION_ID => LOCAL_WALLET_INTEGRATION.to_string(),
        vars::PAYMOB_NOTIFICATION_URL => format!("{runner_url}{WEBHOOK_PATH}"),
        _ => return None,
    };
    let given = if name == vars::PAYMOB_BASE_URL {
        vars::ALL.iter().any(|var| var.starts_with("PAYMOB_") && names(var))
    } else {
        named(name)
    };
    given.then_some(value)
}

/// Whether `path` is the simulator's.
pub fn serves(path: &str) -> bool {
    path.starts_with(API_PATH) || path.starts_with(PAYMENTS_PATH)
}

pub struct PaymobSimulator {
    ledger: Mutex<Ledger>,
    /// The runner's clock: a callback's `created_at` is the functions' now.
    clock: Arc<dyn Clock>,
    http: Client<HttpConnector, Full<Bytes>>,
}

/// Everything Paymob would know, newest last.
struct Ledger {
    down: bool,
    /// Paymob's order and transaction ids, one sequence for both. It starts at the wall clock's
    /// milliseconds so that a restarted runner, whose tables are kept, never hands out an order
    /// id an earlier checkout already holds.
    next_id: u64,
    intentions: Vec<Intention>,
    payments: Vec<Payment>,
    refunds: Vec<Refund>,
}

struct Intention {
    id: String,
    client_secret: String,
    order_id: u64,
    amount_cents: u64,
    currency: String,
    special_reference: Option<String>,
    notification_url: Option<String>,
    integrations: Vec<u64>,
    created_at: String,
}

struct Payment {
    id: u64,
    order_id: u64,
    amount_cents: u64,
    currency: String,
    success: bool,
    integration_id: u64,
    refunded_cents: u64,
}

struct Refund {
    id: u64,
    parent: u64,
    order_id: u64,
    amount_cents: u64,
    currency: String,
    /// The webhook's answer to the refund's callback, once it came.
    webhook_status: Option<u16>,
}

/// What a transaction callback says, before it is written as Paymob writes it.
struct Transaction<'a> {
    id: u64,
    intention: &'a Intention,
    amount_cents: u64,
    currency: &'a str,
    success: bool,
    integration_id: u64,
    /// The payment a refund gives back.
    parent: Option<u64>,
    created_at: String,
}

type Response = http::Response<Full<Bytes>>;

impl PaymobSimulator {
    pub fn new(clock: Arc<dyn Clock>) -> Self {
        let first_id = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(900_000_001, |since| since.as_millis() as u64);
        let ledger = Ledger { down: false, next_id: first_id, intentions: vec![], payments: vec![], refunds: vec![] };
        let http = Client::builder(TokioExecutor::new()).build(HttpConnector::new());
        Self { ledger: Mutex::new(ledger), clock, http }
    }

    /// The answer to a request of one of the simulator's paths ([`serves`]).
    pub async fn handle(self: &Arc<Self>, parts: &http::request::Parts, body: Bytes) -> Response {
        let path = parts.uri.path();
        let method = parts.method.as_str();
        if let Some(api) = path.strip_prefix(API_PATH) {
            return match (method, api) {
                ("POST", "/outage") => self.outage(&body),
                ("POST", "/v1/intention/") => self.authorised(parts, |this| this.create_intention(&body)),
                ("POST", "/api/acceptance/void_refund/refund") => self.authorised(parts, |this| this.refund(&body)),
                _ => answer(http::StatusCode::NOT_FOUND, json!({ "detail": "Not found." })),
            };
        }
        let checkout = path
            .strip_prefix(PAYMENTS_PATH)
            .and_then(|rest| rest.strip_prefix('/')?.strip_suffix("/pay"))
            .filter(|checkout| !checkout.is_empty() && !checkout.contains('/'));
        match (method, checkout) {
            ("GET", None) if path == PAYMENTS_PATH => answer(http::StatusCode::OK, self.listing()),
            ("POST", Some(checkout)) => self.pay(checkout, &body).await,
            _ => answer(http::StatusCode::NOT_FOUND, json!({ "message": "Not Found" })),
        }
    }

    /// Paymob's API answers only the secret key, and nothing while it is down.
    fn authorised(
        self: &Arc<Self>,
        parts: &http::request::Parts,
        call: impl FnOnce(&Arc<Self>) -> Response,
    ) -> Response {
        if self.ledger().down {
            return answer(
                http::StatusCode::SERVICE_UNAVAILABLE,
                json!({ "detail": "Service temporarily unavailable." }),
            );
        }
        let token = parts.headers.get(http::header::AUTHORIZATION).and_then(|v| v.to_str().ok());
        if token != Some(&format!("Token {LOCAL_SECRET_KEY}")) {
            return answer(
                http::StatusCode::UNAUTHORIZED,
                json!({ "detail": "Authentication credentials were not provided or are invalid." }),
            );
        }
        call(self)
    }

    fn outage(&self, body: &[u8]) -> Response {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Outage {
            down: bool,
        }
        match serde_json::from_slice::<Outage>(body) {
            Ok(Outage { down }) => {
                self.ledger().down = down;
                answer(http::StatusCode::OK, json!({ "down": down }))
            }
            Err(e) => bad_request(&e),
        }
    }

    fn create_intention(&self, body: &[u8]) -> Response {
        #[derive(Deserialize)]
        struct Requested {
            amount: u64,
            currency: String,
            payment_methods: Vec<u64>,
            #[serde(default)]
            items: Vec<Item>,
            billing_data: BillingData,
            special_reference: Option<String>,
            notification_url: Option<String>,
        }
        #[derive(Deserialize)]
        struct Item {
            amount: u64,
            quantity: u64,
        }
        #[derive(Deserialize)]
        struct BillingData {
            first_name: String,
            last_name: String,
            email: String,
            phone_number: String,
        }
        let requested: Requested = match serde_json::from_slice(body) {
            Ok(requested) => requested,
            Err(e) => return bad_request(&e),
        };
        let billing = &requested.billing_data;
        let blank = [
            ("first_name", &billing.first_name),
            ("last_name", &billing.last_name),
            ("email", &billing.email),
            ("phone_number", &billing.phone_number),
        ]
        .into_iter()
        .find(|(_, value)| value.trim().is_empty());
        if let Some((field, _)) = blank {
            return answer(
                http::StatusCode::BAD_REQUEST,
                json!({ "billing_data": { field: ["This field may not be blank."] } }),
            );
        }
        if requested.amount == 0 {
            return answer(
                http::StatusCode::BAD_REQUEST,
                json!({ "amount": ["Ensure this value is greater than 0."] }),
            );
        }
        let known = [LOCAL_CARD_INTEGRATION, LOCAL_WALLET_INTEGRATION];
        if requested.payment_methods.is_empty() || requested.payment_methods.iter().any(|id| !known.contains(id)) {
            return answer(
                http::StatusCode::NOT_FOUND,
                json!({ "detail": "Integration ID/Name does not exist in our system." }),
            );
        }
        let items_total: u64 = requested.items.iter().map(|item| item.amount * item.quantity).sum();
        if !requested.items.is_empty() && items_total != requested.amount {
            return answer(
                http::StatusCode::BAD_REQUEST,
                json!({ "detail": "The items' total amount must equal the intention's amount." }),
            );
        }
        let created_at = self.now();
        let mut ledger = self.ledger();
        let order_id = ledger.next_id();
        let intention = Intention {
            id: format!("pi_local_{order_id}"),
            client_secret: format!("egy_csk_local_{:032x}", rand::random::<u128>()),
            order_id,
            amount_cents: requested.amount,
            currency: requested.currency,
            special_reference: requested.special_reference,
            notification_url: requested.notification_url,
            integrations: requested.payment_methods,
            created_at,
        };
        let created = json!({
            "id": intention.id,
            "client_secret": intention.client_secret,
            "intention_order_id": intention.order_id,
            "payment_keys": [],
            "special_reference": intention.special_reference,
            "status": "intended",
            "confirmed": false,
            "created": intention.created_at,
            "object": "paymentintention",
            "intention_detail": { "amount": intention.amount_cents, "currency": intention.currency },
            "payment_methods": intention.integrations.iter().map(|id| json!({ "integration_id": id, "live": false })).collect::<Vec<_>>(),
        });
        ledger.intentions.push(intention);
        answer(http::StatusCode::CREATED, created)
    }

    fn refund(self: &Arc<Self>, body: &[u8]) -> Response {
        #[derive(Deserialize)]
        struct Requested {
            transaction_id: u64,
            amount_cents: u64,
        }
        let requested: Requested = match serde_json::from_slice(body) {
            Ok(requested) => requested,
            Err(e) => return bad_request(&e),
        };
        let refused = |status, message: &str| answer(status, json!({ "success": false, "message": message }));
        let created_at = self.now();
        let mut ledger = self.ledger();
        let Some(paid) = ledger.payments.iter().position(|p| p.id == requested.transaction_id) else {
            return refused(http::StatusCode::NOT_FOUND, "Transaction not found.");
        };
        let payment = &ledger.payments[paid];
        if !payment.success {
            return refused(http::StatusCode::BAD_REQUEST, "Only a successful transaction can be refunded.");
        }
        let left = payment.amount_cents - payment.refunded_cents;
        if requested.amount_cents == 0 || requested.amount_cents > left {
            return refused(
                http::StatusCode::BAD_REQUEST,
                &format!("The refund amount must be more than 0 and at most {left}, what is left of the transaction."),
            );
        }
        let (order_id, currency, integration_id) = (payment.order_id, payment.currency.clone(), payment.integration_id);
        ledger.payments[paid].refunded_cents += requested.amount_cents;
        let id = ledger.next_id();
        ledger.refunds.push(Refund {
            id,
            parent: requested.transaction_id,
            order_id,
            amount_cents: requested.amount_cents,
            currency: currency.clone(),
            webhook_status: None,
        });
        let intention = ledger.intention(order_id);
        let callback = callback(&Transaction {
            id,
            intention,
            amount_cents: requested.amount_cents,
            currency: &currency,
            success: true,
            integration_id,
            parent: Some(requested.transaction_id),
            created_at,
        });
        let notification_url = intention.notification_url.clone();
        drop(ledger);
        // Paymob answers the refund first and calls the webhook afterwards, on its own.
        if let Some(url) = notification_url {
            let this = Arc::clone(self);
            let body = callback.to_string();
            tokio::spawn(async move {
                let status = this.deliver(&url, body).await.ok();
                if let Some(refund) = this.ledger().refunds.iter_mut().find(|r| r.id == id) {
                    refund.webhook_status = status;
                }
            });
        }
        answer(http::StatusCode::OK, callback["obj"].clone())
    }

    async fn pay(&self, checkout: &str, body: &[u8]) -> Response {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase", deny_unknown_fields)]
        struct Paid {
            outcome: Outcome,
            amount_cents: Option<u64>,
            currency: Option<String>,
            method: Option<Method>,
            deliver: Option<bool>,
        }
        #[derive(Deserialize, PartialEq)]
        #[serde(rename_all = "lowercase")]
        enum Outcome {
            Success,
            Decline,
        }
        #[derive(Deserialize, Clone, Copy)]
        #[serde(rename_all = "lowercase")]
        enum Method {
            Card,
            Wallet,
        }
        let paid: Paid = match serde_json::from_slice(body) {
            Ok(paid) => paid,
            Err(e) => return bad_request(&e),
        };
        let checkout = crate::router::percent_decode(checkout);
        let created_at = self.now();
        let (callback, notification_url, transaction_id, order_id) = {
            let mut ledger = self.ledger();
            let Some(intention) =
                ledger.intentions.iter().rev().find(|i| i.special_reference.as_deref() == Some(checkout.as_str()))
            else {
                return answer(
                    http::StatusCode::NOT_FOUND,
                    json!({ "message": format!("no Paymob intention has the special_reference {checkout}") }),
                );
            };
            let wanted = match paid.method {
                Some(Method::Card) => Some(LOCAL_CARD_INTEGRATION),
                Some(Method::Wallet) => Some(LOCAL_WALLET_INTEGRATION),
                None => None,
            };
            let Some(integration_id) = wanted.or(intention.integrations.first().copied()) else {
                return answer(http::StatusCode::BAD_REQUEST, json!({ "message": "the intention has no method" }));
            };
            if !intention.integrations.contains(&integration_id) {
                return answer(
                    http::StatusCode::BAD_REQUEST,
                    json!({ "message": "the intention does not offer that method" }),
                );
            }
            let order_id = intention.order_id;
            let amount_cents = paid.amount_cents.unwrap_or(intention.amount_cents);
            let currency = paid.currency.unwrap_or_else(|| intention.currency.clone());
            let success = paid.outcome == Outcome::Success;
            let id = ledger.next_id();
            let intention = ledger.intention(order_id);
            let callback = callback(&Transaction {
                id,
                intention,
                amount_cents,
                currency: &currency,
                success,
                integration_id,
                parent: None,
                created_at,
            });
            let notification_url = intention.notification_url.clone();
            ledger.payments.push(Payment {
                id,
                order_id,
                amount_cents,
                currency,
                success,
                integration_id,
                refunded_cents: 0,
            });
            (callback, notification_url, id, order_id)
        };
        let body = callback.to_string();
        let hmac = sign(&body);
        let mut answered = json!({
            "transactionId": transaction_id,
            "intentionOrderId": order_id,
            "hmac": hmac,
            "notificationUrl": notification_url,
            "webhookStatus": null,
            "callback": callback,
        });
        match (paid.deliver.unwrap_or(true), notification_url) {
            (false, _) => {}
            (true, None) => answered["webhookError"] = json!("the intention names no notification_url"),
            (true, Some(url)) => match self.deliver(&url, body).await {
                Ok(status) => answered["webhookStatus"] = json!(status),
                Err(error) => answered["webhookError"] = json!(error),
            },
        }
        answer(http::StatusCode::OK, answered)
    }

    /// POSTs the callback `body` to `url` with its signature, as Paymob does; the webhook's status.
    async fn deliver(&self, url: &str, body: String) -> Result<u16, String> {
        let separator = if url.contains('?') { '&' } else { '?' };
        let target = format!("{url}{separator}hmac={}", sign(&body));
        let request = http::Request::post(target)
            .header(http::header::CONTENT_TYPE, "application/json")
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| format!("cannot post to {url}: {e}"))?;
        let exchange = async {
            let response = self.http.request(request).await.map_err(|e| format!("cannot post to {url}: {e}"))?;
            let status = response.status().as_u16();
            // Read to the end, so the connection is reused.
            let _ = response.into_body().collect().await;
            Ok(status)
        };
        tokio::time::timeout(Duration::from_secs(30), exchange)
            .await
            .unwrap_or_else(|_| Err(format!("{url} did not answer within 30 s")))
    }

    fn listing(&self) -> Value {
        let ledger = self.ledger();
        let intentions: Vec<Value> = ledger
            .intentions
            .iter()
            .rev()
            .map(|i| {
                let payments: Vec<Value> = ledger
                    .payments
                    .iter()
                    .rev()
                    .filter(|p| p.order_id == i.order_id)
                    .map(|p| {
                        json!({
                            "transactionId": p.id,
                            "amountCents": p.amount_cents,
                            "currency": p.currency,
                            "success": p.success,
                            "integrationId": p.integration_id,
                            "refundedCents": p.refunded_cents,
                        })
                    })
                    .collect();
                json!({
                    "id": i.id,
                    "intentionOrderId": i.order_id,
                    "clientSecret": i.client_secret,
                    "amountCents": i.amount_cents,
                    "currency": i.currency,
                    "specialReference": i.special_reference,
                    "notificationUrl": i.notification_url,
                    "paymentMethods": i.integrations,
                    "createdAt": i.created_at,
                    "payments": payments,
                })
            })
            .collect();
        let refunds: Vec<Value> = ledger
            .refunds
            .iter()
            .rev()
            .map(|r| {
                json!({
                    "transactionId": r.id,
                    "parentTransactionId": r.parent,
                    "intentionOrderId": r.order_id,
                    "specialReference": ledger.intention(r.order_id).special_reference,
                    "amountCents": r.amount_cents,
                    "currency": r.currency,
                    "webhookStatus": r.webhook_status,
                })
            })
            .collect();
        json!({ "intentions": intentions, "refunds": refunds })
    }

    /// As Paymob writes times in callbacks: no offset, microseconds.
    fn now(&self) -> String {
        let format =
            time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]");
        self.clock.now().as_offset_date_time().format(format).expect("a timestamp formats")
    }

    fn ledger(&self) -> std::sync::MutexGuard<'_, Ledger> {
        self.ledger.lock().expect("Paymob simulator lock")
    }
}

impl Ledger {
    fn next_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// The intention of a payment or refund, which the ledger always holds.
    fn intention(&self, order_id: u64) -> &Intention {
        self.intentions.iter().find(|i| i.order_id == order_id).expect("a payment's intention")
    }
}

/// The transaction-processed callback of `t`, shaped like Paymob's documented one. A refund is a
/// transaction of its own under the payment (`has_parent_transaction`, `is_refund`), as Paymob
/// reports it; the payment's `is_refunded` stays as it was signed.
fn callback(t: &Transaction<'_>) -> Value {
    let intention = t.intention;
    let source_data = if t.integration_id == LOCAL_WALLET_INTEGRATION {
        json!({ "pan": "01010101010", "type": "wallet", "sub_type": "wallet", "tenure": null })
    } else {
        json!({ "pan": "2346", "type": "card", "sub_type": "MasterCard", "tenure": null })
    };
    let refund = t.parent.is_some();
    json!({
        "type": "TRANSACTION",
        "obj": {
            "id": t.id,
            "pending": false,
            "amount_cents": t.amount_cents,
            "success": t.success,
            "is_auth": false,
            "is_capture": false,
            "is_standalone_payment": !refund,
            "is_voided": false,
            "is_refunded": false,
            "is_3d_secure": !refund && t.integration_id == LOCAL_CARD_INTEGRATION,
            "integration_id": t.integration_id,
            "profile_id": LOCAL_OWNER,
            "has_parent_transaction": refund,
            "order": {
                "id": intention.order_id,
                "created_at": intention.created_at,
                "delivery_needed": false,
                "amount_cents": intention.amount_cents,
                "currency": intention.currency,
                "merchant_order_id": intention.special_reference,
                "items": [],
                "api_source": "OTHER",
            },
            "created_at": t.created_at,
            "currency": t.currency,
            "source_data": source_data,
            "api_source": if refund { "OTHER" } else { "IFRAME" },
            "is_void": false,
            "is_refund": refund,
            "error_occured": false,
            "is_live": false,
            "refunded_amount_cents": null,
            "owner": LOCAL_OWNER,
            "parent_transaction": t.parent,
            "data": { "message": if t.success { "Approved" } else { "Do not honour" } },
        },
        "issuer_bank": null,
        "transaction_processed_callback_responses": "",
    })
}

/// The `hmac` Paymob would send with the callback `body`.
fn sign(body: &str) -> String {
    Callback::parse(body.as_bytes())
        .expect("the simulator's callbacks are well-formed")
        .sign(&HmacSecret::new(LOCAL_HMAC_SECRET))
}

fn bad_request(error: &serde_json::Error) -> Response {
    answer(http::StatusCode::BAD_REQUEST, json!({ "detail": error.to_string() }))
}

fn answer(status: http::StatusCode, body: Value) -> Response {
    http::Response::builder()
        .status(status)
        .header(http::header::CONTENT_TYPE, "application/json")
        .body(Full::new(Bytes::from(body.to_string())))
        .expect("a JSON response always builds")
}

#[cfg(test)]
mod tests {
    use shared::payments::OutcomeStatus;

    use super::*;

    fn intention() -> Intention {
        Intention {
            id: "pi_local_1".into(),
            client_secret: "egy_csk_local_0".into(),
            order_id: 900_000_001,
            amount_cents: 250_000,
            currency: "EGP".into(),
            special_reference: Some("01JCHECKOUT".into()),
            notification_url: Some("http://127.0.0.1:3000/api/payments/paymob/webhook".into()),
            integrations: vec![LOCAL_CARD_INTEGRATION, LOCAL_WALLET_INTEGRATION],
            created_at: "2026-01-01T10:00:00.000000".into(),
        }
    }

    fn outcome(transaction: &Transaction<'_>) -> shared::payments::PaymentOutcome {
        let body = callback(transaction).to_string();
        let callback = Callback::parse(body.as_bytes()).unwrap();
        callback.verify(&HmacSecret::new(LOCAL_HMAC_SECRET), Some(&sign(&body))).unwrap().outcome().unwrap()
    }

    #[test]
    fn payments_and_refunds_read_as_paymobs_callbacks_do() {
        let intention = intention();
        let mut paid = Transaction {
            id: 700,
            intention: &intention,
            amount_cents: 250_000,
            currency: "EGP",
            success: true,
            integration_id: LOCAL_WALLET_INTEGRATION,
            parent: None,
            created_at: "2026-01-01T10:01:00.000000".into(),
        };
        let succeeded = outcome(&paid);
        assert_eq!(succeeded.status, OutcomeStatus::Succeeded);
        assert_eq!((succeeded.provider_order.as_str(), succeeded.transaction.as_str()), ("900000001", "700"));
        assert_eq!(callback(&paid)["obj"]["source_data"]["type"], "wallet");
        assert_eq!(callback(&paid)["obj"]["order"]["merchant_order_id"], "01JCHECKOUT");
        paid.success = false;
        assert_eq!(outcome(&paid).status, OutcomeStatus::Failed);
        let refund = Transaction { id: 701, success: true, parent: Some(700), amount_cents: 1_000, ..paid };
        let refunded = outcome(&refund);
        assert_eq!((refunded.status, refunded.amount.minor_units), (OutcomeStatus::Refunded, 1_000));
    }

    #[test]
    fn functions_get_the_simulator_whenever_they_name_paymob() {
        let names = |env: &'static [&'static str]| move |name: &str| env.contains(&name);
        let url = "http://127.0.0.1:3000";
        let webhook = names(&["PAYMOB_SECRET_KEY_PARAMETER", "PAYMOB_HMAC_SECRET_PARAMETER"]);
        assert_eq!(local_variable(vars::PAYMOB_SECRET_KEY, webhook, url).as_deref(), Some(LOCAL_SECRET_KEY));
        assert_eq!(local_variable(vars::PAYMOB_HMAC_SECRET, webhook, url).as_deref(), Some(LOCAL_HMAC_SECRET));
        assert_eq!(
            local_variable(vars::PAYMOB_BASE_URL, webhook, url).as_deref(),
            Some("http://127.0.0.1:3000/_local/paymob")
        );
        assert_eq!(local_variable(vars::PAYMOB_PUBLIC_KEY, webhook, url), None);
        let order = names(&["PAYMOB_NOTIFICATION_URL", "PAYMOB_CARD_INTEGRATION_ID"]);
        assert_eq!(
            local_variable(vars::PAYMOB_NOTIFICATION_URL, order, url).as_deref(),
            Some("http://127.0.0.1:3000/api/payments/paymob/webhook")
        );
        assert_eq!(local_variable(vars::PAYMOB_CARD_INTEGRATION_ID, order, url).as_deref(), Some("4000001"));
        let other = names(&["USERS_TABLE"]);
        assert_eq!(local_variable(vars::PAYMOB_BASE_URL, other, url), None);
        assert_eq!(local_variable("USERS_TABLE", other, url), None);
    }
}
