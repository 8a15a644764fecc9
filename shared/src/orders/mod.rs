//! Orders: a checkout splits a basket into one order per vendor; each order then moves through
//! its lifecycle (`transitions`).

pub mod checkout;
pub mod order;
pub mod placement;
pub mod transitions;

pub use order::{Order, OrderItem, OrderStatus, PaymentMethod, PaymentStatus, ShippingAddress};
