//! The orders table, and the transactions that touch products with orders.
//!
//! `pk = order#<id>` (`kind = "order"`); indexes `ByCustomer` (customerId, id), `ByVendor`
//! (vendorId, id), `ByStatus` (status, id) and `All` (kind, id), newest first when read backwards,
//! and `ByDay` (`createdDay`, the Cairo day it was placed; id), which projects what analytics
//! recomputes from.
//!
//! A move writes in one transaction with what must change with it (an order that ends is counted
//! down from its seller's open orders: see `db::open_orders`).
//!
//! Stock is taken (see `db::stock`) in the same transaction that writes the orders (and the
//! idempotency record): all or nothing, and never below zero. A product's status follows its stock
//! within that transaction.

use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem, Update};
use serde::Serialize;

use crate::analytics::facts::Sale;
use crate::calendar::CairoDate;
use crate::clock::Timestamp;
use crate::config::ConfigError;
use crate::db::Database;
use crate::db::attributes::{Item, pk, s};
use crate::db::index_page::IndexPage;
use crate::db::read::{get_consistent, query_all};
use crate::db::transaction;
use crate::error::{ApiError, Conflict};
use crate::ids::{OrderId, UserId};
use crate::orders::order::{Actor, HistoryEntry, Order, OrderStatus, PaymentMethod, PaymentStatus};
use crate::tables::Table;

pub const KIND: &str = "order";

#[derive(Clone, Debug)]
pub struct OrderRepo {
    client: aws_sdk_dynamodb::Client,
    orders: String,
}

/// Which orders to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listing {
    All,
    WithStatus(OrderStatus),
    OfCustomer(UserId),
    OfVendor(UserId),
}

pub use crate::db::index_page::Position;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Stored<'a> {
    pk: String,
    kind: &'static str,
    created_day: String,
    #[serde(flatten)]
    order: &'a Order,
}

impl OrderRepo {
    pub fn new(db: &Database) -> Result<Self, ConfigError> {
        Ok(Self { client: db.client(), orders: db.table(Table::Orders)? })
    }

    /// `order` as the table stores it, with its keys and index attributes.
    pub fn item(order: &Order) -> Result<Item, ApiError> {
        Ok(serde_dynamo::to_item(Stored {
            pk: format!("order#{}", order.id),
            kind: KIND,
            created_day: CairoDate::of(order.created_at).to_string(),
            order,
        })?)
    }

    pub(crate) fn put_order(&self, order: &Order) -> Result<TransactWriteItem, ApiError> {
        let item = Self::item(order)?;
        let put = Put::builder()
            .table_name(&self.orders)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(pk)")
            .build()
            .map_err(ApiError::internal)?;
        Ok(TransactWriteItem::builder().put(put).build())
    }

    pub async fn get(&self, id: OrderId) -> Result<Option<Order>, ApiError> {
        get_consistent(&self.client, &self.orders, pk(format!("order#{id}"))).await
    }

    /// What analytics needs of every order placed on `day` (the index is eventually consistent:
    /// an order placed a moment ago may be missing).
    pub async fn sales_on(&self, day: CairoDate) -> Result<Vec<Sale>, ApiError> {
        let query = self
            .client
            .query()
            .table_name(&self.orders)
            .index_name("ByDay")
            .key_condition_expression("createdDay = :day")
            .expression_attribute_values(":day", s(day));
        let items = query_all(query).await?;
        Ok(items.into_iter().map(serde_dynamo::from_item).collect::<Result<_, _>>()?)
    }

    /// Up to `limit` orders, newest first; `status` narrows an owner's listing.
    pub async fn list(
        &self,
        listing: Listing,
        status: Option<OrderStatus>,
        limit: i32,
        start: Option<Position>,
    ) -> Result<(Vec<Order>, Option<Position>), ApiError> {
        let (index, attribute, value) = match listing {
            Listing::All => ("All", "kind", KIND.to_owned()),
            Listing::WithStatus(status) => ("ByStatus", "status", status.as_str().to_owned()),
            Listing::OfCustomer(user) => ("ByCustomer", "customerId", user.to_string()),
            Listing::OfVendor(user) => ("ByVendor", "vendorId", user.to_string()),
        };
        // An owner's listing narrowed by status filters; the admin's status listing is its own index.
        let filter = match (status, listing) {
            (Some(status), Listing::OfCustomer(_) | Listing::OfVendor(_)) => {
                Some(("status", status.as_str().to_owned()))
            }
            _ => None,
        };
        IndexPage { table: &self.orders, index, key: (attribute, value), filter, limit, start }.read(&self.client).await
    }

