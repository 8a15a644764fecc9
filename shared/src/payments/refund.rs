//! Money going back to a buyer: requested in the same transaction as what decided it (a paid
//! order cancelled, a payment refused), then made by the gateway from the request, once.

use serde::{Deserialize, Serialize};

use crate::ids::{CheckoutId, OrderId, UserId};
use crate::payments::checkout_payment::RefundReason;
use crate::payments::provider::{Provider, ProviderTransactionId, ReportedAmount};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefundStatus {
    Requested,
    /// The gateway confirmed it.
    Refunded,
    /// The gateway said no: someone has to look (the runbook says how).
    Refused,
}

impl RefundStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Requested => "requested",
            Self::Refunded => "refunded",
            Self::Refused => "refused",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        [Self::Requested, Self::Refunded, Self::Refused].into_iter().find(|status| status.as_str() == name)
    }
}

/// What is to be given back, of which payment, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundRequest {
    pub provider: Provider,
    /// The payment the money came in by.
    pub transaction: ProviderTransactionId,
    pub amount: ReportedAmount,
    pub reason: RefundReason,
    /// The checkout it was paid for, when it names one of the marketplace's.
    pub checkout: Option<CheckoutId>,
    /// The order whose cancellation it undoes: that order becomes `refunded` with it.
    pub order: Option<OrderId>,
    /// Whom to tell.
    pub customer: Option<UserId>,
}

impl RefundRequest {
    /// What makes a request unique: an order is refunded once, and a refused payment once.
    pub fn key(&self) -> String {
        match self.order {
            Some(order) => format!("order#{order}"),
            None => format!("transaction#{}", self.transaction),
        }
    }
}
