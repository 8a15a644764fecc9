//! The answer of `GET /api/analytics`, from the counters of the range: totals, one row per day
//! (days without orders included, as zeros), the best-selling products by revenue, and orders
//! and revenue by payment method.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::analytics::facts::{self, CANCELLED, Counts, NEW_PRODUCTS, NEW_USERS, ORDERS, REVENUE};
use crate::analytics::range::DayRange;
use crate::calendar::CairoDate;
use crate::ids::ProductId;
use crate::money::Money;
use crate::orders::PaymentMethod;

/// How many products `topProducts` lists.
pub const TOP_PRODUCTS: usize = 10;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub totals: Totals,
    pub daily: Vec<Daily>,
    pub top_products: Vec<TopProduct>,
    pub by_payment_method: BTreeMap<&'static str, MethodTotals>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Totals {
    pub orders: u64,
    pub revenue: Money,
    pub cancelled_orders: u64,
    pub new_users: u64,
    pub new_products: u64,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Daily {
    pub date: String,
    pub orders: u64,
    pub revenue: Money,
    pub cancelled_orders: u64,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TopProduct {
    pub product_id: ProductId,
    pub title: String,
    pub orders: u64,
    pub revenue: Money,
}

#[derive(Debug, Serialize)]
pub struct MethodTotals {
    pub orders: u64,
    pub revenue: Money,
}

/// One product's counters on one day of the range.
#[derive(Debug, Clone)]
pub struct ProductDay {
    pub product: ProductId,
    pub title: String,
    pub counts: Counts,
}

impl Report {
    pub fn build(range: DayRange, days: &BTreeMap<CairoDate, Counts>, products: Vec<ProductDay>) -> Self {
        let mut sum = Counts::default();
        let daily = range
            .days()
            .map(|date| {
                let counts = days.get(&date).cloned().unwrap_or_default();
                sum.add_all(&counts);
                Daily {
                    date: date.to_string(),
                    orders: whole(counts.get(ORDERS)),
                    revenue: piasters(counts.get(REVENUE)),
                    cancelled_orders: whole(counts.get(CANCELLED)),
                }
            })
            .collect();
        let by_payment_method = PaymentMethod::ALL
            .into_iter()
            .map(|method| {
                let totals = MethodTotals {
                    orders: whole(sum.get(&facts::orders_by(method))),
                    revenue: piasters(sum.get(&facts::revenue_by(method))),
                };
                (method.as_str(), totals)
            })
            .collect();
        Self {
            totals: Totals {
                orders: whole(sum.get(ORDERS)),
                revenue: piasters(sum.get(REVENUE)),
                cancelled_orders: whole(sum.get(CANCELLED)),
                new_users: whole(sum.get(NEW_USERS)),
                new_products: whole(sum.get(NEW_PRODUCTS)),
            },
            daily,
            top_products: top(products),
            by_payment_method,
        }
    }
}

/// The products with the most revenue over the range (then the most orders, then by id, so the
/// order is stable); the title is the one of the product's latest day.
fn top(days: Vec<ProductDay>) -> Vec<TopProduct> {
    let mut products: BTreeMap<ProductId, (String, Counts)> = BTreeMap::new();
    for day in days {
        let entry = products.entry(day.product).or_default();
        entry.0 = day.title;
        entry.1.add_all(&day.counts);
    }
    let mut ranked: Vec<TopProduct> = products
        .into_iter()
        .filter(|(_, (_, counts))| counts.get(ORDERS) > 0)
        .map(|(product_id, (title, counts))| TopProduct {
            product_id,
            title,
            orders: whole(counts.get(ORDERS)),
            revenue: piasters(counts.get(REVENUE)),
        })
        .collect();
    ranked.sort_by(|a, b| {
        (b.revenue.amount, b.orders).cmp(&(a.revenue.amount, a.orders)).then(a.product_id.cmp(&b.product_id))
    });
    ranked.truncate(TOP_PRODUCTS);
    ranked
}

fn whole(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

fn piasters(value: i64) -> Money {
    Money::egp(whole(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> CairoDate {
        s.parse().unwrap()
    }

    #[test]
    fn every_day_of_the_range_has_a_row_and_the_totals_add_them_up() {
        let range = DayRange::new(day("2026-04-23"), day("2026-04-25")).unwrap();
        let days = BTreeMap::from([
            (
                day("2026-04-23"),
                Counts::default().with(ORDERS, 2).with(REVENUE, 3_000).with("orders_cash_on_delivery", 2),
            ),
            (day("2026-04-25"), Counts::default().with(ORDERS, 1).with(CANCELLED, 1).with(NEW_USERS, 4)),
        ]);
        let report = Report::build(range, &days, vec![]);
        assert_eq!(report.daily.len(), 3);
        assert_eq!(report.daily[1].orders, 0);
        assert_eq!((report.totals.orders, report.totals.revenue.amount), (3, 3_000));
        assert_eq!((report.totals.cancelled_orders, report.totals.new_users), (1, 4));
        assert_eq!(report.by_payment_method["cash_on_delivery"].orders, 2);
    }

    #[test]
    fn top_products_add_their_days_up_and_rank_by_revenue() {
        let (pads, oil) = (ProductId::new(), ProductId::new());
        let sold = |product, title: &str, orders, revenue| ProductDay {
            product,
            title: title.into(),
            counts: Counts::default().with(ORDERS, orders).with(REVENUE, revenue),
        };
        let days = vec![sold(pads, "Pads", 1, 1_000), sold(oil, "Oil", 3, 900), sold(pads, "Brake pads", 1, 1_000)];
        let range = DayRange::new(day("2026-01-01"), day("2026-01-01")).unwrap();
        let top = Report::build(range, &BTreeMap::new(), days).top_products;
        assert_eq!(top.len(), 2);
        assert_eq!(
            (top[0].product_id, top[0].title.as_str(), top[0].orders, top[0].revenue.amount),
            (pads, "Brake pads", 2, 2_000)
        );
        assert_eq!(top[1].product_id, oil);
    }
}
