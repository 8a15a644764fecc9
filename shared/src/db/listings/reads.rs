//! Reading the entries a plan selects: a page of product ids in the plan's order, or facet counts.

use crate::catalog::listing_index::Plan;
use crate::db::attributes::get_s;
use crate::db::error::refused_start;
use crate::db::index_page::{checked_start, position_of};
use crate::db::listings::expression::PreparedQuery;
use crate::db::listings::{
    FacetCount, Facets, ListingPage, ListingRepo, MAX_EVALUATED_PER_PAGE, MAX_FACET_ENTRIES, MAX_QUERY_LIMIT, Position,
};
use crate::error::ApiError;

/// What the facets count.
const FACET_ATTRIBUTES: &[&str] = &["makes", "condition", "governorate"];

impl ListingRepo {
    /// Up to `limit` product ids matching `plan`, in its order, starting after `start`.
    pub async fn page(&self, plan: &Plan, limit: usize, start: Option<Position>) -> Result<ListingPage, ApiError> {
        let prepared = PreparedQuery::of(plan);
        let key_names = &prepared.key_names;
        let mut product_ids = Vec::with_capacity(limit);
        let mut evaluated = 0;
        let mut start = checked_start(start, key_names, ("pk", &plan.partition))?;
        let from_cursor = start.is_some();
        let chunk = (limit as i32 * 4).clamp(50, MAX_QUERY_LIMIT);
        loop {
            let budget = MAX_EVALUATED_PER_PAGE - evaluated;
            let out = prepared
                .query(&self.client, &self.table, plan, key_names)
                .scan_index_forward(plan.forward)
                .limit(chunk.min(budget))
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(|e| refused_start(e, from_cursor))?;
            evaluated += out.scanned_count;
            let items = out.items.unwrap_or_default();
            let count = items.len();
            for (index, item) in items.into_iter().enumerate() {
                let id = get_s(&item, "productId")
                    .ok_or_else(|| ApiError::internal("listing entry without a product id"))?;
                product_ids.push(id);
                if product_ids.len() == limit {
                    // Resume right after this entry. When it is the last one returned, DynamoDB's
                    // own position may be further on (past entries the filter dropped) or absent
                    // (nothing left to read).
                    let next = if index + 1 == count {
                        out.last_evaluated_key.as_ref().and_then(|last| position_of(last, key_names))
                    } else {
                        position_of(&item, key_names)
                    };
                    return Ok(ListingPage { product_ids, next, evaluated });
                }
            }
            match out.last_evaluated_key {
                None => return Ok(ListingPage { product_ids, next: None, evaluated }),
                Some(last) if evaluated >= MAX_EVALUATED_PER_PAGE => {
                    return Ok(ListingPage { product_ids, next: position_of(&last, key_names), evaluated });
                }
                Some(last) => start = Some(last),
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
            let out = prepared
                .query(&self.client, &self.table, plan, FACET_ATTRIBUTES)
                .scan_index_forward(plan.forward)
                .limit(MAX_QUERY_LIMIT.min(MAX_FACET_ENTRIES - evaluated))
                .set_exclusive_start_key(start)
                .send()
                .await?;
            evaluated += out.scanned_count;
            for item in out.items.unwrap_or_default() {
                for make in item.get("makes").and_then(|v| v.as_l().ok()).into_iter().flatten() {
                    if let Ok(make) = make.as_s() {
                        *facets.make.entry(make.clone()).or_default() += 1;
                    }
                }
                if let Some(condition) = get_s(&item, "condition") {
                    *facets.condition.entry(condition).or_default() += 1;
                }
                if let Some(governorate) = get_s(&item, "governorate") {
                    *facets.governorate.entry(governorate).or_default() += 1;
                }
            }
            match out.last_evaluated_key {
                None => return Ok(FacetCount { facets, complete: true, evaluated }),
                Some(_) if evaluated >= MAX_FACET_ENTRIES => {
                    return Ok(FacetCount { facets, complete: false, evaluated });
                }
                Some(last) => start = Some(last),
            }
        }
    }
}
