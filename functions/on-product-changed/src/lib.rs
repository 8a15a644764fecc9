//! `onProductChanged`: a product that changed (price, stock, status, anything listed) or went
//! away has its listing and search entries moved, rewritten or removed.

use shared::config::ConfigError;
use shared::services::catalog_index::CatalogIndex;
use shared::streams::{self, StreamRecord, Trigger};
use shared::{ApiError, App};

pub struct OnProductChanged {
    index: CatalogIndex,
}

impl OnProductChanged {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        Ok(Self { index: CatalogIndex::new(&app.database())? })
    }
}

impl Trigger for OnProductChanged {
    async fn handle(&self, record: &StreamRecord) -> Result<(), ApiError> {
        self.index.sync(streams::key(record, "id")?).await
    }
}
