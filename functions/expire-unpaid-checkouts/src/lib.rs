//! `expireUnpaidCheckouts`: cancels the checkouts paid online whose buyer did not pay within 30
//! minutes (see `shared::services::payment_expiry`). Fired by the insertion of a sweep request,
//! which a schedule puts every minute. A schedule rather than a TTL on each checkout: DynamoDB
//! removes expired items only within days, not minutes, and a minute's sweep is one Query of a
//! sparse index of what is still pending. A request delivered twice sweeps twice, which finds
//! nothing more.

use shared::config::ConfigError;
use shared::metrics::{Metric, Metrics};
use shared::services::payment_expiry::PaymentExpiry;
use shared::streams::{StreamRecord, Trigger};
use shared::{ApiError, App};

pub struct ExpireUnpaidCheckouts {
    expiry: PaymentExpiry,
    metrics: Metrics,
}

impl ExpireUnpaidCheckouts {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        Ok(Self { expiry: PaymentExpiry::new(&app.database())?, metrics: app.metrics() })
    }
}

impl Trigger for ExpireUnpaidCheckouts {
    async fn handle(&self, _sweep: &StreamRecord) -> Result<(), ApiError> {
        let expired = self.expiry.sweep().await?;
        if expired > 0 {
            self.metrics.count(Metric::PaymentsExpired, expired);
            tracing::info!(expired, "unpaid checkouts expired");
        }
        Ok(())
    }
}
