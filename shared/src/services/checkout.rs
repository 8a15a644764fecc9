//! Placing a checkout: read the products, price the lines at the server's prices, split them into
//! one order per vendor, and take the stock and write the orders in one transaction. A product
//! that changed between the read and the write is read again; one that cannot fill its line is
//! 409 `insufficient_stock`, naming it, and nothing changes.
//!
//! With an idempotency key the response is stored in the same transaction: the same key and body
//! replay it, the same key with another body is 422. A checkout paid in cash looks for an earlier
//! one of its key only when its own attempt fails (its transaction meets the key, or a product
//! sold out since): the first attempt, by far the most common, makes no read for it. One paid
//! online looks first, so that a repeat never opens a second payment at the gateway.
//!
//! Paid by card or wallet, the checkout's payment is opened at the gateway first, for the whole
//! checkout, and recorded in that same transaction: a gateway that cannot be reached is 503 with
//! nothing reserved. (A payment opened for a transaction that then fails is never paid for
//! anything: its provider order names no checkout, and a payment of it would be refunded.)

use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;

use crate::clock::Clock;
use crate::config::ConfigError;
use crate::db::checkouts::{IdempotencyRecord, PlaceError};
use crate::db::{CheckoutRepo, Database, ProductRepo, UserRepo};
use crate::error::ApiError;
use crate::ids::{CheckoutId, UserId};
use crate::money::Money;
use crate::orders::checkout::Checkout;
use crate::orders::idempotency_key::{IdempotencyKey, request_hash};
use crate::orders::order::Order;
use crate::orders::pricing::{available, split};
use crate::payments::provider::{Billing, OnlineMethod, PaymentRequest, PaymentSession};
use crate::payments::{CheckoutPayment, CheckoutPaymentStatus, PAYMENT_WINDOW, PaidOrder, PaymentGateway};
use crate::retry::Backoff;

/// Re-reads after a concurrent change to one of the products before giving up with 503.
const STALE_PRODUCTS: Backoff = Backoff::new(8, Duration::from_millis(5));
/// A DynamoDB transaction holds at most 100 writes: the products, the orders, their sellers' counts
/// of open orders, the payment (two items) and the key.
const MAX_WRITES: usize = 100;
const REPLAY_WINDOW: Duration = Duration::from_secs(24 * 3600);

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Placed {
    pub checkout_id: CheckoutId,
    pub orders: Vec<Order>,
    /// Where the buyer pays, for a checkout paid online.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment: Option<PaymentSession>,
}

/// A checkout's response body, and whether it is a replay of an earlier one.
pub enum Outcome {
    /// New orders, one per seller: their count and the response body.
    Placed {
        orders: usize,
        body: String,
    },
    Replayed(String),
}

pub struct Placement {
    products: ProductRepo,
    checkouts: CheckoutRepo,
    online: Option<OnlinePayments>,
    clock: Arc<dyn Clock>,
}

/// What a checkout paid online needs: the gateway, and the buyer's account for its billing data.
struct OnlinePayments {
    gateway: Arc<dyn PaymentGateway>,
    users: UserRepo,
}

/// An idempotency key (scoped to its customer) and the hash of the request it came with.
pub struct Idempotency {
    pub key: String,
    pub request_hash: String,
}

impl Idempotency {
    /// `key` as `customer` sent it with `request` (the body's JSON).
    pub fn new(key: &IdempotencyKey, customer: UserId, request: &serde_json::Value) -> Self {
        Self { key: key.scoped_to(customer), request_hash: request_hash(request) }
    }
}

impl Placement {
    /// Checkouts paid in cash only.
    pub fn new(db: &Database) -> Result<Self, ConfigError> {
        Ok(Self { products: ProductRepo::new(db)?, checkouts: CheckoutRepo::new(db)?, online: None, clock: db.clock() })
    }

    /// Checkouts paid in cash or online through `gateway`.
    pub fn with_gateway(self, db: &Database, gateway: Arc<dyn PaymentGateway>) -> Result<Self, ConfigError> {
        Ok(Self {
            checkouts: self.checkouts.taking_payments(db)?,
            online: Some(OnlinePayments { gateway, users: UserRepo::new(db)? }),
            ..self
        })
    }

    pub async fn place(
        &self,
        customer: UserId,
        checkout: &Checkout,
        idempotency: Option<Idempotency>,
    ) -> Result<Outcome, ApiError> {
        let Some(keyed) = &idempotency else { return self.attempt(customer, checkout, None).await };
        if checkout.payment_method.online().is_some()
            && let Some(outcome) = self.replay(keyed).await?
        {
            return Ok(outcome);
        }
        match self.attempt(customer, checkout, Some(keyed)).await {
            // An earlier checkout of this key may be why this one failed (it took the last stock).
            Err(error) => match self.replay(keyed).await {
                Ok(Some(outcome)) => Ok(outcome),
                Ok(None) => Err(error),
                Err(ApiError::IdempotencyKeyReused) => Err(ApiError::IdempotencyKeyReused),
                Err(_) => Err(error),
            },
            placed => placed,
        }
    }

