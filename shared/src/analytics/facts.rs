//! Facts: what one event adds to which counters. An order adds to its day (orders, revenue,
//! cancellations, by payment method) and to each product it sold, for the marketplace and for its
//! vendor; a new product adds to its day. All of it on the Cairo day the thing was created, so a
//! cancellation weeks later changes the figures of the day the order was placed.
//!
//! A fact only ever moves forward ([`Stage`]): an order counted as open can later count as
//! cancelled, never the other way, so an old change record delivered late cannot undo a newer one.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::accounts::{Caller, Role};
use crate::calendar::CairoDate;
use crate::clock::Timestamp;
use crate::error::ApiError;
use crate::ids::{OrderId, ProductId, UserId};
use crate::money::Money;
use crate::orders::{Order, OrderItem, OrderStatus, PaymentMethod};

/// Whose figures: the whole marketplace's, or one vendor's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    Marketplace,
    Vendor(UserId),
}

impl Scope {
    /// Whose figures `caller` sees: an admin the marketplace's, a vendor their own; a customer
    /// none (403).
    pub fn of(caller: &Caller) -> Result<Self, ApiError> {
        match caller.role {
            Role::Admin => Ok(Self::Marketplace),
            Role::Vendor => Ok(Self::Vendor(caller.user_id)),
            Role::Customer => Err(ApiError::Forbidden),
        }
    }
}

impl std::fmt::Display for Scope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Marketplace => f.write_str("all"),
            Self::Vendor(id) => write!(f, "vendor#{id}"),
        }
    }
}

impl std::str::FromStr for Scope {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, ()> {
        match s.strip_prefix("vendor#") {
            Some(id) => id.parse().map(Self::Vendor).map_err(|_| ()),
            None if s == "all" => Ok(Self::Marketplace),
            None => Err(()),
        }
    }
}

/// One row of figures: a scope's day, or a product's day within a scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Counter {
    Day(Scope),
    Product(Scope, ProductId),
}

impl Counter {
    pub fn scope(self) -> Scope {
        match self {
            Self::Day(scope) | Self::Product(scope, _) => scope,
        }
    }
}

/// Named whole-number figures (`orders`, `revenue` in piasters, ...). Zero is the same as absent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts(BTreeMap<String, i64>);

pub const ORDERS: &str = "orders";
pub const REVENUE: &str = "revenue";
pub const CANCELLED: &str = "cancelledOrders";
pub const NEW_PRODUCTS: &str = "newProducts";
pub const NEW_USERS: &str = "newUsers";

/// The figure counting orders paid by `method`.
pub fn orders_by(method: PaymentMethod) -> String {
    format!("orders_{}", method.as_str())
}

/// The figure summing the revenue of orders paid by `method`.
pub fn revenue_by(method: PaymentMethod) -> String {
    format!("revenue_{}", method.as_str())
}

impl Counts {
    pub fn with(mut self, name: impl Into<String>, value: i64) -> Self {
        self.add(name, value);
        self
    }

    pub fn add(&mut self, name: impl Into<String>, value: i64) {
        let name = name.into();
        let sum = self.get(&name) + value;
        if sum == 0 {
            self.0.remove(&name);
        } else {
            self.0.insert(name, sum);
        }
    }

    pub fn get(&self, name: &str) -> i64 {
        self.0.get(name).copied().unwrap_or(0)
    }

    pub fn add_all(&mut self, other: &Counts) {
        for (name, value) in &other.0 {
            self.add(name.clone(), *value);
        }
    }

    /// What must be added to `before` to make `self`.
    pub fn minus(&self, before: &Counts) -> Counts {
        let mut delta = self.clone();
        for (name, value) in &before.0 {
            delta.add(name.clone(), -value);
        }
        delta
    }

    pub fn is_zero(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, i64)> {
        self.0.iter().map(|(name, value)| (name.as_str(), *value))
    }
}

impl FromIterator<(String, i64)> for Counts {
    fn from_iter<I: IntoIterator<Item = (String, i64)>>(iter: I) -> Self {
        let mut counts = Counts::default();
        for (name, value) in iter {
            counts.add(name, value);
        }
        counts
    }
}

/// How far a fact has got; it only moves up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    /// Counted as it was created (an open order, a new product).
    Counted = 1,
    /// Counted as cancelled: still an order of its day, no longer revenue.
    Cancelled = 2,
}

impl Stage {
    pub fn number(self) -> u8 {
        self as u8
    }

    pub fn from_number(n: u8) -> Option<Self> {
        [Self::Counted, Self::Cancelled].into_iter().find(|s| s.number() == n)
    }
}

/// One event's contribution: `counts` added to each of `counters` on `day`, identified by `key`
/// within its day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    pub day: CairoDate,
    pub key: String,
    pub stage: Stage,
    pub counters: Vec<Counter>,
    pub counts: Counts,
    /// The product's title, for the product counters it adds to.
    pub title: Option<String>,
}

/// What the figures need of an order (the orders table's day index projects only these).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Sale {
    pub id: OrderId,
    pub vendor_id: UserId,
    pub status: OrderStatus,
    pub payment_method: PaymentMethod,
    pub total: Money,
    pub items: Vec<OrderItem>,
    pub created_at: Timestamp,
}

impl From<&Order> for Sale {
    fn from(order: &Order) -> Self {
        Self {
            id: order.id,
            vendor_id: order.vendor_id,
            status: order.status,
            payment_method: order.payment_method,
            total: order.total,
            items: order.items.clone(),
            created_at: order.created_at,
        }
    }
}

