//! `POST /api/search`: free text in Arabic or English over active products, with every filter and
//! sort of the listing, cursor paging, and facet counts by make, condition and governorate.

use serde::Serialize;
use shared::catalog::listing_index;
use shared::catalog::search::SearchQuery;
use shared::catalog::{Product, ProductStatus};
use shared::config::ConfigError;
use shared::cursor::CursorCodec;
use shared::db::listings::{Facets, Position};
use shared::db::{ListingRepo, ProductRepo};
use shared::http::{Body, Endpoint, Request, Response, StatusCode, body, response};
use shared::metrics::{Metric, Metrics};
use shared::services::search_facets::SearchFacets;
use shared::{ApiError, App};

pub struct SearchProducts {
    listings: ListingRepo,
    products: ProductRepo,
    /// Kept for the life of this instance: the facets it counted lately.
    facets: SearchFacets,
    cursors: CursorCodec,
    metrics: Metrics,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Results {
    items: Vec<Product>,
    next_cursor: Option<String>,
    facets: Facets,
    /// False when there were too many matches to count them all; the facets are then a sample.
    facets_complete: bool,
}

impl SearchProducts {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        let db = app.database();
        Ok(Self {
            listings: ListingRepo::new(&db)?,
            products: ProductRepo::new(&db)?,
            facets: SearchFacets::new(&db)?,
            cursors: CursorCodec::new(app.config.cursor_secret()?),
            metrics: app.metrics(),
        })
    }
}

impl Endpoint for SearchProducts {
    async fn handle(&self, req: Request) -> Result<Response<Body>, ApiError> {
        let query = SearchQuery::from_body(body::json(&req)?)?;
        let cursors = self.cursors.of_list(query.scope());
        let start: Option<Position> = cursors.start(query.listing.cursor.as_deref())?;
        let plan = listing_index::plan_search(&query.listing.filters, query.listing.sort, &query.words);
        let (page, counted) = tokio::try_join!(
            self.listings.page(&plan, usize::from(query.listing.limit), start),
            self.facets.of(&query)
        )?;
        let items = self.products.get_many(&page.product_ids).await?;
        let items = items.into_iter().filter(|p| p.status == ProductStatus::Active).collect();
        let next_cursor = cursors.next(page.next);
        let (facets, facets_complete) = (counted.facets, counted.complete);
        self.metrics.count(Metric::Searches, 1);
        Ok(response::json(StatusCode::OK, &Results { items, next_cursor, facets, facets_complete }))
    }
}
