//! One online payment for a whole checkout, and what a provider's outcome does to it. The rules
//! are here, pure: the store applies the decision atomically, conditioned on the status it was
//! made from, so a race (a success against the expiry, five copies of one callback) is decided
//! once and every loser decides again from what won.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::clock::Timestamp;
use crate::ids::{CheckoutId, OrderId, UserId};
use crate::money::Money;
use crate::payments::provider::{
    OnlineMethod, OutcomeStatus, PaymentOutcome, Provider, ProviderOrderId, ProviderTransactionId,
};

/// How long a buyer has to pay before the checkout is cancelled and its stock returned.
pub const PAYMENT_WINDOW: Duration = Duration::from_secs(30 * 60);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckoutPaymentStatus {
    /// Waiting for the buyer, until `expiresAt`.
    Pending,
    Paid,
    /// Declined: the orders are cancelled.
    Failed,
    /// Not paid in time: the orders are cancelled.
    Expired,
}

impl CheckoutPaymentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Paid => "paid",
            Self::Failed => "failed",
            Self::Expired => "expired",
        }
    }
}

/// One order of the checkout: what its cancellation gives back and whose open orders it leaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaidOrder {
    pub id: OrderId,
    pub vendor_id: UserId,
    pub total: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckoutPayment {
    pub checkout_id: CheckoutId,
    pub customer_id: UserId,
    pub provider: Provider,
    pub provider_order: ProviderOrderId,
    pub method: OnlineMethod,
    pub amount: Money,
    pub orders: Vec<PaidOrder>,
    pub status: CheckoutPaymentStatus,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    /// The transaction that paid it, once paid: what refunds are made against.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transaction: Option<ProviderTransactionId>,
}

/// Why money a buyer paid goes back without an order being cancelled by anyone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefundReason {
    /// Paid, but not the checkout's amount in its currency.
    AmountMismatch,
    /// Paid after the checkout expired or its payment failed: its stock is gone.
    AfterExpiry,
    /// A second payment of a checkout already paid.
    PaidTwice,
    /// A payment no checkout of the marketplace opened.
    UnknownCheckout,
    /// A paid order was cancelled.
    OrderCancelled,
}

impl RefundReason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AmountMismatch => "amount_mismatch",
            Self::AfterExpiry => "after_expiry",
            Self::PaidTwice => "paid_twice",
            Self::UnknownCheckout => "unknown_checkout",
            Self::OrderCancelled => "order_cancelled",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        [Self::AmountMismatch, Self::AfterExpiry, Self::PaidTwice, Self::UnknownCheckout, Self::OrderCancelled]
            .into_iter()
            .find(|reason| reason.as_str() == name)
    }

    /// What the buyer and the order's history are told.
    pub fn note(self) -> &'static str {
        match self {
            Self::AmountMismatch => "The payment did not match the checkout's amount and was refunded",
            Self::AfterExpiry => "The payment arrived after the checkout expired and was refunded",
            Self::PaidTwice => "The checkout was paid twice; the second payment was refunded",
            Self::UnknownCheckout => "The payment matched no checkout and was refunded",
            Self::OrderCancelled => "The order was cancelled and its payment refunded",
        }
    }
}

/// What an outcome does to a checkout's payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settlement {
    /// Every order of the checkout becomes paid.
    Pay,
    /// Every order is cancelled, its payment failed, its stock returned.
    Fail,
    /// The money goes back; the orders stay as they are.
    Refund(RefundReason),
    /// Nothing changes (a decline after the checkout was settled, the notice of a refund): the
    /// outcome is only recorded, so that it is never considered again.
    Record,
}

impl CheckoutPayment {
    /// What `outcome`, verified and about this checkout, does to it as it is now.
    pub fn settle(&self, outcome: &PaymentOutcome) -> Settlement {
        use CheckoutPaymentStatus as Now;
        match (outcome.status, self.status) {
            (OutcomeStatus::Succeeded, _) if !outcome.amount.is(self.amount) => {
                Settlement::Refund(RefundReason::AmountMismatch)
            }
            (OutcomeStatus::Succeeded, Now::Pending) => Settlement::Pay,
            (OutcomeStatus::Succeeded, Now::Paid) if self.transaction.as_ref() == Some(&outcome.transaction) => {
                Settlement::Record
            }
            (OutcomeStatus::Succeeded, Now::Paid) => Settlement::Refund(RefundReason::PaidTwice),
            (OutcomeStatus::Succeeded, Now::Failed | Now::Expired) => Settlement::Refund(RefundReason::AfterExpiry),
            (OutcomeStatus::Failed, Now::Pending) => Settlement::Fail,
            (OutcomeStatus::Failed, _) | (OutcomeStatus::Refunded, _) => Settlement::Record,
        }
    }

