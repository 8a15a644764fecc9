//! `onProductChanged`: a product that changed (price, stock, status, anything listed) or went
//! away has its listing and search entries moved, rewritten or removed.

use shared::catalog::index_sync::CatalogIndex;
use shared::config::ConfigError;
use shared::streams::{StreamRecord, Trigger};
use shared::{ApiError, App};

pub struct OnProductChanged {
    index: CatalogIndex,
}

impl OnProductChanged {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        Ok(Self { index: CatalogIndex::from_app(app)? })
    }
}

impl Trigger for OnProductChanged {
    async fn handle(&self, record: &StreamRecord) -> Result<(), ApiError> {
        self.index.sync(CatalogIndex::product_of(record)?).await
    }
}
