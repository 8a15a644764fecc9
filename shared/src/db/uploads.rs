//! The uploads table: each upload, and each user's count of uploads not yet checked.
//!
//! - `upload#<id>`: the [`Upload`]. While pending it carries `pendingOwner` and `pendingUntil`
//!   (when its presigned PUT expires, unix seconds), the keys of the sparse index
//!   `PendingByOwner`; until a product or an application uses it, `expiresAt`, seven days after
//!   it was requested, by which DynamoDB's TTL deletes it (its removal deletes its objects).
//! - `quota#<userId>`: `pending`, the user's uploads requested and not yet checked, counted in
//!   the same transaction as each upload is requested or finished, so the limit holds under
//!   concurrency.

use aws_sdk_dynamodb::types::{Put, TransactWriteItem, Update};

use crate::clock::Timestamp;
use crate::config::ConfigError;
use crate::db::Database;
use crate::db::attributes::{Item, n, pk, s};
use crate::db::read::{get_consistent, query_all};
use crate::db::transaction::{self, TransactionError};
use crate::error::{ApiError, FieldError};
use crate::ids::{UploadId, UserId};
use crate::media::upload::{
    MAX_PENDING_UPLOADS, UNUSED_UPLOAD_LIFETIME, Upload, UploadPurpose, UploadStatus, UploadUse,
};
use crate::tables::Table;

/// A pending upload whose URL expired this long ago can no longer be in flight: S3 refused its
/// PUT, or `onUploadReceived` has long had its object.
const IN_FLIGHT_SECS: i64 = 5 * 60;
/// Why an upload whose bytes never came was given up.
const NOT_RECEIVED: (&str, &str) = ("not_received", "the file did not arrive before its upload URL expired");

#[derive(Clone, Debug)]
pub struct UploadRepo {
    client: aws_sdk_dynamodb::Client,
    table: String,
}

/// What a product or an application writes, in its own transaction, to use an upload: the upload
/// must be its author's, of the right purpose, and ready; from then on it is kept.
pub struct Claim {
    /// The request field that named the upload, for the error if it cannot be used.
    pub field: String,
    pub write: TransactWriteItem,
}

impl Claim {
    /// The complaint about the field of a claim that failed.
    pub fn refused(&self) -> FieldError {
        FieldError::new(&self.field, "must be `upload:<id>` of a ready upload of yours, for this purpose")
    }
}

impl UploadRepo {
    pub fn new(db: &Database) -> Result<Self, ConfigError> {
        Ok(Self { client: db.client(), table: db.table(Table::Uploads)? })
    }

    /// Records a requested upload, counting it among its owner's pending ones; 429 `rate_limited`
    /// when they already have [`MAX_PENDING_UPLOADS`] in flight. Uploads whose bytes never came
    /// stop counting once their URL has expired.
    pub async fn request(&self, upload: &Upload) -> Result<(), ApiError> {
        for attempt in 0..2 {
            match transaction::write(&self.client, self.requesting(upload)?).await {
                Ok(()) => return Ok(()),
                Err(error) if error.failed_at(0) && attempt == 0 => {
                    if self.give_up_abandoned(upload.owner_id, upload.created_at).await? == 0 {
                        break;
                    }
                }
                Err(error) if error.failed_at(0) => break,
                Err(error) => return Err(error.into()),
            }
        }
        Err(ApiError::RateLimited { retry_after_secs: (IN_FLIGHT_SECS as u64) * 3 })
    }

