//! A verified Paymob callback read as a provider-neutral [`PaymentOutcome`], from signed values
//! only: a replayed callback with an unsigned field edited must not turn into another outcome.

use super::callback::VerifiedCallback;
use crate::payments::provider::{
    OutcomeStatus, PaymentOutcome, Provider, ProviderOrderId, ProviderTransactionId, ReportedAmount,
};

impl VerifiedCallback {
    /// What the callback settles, or `None` while nothing is settled:
    /// - pending: the buyer has not finished (a bank's one-time password, a kiosk payment);
    /// - a failed refund or void of an earlier transaction: what the buyer paid is unchanged;
    /// - `success` together with `error_occured`: the two contradict each other, so neither is
    ///   believed, and the checkout's expiry decides.
    pub fn outcome(&self) -> Option<PaymentOutcome> {
        let t = self.transaction();
        let status = if t.pending {
            return None;
        } else if t.is_refunded || t.is_voided || (t.has_parent_transaction && t.success) {
            // Paymob reports a refund or a void as its own transaction under the payment, or as
            // the payment itself marked refunded or voided.
            OutcomeStatus::Refunded
        } else if t.has_parent_transaction || (t.success && t.error_occured) {
            return None;
        } else if t.success {
            OutcomeStatus::Succeeded
        } else {
            OutcomeStatus::Failed
        };
        Some(PaymentOutcome {
            status,
            provider: Provider::Paymob,
            provider_order: ProviderOrderId::new(t.order_id.to_string()),
            transaction: ProviderTransactionId::new(t.id.to_string()),
            amount: ReportedAmount { minor_units: t.amount_cents, currency: t.currency },
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use crate::payments::paymob::fixtures::{DOCUMENTED_CALLBACK, DOCUMENTED_HMAC, DOCUMENTED_SECRET, documented};
    use crate::payments::paymob::{Callback, HmacSecret};
    use crate::payments::provider::{CurrencyCode, OutcomeStatus, PaymentOutcome};

    /// The documented callback with some signed flags set, signed afresh.
    fn outcome_with(flags: &[(&str, bool)]) -> Option<PaymentOutcome> {
        let mut body = documented();
        for (flag, value) in flags {
            body["obj"][*flag] = Value::Bool(*value);
        }
        let callback = Callback::parse(body.to_string().as_bytes()).unwrap();
        let secret = HmacSecret::new("test-secret");
        let hmac = callback.sign(&secret);
        callback.verify(&secret, Some(&hmac)).unwrap().outcome()
    }

    fn status(flags: &[(&str, bool)]) -> Option<OutcomeStatus> {
        outcome_with(flags).map(|o| o.status)
    }

    #[test]
    fn paymobs_documented_payment_succeeded() {
        let callback = Callback::parse(DOCUMENTED_CALLBACK.as_bytes()).unwrap();
        let verified = callback.verify(&HmacSecret::new(DOCUMENTED_SECRET), Some(DOCUMENTED_HMAC)).unwrap();
        let outcome = verified.outcome().unwrap();
        assert_eq!(outcome.status, OutcomeStatus::Succeeded);
        assert_eq!(outcome.transaction.as_str(), "192036465");
        assert_eq!(outcome.provider_order.as_str(), "217503754");
        assert_eq!(outcome.amount.minor_units, 100_000);
        assert_eq!(outcome.amount.currency, CurrencyCode::parse("EGP").unwrap());
        assert_eq!(serde_json::to_value(outcome.provider).unwrap(), json!("paymob"));
    }

    #[test]
    fn a_declined_payment_failed() {
        assert_eq!(status(&[("success", false)]), Some(OutcomeStatus::Failed));
        assert_eq!(status(&[("success", false), ("error_occured", true)]), Some(OutcomeStatus::Failed));
    }

    #[test]
    fn a_payment_still_pending_settles_nothing() {
        assert_eq!(status(&[("success", false), ("pending", true)]), None);
        assert_eq!(status(&[("pending", true)]), None);
    }

    #[test]
    fn a_refund_or_void_gives_the_money_back() {
        assert_eq!(status(&[("is_refunded", true)]), Some(OutcomeStatus::Refunded));
        assert_eq!(status(&[("is_voided", true)]), Some(OutcomeStatus::Refunded));
        assert_eq!(status(&[("has_parent_transaction", true)]), Some(OutcomeStatus::Refunded));
    }

    #[test]
    fn a_failed_refund_or_a_contradiction_settles_nothing() {
        assert_eq!(status(&[("has_parent_transaction", true), ("success", false)]), None);
        assert_eq!(status(&[("error_occured", true)]), None);
    }
}
