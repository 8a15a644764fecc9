//! The audit log as stored, read straight from its table.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use shared::tables::Table;

use crate::TestMarketplace;

impl TestMarketplace {
    /// The audit entries under partition `pk` (`user#<id>` or `email#<digest>`), oldest first.
    pub async fn audit_entries(&self, pk: &str) -> Vec<HashMap<String, AttributeValue>> {
        let app = self.app();
        app.dynamodb
            .query()
            .table_name(app.config.table(Table::AuditLog).unwrap())
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(":pk", AttributeValue::S(pk.to_owned()))
            .send()
            .await
            .unwrap()
            .items
            .unwrap()
    }
}