    fn requesting(&self, upload: &Upload) -> Result<Vec<TransactWriteItem>, ApiError> {
        let count = Update::builder()
            .table_name(&self.table)
            .set_key(Some(quota_key(upload.owner_id)))
            .update_expression("ADD pending :one")
            .condition_expression("attribute_not_exists(pending) OR pending < :max")
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":max", n(MAX_PENDING_UPLOADS))
            .build()
            .map_err(ApiError::internal)?;
        let mut item: Item = serde_dynamo::to_item(upload)?;
        item.extend(pk(upload_pk(upload.id)));
        item.insert("pendingOwner".into(), s(upload.owner_id));
        item.insert("pendingUntil".into(), n(upload.url_expires_at.unix_seconds()));
        item.insert("expiresAt".into(), n(upload.created_at.plus(UNUSED_UPLOAD_LIFETIME).unix_seconds()));
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(pk)")
            .build()
            .map_err(ApiError::internal)?;
        Ok(vec![TransactWriteItem::builder().update(count).build(), TransactWriteItem::builder().put(put).build()])
    }

    /// Rejects `owner`'s pending uploads whose bytes can no longer come; how many there were.
    async fn give_up_abandoned(&self, owner: UserId, now: Timestamp) -> Result<usize, ApiError> {
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .index_name("PendingByOwner")
            .key_condition_expression("pendingOwner = :owner AND pendingUntil < :before")
            .expression_attribute_values(":owner", s(owner))
            .expression_attribute_values(":before", n(now.unix_seconds() - IN_FLIGHT_SECS))
            .limit(25);
        let mut given_up = 0;
        for item in query_all(query).await? {
            let upload: Upload = serde_dynamo::from_item(item)?;
            if self.finish(&upload, Some(NOT_RECEIVED)).await? {
                given_up += 1;
            }
        }
        Ok(given_up)
    }

    /// The upload, read consistently (its owner reads what they just requested).
    pub async fn get(&self, id: UploadId) -> Result<Option<Upload>, ApiError> {
        get_consistent(&self.client, &self.table, pk(upload_pk(id))).await
    }

    /// Ends the checking of a pending upload: ready, or rejected for `rejection` (its reason code
    /// and sentence); counts it out of its owner's pending ones. `false` if it was not pending any
    /// more (a re-delivered event, or an upload given up).
    pub async fn finish(&self, upload: &Upload, rejection: Option<(&str, &str)>) -> Result<bool, ApiError> {
        let status = if rejection.is_some() { UploadStatus::Rejected } else { UploadStatus::Ready };
        let mut set = Update::builder()
            .table_name(&self.table)
            .set_key(Some(pk(upload_pk(upload.id))))
            .condition_expression("#status = :pending")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":pending", s(UploadStatus::Pending.as_str()))
            .expression_attribute_values(":to", s(status.as_str()));
        set = match rejection {
            Some((reason, detail)) => set
                .update_expression(
                    "SET #status = :to, reason = :reason, detail = :detail REMOVE pendingOwner, pendingUntil",
                )
                .expression_attribute_values(":reason", s(reason))
                .expression_attribute_values(":detail", s(detail)),
            None => set.update_expression("SET #status = :to REMOVE pendingOwner, pendingUntil"),
        };
        let count = Update::builder()
            .table_name(&self.table)
            .set_key(Some(quota_key(upload.owner_id)))
            .update_expression("ADD pending :minus_one")
            .expression_attribute_values(":minus_one", n(-1))
            .build()
            .map_err(ApiError::internal)?;
        let items = vec![
            TransactWriteItem::builder().update(set.build().map_err(ApiError::internal)?).build(),
            TransactWriteItem::builder().update(count).build(),
        ];
        match transaction::write(&self.client, items).await {
            Ok(()) => Ok(true),
            Err(error) if error.failed_at(0) => Ok(false),
            Err(error) => Err(error.into()),
        }
    }

    /// The writes that make each of `uses` used (and so kept), for the transaction of the product
    /// or application that uses them: each must be `owner`'s, for `purpose`, and ready.
    pub fn claims(&self, uses: &[UploadUse], owner: UserId, purpose: UploadPurpose) -> Result<Vec<Claim>, ApiError> {
        uses.iter().map(|used| self.claim(used, owner, purpose)).collect()
    }

    fn claim(&self, used: &UploadUse, owner: UserId, purpose: UploadPurpose) -> Result<Claim, ApiError> {
        let update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(pk(upload_pk(used.id))))
            .update_expression("SET used = :yes REMOVE expiresAt")
            .condition_expression("ownerId = :owner AND purpose = :purpose AND #status = :ready")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":yes", aws_sdk_dynamodb::types::AttributeValue::Bool(true))
            .expression_attribute_values(":owner", s(owner))
            .expression_attribute_values(":purpose", s(purpose.as_str()))
            .expression_attribute_values(":ready", s(UploadStatus::Ready.as_str()))
            .build()
            .map_err(ApiError::internal)?;
        Ok(Claim { field: used.field.clone(), write: TransactWriteItem::builder().update(update).build() })
    }
}

/// Writes `items` with `claims` in one transaction: a claim that cannot be made is a 400 on its
/// field, and nothing is written. `Cancelled` reasons index `items` as given.
pub async fn write_claiming(
    client: &aws_sdk_dynamodb::Client,
    mut items: Vec<TransactWriteItem>,
    claims: &[Claim],
) -> Result<(), TransactionError> {
    let first_claim = items.len();
    items.extend(claims.iter().map(|claim| claim.write.clone()));
    match transaction::write(client, items).await {
        Err(error) if (0..claims.len()).any(|i| error.failed_at(first_claim + i)) => {
            let refused = claims.iter().enumerate().filter(|(i, _)| error.failed_at(first_claim + i));
            Err(TransactionError::Failed(ApiError::Validation(refused.map(|(_, claim)| claim.refused()).collect())))
        }
        other => other,
    }
}

fn upload_pk(id: UploadId) -> String {
    format!("upload#{id}")
}

fn quota_key(owner: UserId) -> Item {
    pk(format!("quota#{owner}"))
}
