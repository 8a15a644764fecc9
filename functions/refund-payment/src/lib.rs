//! `refundPayment`: makes each requested refund through the payment gateway (see
//! `shared::services::refunds`): a paid order cancelled, or a payment refused for its amount, its
//! lateness or its checkout. Fired by the insertion of the request; a gateway that cannot be
//! reached fails the record, which is delivered again, and finally reaches the dead-letter queue.

use shared::config::ConfigError;
use shared::db::payments::StoredRefund;
use shared::metrics::{Metric, Metrics};
use shared::payments::RefundStatus;
use shared::services::refunds::Refunds;
use shared::streams::{self, StreamRecord, Trigger, new_image};
use shared::{ApiError, App};

pub struct RefundPayment {
    refunds: Refunds,
    metrics: Metrics,
}

impl RefundPayment {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        Ok(Self { refunds: Refunds::new(&app.database(), app.payment_gateway()?)?, metrics: app.metrics() })
    }
}

impl Trigger for RefundPayment {
    async fn handle(&self, record: &StreamRecord) -> Result<(), ApiError> {
        let Some((request, RefundStatus::Requested)) =
            new_image::<StoredRefund>(record)?.and_then(StoredRefund::request)
        else {
            return Ok(());
        };
        if self.refunds.make(&request, &streams::origin(record)).await? == Some(RefundStatus::Refunded) {
            self.metrics.count(Metric::PaymentsRefunded, 1);
        }
        Ok(())
    }
}
