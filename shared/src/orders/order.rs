//! An order: what one customer bought from one vendor, at the server's prices.

use serde::{Deserialize, Serialize};

use crate::accounts::Phone;
use crate::catalog::governorate::Governorate;
use crate::clock::Timestamp;
use crate::ids::{CheckoutId, OrderId, ProductId, UserId};
use crate::money::Money;
use crate::payments::OnlineMethod;

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

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    CashOnDelivery,
    Card,
    Wallet,
}

impl PaymentMethod {
    pub const ALL: [PaymentMethod; 3] = [Self::CashOnDelivery, Self::Card, Self::Wallet];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::CashOnDelivery => "cash_on_delivery",
            Self::Card => "card",
            Self::Wallet => "wallet",
        }
    }

    /// How a gateway takes this method, for the methods paid before delivery.
    pub fn online(self) -> Option<OnlineMethod> {
        match self {
            Self::CashOnDelivery => None,
            Self::Card => Some(OnlineMethod::Card),
            Self::Wallet => Some(OnlineMethod::Wallet),
        }
    }

    /// Where an order paid this way starts: cash is owed on delivery, an online payment is
    /// awaited from the gateway.
    pub fn initial_status(self) -> PaymentStatus {
        match self.online() {
            None => PaymentStatus::Unpaid,
            Some(_) => PaymentStatus::Pending,
        }
    }
}

/// Where an order's money is. `Pending` (an online payment not settled yet) ends within the
/// checkout's payment window as `Paid`, or as `Failed` with the order cancelled; a paid order
/// that is cancelled ends `Refunded` once the gateway gives the money back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    Unpaid,
    Pending,
    Paid,
    Failed,
    Refunded,
}

impl PaymentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unpaid => "unpaid",
            Self::Pending => "pending",
            Self::Paid => "paid",
            Self::Failed => "failed",
            Self::Refunded => "refunded",
        }
    }
}

/// Who made a move: a user, or the marketplace itself (a payment settled, a checkout expired).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Actor {
    User(UserId),
    System,
}

const SYSTEM: &str = "system";

impl Serialize for Actor {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::User(id) => id.serialize(serializer),
            Self::System => serializer.serialize_str(SYSTEM),
        }
    }
}

impl<'de> Deserialize<'de> for Actor {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        if text == SYSTEM {
            return Ok(Self::System);
        }
        text.parse().map(Self::User).map_err(|_| serde::de::Error::custom("an actor is a user id or `system`"))
    }
}

impl From<UserId> for Actor {
    fn from(id: UserId) -> Self {
        Self::User(id)
    }
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
    pub by: Actor,
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
