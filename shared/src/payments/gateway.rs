//! What the orders side asks of a payment gateway, whichever it is: open a payment for a checkout
//! and give money back. The clients that do it over the network live in the stores layer
//! (`crate::gateways`); a provider's notifications are parsed in its own module here.

use futures::future::BoxFuture;

use crate::clock::Timestamp;
use crate::error::ApiError;
use crate::payments::provider::{PaymentRequest, PaymentSession, Provider, ProviderTransactionId, ReportedAmount};

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

    /// Gives `amount` of the payment `transaction` back to the buyer (in the currency it was
    /// paid in, which may not be the marketplace's when the payment is refused for it).
    fn refund<'a>(
        &'a self,
        transaction: &'a ProviderTransactionId,
        amount: ReportedAmount,
    ) -> BoxFuture<'a, Result<RefundReceipt, GatewayError>>;
}

/// How long a client waits before trying a checkout again when the gateway is away.
const GATEWAY_RETRY_AFTER_SECS: u64 = 30;

/// To a client, a gateway that cannot be used now is the marketplace unavailable: nothing was
/// reserved, and trying again later may work. Why goes to the log.
impl From<GatewayError> for ApiError {
    fn from(error: GatewayError) -> Self {
        tracing::warn!(%error, "payment gateway");
        ApiError::Unavailable { retry_after_secs: GATEWAY_RETRY_AFTER_SECS }
    }
}
