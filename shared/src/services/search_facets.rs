//! The facets of a search, counted once and then kept a short while in this instance's memory.
//!
//! Counting reads up to [`MAX_FACET_ENTRIES`] index entries, a page at most
//! [`MAX_EVALUATED_PER_PAGE`]: counting on every request made a search cost several listing pages.
//! Kept, the later pages and other sorts of a search, and the same search asked again, cost what a
//! listing page costs. The facets of a search depend on its words and filters only (see
//! [`listing_index::plan_search_facets`]), so that plan is the key, and one search's facets are
//! never another's.
//!
//! In memory rather than in a table: nothing is written on a miss and no function needs a new
//! grant; the price is that each instance counts a search once per [`FACETS_TTL`]. Facets may
//! therefore be up to [`FACETS_TTL`] older than the items they come with. Counters kept by the
//! products trigger were the other way, but they cannot count the matches of several words or
//! of filters, and each stream record would have to change them exactly once.
//!
//! [`MAX_FACET_ENTRIES`]: crate::db::listings::MAX_FACET_ENTRIES
//! [`MAX_EVALUATED_PER_PAGE`]: crate::db::listings::MAX_EVALUATED_PER_PAGE

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::catalog::listing_index::{self, Plan};
use crate::catalog::search::SearchQuery;
use crate::clock::{Clock, Timestamp};
use crate::config::ConfigError;
use crate::db::listings::FacetCount;
use crate::db::{Database, ListingRepo};
use crate::error::ApiError;

/// How long counted facets are served: about what one person takes to page through a search.
pub const FACETS_TTL: Duration = Duration::from_secs(60);
/// Searches whose facets one instance keeps (a few kilobytes each).
pub const MAX_KEPT_SEARCHES: usize = 1000;

pub struct SearchFacets {
    listings: ListingRepo,
    clock: Arc<dyn Clock>,
    kept: Mutex<Recent<Plan, FacetCount>>,
}

impl SearchFacets {
    pub fn new(db: &Database) -> Result<Self, ConfigError> {
        Ok(Self {
            listings: ListingRepo::new(db)?,
            clock: db.clock(),
            kept: Mutex::new(Recent::new(FACETS_TTL, MAX_KEPT_SEARCHES)),
        })
    }

    /// The facets of `query`'s matches: as counted at most [`FACETS_TTL`] ago, or counted now.
    pub async fn of(&self, query: &SearchQuery) -> Result<FacetCount, ApiError> {
        let plan = listing_index::plan_search_facets(&query.listing.filters, &query.words);
        if let Some(kept) = self.kept().get(&plan, self.clock.now()) {
            return Ok(kept);
        }
        let count = self.listings.facets(&plan).await?;
        self.kept().keep(plan, count.clone(), self.clock.now());
        Ok(count)
    }

    fn kept(&self) -> std::sync::MutexGuard<'_, Recent<Plan, FacetCount>> {
        // A panic while holding the lock leaves nothing half-done: every change is one insert or removal.
        self.kept.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Values kept for `ttl` after they were stored, at most `capacity` of them: when full, the
/// expired go first, then the oldest.
struct Recent<K, V> {
    ttl: Duration,
    capacity: usize,
    values: HashMap<K, (Timestamp, V)>,
}

impl<K: Hash + Eq + Clone, V: Clone> Recent<K, V> {
    fn new(ttl: Duration, capacity: usize) -> Self {
        Self { ttl, capacity, values: HashMap::new() }
    }

    fn get(&self, key: &K, now: Timestamp) -> Option<V> {
        let (at, value) = self.values.get(key)?;
        (now < at.plus(self.ttl)).then(|| value.clone())
    }

    fn keep(&mut self, key: K, value: V, now: Timestamp) {
        if self.values.len() >= self.capacity && !self.values.contains_key(&key) {
            let ttl = self.ttl;
            self.values.retain(|_, (at, _)| now < at.plus(ttl));
            if self.values.len() >= self.capacity {
                let oldest = self.values.iter().min_by_key(|(_, (at, _))| *at).map(|(k, _)| k.clone());
                if let Some(oldest) = oldest {
                    self.values.remove(&oldest);
                }
            }
        }
        self.values.insert(key, (now, value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TTL: Duration = Duration::from_secs(60);

    fn at(seconds: u64) -> Timestamp {
        Timestamp::from_unix_millis(1_800_000_000_000).plus(Duration::from_secs(seconds))
    }

    #[test]
    fn a_value_is_served_until_its_ttl_has_passed() {
        let mut recent = Recent::new(TTL, 10);
        recent.keep("toyota", 3, at(0));
        assert_eq!(recent.get(&"toyota", at(59)), Some(3));
        assert_eq!(recent.get(&"toyota", at(60)), None);
        assert_eq!(recent.get(&"kia", at(0)), None);
        recent.keep("toyota", 4, at(60));
        assert_eq!(recent.get(&"toyota", at(61)), Some(4));
    }

    #[test]
    fn when_full_the_expired_go_first_then_the_oldest() {
        let mut recent = Recent::new(TTL, 2);
        recent.keep("a", 1, at(0));
        recent.keep("b", 2, at(50));
        recent.keep("c", 3, at(70));
        assert_eq!((recent.get(&"a", at(70)), recent.get(&"b", at(70))), (None, Some(2)), "a had expired");
        recent.keep("d", 4, at(80));
        assert_eq!(recent.values.len(), 2);
        assert_eq!((recent.get(&"b", at(80)), recent.get(&"c", at(80))), (None, Some(3)), "b was the oldest");
        assert_eq!(recent.get(&"d", at(80)), Some(4));
    }
}
