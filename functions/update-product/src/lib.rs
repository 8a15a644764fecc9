//! `PATCH /api/products/{id}`: its vendor (or an admin) changes some fields. With `If-Match`, the
//! change applies only to the version the client saw (412 otherwise); without it, a concurrent
//! change is re-read and the patch applied on top. Every change increments `version`.

use std::sync::Arc;

use shared::accounts::Role;
use shared::auth::Authenticator;
use shared::catalog::ownership::editable_by;
use shared::catalog::product_input::ProductPatch;
use shared::clock::Clock;
use shared::config::ConfigError;
use shared::db::ProductRepo;
use shared::http::etag::ETag;
use shared::http::{Body, Endpoint, Request, Response, StatusCode, header, path, response};
use shared::ids::ProductId;
use shared::{ApiError, App};

pub struct UpdateProduct {
    auth: Authenticator,
    products: ProductRepo,
    clock: Arc<dyn Clock>,
}

/// Re-reads after a concurrent change before giving up with 412.
const ATTEMPTS: usize = 3;

impl UpdateProduct {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        Ok(Self {
            auth: Authenticator::new(app)?,
            products: ProductRepo::from_app(app)?,
            clock: Arc::clone(&app.clock),
        })
    }
}

impl Endpoint for UpdateProduct {
    async fn handle(&self, req: Request) -> Result<Response<Body>, ApiError> {
        let caller = self.auth.caller(&req)?;
        caller.require_role(&[Role::Vendor, Role::Admin])?;
        let id: ProductId = path::id(&req, "id")?;
        let if_match: Vec<&str> =
            req.headers().get_all(header::IF_MATCH).iter().filter_map(|v| v.to_str().ok()).collect();
        for _ in 0..ATTEMPTS {
            let current = editable_by(self.products.get(id).await?, &caller)?;
            if !if_match.is_empty() {
                let seen = ETag::of(serde_json::to_string(&current).expect("products serialize").as_bytes());
                if !seen.matches_any(if_match.iter().copied(), false) {
                    return Err(ApiError::PreconditionFailed);
                }
            }
            let patch: ProductPatch = shared::http::body::json(&req)?;
            let updated = patch.apply(&current, self.clock.now())?;
            match self.products.replace(&updated, current.version).await {
                Ok(()) => return Ok(response::json_tagged(StatusCode::OK, &updated, "no-cache")),
                Err(ApiError::PreconditionFailed) if if_match.is_empty() => continue,
                Err(error) => return Err(error),
            }
        }
        Err(ApiError::PreconditionFailed)
    }
}
