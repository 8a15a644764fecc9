//! Orders: a checkout splits a basket into one order per vendor ([`pricing`]); each order then
//! moves through its lifecycle ([`transitions`]).

pub mod checkout;
pub mod idempotency_key;
pub mod order;
pub mod pricing;
pub mod transitions;
pub mod view;

pub use idempotency_key::IdempotencyKey;
pub use order::{Actor, Order, OrderItem, OrderStatus, PaymentMethod, PaymentStatus, ShippingAddress};
pub use pricing::Take;
