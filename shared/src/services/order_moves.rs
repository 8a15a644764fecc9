//! Moving an order along its lifecycle (see [`crate::orders::transitions`]): only someone who
//! may see the order, only a move their role may make, and only from the status it is still in
//! (a conditional write), with the move appended to its history. Anything else is 409
//! `invalid_transition`; someone else's order is 404.

use std::sync::Arc;

use crate::accounts::Caller;
use crate::clock::Clock;
use crate::config::ConfigError;
use crate::db::{Database, OrderRepo};
use crate::error::{ApiError, Conflict};
use crate::ids::OrderId;
use crate::orders::transitions::allowed;
use crate::orders::{Order, OrderStatus};

pub struct OrderMoves {
    orders: OrderRepo,
    clock: Arc<dyn Clock>,
}

impl OrderMoves {
    pub fn new(db: &Database) -> Result<Self, ConfigError> {
        Ok(Self { orders: OrderRepo::new(db)?, clock: db.clock() })
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
        caller.ensure_can_see(&[order.customer_id, order.vendor_id])?;
        if !allowed(order.status, to, caller.role) {
            let (from, to) = (order.status.as_str().into(), to.as_str().into());
            return Err(ApiError::Conflict(Conflict::InvalidTransition { from, to }));
        }
        self.orders.transition(&order, to, caller.user_id, note, self.clock.now()).await
    }
}
