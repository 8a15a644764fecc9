//! A provider's verified outcome applied to its checkout once, however often and in whatever
//! order it comes: the outcome's transaction is recorded in the same write as its effect, and the
//! effect is conditioned on the checkout as read, so a race is decided again from what won.
//! Money that cannot pay for the checkout it names is refused, audited, and refunded.

use std::sync::Arc;
use std::time::Duration;

use crate::accounts::audit::{AuditAction, AuditEntry, Origin, Subject};
use crate::clock::Clock;
use crate::config::ConfigError;
use crate::db::payments::{Effect, Written};
use crate::db::{AuditLog, Database, PaymentRepo};
use crate::error::ApiError;
use crate::payments::provider::{OutcomeStatus, PaymentOutcome};
use crate::payments::{CheckoutPayment, CheckoutPaymentStatus, RefundReason, RefundRequest, Settlement};
use crate::retry::Backoff;

/// Re-reads after the checkout moved under a settlement (at most a few racing callbacks and the
/// expiry) before giving up with 503, which makes the provider retry.
const MOVED: Backoff = Backoff::new(6, Duration::from_millis(10));

pub struct PaymentSettlement {
    payments: PaymentRepo,
    audit: AuditLog,
    clock: Arc<dyn Clock>,
}

/// What an outcome did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Settled {
    /// It was applied now, to this checkout (if it names one).
    Applied { settlement: Settlement, payment: Option<CheckoutPayment> },
    /// Its transaction was applied before.
    Repeat,
}

impl PaymentSettlement {
    pub fn new(db: &Database) -> Result<Self, ConfigError> {
        Ok(Self { payments: PaymentRepo::new(db)?, audit: AuditLog::new(db)?, clock: db.clock() })
    }

    pub async fn apply(&self, outcome: &PaymentOutcome, origin: &Origin) -> Result<Settled, ApiError> {
        let mut backoff = MOVED;
        loop {
            let payment = self.payments.by_provider_order(outcome.provider, &outcome.provider_order).await?;
            let settlement = match &payment {
                Some(payment) => payment.settle(outcome),
                None if outcome.status == OutcomeStatus::Succeeded => Settlement::Refund(RefundReason::UnknownCheckout),
                None => Settlement::Record,
            };
            let refund = match settlement {
                Settlement::Refund(reason) => Some(RefundRequest {
                    provider: outcome.provider,
                    transaction: outcome.transaction.clone(),
                    amount: outcome.amount,
                    reason,
                    checkout: payment.as_ref().map(|p| p.checkout_id),
                    order: None,
                    customer: payment.as_ref().map(|p| p.customer_id),
                }),
                _ => None,
            };
            let effect = match (&settlement, &refund) {
                (Settlement::Pay, _) => Effect::Pay,
                (Settlement::Fail, _) => {
                    Effect::Cancel { status: CheckoutPaymentStatus::Failed, note: "The payment was declined" }
                }
                (Settlement::Refund(_), Some(refund)) => Effect::Refund(refund),
                _ => Effect::Nothing,
            };
            match self.payments.settle(payment.as_ref(), Some(outcome), effect, self.clock.now()).await? {
                Written::Done => {
                    if let Some(refund) = &refund {
                        self.audit_refusal(refund, outcome, origin).await;
                    }
                    return Ok(Settled::Applied { settlement, payment });
                }
                Written::Repeat => return Ok(Settled::Repeat),
                Written::Moved => backoff.pause().await?,
            }
        }
    }

    async fn audit_refusal(&self, refund: &RefundRequest, outcome: &PaymentOutcome, origin: &Origin) {
        let subject = match refund.customer {
            Some(customer) => Subject::User(customer),
            None => Subject::Provider(outcome.provider.as_str()),
        };
        let detail = format!(
            "{}: transaction {} of {} order {} paid {} {}",
            refund.reason.as_str(),
            outcome.transaction,
            outcome.provider.as_str(),
            outcome.provider_order,
            outcome.amount.minor_units,
            outcome.amount.currency,
        );
        self.audit.record(AuditEntry::new(AuditAction::PaymentRefused, subject, origin).with_detail(detail)).await;
    }
}
