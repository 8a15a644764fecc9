//! The payments table: one item per online checkout payment and what keeps each provider event
//! to one effect.
//!
//! - `checkout#<id>`: the [`CheckoutPayment`]; while pending it carries `due = "pending"` and
//!   `dueAt` (unix seconds), the key of the sparse index `Due` that the expiry sweep reads.
//! - `provider-order#<provider>#<id>` → `checkoutId`: written with the checkout, so that a
//!   callback finds its checkout by the id the provider signs.
//! - `transaction#<provider>#<id>`: one per provider transaction, written in the same transaction
//!   as its effect, on the condition that it is not there yet: a repeated callback changes nothing.
//! - `refund#<key>`: a [`RefundRequest`]; its insertion is what the refund trigger acts on.
//! - `sweep#<time>`: put by the expiry schedule; its insertion runs the sweep (removed by TTL).

use aws_sdk_dynamodb::types::{Put, TransactWriteItem, Update};
use serde::Deserialize;

use crate::clock::Timestamp;
use crate::config::ConfigError;
use crate::db::attributes::{Item, n, pk, s};
use crate::db::read::{get_consistent, query_all};
use crate::db::transaction;
use crate::db::{Database, OpenOrders, OrderRepo};
use crate::error::ApiError;
use crate::ids::{CheckoutId, OrderId, UserId};
use crate::orders::order::{Actor, HistoryEntry, OrderStatus, PaymentStatus};
use crate::payments::provider::{
    CurrencyCode, PaymentOutcome, Provider, ProviderOrderId, ProviderTransactionId, ReportedAmount,
};
use crate::payments::{CheckoutPayment, CheckoutPaymentStatus, RefundReason, RefundRequest, RefundStatus};
use crate::tables::Table;

const DUE: &str = "pending";

#[derive(Clone, Debug)]
pub struct PaymentRepo {
    client: aws_sdk_dynamodb::Client,
    payments: String,
    orders: OrderRepo,
    /// What cancels orders counts them down from their sellers' open orders; the refund trigger
    /// cancels nothing and is not given the sellers' table.
    open_orders: Option<OpenOrders>,
}

/// What became of an attempt to write a settlement.
#[derive(Debug, PartialEq, Eq)]
pub enum Written {
    Done,
    /// The provider transaction was recorded before: this is a repeat.
    Repeat,
    /// The checkout is no longer as it was read: read it again and decide again.
    Moved,
}

/// What a settlement writes besides the provider transaction's record.
pub enum Effect<'a> {
    /// The checkout paid by this outcome's transaction.
    Pay,
    /// The checkout's orders cancelled, their payment `failed`, with this note.
    Cancel {
        status: CheckoutPaymentStatus,
        note: &'a str,
    },
    Refund(&'a RefundRequest),
    /// The outcome recorded only.
    Nothing,
}

impl PaymentRepo {
    pub fn new(db: &Database) -> Result<Self, ConfigError> {
        Ok(Self { open_orders: Some(OpenOrders::new(db)?), ..Self::for_refunds(db)? })
    }

    /// The store as the refund trigger uses it: requests finished, orders refunded, none cancelled.
    pub fn for_refunds(db: &Database) -> Result<Self, ConfigError> {
        Ok(Self {
            client: db.client(),
            payments: db.table(Table::Payments)?,
            orders: OrderRepo::new(db)?,
            open_orders: None,
        })
    }

    /// The writes that open `payment`, for the checkout's transaction: the payment, due at its
    /// expiry, and the way back to it from the provider's order id.
    pub(crate) fn open(&self, payment: &CheckoutPayment) -> Result<[TransactWriteItem; 2], ApiError> {
        let mut item = Self::payment_item(payment)?;
        item.insert("due".into(), s(DUE));
        item.insert("dueAt".into(), n(payment.expires_at.unix_seconds()));
        let mut link = pk(provider_order_key(payment.provider, &payment.provider_order));
        link.insert("checkoutId".into(), s(payment.checkout_id));
        Ok([self.put_new(item)?, self.put_new(link)?])
    }

    pub async fn get(&self, checkout: CheckoutId) -> Result<Option<CheckoutPayment>, ApiError> {
        get_consistent(&self.client, &self.payments, pk(format!("checkout#{checkout}"))).await
    }

