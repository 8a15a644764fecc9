//! A checkout's one transaction: the stock of every product taken (see [`StockRepo`]), one order
//! per vendor written, and the idempotency record stored, all or nothing.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem};

use crate::catalog::product::Product;
use crate::clock::Timestamp;
use crate::db::orders::OrderRepo;
use crate::db::stock::StockRepo;
use crate::db::transaction::{self, CancelReason, TransactionError};
use crate::error::ApiError;
use crate::orders::order::Order;

#[derive(Clone, Debug)]
pub struct CheckoutRepo {
    client: aws_sdk_dynamodb::Client,
    orders: OrderRepo,
    stock: StockRepo,
    idempotency: String,
}

/// A product line to take from stock: the product as read, and how many.
pub struct Take<'a> {
    pub product: &'a Product,
    pub quantity: u32,
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

fn s(value: impl ToString) -> AttributeValue {
    AttributeValue::S(value.to_string())
}

fn n(value: impl ToString) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

fn key(pk: String) -> HashMap<String, AttributeValue> {
    HashMap::from([("pk".to_owned(), AttributeValue::S(pk))])
}

impl CheckoutRepo {
    pub fn from_app(app: &crate::App) -> Result<Self, crate::config::ConfigError> {
        Ok(Self {
            client: app.dynamodb.clone(),
            orders: OrderRepo::from_app(app)?,
            stock: StockRepo::from_app(app)?,
            idempotency: app.config.table(crate::db::Table::Idempotency)?,
        })
    }

    /// Takes the stock and writes the orders (and the idempotency record), all or nothing.
    pub async fn place(
        &self,
        takes: &[Take<'_>],
        orders: &[Order],
        record: Option<&IdempotencyRecord>,
        now: Timestamp,
    ) -> Result<(), PlaceError> {
        let build = || -> Result<Vec<TransactWriteItem>, ApiError> {
            let mut items = Vec::with_capacity(takes.len() + orders.len() + 1);
            for take in takes {
                items.push(self.stock.set_stock(take.product, take.product.stock - take.quantity, now)?);
            }
            for order in orders {
                items.push(self.orders.put_order(order)?);
            }
            if let Some(record) = record {
                let mut item = key(record.key.clone());
                item.insert("requestHash".into(), s(&record.request_hash));
                item.insert("response".into(), s(&record.response));
                item.insert("expiresAt".into(), n(record.expires_at));
                // A record past its replay window no longer holds its key (TTL deletes lazily).
                let put = Put::builder()
                    .table_name(&self.idempotency)
                    .set_item(Some(item))
                    .condition_expression("attribute_not_exists(pk) OR expiresAt <= :now")
                    .expression_attribute_values(":now", n(now.unix_seconds()))
                    .build()
                    .map_err(ApiError::internal)?;
                items.push(TransactWriteItem::builder().put(put).build());
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
                if record.is_some() && reasons.last() == Some(&CancelReason::ConditionFailed) {
                    Err(PlaceError::KeyTaken)
                } else if !stale.is_empty() {
                    Err(PlaceError::Stale(stale))
                } else {
                    Err(PlaceError::Failed(TransactionError::Cancelled(reasons).into()))
                }
            }
            Err(e) => Err(PlaceError::Failed(e.into())),
        }
    }

    /// The stored checkout for an idempotency key: (request hash, response).
    /// The stored checkout of a key still within its replay window, as of `now`.
    pub async fn idempotency_record(&self, key: &str, now: Timestamp) -> Result<Option<(String, String)>, ApiError> {
        let out =
            self.client.get_item().table_name(&self.idempotency).key("pk", s(key)).consistent_read(true).send().await?;
        // TTL deletes lazily: a record past its time is gone as far as replays are concerned.
        let expires = |item: &HashMap<String, AttributeValue>| item.get("expiresAt")?.as_n().ok()?.parse::<i64>().ok();
        Ok(out.item.filter(|item| expires(item).is_some_and(|at| at > now.unix_seconds())).and_then(|item| {
            Some((item.get("requestHash")?.as_s().ok()?.clone(), item.get("response")?.as_s().ok()?.clone()))
        }))
    }
}
