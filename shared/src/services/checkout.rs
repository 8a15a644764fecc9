//! Placing a checkout: read the products, price the lines at the server's prices, split them into
//! one order per vendor, and take the stock and write the orders in one transaction. A product
//! that changed between the read and the write is read again; one that cannot fill its line is
//! 409 `insufficient_stock`, naming it, and nothing changes.
//!
//! With an idempotency key the response is stored in the same transaction: the same key and body
//! replay it, the same key with another body is 422.

use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;

use crate::clock::Clock;
use crate::config::ConfigError;
use crate::db::checkouts::{IdempotencyRecord, PlaceError};
use crate::db::{CheckoutRepo, Database, ProductRepo};
use crate::error::ApiError;
use crate::ids::{CheckoutId, UserId};
use crate::orders::checkout::Checkout;
use crate::orders::idempotency_key::{IdempotencyKey, request_hash};
use crate::orders::order::Order;
use crate::orders::pricing::{available, split};
use crate::retry::Backoff;

/// Re-reads after a concurrent change to one of the products before giving up with 503.
const STALE_PRODUCTS: Backoff = Backoff::new(8, Duration::from_millis(5));
/// A DynamoDB transaction holds at most 100 writes: the products, the orders, their sellers' counts
/// of open orders and the key.
const MAX_WRITES: usize = 100;
const REPLAY_WINDOW: Duration = Duration::from_secs(24 * 3600);

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Placed {
    pub checkout_id: CheckoutId,
    pub orders: Vec<Order>,
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
    clock: Arc<dyn Clock>,
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
    pub fn new(db: &Database) -> Result<Self, ConfigError> {
        Ok(Self { products: ProductRepo::new(db)?, checkouts: CheckoutRepo::new(db)?, clock: db.clock() })
    }

    pub async fn place(
        &self,
        customer: UserId,
        checkout: &Checkout,
        idempotency: Option<Idempotency>,
    ) -> Result<Outcome, ApiError> {
        if let Some(idempotency) = &idempotency
            && let Some(outcome) = self.replay(idempotency).await?
        {
            return Ok(outcome);
        }
        let ids: Vec<_> = checkout.lines.iter().map(|(id, _)| *id).collect();
        let mut backoff = STALE_PRODUCTS;
        loop {
            let products = self.products.get_many_consistent(&ids).await?;
            let takes = available(checkout, &products, customer)?;
            let orders = split(checkout, &takes, customer, self.clock.now())?;
            if takes.len() + 2 * orders.len() + 1 > MAX_WRITES {
                return Err(ApiError::validation("items", "come from too many vendors for one checkout; split it"));
            }
            let now = self.clock.now();
            let body = serde_json::to_string(&Placed { checkout_id: orders[0].checkout_id, orders: orders.clone() })
                .expect("orders serialize");
            let record = idempotency.as_ref().map(|i| IdempotencyRecord {
                key: i.key.clone(),
                request_hash: i.request_hash.clone(),
                response: body.clone(),
                expires_at: now.plus(REPLAY_WINDOW).unix_seconds(),
            });
            match self.checkouts.place(&takes, &orders, record.as_ref(), now).await {
                Ok(()) => return Ok(Outcome::Placed { orders: orders.len(), body }),
                Err(PlaceError::Stale(_)) => backoff.pause().await?,
                Err(PlaceError::KeyTaken) => {
                    let idempotency = idempotency.as_ref().expect("only a keyed checkout records a key");
                    return self
                        .replay(idempotency)
                        .await?
                        .ok_or_else(|| ApiError::internal("idempotency record vanished"));
                }
                Err(PlaceError::Failed(error)) => return Err(error),
            }
        }
    }

    async fn replay(&self, idempotency: &Idempotency) -> Result<Option<Outcome>, ApiError> {
        match self.checkouts.idempotency_record(&idempotency.key, self.clock.now()).await? {
            Some((hash, body)) if hash == idempotency.request_hash => Ok(Some(Outcome::Replayed(body))),
            Some(_) => Err(ApiError::IdempotencyKeyReused),
            None => Ok(None),
        }
    }
}
