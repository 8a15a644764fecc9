//! `GET /api/products`: active products, filtered and sorted as asked, one bounded page at a time.

use shared::catalog::ProductStatus;
use shared::catalog::listing::{self, ListingQuery};
use shared::catalog::listing_index;
use shared::config::ConfigError;
use shared::cursor::CursorCodec;
use shared::db::listings::Position;
use shared::db::{ListingRepo, ProductRepo};
use shared::http::page::Page;
use shared::http::{Body, Endpoint, Request, Response, StatusCode, query, response};
use shared::{ApiError, App};

pub struct GetProducts {
    listings: ListingRepo,
    products: ProductRepo,
    cursors: CursorCodec,
}

impl GetProducts {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        let db = app.database();
        Ok(Self {
            listings: ListingRepo::new(&db)?,
            products: ProductRepo::new(&db)?,
            cursors: CursorCodec::new(app.config.cursor_secret()?),
        })
    }
}

impl Endpoint for GetProducts {
    async fn handle(&self, req: Request) -> Result<Response<Body>, ApiError> {
        let query = ListingQuery::from_params(&query::parse(&req, listing::PARAMS)?)?;
        let cursors = self.cursors.of_list(query.scope());
        let start: Option<Position> = cursors.start(query.cursor.as_deref())?;
        let plan = listing_index::plan(&query.filters, query.sort);
        let page = self.listings.page(&plan, usize::from(query.limit), start).await?;
        // The index follows the products table through its stream; a product that stopped being
        // active a moment ago may still have entries, so the product itself has the last word.
        let items = self.products.get_many(&page.product_ids).await?;
        let items = items.into_iter().filter(|p| p.status == ProductStatus::Active).collect();
        Ok(response::json(StatusCode::OK, &Page { items, next_cursor: cursors.next(page.next) }))
    }
}
