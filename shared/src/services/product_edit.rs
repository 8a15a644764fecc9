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
use crate::db::{Database, ProductRepo, UploadRepo};
use crate::error::ApiError;
use crate::etag::ETag;
use crate::ids::UserId;
use crate::media::UploadPurpose;
use crate::media::upload::UploadUse;
use crate::retry::Backoff;

const CONCURRENT_EDITS: Backoff = Backoff::new(4, Duration::from_millis(5));

pub struct ProductEditor {
    products: ProductRepo,
    /// Only the editor of `PATCH` claims uploads; withdrawing a product uses none.
    uploads: Option<UploadRepo>,
    clock: Arc<dyn Clock>,
}

impl ProductEditor {
    pub fn new(db: &Database) -> Result<Self, ConfigError> {
        Ok(Self { products: ProductRepo::new(db)?, uploads: None, clock: db.clock() })
    }

    /// An editor whose changes may use the vendor's uploaded photos.
    pub fn with_uploads(db: &Database) -> Result<Self, ConfigError> {
        Ok(Self { uploads: Some(UploadRepo::new(db)?), ..Self::new(db)? })
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
        self.edit_using(caller, id, if_match, |current, now| Ok((change(current, now)?, Vec::new()))).await
    }

    /// [`Self::edit`] with a change that may use uploads of the product's vendor (claimed in the
    /// same write, 400 on the field that named one that cannot be used).
    pub async fn edit_using(
        &self,
        caller: &Caller,
        id: ProductId,
        if_match: &[&str],
        change: impl Fn(&Product, Timestamp) -> Result<(Product, Vec<UploadUse>), ApiError>,
    ) -> Result<Product, ApiError> {
        let mut backoff = CONCURRENT_EDITS;
        loop {
            let current = editable_by(self.products.get(id).await?, caller)?;
            if !if_match.is_empty() && !ETag::of_json(&current).matches_any(if_match.iter().copied(), false) {
                return Err(ApiError::PreconditionFailed);
            }
            let (changed, uses) = change(&current, self.clock.now())?;
            let claims = match (&self.uploads, uses.is_empty()) {
                (_, true) => Vec::new(),
                (Some(uploads), false) => uploads.claims(&uses, vendor_of(&current)?, UploadPurpose::ProductImage)?,
                (None, false) => return Err(ApiError::internal("an editor without the uploads table used an upload")),
            };
            match self.products.replace(&changed, current.version, &claims).await {
                Ok(()) => return Ok(changed),
                Err(ApiError::PreconditionFailed) if if_match.is_empty() => backoff.pause().await?,
                Err(error) => return Err(error),
            }
        }
    }
}

/// The vendor whose photos a product may show: its own, also when an admin edits it.
fn vendor_of(product: &Product) -> Result<UserId, ApiError> {
    product.vendor_id.parse().map_err(|_| ApiError::internal("a stored product's vendor id does not parse"))
}
