//! Online payments: what a checkout asks of a payment provider and what it hears back
//! ([`provider`]), and Paymob's side of it ([`paymob`]): its transaction callback, parsed and
//! verified. No I/O: the clients that call a provider live in the stores layer.

pub mod gateway;
pub mod paymob;
pub mod provider;

pub use gateway::{GatewayError, PaymentGateway, RefundReceipt};
pub use provider::{
    Billing, CurrencyCode, InvalidPaymentRequest, OnlineMethod, OutcomeStatus, PaymentOutcome, PaymentRequest,
    PaymentSession, Provider, ProviderOrderId, ProviderTransactionId, ReportedAmount,
};
