//! Placing a checkout: read the products, price the lines at the server's prices, split them into
//! one order per vendor, and take the stock and write the orders in one transaction. A product
//! that changed between the read and the write is read again; one that cannot fill its line is
//! 409 `insufficient_stock`, naming it, and nothing changes.
//!
//! With an idempotency key the response is stored in the same transaction: the same key and body
//! replay it, the same key with another body is 422.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;

use crate::catalog::product::{Product, ProductStatus};
use crate::clock::Clock;
use crate::db::ProductRepo;
use crate::db::checkouts::{CheckoutRepo, IdempotencyRecord, PlaceError, Take};
use crate::error::{ApiError, Conflict, FieldErrors};
use crate::ids::{CheckoutId, OrderId, UserId};
use crate::money::Money;
use crate::orders::checkout::Checkout;
use crate::orders::order::{HistoryEntry, Order, OrderItem, OrderStatus, PaymentStatus};

/// Re-reads after a concurrent change to one of the products before giving up with 503.
const ATTEMPTS: u32 = 8;
/// A DynamoDB transaction holds at most 100 writes: the products, the orders and the key.
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
    Placed(String),
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

impl Placement {
    pub fn from_app(app: &crate::App) -> Result<Self, crate::config::ConfigError> {
        Ok(Self {
            products: ProductRepo::from_app(app)?,
            checkouts: CheckoutRepo::from_app(app)?,
            clock: Arc::clone(&app.clock),
        })
    }

    pub async fn place(
        &self,
        customer: UserId,
        checkout: &Checkout,
        idempotency: Option<Idempotency>,
    ) -> Result<Outcome, ApiError> {
        if let Some(idempotency) = &idempotency {
            if let Some(outcome) = self.replay(idempotency).await? {
                return Ok(outcome);
            }
        }
        let ids: Vec<_> = checkout.lines.iter().map(|(id, _)| *id).collect();
        for attempt in 0..ATTEMPTS {
            let products = self.products.get_many_consistent(&ids).await?;
            let takes = available(checkout, &products, customer)?;
            let orders = split(checkout, &takes, customer, self.clock.now())?;
            if takes.len() + orders.len() + 1 > MAX_WRITES {
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
                Ok(()) => return Ok(Outcome::Placed(body)),
                Err(PlaceError::Stale(_)) => {
                    let jitter = u64::from(ulid::Ulid::new().random() as u8 % 16);
                    tokio::time::sleep(Duration::from_millis((5 << attempt.min(5)) + jitter)).await;
                }
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
        Err(ApiError::Unavailable { retry_after_secs: 1 })
    }

    async fn replay(&self, idempotency: &Idempotency) -> Result<Option<Outcome>, ApiError> {
        match self.checkouts.idempotency_record(&idempotency.key, self.clock.now()).await? {
            Some((hash, body)) if hash == idempotency.request_hash => Ok(Some(Outcome::Replayed(body))),
            Some(_) => Err(ApiError::IdempotencyKeyReused),
            None => Ok(None),
        }
    }
}

/// Each line against its product as read: for sale, not the buyer's own, and in stock.
fn available<'a>(checkout: &Checkout, products: &'a [Product], customer: UserId) -> Result<Vec<Take<'a>>, ApiError> {
    let mut errors = FieldErrors::default();
    let mut takes = Vec::with_capacity(checkout.lines.len());
    for (i, (id, quantity)) in checkout.lines.iter().enumerate() {
        match products.iter().find(|p| p.id == *id).filter(|p| p.is_visible()) {
            None => errors.push(format!("items[{i}].productId"), "is not for sale"),
            Some(p) if p.vendor_id == customer.to_string() => {
                errors.push(format!("items[{i}].productId"), "is your own product")
            }
            Some(p) => takes.push(Take { product: p, quantity: *quantity }),
        }
    }
    errors.finish(|| ())?;
    if let Some(short) =
        takes.iter().find(|t| t.product.status != ProductStatus::Active || t.product.stock < t.quantity)
    {
        return Err(ApiError::Conflict(Conflict::InsufficientStock { product_id: short.product.id.to_string() }));
    }
    Ok(takes)
}

/// One pending order per vendor, priced from the products.
fn split(
    checkout: &Checkout,
    takes: &[Take<'_>],
    customer: UserId,
    now: crate::clock::Timestamp,
) -> Result<Vec<Order>, ApiError> {
    let checkout_id = CheckoutId::new();
    let mut by_vendor: BTreeMap<&str, Vec<OrderItem>> = BTreeMap::new();
    for take in takes {
        let unit = take.product.price;
        by_vendor.entry(&take.product.vendor_id).or_default().push(OrderItem {
            product_id: take.product.id,
            title: take.product.title.clone(),
            unit_price: unit,
            quantity: take.quantity,
            line_total: Money::egp(unit.amount * u64::from(take.quantity)),
        });
    }
    by_vendor
        .into_iter()
        .map(|(vendor, items)| {
            let vendor_id =
                vendor.parse().map_err(|_| ApiError::internal(format!("product vendor {vendor} is not a user id")))?;
            Ok(Order {
                id: OrderId::new(),
                checkout_id,
                customer_id: customer,
                vendor_id,
                total: Money::egp(items.iter().map(|i| i.line_total.amount).sum()),
                items,
                status: OrderStatus::Pending,
                payment_method: checkout.payment_method,
                payment_status: PaymentStatus::Unpaid,
                shipping_address: checkout.shipping_address.clone(),
                history: vec![HistoryEntry { status: OrderStatus::Pending, at: now, by: customer, note: None }],
                created_at: now,
                updated_at: now,
            })
        })
        .collect()
}
