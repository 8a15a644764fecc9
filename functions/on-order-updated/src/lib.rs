//! `onOrderUpdated`: the customer hears of each new status, once; a cancelled order's items go
//! back to stock exactly once (a sold-out product is for sale again), however often the change is
//! delivered.

use std::sync::Arc;
use std::time::Duration;

use shared::clock::Clock;
use shared::config::ConfigError;
use shared::db::ProductRepo;
use shared::db::stock::StockRepo;
use shared::notify::once::Notifier;
use shared::notify::{Notification, NotificationType};
use shared::orders::{Order, OrderStatus};
use shared::streams::{StreamRecord, Trigger, new_image, old_image};
use shared::{ApiError, App};

pub struct OnOrderUpdated {
    stock: StockRepo,
    products: ProductRepo,
    notifier: Notifier,
    clock: Arc<dyn Clock>,
}

/// Re-reads of the products when they changed while the stock was being returned.
const ATTEMPTS: u32 = 8;

impl OnOrderUpdated {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        Ok(Self {
            stock: StockRepo::from_app(app)?,
            products: ProductRepo::from_app(app)?,
            notifier: Notifier::from_app(app)?,
            clock: Arc::clone(&app.clock),
        })
    }

    async fn return_stock(&self, order: &Order) -> Result<(), ApiError> {
        let ids: Vec<_> = order.items.iter().map(|i| i.product_id).collect();
        for attempt in 0..ATTEMPTS {
            let products = self.products.get_many_consistent(&ids).await?;
            if self.stock.return_stock(order, &products, self.clock.now()).await? {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(10 << attempt.min(5))).await;
        }
        Err(ApiError::Unavailable { retry_after_secs: 1 })
    }
}

impl Trigger for OnOrderUpdated {
    async fn handle(&self, record: &StreamRecord) -> Result<(), ApiError> {
        let (Some(before), Some(after)) = (old_image::<Order>(record)?, new_image::<Order>(record)?) else {
            return Ok(());
        };
        if before.status == after.status {
            return Ok(());
        }
        if after.status == OrderStatus::Cancelled {
            self.return_stock(&after).await?;
        }
        let status = after.status.as_str();
        let notification = Notification {
            id: None,
            kind: NotificationType::OrderStatusChanged,
            to: after.customer_id.to_string(),
            user_id: Some(after.customer_id),
            subject: format!("Order {} is {status} – تحديث حالة الطلب", after.id),
            body: format!("Your order {} is now {status}.", after.id),
            data: serde_json::json!({ "orderId": after.id, "status": after.status, "paymentStatus": after.payment_status }),
        };
        self.notifier.send_once(&format!("order-status#{}#{status}", after.id), after.updated_at, &notification).await
    }
}
