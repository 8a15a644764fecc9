//! A cancelled order's items go back to stock exactly once (a sold-out product is for sale
//! again), however often the cancellation is delivered: the stock store writes a marker in the
//! same transaction. Products that changed meanwhile are read again, a bounded number of times.

use std::time::Duration;

use crate::clock::Timestamp;
use crate::config::ConfigError;
use crate::db::{Database, ProductRepo, StockRepo};
use crate::error::ApiError;
use crate::orders::Order;
use crate::retry::Backoff;

const STALE_PRODUCTS: Backoff = Backoff::new(8, Duration::from_millis(10));

pub struct Restock {
    stock: StockRepo,
    products: ProductRepo,
}

impl Restock {
    pub fn new(db: &Database) -> Result<Self, ConfigError> {
        Ok(Self { stock: StockRepo::new(db)?, products: ProductRepo::new(db)? })
    }

    /// Returns `order`'s items to stock, once.
    pub async fn return_items(&self, order: &Order, now: Timestamp) -> Result<(), ApiError> {
        let ids: Vec<_> = order.items.iter().map(|i| i.product_id).collect();
        let mut backoff = STALE_PRODUCTS;
        loop {
            let products = self.products.get_many_consistent(&ids).await?;
            if self.stock.return_stock(order, &products, now).await? {
                return Ok(());
            }
            backoff.pause().await?;
        }
    }
}
