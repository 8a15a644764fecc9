//! Online payments: what a checkout asks of a payment provider and what it hears back
//! ([`provider`]), and Paymob's side of it ([`paymob`]): its transaction callback, parsed and
//! verified. No I/O: the clients that call a provider live in the stores layer.

pub mod checkout_payment;
pub mod gateway;
pub mod paymob;
pub mod provider;
pub mod refund;

pub use checkout_payment::{
    CheckoutPayment, CheckoutPaymentStatus, PAYMENT_WINDOW, PaidOrder, RefundReason, Settlement,
};
pub use gateway::{GatewayError, PaymentGateway, RefundReceipt};
pub use provider::{
    Billing, CurrencyCode, InvalidPaymentRequest, OnlineMethod, OutcomeStatus, PaymentOutcome, PaymentRequest,
    PaymentSession, Provider, ProviderOrderId, ProviderTransactionId, ReportedAmount,
};
pub use refund::{RefundRequest, RefundStatus};
