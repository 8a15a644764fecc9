//! The categories table: every category in one partition (`pk = "categories"`), so listing them
//! is a single Query.

use serde::{Deserialize, Serialize};

use crate::catalog::category::{self, Category, LocalizedName, STANDARD_REVISION};
use crate::config::ConfigError;
use crate::db::Database;
use crate::db::attributes::{n, s};
use crate::db::error::applied;
use crate::db::read::query_all;
use crate::error::ApiError;
use crate::tables::Table;

const PARTITION: &str = "categories";

#[derive(Clone, Debug)]
pub struct CategoryRepo {
    client: aws_sdk_dynamodb::Client,
    table: String,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Item {
    pk: String,
    id: String,
    slug: String,
    name: LocalizedName,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    parent_id: Option<String>,
    /// Display order.
    position: u32,
    seed_revision: u32,
}

impl CategoryRepo {
    pub fn new(db: &Database) -> Result<Self, ConfigError> {
        Ok(Self { client: db.client(), table: db.table(Table::Categories)? })
    }

    /// Every category, in display order.
    pub async fn list(&self) -> Result<Vec<Category>, ApiError> {
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(":pk", s(PARTITION));
        let mut items: Vec<Item> = serde_dynamo::from_items(query_all(query).await?)?;
        items.sort_by_key(|item| item.position);
        Ok(items
            .into_iter()
            .map(|item| Category { id: item.id, slug: item.slug, name: item.name, parent_id: item.parent_id })
            .collect())
    }

    /// Writes the standard categories. Idempotent: an item written by this or a newer revision is
    /// left alone, so concurrent cold starts and re-deployments agree.
    pub async fn seed_standard(&self) -> Result<usize, ApiError> {
        let mut written = 0;
        for (position, category) in category::standard().into_iter().enumerate() {
            let item = Item {
                pk: PARTITION.into(),
                id: category.id,
                slug: category.slug,
                name: category.name,
                parent_id: category.parent_id,
                position: position as u32,
                seed_revision: STANDARD_REVISION,
            };
            let result = self
                .client
                .put_item()
                .table_name(&self.table)
                .set_item(Some(serde_dynamo::to_item(item)?))
                .condition_expression("attribute_not_exists(pk) OR seedRevision < :revision")
                .expression_attribute_values(":revision", n(STANDARD_REVISION))
                .send()
                .await;
            written += usize::from(applied(result)?);
        }
        Ok(written)
    }
}
