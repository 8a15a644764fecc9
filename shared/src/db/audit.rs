//! The audit log table: entries of [`crate::accounts::audit`], queryable per user
//! (`pk = user#<id>` or `email#<digest>`, `at = <time>#<ulid>`), removed by TTL after a year.

use std::sync::Arc;
use std::time::Duration;

use crate::accounts::audit::{AuditEntry, Subject};
use crate::clock::Clock;
use crate::config::ConfigError;
use crate::db::Database;
use crate::db::attributes::{n, s};
use crate::tables::Table;

/// Kept a little over a year, then removed by TTL.
const RETENTION: Duration = Duration::from_secs(400 * 24 * 3600);

#[derive(Clone)]
pub struct AuditLog {
    client: aws_sdk_dynamodb::Client,
    table: String,
    clock: Arc<dyn Clock>,
}

impl AuditLog {
    pub fn new(db: &Database) -> Result<Self, ConfigError> {
        Ok(Self { client: db.client(), table: db.table(Table::AuditLog)?, clock: db.clock() })
    }

    /// Records `entry`. A failure is logged, not returned: the action it describes already happened.
    pub async fn record(&self, entry: AuditEntry<'_>) {
        let now = self.clock.now();
        let pk = match &entry.subject {
            Subject::User(id) => format!("user#{id}"),
            Subject::Email(email) => format!("email#{}", email.digest()),
            Subject::Provider(provider) => format!("provider#{provider}"),
        };
        let mut request = self
            .client
            .put_item()
            .table_name(&self.table)
            .item("pk", s(pk))
            .item("at", s(format!("{now}#{}", ulid::Ulid::new())))
            .item("action", s(entry.action.as_str()))
            .item("requestId", s(&entry.origin.request_id))
            .item("sourceIp", s(&entry.origin.source_ip))
            .item("expiresAt", n(now.plus(RETENTION).unix_seconds()));
        if let Some(actor) = entry.actor {
            request = request.item("actor", s(actor));
        }
        if let Some(detail) = entry.detail {
            request = request.item("detail", s(detail));
        }
        if let Err(error) = request.send().await {
            tracing::error!(error = %aws_sdk_dynamodb::error::DisplayErrorContext(&error), action = ?entry.action, "audit record lost");
        }
    }
}
