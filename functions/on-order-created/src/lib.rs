//! `onOrderCreated`: the customer and the vendor hear of a new order, and it is counted in the
//! analytics, once each.

use shared::analytics::facts::Sale;
use shared::config::ConfigError;
use shared::notify::messages;
use shared::orders::Order;
use shared::services::notifier::Notifier;
use shared::services::tally::Tally;
use shared::streams::{StreamRecord, Trigger, new_image};
use shared::{ApiError, App};

pub struct OnOrderCreated {
    tally: Tally,
    notifier: Notifier,
}

impl OnOrderCreated {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        let db = app.database();
        Ok(Self { tally: Tally::new(&db)?, notifier: Notifier::new(&db, app.publisher()?)? })
    }
}

impl Trigger for OnOrderCreated {
    async fn handle(&self, record: &StreamRecord) -> Result<(), ApiError> {
        let Some(order) = new_image::<Order>(record)? else { return Ok(()) };
        let (customer, vendor) =
            (format!("order-created#{}#customer", order.id), format!("order-created#{}#vendor", order.id));
        self.notifier.send_once(&customer, order.created_at, &messages::order_placed(&order)).await?;
        self.notifier.send_once(&vendor, order.created_at, &messages::order_received(&order)).await?;
        // The figures last: the parties hearing of the order matters more than a counter.
        self.tally.count_sale(&Sale::from(&order)).await
    }
}
