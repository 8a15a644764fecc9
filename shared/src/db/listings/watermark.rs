//! A product's watermark in the listings table (`pk = product#<id>`): the newest product version
//! whose entries were claimed, the partitions that version wants, and every partition any version
//! ever claimed (where entries may still stand). It has none of the sort attributes of the
//! indexes, and no listing reads its partition.

use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};

use crate::catalog::product::ProductId;
use crate::db::attributes::{Item, get_n, n, s};
use crate::db::error::is_condition_failure;
use crate::db::listings::ListingRepo;
use crate::error::ApiError;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Watermark {
    pub version: u64,
    /// The partitions `version` wants entries in.
    pub wanted: Vec<String>,
    /// Every partition any claimed version wanted.
    pub ever: Vec<String>,
}

impl Watermark {
    fn of(item: &Item) -> Self {
        let strings = |name: &str| match item.get(name) {
            Some(AttributeValue::Ss(values)) => values.clone(),
            _ => Vec::new(),
        };
        Self { version: get_n(item, "version").unwrap_or(0), wanted: strings("wanted"), ever: strings("ever") }
    }
}

fn key(id: ProductId) -> Item {
    Item::from([("pk".to_owned(), s(format!("product#{id}"))), ("productId".to_owned(), s(id))])
}

impl ListingRepo {
    /// Claims `version` of product `id`, wanting `partitions`: the watermark as claimed, or `None`
    /// when a newer version was claimed before (this one has nothing left to do).
    pub(super) async fn claim(
        &self,
        id: ProductId,
        version: u64,
        partitions: &[String],
    ) -> Result<Option<Watermark>, ApiError> {
        let mut values = Item::from([(":v".to_owned(), n(version))]);
        // DynamoDB has no empty sets: a version that wants nothing removes `wanted`.
        let update = if partitions.is_empty() {
            "SET version = :v REMOVE wanted"
        } else {
            values.insert(":w".to_owned(), AttributeValue::Ss(partitions.to_vec()));
            "SET version = :v, wanted = :w ADD ever :w"
        };
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(id)))
            .update_expression(update)
            .condition_expression("attribute_not_exists(version) OR version <= :v")
            .set_expression_attribute_values(Some(values))
            .return_values(ReturnValue::AllNew)
            .send()
            .await;
        match result {
            Ok(out) => Ok(Some(Watermark::of(&out.attributes.unwrap_or_default()))),
            Err(e) if is_condition_failure(&e) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// The watermark of product `id` as it is now.
    pub(super) async fn watermark(&self, id: ProductId) -> Result<Watermark, ApiError> {
        let out =
            self.client.get_item().table_name(&self.table).set_key(Some(key(id))).consistent_read(true).send().await?;
        Ok(out.item.as_ref().map(Watermark::of).unwrap_or_default())
    }
}