    /// Whether the checkout is still unpaid at `now` after its window closed.
    pub fn is_overdue(&self, now: Timestamp) -> bool {
        self.status == CheckoutPaymentStatus::Pending && self.expires_at <= now
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payments::provider::{CurrencyCode, ReportedAmount};

    fn payment(status: CheckoutPaymentStatus) -> CheckoutPayment {
        CheckoutPayment {
            checkout_id: CheckoutId::new(),
            customer_id: UserId::new(),
            provider: Provider::Paymob,
            provider_order: ProviderOrderId::new("900000001"),
            method: OnlineMethod::Card,
            amount: Money::egp(250_000),
            orders: vec![PaidOrder { id: OrderId::new(), vendor_id: UserId::new(), total: Money::egp(250_000) }],
            status,
            created_at: Timestamp::from_unix_millis(0),
            expires_at: Timestamp::from_unix_millis(1_800_000),
            transaction: (status == CheckoutPaymentStatus::Paid).then(|| ProviderTransactionId::new("1")),
        }
    }

    fn outcome(status: OutcomeStatus, transaction: &str, minor_units: u64, currency: &str) -> PaymentOutcome {
        PaymentOutcome {
            status,
            provider: Provider::Paymob,
            provider_order: ProviderOrderId::new("900000001"),
            transaction: ProviderTransactionId::new(transaction),
            amount: ReportedAmount { minor_units, currency: CurrencyCode::parse(currency).unwrap() },
        }
    }

    use CheckoutPaymentStatus::*;

    #[test]
    fn a_success_of_the_right_amount_pays_a_pending_checkout_only() {
        let paid = outcome(OutcomeStatus::Succeeded, "2", 250_000, "EGP");
        assert_eq!(payment(Pending).settle(&paid), Settlement::Pay);
        assert_eq!(payment(Paid).settle(&paid), Settlement::Refund(RefundReason::PaidTwice));
        assert_eq!(payment(Expired).settle(&paid), Settlement::Refund(RefundReason::AfterExpiry));
        assert_eq!(payment(Failed).settle(&paid), Settlement::Refund(RefundReason::AfterExpiry));
        let same = outcome(OutcomeStatus::Succeeded, "1", 250_000, "EGP");
        assert_eq!(payment(Paid).settle(&same), Settlement::Record);
    }

    #[test]
    fn any_other_amount_or_currency_is_refunded_whatever_the_status() {
        for status in [Pending, Paid, Failed, Expired] {
            for (units, currency) in [(249_999, "EGP"), (250_001, "EGP"), (250_000, "USD")] {
                let wrong = outcome(OutcomeStatus::Succeeded, "2", units, currency);
                assert_eq!(payment(status).settle(&wrong), Settlement::Refund(RefundReason::AmountMismatch));
            }
        }
    }

    #[test]
    fn a_decline_fails_a_pending_checkout_and_is_only_recorded_otherwise() {
        let declined = outcome(OutcomeStatus::Failed, "2", 250_000, "EGP");
        assert_eq!(payment(Pending).settle(&declined), Settlement::Fail);
        for status in [Paid, Failed, Expired] {
            assert_eq!(payment(status).settle(&declined), Settlement::Record);
        }
        let refunded = outcome(OutcomeStatus::Refunded, "3", 250_000, "EGP");
        assert_eq!(payment(Paid).settle(&refunded), Settlement::Record);
    }

    #[test]
    fn only_a_pending_checkout_past_its_window_is_overdue() {
        let at_expiry = Timestamp::from_unix_millis(1_800_000);
        assert!(payment(Pending).is_overdue(at_expiry));
        assert!(!payment(Pending).is_overdue(Timestamp::from_unix_millis(1_799_999)));
        assert!(!payment(Paid).is_overdue(at_expiry));
    }
}
