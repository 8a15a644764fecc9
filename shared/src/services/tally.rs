//! Counting a fact once: read its marker, move it forward with its counters in one conditional
//! transaction, and read again if another delivery of the same event got there first. A fact
//! already counted as far as it goes (or further) changes nothing, so re-delivered and late change
//! records are harmless.

use std::time::Duration;

use futures::{StreamExt, TryStreamExt};

use crate::analytics::Fact;
use crate::analytics::facts::Sale;
use crate::config::ConfigError;
use crate::db::analytics::{Counted, Marker};
use crate::db::{AnalyticsRepo, Database};
use crate::error::ApiError;
use crate::retry::Backoff;

const RACES: Backoff = Backoff::new(8, Duration::from_millis(10));

/// Product facts of one order counted at a time: an order holds at most 50 products.
const CONCURRENT_FACTS: usize = 8;

#[derive(Clone, Debug)]
pub struct Tally {
    analytics: AnalyticsRepo,
}

impl Tally {
    pub fn new(db: &Database) -> Result<Self, ConfigError> {
        Ok(Self { analytics: AnalyticsRepo::new(db)? })
    }

    /// Counts every fact of `sale` as it stands now.
    pub async fn count_sale(&self, sale: &Sale) -> Result<(), ApiError> {
        futures::stream::iter(sale.facts())
            .map(|fact| self.count(fact, None))
            .buffer_unordered(CONCURRENT_FACTS)
            .try_collect()
            .await
    }

    /// Counts `fact` once; `read` is its marker if the caller has just read it.
    pub async fn count(&self, fact: Fact, read: Option<Option<Marker>>) -> Result<(), ApiError> {
        let mut backoff = RACES;
        let mut marker = match read {
            Some(marker) => marker,
            None => self.analytics.marker(fact.day, &fact.key).await?,
        };
        loop {
            if marker.as_ref().is_some_and(|m| m.stage >= fact.stage) {
                return Ok(());
            }
            if self.analytics.count(&fact, marker.as_ref()).await? == Counted::Done {
                return Ok(());
            }
            backoff.pause().await?;
            marker = self.analytics.marker(fact.day, &fact.key).await?;
        }
    }
}