    /// The checkout whose payment the provider knows as `order`.
    pub async fn by_provider_order(
        &self,
        provider: Provider,
        order: &ProviderOrderId,
    ) -> Result<Option<CheckoutPayment>, ApiError> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Link {
            checkout_id: CheckoutId,
        }
        let key = pk(provider_order_key(provider, order));
        match get_consistent::<Link>(&self.client, &self.payments, key).await? {
            Some(link) => self.get(link.checkout_id).await,
            None => Ok(None),
        }
    }

    /// Pending checkouts whose window closed by `now`, oldest first (the index is eventually
    /// consistent: each is re-checked by its own conditional write).
    pub async fn overdue(&self, now: Timestamp) -> Result<Vec<CheckoutPayment>, ApiError> {
        let query = self
            .client
            .query()
            .table_name(&self.payments)
            .index_name("Due")
            .key_condition_expression("due = :due AND dueAt <= :now")
            .expression_attribute_values(":due", s(DUE))
            .expression_attribute_values(":now", n(now.unix_seconds()));
        let items = query_all(query).await?;
        Ok(items.into_iter().map(serde_dynamo::from_item).collect::<Result<_, _>>()?)
    }

    /// Writes `effect` of `outcome` on `payment` as read, with the record of the outcome's
    /// transaction, all or nothing. `None` for the outcome: the expiry, which no provider sent.
    pub async fn settle(
        &self,
        payment: Option<&CheckoutPayment>,
        outcome: Option<&PaymentOutcome>,
        effect: Effect<'_>,
        at: Timestamp,
    ) -> Result<Written, ApiError> {
        let mut items = Vec::new();
        if let Some(outcome) = outcome {
            items.push(self.record(outcome, payment.map(|p| p.checkout_id), at)?);
        }
        let checked = items.len();
        match (&effect, payment) {
            (Effect::Pay, Some(payment)) => {
                let outcome = outcome.ok_or_else(|| ApiError::internal("a payment comes from an outcome"))?;
                items.push(self.move_payment(payment, CheckoutPaymentStatus::Paid, Some(outcome), at)?);
                let note = format!("Paid online, {} transaction {}", outcome.provider.as_str(), outcome.transaction);
                let entry = HistoryEntry { status: OrderStatus::Pending, at, by: Actor::System, note: Some(note) };
                for order in &payment.orders {
                    items.push(self.orders.settle_payment(
                        order.id,
                        PaymentStatus::Pending,
                        PaymentStatus::Paid,
                        false,
                        &entry,
                    )?);
                }
            }
            (Effect::Cancel { status, note }, Some(payment)) => {
                items.push(self.move_payment(payment, *status, None, at)?);
                let entry = HistoryEntry {
                    status: OrderStatus::Cancelled,
                    at,
                    by: Actor::System,
                    note: Some((*note).to_owned()),
                };
                for order in &payment.orders {
                    items.push(self.orders.settle_payment(
                        order.id,
                        PaymentStatus::Pending,
                        PaymentStatus::Failed,
                        true,
                        &entry,
                    )?);
                    let open_orders = self.open_orders.as_ref().ok_or(ApiError::internal("no sellers' table"))?;
                    items.push(open_orders.ended(order.vendor_id)?);
                }
            }
            (Effect::Refund(request), _) => items.push(self.refund_request(request, at)?),
            (Effect::Nothing, _) => {}
            (Effect::Pay | Effect::Cancel { .. }, None) => {
                return Err(ApiError::internal("only a checkout's payment can be paid or cancelled"));
            }
        }
        match transaction::write(&self.client, items).await {
            Ok(()) => Ok(Written::Done),
            Err(e) if outcome.is_some() && e.failed_at(0) => Ok(Written::Repeat),
            Err(e) if e.failed_at(checked) => Ok(Written::Moved),
            Err(e) => Err(e.into()),
        }
    }

    /// The write that requests `request`, once per key.
    pub(crate) fn refund_request(&self, request: &RefundRequest, at: Timestamp) -> Result<TransactWriteItem, ApiError> {
        let mut item = pk(format!("refund#{}", request.key()));
        item.insert("provider".into(), s(request.provider.as_str()));
        item.insert("transaction".into(), s(&request.transaction));
        item.insert("amountCents".into(), n(request.amount.minor_units));
        item.insert("currency".into(), s(request.amount.currency));
        item.insert("reason".into(), s(request.reason.as_str()));
        item.insert("status".into(), s(RefundStatus::Requested.as_str()));
        item.insert("requestedAt".into(), s(at));
        if let Some(checkout) = request.checkout {
            item.insert("checkoutId".into(), s(checkout));
        }
        if let Some(order) = request.order {
            item.insert("orderId".into(), s(order));
        }
        if let Some(customer) = request.customer {
            item.insert("customerId".into(), s(customer));
        }
        self.put_new(item)
    }

    /// Marks `request` done with `status`; a refunded order's payment becomes `refunded` with it.
    /// `false` when it was not `requested` any more (a repeated delivery).
    pub async fn finish_refund(
        &self,
        request: &RefundRequest,
        status: RefundStatus,
        note: &str,
        at: Timestamp,
    ) -> Result<bool, ApiError> {
        let update = Update::builder()
            .table_name(&self.payments)
            .set_key(Some(pk(format!("refund#{}", request.key()))))
            .update_expression("SET #status = :to, finishedAt = :at, note = :note")
            .condition_expression("#status = :requested")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":to", s(status.as_str()))
            .expression_attribute_values(":requested", s(RefundStatus::Requested.as_str()))
            .expression_attribute_values(":at", s(at))
            .expression_attribute_values(":note", s(note))
            .build()
            .map_err(ApiError::internal)?;
        let mut items = vec![TransactWriteItem::builder().update(update).build()];
        if let (RefundStatus::Refunded, Some(order)) = (status, request.order) {
            let entry =
                HistoryEntry { status: OrderStatus::Cancelled, at, by: Actor::System, note: Some(note.to_owned()) };
            items.push(self.orders.settle_payment(
                order,
                PaymentStatus::Paid,
                PaymentStatus::Refunded,
                false,
                &entry,
            )?);
        }
        match transaction::write(&self.client, items).await {
            Ok(()) => Ok(true),
            Err(e) if e.failed_at(0) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    fn payment_item(payment: &CheckoutPayment) -> Result<Item, ApiError> {
        let mut item: Item = serde_dynamo::to_item(payment)?;
        item.insert("pk".into(), s(format!("checkout#{}", payment.checkout_id)));
        Ok(item)
    }

    /// The checkout's payment moved from the status it was read in to `to` (leaving the expiry
    /// index), paid by `outcome`'s transaction when it is a payment.
    fn move_payment(
        &self,
        payment: &CheckoutPayment,
        to: CheckoutPaymentStatus,
        outcome: Option<&PaymentOutcome>,
        at: Timestamp,
    ) -> Result<TransactWriteItem, ApiError> {
        let set = if outcome.is_some() {
            "SET #status = :to, settledAt = :at, #transaction = :transaction REMOVE due, dueAt"
        } else {
            "SET #status = :to, settledAt = :at REMOVE due, dueAt"
        };
        let mut update = Update::builder()
            .table_name(&self.payments)
            .set_key(Some(pk(format!("checkout#{}", payment.checkout_id))))
            .update_expression(set)
            .condition_expression("#status = :from")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":to", s(to.as_str()))
            .expression_attribute_values(":from", s(payment.status.as_str()))
            .expression_attribute_values(":at", s(at));
        if let Some(outcome) = outcome {
            update = update
                .expression_attribute_names("#transaction", "transaction")
                .expression_attribute_values(":transaction", s(&outcome.transaction));
        }
        Ok(TransactWriteItem::builder().update(update.build().map_err(ApiError::internal)?).build())
    }

    /// The record of `outcome`'s transaction, on the condition that it is the first.
    fn record(
        &self,
        outcome: &PaymentOutcome,
        checkout: Option<CheckoutId>,
        at: Timestamp,
    ) -> Result<TransactWriteItem, ApiError> {
        let mut item = pk(format!("transaction#{}#{}", outcome.provider.as_str(), outcome.transaction));
        item.insert("outcome".into(), s(outcome.status.as_str()));
        item.insert("providerOrder".into(), s(&outcome.provider_order));
        item.insert("amountCents".into(), n(outcome.amount.minor_units));
        item.insert("currency".into(), s(outcome.amount.currency));
        item.insert("recordedAt".into(), s(at));
        if let Some(checkout) = checkout {
            item.insert("checkoutId".into(), s(checkout));
        }
        self.put_new(item)
    }

    fn put_new(&self, item: Item) -> Result<TransactWriteItem, ApiError> {
        let put = Put::builder()
            .table_name(&self.payments)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(pk)")
            .build()
            .map_err(ApiError::internal)?;
        Ok(TransactWriteItem::builder().put(put).build())
    }
}

/// A refund request as the table (and so its stream record) holds it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredRefund {
    provider: String,
    transaction: ProviderTransactionId,
    amount_cents: u64,
    currency: String,
    reason: String,
    status: String,
    checkout_id: Option<CheckoutId>,
    order_id: Option<OrderId>,
    customer_id: Option<UserId>,
}

impl StoredRefund {
    /// The request and where it stands; `None` for an item this store did not write.
    pub fn request(self) -> Option<(RefundRequest, RefundStatus)> {
        let request = RefundRequest {
            provider: Provider::parse(&self.provider)?,
            transaction: self.transaction,
            amount: ReportedAmount { minor_units: self.amount_cents, currency: CurrencyCode::parse(&self.currency)? },
            reason: RefundReason::parse(&self.reason)?,
            checkout: self.checkout_id,
            order: self.order_id,
            customer: self.customer_id,
        };
        Some((request, RefundStatus::parse(&self.status)?))
    }
}

fn provider_order_key(provider: Provider, order: &ProviderOrderId) -> String {
    format!("provider-order#{}#{order}", provider.as_str())
}
