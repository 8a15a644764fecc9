//! Checkouts paid online that were not paid within their window: each cancelled by the system,
//! its payment `failed` and its stock returned (by the order trigger), once — the write is
//! conditioned on the payment still pending, so a checkout paid meanwhile is left alone, and a
//! payment that arrives after it is refunded (see [`super::payment_settlement`]).

use std::sync::Arc;

use crate::clock::Clock;
use crate::config::ConfigError;
use crate::db::payments::{Effect, Written};
use crate::db::{Database, PaymentRepo};
use crate::error::ApiError;
use crate::payments::CheckoutPaymentStatus;

const NOTE: &str = "Not paid within 30 minutes";

pub struct PaymentExpiry {
    payments: PaymentRepo,
    clock: Arc<dyn Clock>,
}

impl PaymentExpiry {
    pub fn new(db: &Database) -> Result<Self, ConfigError> {
        Ok(Self { payments: PaymentRepo::new(db)?, clock: db.clock() })
    }

    /// Expires every checkout overdue now; how many this call expired.
    pub async fn sweep(&self) -> Result<usize, ApiError> {
        let now = self.clock.now();
        let mut expired = 0;
        for payment in self.payments.overdue(now).await? {
            if !payment.is_overdue(now) {
                continue;
            }
            let effect = Effect::Cancel { status: CheckoutPaymentStatus::Expired, note: NOTE };
            if self.payments.settle(Some(&payment), None, effect, now).await? == Written::Done {
                expired += 1;
            }
        }
        Ok(expired)
    }
}
