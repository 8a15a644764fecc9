//! `POST /api/products`: a vendor lists a product; it is theirs (`vendorId` is their user id).
//! It appears in listings and search once the products trigger has indexed it, a moment later.
//! Its images may be the vendor's checked photos (`upload:<id>`), claimed in the same write.

use std::sync::Arc;

use shared::accounts::Role;
use shared::catalog::product_input::ProductRequest;
use shared::clock::Clock;
use shared::config::ConfigError;
use shared::db::{ProductRepo, UploadRepo};
use shared::http::{Authenticator, Body, Endpoint, Request, Response, StatusCode, body, header, response};
use shared::media::{MediaUrls, UploadPurpose};
use shared::{ApiError, App};

pub struct CreateProduct {
    auth: Authenticator,
    products: ProductRepo,
    uploads: UploadRepo,
    media: MediaUrls,
    clock: Arc<dyn Clock>,
}

impl CreateProduct {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        Ok(Self {
            auth: Authenticator::new(app)?,
            products: ProductRepo::new(&app.database())?,
            uploads: UploadRepo::new(&app.database())?,
            media: app.media_urls()?,
            clock: Arc::clone(&app.clock),
        })
    }
}

impl Endpoint for CreateProduct {
    async fn handle(&self, req: Request) -> Result<Response<Body>, ApiError> {
        let caller = self.auth.caller(&req)?;
        caller.require_role(&[Role::Vendor])?;
        let request = body::json::<ProductRequest>(&req)?;
        let (product, uses) = request.into_product(caller.user_id, self.clock.now(), &self.media)?;
        let claims = self.uploads.claims(&uses, caller.user_id, UploadPurpose::ProductImage)?;
        self.products.create(&product, &claims).await?;
        let mut created = response::json_tagged(StatusCode::CREATED, &product, "no-cache");
        let location = format!("/api/products/{}", product.id).parse().expect("a path is a valid header value");
        created.headers_mut().insert(header::LOCATION, location);
        Ok(created)
    }
}
