//! The vendors table: public vendor profiles, keyed by the vendor's user id.

use aws_sdk_dynamodb::types::{Delete, TransactWriteItem};

use crate::config::ConfigError;
use crate::db::Database;
use crate::db::attributes::s;
use crate::db::error::applied;
use crate::error::ApiError;
use crate::ids::UserId;
use crate::tables::Table;
use crate::vendors::VendorProfile;

#[derive(Clone, Debug)]
pub struct VendorRepo {
    client: aws_sdk_dynamodb::Client,
    table: String,
}

impl VendorRepo {
    pub fn new(db: &Database) -> Result<Self, ConfigError> {
        Ok(Self { client: db.client(), table: db.table(Table::Vendors)? })
    }

    pub async fn get(&self, id: UserId) -> Result<Option<VendorProfile>, ApiError> {
        let out = self.client.get_item().table_name(&self.table).key("id", s(id)).send().await?;
        Ok(out.item.map(serde_dynamo::from_item).transpose()?)
    }

    /// The deletion of `id`'s public profile, for the transaction that closes their account.
    pub fn remove(&self, id: UserId) -> Result<TransactWriteItem, ApiError> {
        let delete = Delete::builder().table_name(&self.table).key("id", s(id)).build().map_err(ApiError::internal)?;
        Ok(TransactWriteItem::builder().delete(delete).build())
    }

    /// Creates the profile once; a repeat (a re-delivered approval) leaves the first one.
    pub async fn create(&self, profile: &VendorProfile) -> Result<bool, ApiError> {
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(serde_dynamo::to_item(profile)?))
            .condition_expression("attribute_not_exists(id)")
            .send()
            .await;
        applied(result)
    }
}
