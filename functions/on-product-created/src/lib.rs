//! `onProductCreated`: a new product gets its listing and search entries.

use shared::catalog::index_sync::CatalogIndex;
use shared::config::ConfigError;
use shared::streams::{StreamRecord, Trigger};
use shared::{ApiError, App};

pub struct OnProductCreated {
    index: CatalogIndex,
}

impl OnProductCreated {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        Ok(Self { index: CatalogIndex::from_app(app)? })
    }
}

impl Trigger for OnProductCreated {
    async fn handle(&self, record: &StreamRecord) -> Result<(), ApiError> {
        self.index.sync(CatalogIndex::product_of(record)?).await
    }
}
