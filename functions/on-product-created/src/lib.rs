//! `onProductCreated`: a new product gets its listing and search entries, and is counted among
//! its day's new products, once.

use shared::analytics::facts;
use shared::catalog::product::Product;
use shared::config::ConfigError;
use shared::services::catalog_index::CatalogIndex;
use shared::services::tally::Tally;
use shared::streams::{self, StreamRecord, Trigger};
use shared::{ApiError, App};

pub struct OnProductCreated {
    index: CatalogIndex,
    tally: Tally,
}

impl OnProductCreated {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        let db = app.database();
        Ok(Self { index: CatalogIndex::new(&db)?, tally: Tally::new(&db)? })
    }
}

impl Trigger for OnProductCreated {
    async fn handle(&self, record: &StreamRecord) -> Result<(), ApiError> {
        self.index.sync(streams::key(record, "id")?).await?;
        let Some(product) = streams::new_image::<Product>(record)? else { return Ok(()) };
        let vendor = product.vendor_id.parse().map_err(|_| ApiError::internal("a product's vendor is a user id"))?;
        self.tally.count(facts::new_product(product.id, vendor, product.created_at), None).await
    }
}
