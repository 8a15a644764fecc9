//! `onOrderCreated`: the customer and the vendor hear of a new order, once each.

use shared::config::ConfigError;
use shared::notify::once::Notifier;
use shared::notify::{Notification, NotificationType};
use shared::orders::Order;
use shared::streams::{StreamRecord, Trigger, new_image};
use shared::{ApiError, App};

pub struct OnOrderCreated {
    notifier: Notifier,
}

impl OnOrderCreated {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        Ok(Self { notifier: Notifier::from_app(app)? })
    }
}

fn egp(piasters: u64) -> String {
    format!("{}.{:02} EGP", piasters / 100, piasters % 100)
}

impl Trigger for OnOrderCreated {
    async fn handle(&self, record: &StreamRecord) -> Result<(), ApiError> {
        let Some(order) = new_image::<Order>(record)? else { return Ok(()) };
        let data = serde_json::json!({ "orderId": order.id, "checkoutId": order.checkout_id, "total": order.total });
        let to_customer = Notification {
            id: None,
            kind: NotificationType::OrderCreated,
            to: order.customer_id.to_string(),
            user_id: Some(order.customer_id),
            subject: format!("Order {} placed – تم استلام طلبك", order.id),
            body: format!(
                "Your order of {} item(s), {} in total, is waiting for the vendor's confirmation.",
                order.items.len(),
                egp(order.total.amount)
            ),
            data: data.clone(),
        };
        let to_vendor = Notification {
            kind: NotificationType::OrderReceived,
            to: order.vendor_id.to_string(),
            user_id: Some(order.vendor_id),
            subject: format!("New order {} – طلب جديد", order.id),
            body: format!(
                "{} item(s), {} in total, to deliver to {}, {}.",
                order.items.len(),
                egp(order.total.amount),
                order.shipping_address.city,
                order.shipping_address.governorate.slug()
            ),
            ..to_customer.clone()
        };
        self.notifier
            .send_once(&format!("order-created#{}#customer", order.id), order.created_at, &to_customer)
            .await?;
        self.notifier.send_once(&format!("order-created#{}#vendor", order.id), order.created_at, &to_vendor).await
    }
}
