//! An order: what one customer bought from one vendor, at the server's prices.

use serde::{Deserialize, Serialize};

use crate::accounts::Phone;
use crate::catalog::governorate::Governorate;
use crate::clock::Timestamp;
use crate::ids::{CheckoutId, OrderId, ProductId, UserId};
use crate::money::Money;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    Pending,
    Confirmed,
    Shipped,
    Delivered,
    Cancelled,
}

impl OrderStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Confirmed => "confirmed",
            Self::Shipped => "shipped",
            Self::Delivered => "delivered",
            Self::Cancelled => "cancelled",
        }
    }

    /// Whether an order here is finished with (its seller owes nothing more on it).
    pub fn is_final(self) -> bool {
        matches!(self, Self::Delivered | Self::Cancelled)
    }
}

impl std::str::FromStr for OrderStatus {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [Self::Pending, Self::Confirmed, Self::Shipped, Self::Delivered, Self::Cancelled]
            .into_iter()
            .find(|status| status.as_str() == s)
            .ok_or_else(|| "must be pending, confirmed, shipped, delivered or cancelled".to_owned())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    CashOnDelivery,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    Unpaid,
    Paid,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShippingAddress {
    pub name: String,
    pub phone: Phone,
    pub governorate: Governorate,
    pub city: String,
    pub street: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderItem {
    pub product_id: ProductId,
    pub title: String,
    pub unit_price: Money,
    pub quantity: u32,
    pub line_total: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryEntry {
    pub status: OrderStatus,
    pub at: Timestamp,
    pub by: UserId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Order {
    pub id: OrderId,
    pub checkout_id: CheckoutId,
    pub customer_id: UserId,
    pub vendor_id: UserId,
    pub items: Vec<OrderItem>,
    pub total: Money,
    pub status: OrderStatus,
    pub payment_method: PaymentMethod,
    pub payment_status: PaymentStatus,
    pub shipping_address: ShippingAddress,
    pub history: Vec<HistoryEntry>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}
