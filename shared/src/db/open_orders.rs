//! How many orders each seller has that are not yet delivered or cancelled, kept in the vendors
//! table under `id = open-orders#<vendorId>` (an id no vendor profile can have). A checkout counts
//! its orders up in its own transaction, the move that ends an order counts it down in its own,
//! and closing the seller's account holds only while the count is zero and stops any further
//! count: so no order is ever placed with a seller whose account is gone, and no seller leaves
//! an order behind, however the requests interleave.

use aws_sdk_dynamodb::types::builders::UpdateBuilder;
use aws_sdk_dynamodb::types::{TransactWriteItem, Update};

use crate::config::ConfigError;
use crate::db::Database;
use crate::db::attributes::{Item, n, s};
use crate::db::read::get_consistent;
use crate::error::ApiError;
use crate::ids::UserId;
use crate::tables::Table;

#[derive(Clone, Debug)]
pub struct OpenOrders {
    client: aws_sdk_dynamodb::Client,
    table: String,
}

fn key(vendor: UserId) -> Item {
    Item::from([("id".to_owned(), s(format!("open-orders#{vendor}")))])
}

impl OpenOrders {
    pub fn new(db: &Database) -> Result<Self, ConfigError> {
        Ok(Self { client: db.client(), table: db.table(Table::Vendors)? })
    }

    fn update(&self, vendor: UserId) -> UpdateBuilder {
        Update::builder().table_name(&self.table).set_key(Some(key(vendor))).expression_attribute_names("#open", "open")
    }

    fn item(update: UpdateBuilder) -> Result<TransactWriteItem, ApiError> {
        Ok(TransactWriteItem::builder().update(update.build().map_err(ApiError::internal)?).build())
    }

    /// Counts an order placed with `vendor`; fails its transaction if the seller's account is closed.
    pub fn placed(&self, vendor: UserId) -> Result<TransactWriteItem, ApiError> {
        Self::item(
            self.update(vendor)
                .update_expression("ADD #open :one")
                .condition_expression("attribute_not_exists(closedAt)")
                .expression_attribute_values(":one", n(1)),
        )
    }

    /// Counts down an order of `vendor` that was delivered or cancelled.
    pub fn ended(&self, vendor: UserId) -> Result<TransactWriteItem, ApiError> {
        Self::item(
            self.update(vendor)
                .update_expression("ADD #open :minus_one")
                .expression_attribute_values(":minus_one", n(-1)),
        )
    }

    /// Closes the seller's books: holds only while no order is open, and no order is counted after.
    pub fn close(&self, vendor: UserId, at: &str) -> Result<TransactWriteItem, ApiError> {
        Self::item(
            self.update(vendor)
                .update_expression("SET closedAt = :at")
                .condition_expression("attribute_not_exists(#open) OR #open <= :zero")
                .expression_attribute_values(":at", s(at))
                .expression_attribute_values(":zero", n(0)),
        )
    }

    /// How many of `vendor`'s orders are open now.
    pub async fn count(&self, vendor: UserId) -> Result<i64, ApiError> {
        #[derive(serde::Deserialize)]
        struct Count {
            #[serde(default)]
            open: i64,
        }
        let count: Option<Count> = get_consistent(&self.client, &self.table, key(vendor)).await?;
        Ok(count.map_or(0, |c| c.open))
    }
}

#[cfg(test)]
mod tests {
    use aws_sdk_dynamodb::types::AttributeValue;

    use super::*;

    #[test]
    fn the_count_lives_under_an_id_no_profile_can_have() {
        let AttributeValue::S(id) = &key(UserId::new())["id"] else { panic!("a string key") };
        assert!(id.starts_with("open-orders#"));
        assert!(id.parse::<UserId>().is_err());
    }
}
