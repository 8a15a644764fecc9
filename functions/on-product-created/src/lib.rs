//! `onProductCreated`: a new product gets its listing and search entries.

use shared::config::ConfigError;
use shared::services::catalog_index::CatalogIndex;
use shared::streams::{self, StreamRecord, Trigger};
use shared::{ApiError, App};

pub struct OnProductCreated {
    index: CatalogIndex,
}

impl OnProductCreated {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        Ok(Self { index: CatalogIndex::new(&app.database())? })
    }
}

impl Trigger for OnProductCreated {
    async fn handle(&self, record: &StreamRecord) -> Result<(), ApiError> {
        self.index.sync(streams::key(record, "id")?).await
    }
}
