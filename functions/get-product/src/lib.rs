//! `GET /api/products/{id}`: one product, with an `ETag`; archived or unknown is 404.

use shared::catalog::ProductId;
use shared::config::ConfigError;
use shared::db::ProductRepo;
use shared::http::{Body, Endpoint, Request, Response, path, response};
use shared::metrics::{Metric, Metrics};
use shared::{ApiError, App};

/// Stock and price move: caches may keep a copy but must revalidate it (cheap, thanks to the ETag).
const CACHE_CONTROL: &str = "no-cache";

pub struct GetProduct {
    products: ProductRepo,
    metrics: Metrics,
}

impl GetProduct {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        Ok(Self { products: ProductRepo::new(&app.database())?, metrics: app.metrics() })
    }
}

impl Endpoint for GetProduct {
    async fn handle(&self, req: Request) -> Result<Response<Body>, ApiError> {
        let id: ProductId = path::id(&req, "id")?;
        let product = self.products.get(id).await?.filter(|p| p.is_visible()).ok_or(ApiError::NotFound)?;
        self.metrics.count(Metric::ProductViews, 1);
        Ok(response::json_with_etag(req.headers(), &product, CACHE_CONTROL))
    }
}