    /// Places the checkout: its products read, priced and taken, its orders (and payment, and
    /// idempotency record) written, in one transaction, read again while a product changes.
    async fn attempt(
        &self,
        customer: UserId,
        checkout: &Checkout,
        idempotency: Option<&Idempotency>,
    ) -> Result<Outcome, ApiError> {
        let ids: Vec<_> = checkout.lines.iter().map(|(id, _)| *id).collect();
        let checkout_id = CheckoutId::new();
        let mut opened = None;
        let mut backoff = STALE_PRODUCTS;
        loop {
            let products = self.products.get_many_consistent(&ids).await?;
            let takes = available(checkout, &products, customer)?;
            let now = self.clock.now();
            let orders = split(checkout, &takes, customer, checkout_id, now)?;
            if takes.len() + 2 * orders.len() + 3 > MAX_WRITES {
                return Err(ApiError::validation("items", "come from too many vendors for one checkout; split it"));
            }
            let payment = match checkout.payment_method.online() {
                Some(method) => Some(self.open_payment(customer, checkout, method, &orders, &mut opened, now).await?),
                None => None,
            };
            let session = payment.as_ref().and(opened.as_ref()).map(|(_, session)| session.clone());
            let body = serde_json::to_string(&Placed { checkout_id, orders: orders.clone(), payment: session })
                .expect("orders serialize");
            let record = idempotency.map(|i| IdempotencyRecord {
                key: i.key.clone(),
                request_hash: i.request_hash.clone(),
                response: body.clone(),
                expires_at: now.plus(REPLAY_WINDOW).unix_seconds(),
            });
            match self.checkouts.place(&takes, &orders, payment.as_ref(), record.as_ref(), now).await {
                Ok(()) => return Ok(Outcome::Placed { orders: orders.len(), body }),
                Err(PlaceError::Stale(_)) => backoff.pause().await?,
                Err(PlaceError::KeyTaken) => {
                    let idempotency = idempotency.expect("only a keyed checkout records a key");
                    return self
                        .replay(idempotency)
                        .await?
                        .ok_or_else(|| ApiError::internal("idempotency record vanished"));
                }
                Err(PlaceError::Failed(error)) => return Err(error),
            }
        }
    }

    /// The payment of `orders`, opened at the gateway unless it was for this amount already (a
    /// retry after a product changed keeps the payment its prices did not change).
    async fn open_payment(
        &self,
        customer: UserId,
        checkout: &Checkout,
        method: OnlineMethod,
        orders: &[Order],
        opened: &mut Option<(Money, PaymentSession)>,
        now: crate::clock::Timestamp,
    ) -> Result<CheckoutPayment, ApiError> {
        let online = self.online.as_ref().ok_or_else(|| ApiError::internal("online payments are not configured"))?;
        let amount = Money::egp(orders.iter().map(|o| o.total.amount).sum());
        let checkout_id = orders[0].checkout_id;
        if opened.as_ref().is_none_or(|(was, _)| *was != amount) {
            let user = online.users.get(customer).await?.ok_or(ApiError::Unauthorized)?.user;
            let billing =
                Billing { name: user.name, phone: checkout.shipping_address.phone.clone(), email: user.email };
            let request = PaymentRequest::new(checkout_id, amount, billing, [method]).map_err(ApiError::internal)?;
            let session = online.gateway.open(&request, now.plus(PAYMENT_WINDOW)).await?;
            *opened = Some((amount, session));
        }
        let (_, session) = opened.as_ref().expect("opened above");
        Ok(CheckoutPayment {
            checkout_id,
            customer_id: customer,
            provider: online.gateway.provider(),
            provider_order: session.provider_order.clone(),
            method,
            amount,
            orders: orders.iter().map(|o| PaidOrder { id: o.id, vendor_id: o.vendor_id, total: o.total }).collect(),
            status: CheckoutPaymentStatus::Pending,
            created_at: now,
            expires_at: session.expires_at,
            transaction: None,
        })
    }

    async fn replay(&self, idempotency: &Idempotency) -> Result<Option<Outcome>, ApiError> {
        match self.checkouts.idempotency_record(&idempotency.key, self.clock.now()).await? {
            Some((hash, body)) if hash == idempotency.request_hash => Ok(Some(Outcome::Replayed(body))),
            Some(_) => Err(ApiError::IdempotencyKeyReused),
            None => Ok(None),
        }
    }
}