impl Sale {
    /// The order's facts as it stands: its day, then one per product it sold.
    pub fn facts(&self) -> Vec<Fact> {
        let day = CairoDate::of(self.created_at);
        let cancelled = self.status == OrderStatus::Cancelled;
        let stage = if cancelled { Stage::Cancelled } else { Stage::Counted };
        let scopes = [Scope::Marketplace, Scope::Vendor(self.vendor_id)];
        let revenue = if cancelled { 0 } else { money(self.total) };
        let mut counts = Counts::default()
            .with(ORDERS, 1)
            .with(REVENUE, revenue)
            .with(orders_by(self.payment_method), 1)
            .with(revenue_by(self.payment_method), revenue);
        if cancelled {
            counts.add(CANCELLED, 1);
        }
        let mut facts = vec![Fact {
            day,
            key: format!("order#{}", self.id),
            stage,
            counters: scopes.iter().map(|s| Counter::Day(*s)).collect(),
            counts,
            title: None,
        }];
        let mut products: BTreeMap<ProductId, (String, i64)> = BTreeMap::new();
        for item in &self.items {
            let entry = products.entry(item.product_id).or_insert_with(|| (item.title.clone(), 0));
            entry.1 += money(item.line_total);
        }
        facts.extend(products.into_iter().map(|(product, (title, revenue))| Fact {
            day,
            key: format!("order#{}#{product}", self.id),
            stage,
            counters: scopes.iter().map(|s| Counter::Product(*s, product)).collect(),
            counts: if cancelled {
                Counts::default()
            } else {
                Counts::default().with(ORDERS, 1).with(REVENUE, revenue)
            },
            title: Some(title),
        }));
        facts
    }
}

/// A product put up for sale by `vendor` at `at`.
pub fn new_product(product: ProductId, vendor: UserId, at: Timestamp) -> Fact {
    Fact {
        day: CairoDate::of(at),
        key: format!("product#{product}"),
        stage: Stage::Counted,
        counters: vec![Counter::Day(Scope::Marketplace), Counter::Day(Scope::Vendor(vendor))],
        counts: Counts::default().with(NEW_PRODUCTS, 1),
        title: None,
    }
}

/// A user who registered at `at` (marketplace-wide only: a vendor has no users of its own).
pub fn new_user(user: UserId, at: Timestamp) -> Fact {
    Fact {
        day: CairoDate::of(at),
        key: format!("user#{user}"),
        stage: Stage::Counted,
        counters: vec![Counter::Day(Scope::Marketplace)],
        counts: Counts::default().with(NEW_USERS, 1),
        title: None,
    }
}

fn money(amount: Money) -> i64 {
    i64::try_from(amount.amount).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sale(status: OrderStatus, at: &str) -> Sale {
        let pads = ProductId::new();
        let line = |quantity: u32| OrderItem {
            product_id: pads,
            title: "Brake pads".into(),
            unit_price: Money::egp(1_000),
            quantity,
            line_total: Money::egp(1_000 * u64::from(quantity)),
        };
        Sale {
            id: OrderId::new(),
            vendor_id: UserId::new(),
            status,
            payment_method: PaymentMethod::CashOnDelivery,
            total: Money::egp(5_000),
            items: vec![line(2), line(3)],
            created_at: at.parse().unwrap(),
        }
    }

    #[test]
    fn an_order_counts_on_its_cairo_day_for_the_marketplace_and_its_vendor() {
        // 22:30 UTC on 31 December is already 1 January in Cairo (UTC+2).
        let facts = sale(OrderStatus::Pending, "2026-12-31T22:30:00Z").facts();
        assert_eq!(facts.len(), 2, "the day and the one product (two lines of it)");
        let day = &facts[0];
        assert_eq!(day.day.to_string(), "2027-01-01");
        assert_eq!((day.counts.get(ORDERS), day.counts.get(REVENUE), day.counts.get(CANCELLED)), (1, 5_000, 0));
        assert_eq!(day.counts.get("revenue_cash_on_delivery"), 5_000);
        assert_eq!(day.counters.len(), 2);
        let product = &facts[1];
        assert_eq!((product.counts.get(ORDERS), product.counts.get(REVENUE)), (1, 5_000));
        assert_eq!(product.title.as_deref(), Some("Brake pads"));
    }

    #[test]
    fn a_cancelled_order_is_still_an_order_of_its_day_but_no_revenue() {
        let facts = sale(OrderStatus::Cancelled, "2026-06-01T10:00:00Z").facts();
        assert!(facts.iter().all(|f| f.stage == Stage::Cancelled));
        assert_eq!(
            (facts[0].counts.get(ORDERS), facts[0].counts.get(REVENUE), facts[0].counts.get(CANCELLED)),
            (1, 0, 1)
        );
        assert!(facts[1].counts.is_zero());
    }

    #[test]
    fn counts_subtract_to_the_change_that_turns_one_into_the_other() {
        let open = Counts::default().with(ORDERS, 1).with(REVENUE, 500);
        let cancelled = Counts::default().with(ORDERS, 1).with(CANCELLED, 1);
        let delta = cancelled.minus(&open);
        assert_eq!(delta, Counts::default().with(REVENUE, -500).with(CANCELLED, 1));
        let mut sum = open.clone();
        sum.add_all(&delta);
        assert_eq!(sum, cancelled);
    }

    #[test]
    fn scopes_read_back_what_they_write() {
        let vendor = Scope::Vendor(UserId::new());
        for scope in [Scope::Marketplace, vendor] {
            assert_eq!(scope.to_string().parse::<Scope>(), Ok(scope));
        }
        assert!("vendor#nope".parse::<Scope>().is_err());
    }
}
