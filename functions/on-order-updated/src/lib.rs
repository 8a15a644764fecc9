//! `onOrderUpdated`: the customer hears of each new status and of each settlement of an online
//! payment (paid, failed, refunded), once; a cancelled order's items go back to stock, and its
//! figures count it as cancelled, exactly once, however often the change is delivered.

use std::sync::Arc;

use shared::analytics::facts::Sale;
use shared::config::ConfigError;
use shared::notify::messages;
use shared::orders::{Order, OrderStatus};
use shared::services::notifier::Notifier;
use shared::services::restock::Restock;
use shared::services::tally::Tally;
use shared::streams::{StreamRecord, Trigger, new_image, old_image};
use shared::{ApiError, App};

pub struct OnOrderUpdated {
    restock: Restock,
    tally: Tally,
    notifier: Notifier,
    clock: Arc<dyn shared::clock::Clock>,
}

impl OnOrderUpdated {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        let db = app.database();
        Ok(Self {
            restock: Restock::new(&db)?,
            tally: Tally::new(&db)?,
            notifier: Notifier::new(&db, app.publisher()?)?,
            clock: db.clock(),
        })
    }
}

impl Trigger for OnOrderUpdated {
    async fn handle(&self, record: &StreamRecord) -> Result<(), ApiError> {
        let (Some(before), Some(after)) = (old_image::<Order>(record)?, new_image::<Order>(record)?) else {
            return Ok(());
        };
        if before.status != after.status {
            self.status_changed(&after).await?;
        }
        if before.payment_status != after.payment_status && after.payment_method.online().is_some() {
            let key = format!("order-payment#{}#{}", after.id, after.payment_status.as_str());
            self.notifier.send_once(&key, after.updated_at, &messages::payment_status_changed(&after)).await?;
        }
        Ok(())
    }
}

impl OnOrderUpdated {
    async fn status_changed(&self, after: &Order) -> Result<(), ApiError> {
        if after.status == OrderStatus::Cancelled {
            self.restock.return_items(after, self.clock.now()).await?;
        }
        let key = format!("order-status#{}#{}", after.id, after.status.as_str());
        self.notifier.send_once(&key, after.updated_at, &messages::order_status_changed(after)).await?;
        // The figures last: the buyer hearing of the change matters more than a counter.
        if after.status == OrderStatus::Cancelled {
            self.tally.count_sale(&Sale::from(after)).await?;
        }
        Ok(())
    }
}
