//! Moving an order along its lifecycle (see [`crate::orders::transitions`]): only its buyer, its
//! seller or an admin, only a move their relationship to the order allows (403 otherwise), only
//! a move the lifecycle has (409 `invalid_transition` otherwise), and only from the status it is
//! still in (a conditional write), with the move appended to its history. Anyone else's order
//! is 404. An order that ends is counted down from its seller's open orders in the same write.

use std::sync::Arc;

use crate::accounts::Caller;
use crate::clock::Clock;
use crate::config::ConfigError;
use crate::db::{Database, OpenOrders, OrderRepo};
use crate::error::ApiError;
use crate::ids::OrderId;
use crate::orders::transitions::{Party, check};
use crate::orders::{Order, OrderStatus};

pub struct OrderMoves {
    orders: OrderRepo,
    open_orders: OpenOrders,
    clock: Arc<dyn Clock>,
}

impl OrderMoves {
    pub fn new(db: &Database) -> Result<Self, ConfigError> {
        Ok(Self { orders: OrderRepo::new(db)?, open_orders: OpenOrders::new(db)?, clock: db.clock() })
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
        let ended = to.is_final().then(|| self.open_orders.ended(order.vendor_id)).transpose()?;
        self.orders.transition(&order, to, caller.user_id, note, self.clock.now(), ended).await
    }
}
