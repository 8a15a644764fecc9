//! What the orders side asks of a payment gateway, whichever it is: open a payment for a checkout
//! and give money back. The clients that do it over the network live in the stores layer
//! (`crate::gateways`); a provider's notifications are parsed in its own module here.

use futures::future::BoxFuture;

use crate::clock::Timestamp;
use crate::money::Money;
use crate::payments::provider::{PaymentRequest, PaymentSession, Provider, ProviderTransactionId};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GatewayError {
    /// Not reached, timed out, or answered 5xx: nothing is known to have happened, and asking
    /// again later may succeed.
    #[error("the payment gateway cannot be reached: {0}")]
    Unreachable(String),
    /// Answered, and said no (4xx): asking again will not change its mind.
    #[error("the payment gateway refused: {0}")]
    Refused(String),
}

/// A refund the gateway accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundReceipt {
    /// The refund's own transaction at the provider.
    pub transaction: ProviderTransactionId,
}

pub trait PaymentGateway: Send + Sync {
    fn provider(&self) -> Provider;

    /// A payment of `request`, open until `expires_at`: where the buyer goes to pay, and the
    /// provider's id for it (which its callbacks sign).
    fn open<'a>(
        &'a self,
        request: &'a PaymentRequest,
        expires_at: Timestamp,
    ) -> BoxFuture<'a, Result<PaymentSession, GatewayError>>;

    /// Gives `amount` of the payment `transaction` back to the buyer.
    fn refund<'a>(
        &'a self,
        transaction: &'a ProviderTransactionId,
        amount: Money,
    ) -> BoxFuture<'a, Result<RefundReceipt, GatewayError>>;
}
