//! `GET /api/categories`: every category, cacheable, with `ETag` and 304 revalidation.

use serde::Serialize;
use shared::catalog::Category;
use shared::config::ConfigError;
use shared::db::CategoryRepo;
use shared::http::{Body, Endpoint, Request, Response, response};
use shared::{ApiError, App};

/// Categories change with deployments, not with traffic: let clients and CDNs keep them a while.
const CACHE_CONTROL: &str = "public, max-age=300";

pub struct GetCategories {
    categories: CategoryRepo,
}

#[derive(Serialize)]
struct Categories {
    items: Vec<Category>,
}

impl GetCategories {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        Ok(Self { categories: CategoryRepo::new(&app.database())? })
    }
}

impl Endpoint for GetCategories {
    async fn handle(&self, req: Request) -> Result<Response<Body>, ApiError> {
        let items = self.categories.list().await?;
        Ok(response::json_with_etag(req.headers(), &Categories { items }, CACHE_CONTROL))
    }
}
