//! Changing a product for its vendor (or an admin): read it, check who may change it and which
//! version the client saw, apply the change, and write it on condition that nobody changed it in
//! between. Every change increments `version`.
//!
//! With `If-Match` the change applies only to the version the client saw (412 otherwise). Without
//! it, a concurrent change is read again and the change applied on top, a bounded number of times;
//! running out is 503 `unavailable` with `Retry-After`.

use std::sync::Arc;
use std::time::Duration;

use crate::accounts::Caller;
use crate::catalog::ownership::editable_by;
use crate::catalog::product::{Product, ProductId};
use crate::clock::{Clock, Timestamp};
use crate::config::ConfigError;
use crate::db::{Database, ProductRepo};
use crate::error::ApiError;
use crate::etag::ETag;
use crate::retry::Backoff;

const CONCURRENT_EDITS: Backoff = Backoff::new(4, Duration::from_millis(5));

pub struct ProductEditor {
    products: ProductRepo,
    clock: Arc<dyn Clock>,
}

impl ProductEditor {
    pub fn new(db: &Database) -> Result<Self, ConfigError> {
        Ok(Self { products: ProductRepo::new(db)?, clock: db.clock() })
    }

    /// Applies `change` to product `id` as `caller`; `if_match` holds the client's `If-Match`
    /// values (empty when it sent none).
    pub async fn edit(
        &self,
        caller: &Caller,
        id: ProductId,
        if_match: &[&str],
        change: impl Fn(&Product, Timestamp) -> Result<Product, ApiError>,
    ) -> Result<Product, ApiError> {
        let mut backoff = CONCURRENT_EDITS;
        loop {
            let current = editable_by(self.products.get(id).await?, caller)?;
            if !if_match.is_empty() && !ETag::of_json(&current).matches_any(if_match.iter().copied(), false) {
                return Err(ApiError::PreconditionFailed);
            }
            let changed = change(&current, self.clock.now())?;
            match self.products.replace(&changed, current.version).await {
                Ok(()) => return Ok(changed),
                Err(ApiError::PreconditionFailed) if if_match.is_empty() => backoff.pause().await?,
                Err(error) => return Err(error),
            }
        }
    }
}
