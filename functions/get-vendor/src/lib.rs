//! `GET /api/vendors/{id}`: a vendor's public profile (id = the vendor's user id).

use shared::config::ConfigError;
use shared::db::VendorRepo;
use shared::http::{Body, Endpoint, Request, Response, path, response};
use shared::ids::UserId;
use shared::{ApiError, App};

/// Profiles change rarely; let caches keep them a minute.
const CACHE_CONTROL: &str = "public, max-age=60";

pub struct GetVendor {
    vendors: VendorRepo,
}

impl GetVendor {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        Ok(Self { vendors: VendorRepo::new(&app.database())? })
    }
}

impl Endpoint for GetVendor {
    async fn handle(&self, req: Request) -> Result<Response<Body>, ApiError> {
        let id: UserId = path::id(&req, "id")?;
        let vendor = self.vendors.get(id).await?.ok_or(ApiError::NotFound)?;
        Ok(response::json_with_etag(req.headers(), &vendor, CACHE_CONTROL))
    }
}