    /// Moves `order` to `to` if it is still where it was read (otherwise 409 `invalid_transition`),
    /// in one transaction `with` what changes with it.
    pub async fn transition(
        &self,
        order: &Order,
        to: OrderStatus,
        by: Actor,
        note: Option<String>,
        at: Timestamp,
        with: Vec<TransactWriteItem>,
    ) -> Result<Order, ApiError> {
        let entry = HistoryEntry { status: to, at, by, note };
        let paid = to == OrderStatus::Delivered && order.payment_method == PaymentMethod::CashOnDelivery;
        let payment = if paid { PaymentStatus::Paid } else { order.payment_status };
        let update = Update::builder()
            .table_name(&self.orders)
            .set_key(Some(pk(format!("order#{}", order.id))))
            .update_expression(
                "SET #status = :to, history = list_append(history, :entry), paymentStatus = :payment, updatedAt = :at",
            )
            .condition_expression("#status = :from")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":to", s(to.as_str()))
            .expression_attribute_values(":from", s(order.status.as_str()))
            .expression_attribute_values(
                ":entry",
                AttributeValue::L(vec![AttributeValue::M(serde_dynamo::to_item(&entry)?)]),
            )
            .expression_attribute_values(":payment", s(payment.as_str()))
            .expression_attribute_values(":at", s(at))
            .build()
            .map_err(ApiError::internal)?;
        let mut items = vec![TransactWriteItem::builder().update(update).build()];
        items.extend(with);
        match transaction::write(&self.client, items).await {
            Ok(()) => {
                let mut history = order.history.clone();
                history.push(entry);
                Ok(Order { status: to, payment_status: payment, history, updated_at: at, ..order.clone() })
            }
            Err(e) if e.failed_at(0) => {
                let now = self.get(order.id).await?.map_or(order.status, |o| o.status);
                Err(ApiError::Conflict(Conflict::InvalidTransition {
                    from: now.as_str().into(),
                    to: to.as_str().into(),
                }))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Settles `order`'s payment, `from` → `to`, if it is still `from`, with `entry` in its
    /// history. `cancel` also cancels the order, which must still be pending.
    pub(crate) fn settle_payment(
        &self,
        order: OrderId,
        from: PaymentStatus,
        to: PaymentStatus,
        cancel: bool,
        entry: &HistoryEntry,
    ) -> Result<TransactWriteItem, ApiError> {
        let (set, condition) = if cancel {
            (
                "SET paymentStatus = :to, #status = :cancelled, history = list_append(history, :entry), updatedAt = :at",
                "paymentStatus = :from AND #status = :pending",
            )
        } else {
            (
                "SET paymentStatus = :to, history = list_append(history, :entry), updatedAt = :at",
                "paymentStatus = :from",
            )
        };
        let mut update = Update::builder()
            .table_name(&self.orders)
            .set_key(Some(pk(format!("order#{order}"))))
            .update_expression(set)
            .condition_expression(condition)
            .expression_attribute_values(":to", s(to.as_str()))
            .expression_attribute_values(":from", s(from.as_str()))
            .expression_attribute_values(
                ":entry",
                AttributeValue::L(vec![AttributeValue::M(serde_dynamo::to_item(entry)?)]),
            )
            .expression_attribute_values(":at", s(entry.at));
        if cancel {
            update = update
                .expression_attribute_names("#status", "status")
                .expression_attribute_values(":cancelled", s(OrderStatus::Cancelled.as_str()))
                .expression_attribute_values(":pending", s(OrderStatus::Pending.as_str()));
        }
        Ok(TransactWriteItem::builder().update(update.build().map_err(ApiError::internal)?).build())
    }
}
