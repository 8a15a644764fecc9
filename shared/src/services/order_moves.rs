//! Moving an order along its lifecycle (see [`crate::orders::transitions`]): only its buyer, its
//! seller or an admin, only a move their relationship to the order allows (403 otherwise), only
//! a move the lifecycle has (409 `invalid_transition` otherwise), and only from the status it is
//! still in (a conditional write), with the move appended to its history. Anyone else's order
//! is 404. An order that ends is counted down from its seller's open orders in the same write.
//!
//! An order whose online payment is still pending does not move (409 `conflict`): the payment
//! settles it within its window. Cancelling an order paid online requests its refund in the same
//! write; the refund trigger has the gateway make it.

use std::sync::Arc;

use crate::accounts::Caller;
use crate::clock::Clock;
use crate::config::ConfigError;
use crate::db::{Database, OpenOrders, OrderRepo, PaymentRepo};
use crate::error::{ApiError, Conflict};
use crate::ids::OrderId;
use crate::orders::transitions::{Party, check};
use crate::orders::{Order, OrderStatus, PaymentStatus};
use crate::payments::provider::ReportedAmount;
use crate::payments::{RefundReason, RefundRequest};

pub struct OrderMoves {
    orders: OrderRepo,
    open_orders: OpenOrders,
    payments: PaymentRepo,
    clock: Arc<dyn Clock>,
}

impl OrderMoves {
    pub fn new(db: &Database) -> Result<Self, ConfigError> {
        Ok(Self {
            orders: OrderRepo::new(db)?,
            open_orders: OpenOrders::new(db)?,
            payments: PaymentRepo::new(db)?,
            clock: db.clock(),
        })
    }

    /// Order `id` moved to `to` by `caller`, with an optional `note` in its history.
    pub async fn move_to(
        &self,
        caller: &Caller,
        id: OrderId,
        to: OrderStatus,
        note: Option<String>,
    ) -> Result<Order, ApiError> {
        let order = self.orders.get(id).await?.ok_or(ApiError::NotFound)?;
        let party = Party::of(caller, &order).ok_or(ApiError::NotFound)?;
        check(order.status, to, party)?;
        if order.payment_status == PaymentStatus::Pending {
            return Err(ApiError::Conflict(Conflict::PaymentPending));
        }
        let now = self.clock.now();
        let mut with = Vec::new();
        if to.is_final() {
            with.push(self.open_orders.ended(order.vendor_id)?);
        }
        if to == OrderStatus::Cancelled && order.payment_status == PaymentStatus::Paid {
            with.push(self.payments.refund_request(&self.refund_of(&order).await?, now)?);
        }
        self.orders.transition(&order, to, caller.user_id.into(), note, now, with).await
    }

    /// The refund of `order`'s share of the online payment of its checkout.
    async fn refund_of(&self, order: &Order) -> Result<RefundRequest, ApiError> {
        let paid = self.payments.get(order.checkout_id).await?.and_then(|p| Some((p.provider, p.transaction?)));
        let (provider, transaction) =
            paid.ok_or_else(|| ApiError::internal(format!("paid order {} has no paying transaction", order.id)))?;
        Ok(RefundRequest {
            provider,
            transaction,
            amount: ReportedAmount::of(order.total),
            reason: RefundReason::OrderCancelled,
            checkout: Some(order.checkout_id),
            order: Some(order.id),
            customer: Some(order.customer_id),
        })
    }
}
