//! Reading the entries a plan selects: a page of product ids in the plan's order, or facet counts.

use serde::Deserialize;

use crate::catalog::listing_index::Plan;
use crate::db::error::refused_start;
use crate::db::index_page::{checked_start, to_start};
use crate::db::listings::expression::PreparedQuery;
use crate::db::listings::{
    FacetCount, Facets, ListingPage, ListingRepo, MAX_EVALUATED_PER_PAGE, MAX_FACET_ENTRIES, MAX_QUERY_LIMIT, Position,
};
use crate::error::ApiError;

/// What the facets count.
const FACET_ATTRIBUTES: &[&str] = &["makes", "condition", "governorate"];

/// An entry as a facet count reads it: [`FACET_ATTRIBUTES`].
#[derive(Deserialize)]
struct Counted {
    makes: Vec<String>,
    condition: String,
    governorate: String,
}

/// How many entries the next Query of a page asks for, `wanted` matches still missing after
/// `read` entries gave `matched`. Unfiltered, every entry is a match: `wanted` and one more, so
/// that a page that ends the matches says so instead of leading to an empty one. Filtered, enough
/// for the matches wanted at a guessed rate of one in four before any is read, then at the rate
/// matched so far, each with a quarter more (at least 50 at first), or twice as many as read when
/// none matched: a second Query costs a round trip, a quarter more entries only their bytes. DynamoDB
/// charges every entry it evaluates, so a page reads what it needs, in as few round trips as that
/// allows.
fn next_chunk(wanted: usize, read: i32, matched: usize, filtered: bool) -> i32 {
    let read = read.max(0) as usize;
    let chunk = match (filtered, read, matched) {
        (false, _, _) => wanted + 1,
        (true, 0, _) => (wanted * 5).max(50),
        (true, _, 0) => read * 2,
        (true, _, _) => (wanted * read * 5).div_ceil(matched * 4),
    };
    let most = MAX_QUERY_LIMIT as usize;
    chunk.clamp(wanted.min(most), most) as i32
}

impl ListingRepo {
    /// Up to `limit` product ids matching `plan`, in its order, starting after `start`.
    pub async fn page(&self, plan: &Plan, limit: usize, start: Option<Position>) -> Result<ListingPage, ApiError> {
        let prepared = PreparedQuery::of(plan);
        let key_names = &prepared.key_names;
        let mut product_ids = Vec::with_capacity(limit);
        let mut evaluated = 0;
        let mut start = checked_start(start, key_names, ("pk", &plan.partition))?;
        let from_cursor = start.is_some();
        let filtered = prepared.filter.is_some();
        loop {
            let budget = MAX_EVALUATED_PER_PAGE - evaluated;
            let wanted = limit - product_ids.len();
            let chunk = next_chunk(wanted, evaluated, product_ids.len(), filtered);
            let call = prepared
                .query(&self.client, &self.table, plan, key_names)
                .scan_index_forward(plan.forward)
                .limit(chunk.min(budget))
                .set_exclusive_start_key(start.take());
            // Each entry holds its key attributes only (the projection): its position. Those past
            // the page are skipped unread.
            let out = self.reads.query::<Position>(call, wanted, |e| refused_start(e, from_cursor)).await?;
            evaluated += out.scanned_count;
            let returned = out.returned;
            for (index, entry) in out.items.into_iter().enumerate() {
                let id = entry.get("productId").and_then(|id| id.parse().ok());
                product_ids.push(id.ok_or_else(|| ApiError::internal("listing entry without a product id"))?);
                if product_ids.len() == limit {
                    // Resume right after this entry. When it is the last one returned, DynamoDB's
                    // own position may be further on (past entries the filter dropped) or absent
                    // (nothing left to read).
                    let next = if index + 1 == returned { out.last_evaluated_key } else { Some(entry) };
                    return Ok(ListingPage { product_ids, next, evaluated });
                }
            }
            match out.last_evaluated_key {
                None => return Ok(ListingPage { product_ids, next: None, evaluated }),
                Some(last) if evaluated >= MAX_EVALUATED_PER_PAGE => {
                    return Ok(ListingPage { product_ids, next: Some(last), evaluated });
                }
                Some(last) => start = to_start(Some(last)),
            }
        }
    }

    /// Counts the matches of `plan` by make, condition and governorate, reading at most
    /// [`MAX_FACET_ENTRIES`] entries in the plan's order, and of each only what is counted.
    pub async fn facets(&self, plan: &Plan) -> Result<FacetCount, ApiError> {
        let prepared = PreparedQuery::of(plan);
        let mut facets = Facets::default();
        let mut evaluated = 0;
        let mut start = None;
        loop {
            let call = prepared
                .query(&self.client, &self.table, plan, FACET_ATTRIBUTES)
                .scan_index_forward(plan.forward)
                .limit(MAX_QUERY_LIMIT.min(MAX_FACET_ENTRIES - evaluated))
                .set_exclusive_start_key(start);
            let out = self.reads.query::<Counted>(call, usize::MAX, ApiError::from).await?;
            evaluated += out.scanned_count;
            for entry in out.items {
                for make in entry.makes {
                    *facets.make.entry(make).or_default() += 1;
                }
                *facets.condition.entry(entry.condition).or_default() += 1;
                *facets.governorate.entry(entry.governorate).or_default() += 1;
            }
            match out.last_evaluated_key {
                None => return Ok(FacetCount { facets, complete: true, evaluated }),
                Some(_) if evaluated >= MAX_FACET_ENTRIES => {
                    return Ok(FacetCount { facets, complete: false, evaluated });
                }
                Some(last) => start = to_start(Some(last)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::next_chunk;

    #[test]
    fn an_unfiltered_page_reads_the_entries_it_returns_and_one_more() {
        assert_eq!(next_chunk(20, 0, 0, false), 21);
        assert_eq!(next_chunk(1, 0, 0, false), 2);
    }

    #[test]
    fn a_filtered_page_starts_at_one_match_in_four_then_follows_the_rate_seen() {
        assert_eq!(next_chunk(20, 0, 0, true), 100);
        assert_eq!(next_chunk(1, 0, 0, true), 50);
        // 15 of 80 matched: 5 more at that rate are about 27 entries, 34 with the margin.
        assert_eq!(next_chunk(5, 80, 15, true), 34);
        assert_eq!(next_chunk(20, 80, 0, true), 160);
    }

    #[test]
    fn a_chunk_stays_within_one_query_and_never_below_the_matches_wanted() {
        assert_eq!(next_chunk(20, 400, 0, true), 400);
        assert_eq!(next_chunk(100, 50, 49, true), 128);
        assert_eq!(next_chunk(100, 0, 0, false), 101);
        assert_eq!(next_chunk(500, 0, 0, false), 400);
        assert_eq!(next_chunk(3, 10, 9, true), 5);
    }
}
