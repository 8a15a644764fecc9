//! `DELETE /api/products/{id}`: its vendor (or an admin) archives the product. It is kept for the
//! orders that name it, but never shown again: 404 by id, gone from listings and search.

use std::sync::Arc;

use shared::accounts::Role;
use shared::auth::Authenticator;
use shared::catalog::ProductStatus;
use shared::catalog::ownership::editable_by;
use shared::clock::Clock;
use shared::config::ConfigError;
use shared::db::ProductRepo;
use shared::http::{Body, Endpoint, Request, Response, StatusCode, path};
use shared::ids::ProductId;
use shared::{ApiError, App};

pub struct DeleteProduct {
    auth: Authenticator,
    products: ProductRepo,
    clock: Arc<dyn Clock>,
}

const ATTEMPTS: usize = 3;

impl DeleteProduct {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        Ok(Self {
            auth: Authenticator::new(app)?,
            products: ProductRepo::from_app(app)?,
            clock: Arc::clone(&app.clock),
        })
    }
}

impl Endpoint for DeleteProduct {
    async fn handle(&self, req: Request) -> Result<Response<Body>, ApiError> {
        let caller = self.auth.caller(&req)?;
        caller.require_role(&[Role::Vendor, Role::Admin])?;
        let id: ProductId = path::id(&req, "id")?;
        for _ in 0..ATTEMPTS {
            let current = editable_by(self.products.get(id).await?, &caller)?;
            let archived = shared::catalog::Product {
                status: ProductStatus::Archived,
                updated_at: self.clock.now(),
                version: current.version + 1,
                ..current.clone()
            };
            match self.products.replace(&archived, current.version).await {
                Ok(()) => {
                    return Ok(Response::builder()
                        .status(StatusCode::NO_CONTENT)
                        .body(Body::Empty)
                        .expect("a static response"));
                }
                Err(ApiError::PreconditionFailed) => continue,
                Err(error) => return Err(error),
            }
        }
        Err(ApiError::Unavailable { retry_after_secs: 1 })
    }
}
