//! Keeping the listing and search entries of a product in step with the product, for the products
//! stream triggers. Each change record only says *which* product changed; the entries are rebuilt
//! from the product as it is now, so duplicates and reordering are harmless.

use crate::db::{ListingRepo, ProductRepo};
use crate::error::ApiError;
use crate::ids::ProductId;
use crate::streams::StreamRecord;

#[derive(Clone)]
pub struct CatalogIndex {
    products: ProductRepo,
    listings: ListingRepo,
}

impl CatalogIndex {
    pub fn from_app(app: &crate::App) -> Result<Self, crate::config::ConfigError> {
        Ok(Self { products: ProductRepo::from_app(app)?, listings: ListingRepo::from_app(app)? })
    }

    pub async fn sync(&self, id: ProductId) -> Result<(), ApiError> {
        let current = self.products.get(id).await?;
        self.listings.reconcile(id, current.as_ref()).await
    }

    /// The product a change record is about (its key).
    pub fn product_of(record: &StreamRecord) -> Result<ProductId, ApiError> {
        match record.change.keys.get("id") {
            Some(serde_dynamo::AttributeValue::S(id)) => {
                id.parse().map_err(|_| ApiError::internal("product key is not an id"))
            }
            _ => Err(ApiError::internal("product record without an id key")),
        }
    }
}
