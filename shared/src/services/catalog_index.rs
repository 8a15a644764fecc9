//! Keeping the listing and search entries of a product in step with the product, for the products
//! stream triggers. Each change record only says *which* product changed; the entries are rebuilt
//! from the product as it is now, so duplicates and reordering are harmless.

use crate::config::ConfigError;
use crate::db::{Database, ListingRepo, ProductRepo};
use crate::error::ApiError;
use crate::ids::ProductId;

#[derive(Clone)]
pub struct CatalogIndex {
    products: ProductRepo,
    listings: ListingRepo,
}

impl CatalogIndex {
    pub fn new(db: &Database) -> Result<Self, ConfigError> {
        Ok(Self { products: ProductRepo::new(db)?, listings: ListingRepo::new(db)? })
    }

    pub async fn sync(&self, id: ProductId) -> Result<(), ApiError> {
        let current = self.products.get(id).await?;
        self.listings.reconcile(id, current.as_ref()).await
    }
}
