//! A checkout's one transaction: the stock of every product taken (see [`StockRepo`]), one order
//! per vendor written and counted open (see [`OpenOrders`]), an online payment opened (see
//! [`PaymentRepo`]), and the idempotency record stored, all or nothing.

use aws_sdk_dynamodb::types::TransactWriteItem;

use crate::clock::Timestamp;
use crate::config::ConfigError;
use crate::db::attributes::{Item, get_n, get_s, n, pk, s};
use crate::db::idempotency::take_key;
use crate::db::transaction::{self, CancelReason, TransactionError};
use crate::db::{Database, OpenOrders, OrderRepo, PaymentRepo, StockRepo};
use crate::error::{ApiError, Conflict};
use crate::orders::Take;
use crate::orders::order::Order;
use crate::payments::CheckoutPayment;
use crate::tables::Table;

#[derive(Clone, Debug)]
pub struct CheckoutRepo {
    client: aws_sdk_dynamodb::Client,
    orders: OrderRepo,
    open_orders: OpenOrders,
    stock: StockRepo,
    payments: Option<PaymentRepo>,
    idempotency: String,
}

/// The idempotency record written with a checkout.
pub struct IdempotencyRecord {
    pub key: String,
    pub request_hash: String,
    pub response: String,
    pub expires_at: i64,
}

/// Why a checkout transaction did not happen.
pub enum PlaceError {
    /// These products changed since they were read: read again and retry.
    Stale(Vec<usize>),
    /// Another request with the same idempotency key got there first.
    KeyTaken,
    Failed(ApiError),
}

impl CheckoutRepo {
    pub fn new(db: &Database) -> Result<Self, ConfigError> {
        Ok(Self {
            client: db.client(),
            orders: OrderRepo::new(db)?,
            open_orders: OpenOrders::new(db)?,
            stock: StockRepo::new(db)?,
            payments: None,
            idempotency: db.table(Table::Idempotency)?,
        })
    }

    /// The same, opening online payments too (only a function that takes them is given the
    /// payments table).
    pub fn taking_payments(self, db: &Database) -> Result<Self, ConfigError> {
        Ok(Self { payments: Some(PaymentRepo::new(db)?), ..self })
    }

    /// Takes the stock and writes the orders (and the payment and idempotency record), all or
    /// nothing.
    pub async fn place(
        &self,
        takes: &[Take<'_>],
        orders: &[Order],
        payment: Option<&CheckoutPayment>,
        record: Option<&IdempotencyRecord>,
        now: Timestamp,
    ) -> Result<(), PlaceError> {
        let build = || -> Result<Vec<TransactWriteItem>, ApiError> {
            let mut items = Vec::with_capacity(takes.len() + 2 * orders.len() + 1);
            for take in takes {
                items.push(self.stock.take(take.product, take.quantity, now)?);
            }
            for order in orders {
                items.push(self.orders.put_order(order)?);
            }
            for order in orders {
                items.push(self.open_orders.placed(order.vendor_id)?);
            }
            if let Some(payment) = payment {
                let payments = self.payments.as_ref().ok_or(ApiError::internal("no payments table"))?;
                items.extend(payments.open(payment)?);
            }
            if let Some(record) = record {
                let mut item = pk(&record.key);
                item.insert("requestHash".into(), s(&record.request_hash));
                item.insert("response".into(), s(&record.response));
                item.insert("expiresAt".into(), n(record.expires_at));
                items.push(take_key(&self.idempotency, item, now)?);
            }
            Ok(items)
        };
        let items = build().map_err(PlaceError::Failed)?;
        match transaction::write(&self.client, items).await {
            Ok(()) => Ok(()),
            Err(TransactionError::Cancelled(reasons)) => {
                let stale: Vec<usize> = reasons[..takes.len()]
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| **r == CancelReason::ConditionFailed)
                    .map(|(i, _)| i)
                    .collect();
                let counted = takes.len() + orders.len()..takes.len() + 2 * orders.len();
                if record.is_some() && reasons.last() == Some(&CancelReason::ConditionFailed) {
                    Err(PlaceError::KeyTaken)
                } else if reasons[counted].contains(&CancelReason::ConditionFailed) {
                    Err(PlaceError::Failed(ApiError::Conflict(Conflict::VendorClosed)))
                } else if !stale.is_empty() {
                    Err(PlaceError::Stale(stale))
                } else {
                    Err(PlaceError::Failed(TransactionError::Cancelled(reasons).into()))
                }
            }
            Err(e) => Err(PlaceError::Failed(e.into())),
        }
    }

    /// The stored checkout of a key still within its replay window, as of `now`.
    pub async fn idempotency_record(&self, key: &str, now: Timestamp) -> Result<Option<(String, String)>, ApiError> {
        let out =
            self.client.get_item().table_name(&self.idempotency).key("pk", s(key)).consistent_read(true).send().await?;
        // TTL deletes lazily: a record past its time is gone as far as replays are concerned.
        let live = |item: &Item| get_n::<i64>(item, "expiresAt").is_some_and(|at| at > now.unix_seconds());
        Ok(out.item.filter(live).and_then(|item| Some((get_s(&item, "requestHash")?, get_s(&item, "response")?))))
    }
}
