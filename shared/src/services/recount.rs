//! Recomputing a day's figures from the orders table, and repairing its counters.
//!
//! First every order placed that day (read through the orders' `ByDay` index, no Scan) has each
//! of its facts counted as the order now stands: a fact a trigger missed or has not reached yet
//! is counted, exactly as the trigger would. Then each counter of the day is compared with the sum
//! of the markers that add to it, and set to that sum where it differs, conditional on the
//! counter's version, so a trigger counting meanwhile is never overwritten (the day is read again
//! instead). The counters are read before the markers: a transaction that lands between the two
//! reads changes a counter's version, and that counter's repair is retried.
//!
//! Recounting a right day writes nothing: it reads the day's orders, markers and counters.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use serde::Serialize;

use crate::analytics::{Counter, Counts, DayRange, Scope};
use crate::calendar::CairoDate;
use crate::config::ConfigError;
use crate::db::analytics::Marker;
use crate::db::{AnalyticsRepo, Database, OrderRepo};
use crate::error::ApiError;
use crate::retry::Backoff;
use crate::services::tally::Tally;

/// Triggers keep counting while a day is repaired; a few rereads settle it.
const REREADS: Backoff = Backoff::new(8, Duration::from_millis(20));

/// What a recomputation found and did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Recounted {
    pub days: u32,
    pub orders: u32,
    /// Facts counted that had not been (or not as far).
    pub facts_counted: u32,
    /// Counters that differed from their facts and were set right.
    pub counters_repaired: u32,
}

pub struct Recount {
    analytics: AnalyticsRepo,
    orders: OrderRepo,
    tally: Tally,
}

impl Recount {
    pub fn new(db: &Database) -> Result<Self, ConfigError> {
        Ok(Self { analytics: AnalyticsRepo::new(db)?, orders: OrderRepo::new(db)?, tally: Tally::new(db)? })
    }

    pub async fn range(&self, range: DayRange) -> Result<Recounted, ApiError> {
        let mut total = Recounted::default();
        for day in range.days() {
            let done = self.day(day).await?;
            total.days += 1;
            total.orders += done.orders;
            total.facts_counted += done.facts_counted;
            total.counters_repaired += done.counters_repaired;
        }
        Ok(total)
    }

    pub async fn day(&self, day: CairoDate) -> Result<Recounted, ApiError> {
        let sales = self.orders.sales_on(day).await?;
        let markers = self.analytics.markers(day).await?;
        let mut done = Recounted { days: 1, orders: sales.len() as u32, ..Default::default() };
        // The scopes whose counters the repair reads: those of the markers, and of the facts
        // counted now (the repair reads any that land later).
        let mut scopes = scopes_of(&markers);
        for fact in sales.iter().flat_map(|sale| sale.facts()) {
            let marker = markers.get(&fact.key);
            if marker.is_none_or(|m| m.stage < fact.stage) {
                scopes.extend(fact.counters.iter().map(|c| c.scope()));
                self.tally.count(fact, Some(marker.cloned())).await?;
                done.facts_counted += 1;
            }
        }
        done.counters_repaired = self.repair(day, scopes).await?;
        Ok(done)
    }

    /// Sets each counter of `day` to the sum of its markers, reading the counters of `scopes` (and
    /// of any scope a marker read meanwhile names); how many it had to set.
    async fn repair(&self, day: CairoDate, mut scopes: BTreeSet<Scope>) -> Result<u32, ApiError> {
        let mut backoff = REREADS;
        let mut repaired = 0;
        loop {
            let counters = self.analytics.counters(day, &scopes.iter().copied().collect::<Vec<_>>()).await?;
            let markers = self.analytics.markers(day).await?;
            let seen = scopes_of(&markers);
            if !seen.is_subset(&scopes) {
                // A vendor's first fact of the day landed in between: read their counters too.
                scopes.extend(seen);
                continue;
            }
            let expected = sums(&markers);
            let mut raced = false;
            let names: BTreeSet<Counter> = expected.keys().chain(counters.keys()).copied().collect();
            for counter in names {
                let (want, title) = expected.get(&counter).cloned().unwrap_or_default();
                let have = counters.get(&counter);
                if have.map(|c| &c.counts) == Some(&want) || (have.is_none() && want.is_zero()) {
                    continue;
                }
                let title = title.or_else(|| have.and_then(|c| c.title.clone()));
                if self.analytics.set_counter(day, counter, &want, title.as_deref(), have.map(|c| c.version)).await? {
                    repaired += 1;
                } else {
                    raced = true;
                }
            }
            if !raced {
                return Ok(repaired);
            }
            backoff.pause().await?;
        }
    }
}

/// The scopes whose counters a day's markers add to, and always the marketplace's.
fn scopes_of(markers: &BTreeMap<String, Marker>) -> BTreeSet<Scope> {
    let mut scopes: BTreeSet<Scope> = markers.values().flat_map(|m| m.counters.iter().map(|c| c.scope())).collect();
    scopes.insert(Scope::Marketplace);
    scopes
}

/// What each counter should hold: the sum of the markers that add to it (and a product's title).
fn sums(markers: &BTreeMap<String, Marker>) -> BTreeMap<Counter, (Counts, Option<String>)> {
    let mut sums: BTreeMap<Counter, (Counts, Option<String>)> = BTreeMap::new();
    for marker in markers.values() {
        for counter in &marker.counters {
            let entry = sums.entry(*counter).or_default();
            entry.0.add_all(&marker.counts);
            if marker.title.is_some() {
                entry.1.clone_from(&marker.title);
            }
        }
    }
    sums
}
