//! The audit log: security-relevant actions (who, what, when, from where, under which request id),
//! queryable per user. Never passwords or tokens; an address that has no account is recorded by
//! digest only.

use std::sync::Arc;
use std::time::Duration;

use aws_sdk_dynamodb::types::AttributeValue;
use serde::Serialize;

use crate::accounts::Email;
use crate::clock::Clock;
use crate::ids::UserId;

/// Kept a little over a year, then removed by TTL.
const RETENTION: Duration = Duration::from_secs(400 * 24 * 3600);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    Registered,
    EmailVerified,
    LoginSucceeded,
    LoginFailed,
    LoginRateLimited,
    LoggedOut,
    SessionRevokedOnTokenReuse,
    RoleChanged,
}

/// Whom an entry is about.
#[derive(Debug, Clone)]
pub enum Subject<'a> {
    User(UserId),
    /// An address with no account (a failed login for an unknown email).
    Email(&'a Email),
}

#[derive(Debug, Clone)]
pub struct AuditEntry<'a> {
    pub action: AuditAction,
    pub subject: Subject<'a>,
    /// Who acted, when not the subject (an admin changing a role).
    pub actor: Option<UserId>,
    pub request_id: String,
    pub source_ip: String,
    pub detail: Option<String>,
}

impl<'a> AuditEntry<'a> {
    /// An entry about `subject`, acting on their own behalf, in the context of `req`.
    pub fn of(req: &lambda_http::Request, action: AuditAction, subject: Subject<'a>) -> Self {
        Self {
            action,
            subject,
            actor: None,
            request_id: crate::http::context::request_id(req),
            source_ip: crate::http::context::source_ip(req),
            detail: None,
        }
    }
}

#[derive(Clone)]
pub struct AuditLog {
    client: aws_sdk_dynamodb::Client,
    table: String,
    clock: Arc<dyn Clock>,
}

impl AuditLog {
    pub fn new(client: aws_sdk_dynamodb::Client, table: String, clock: Arc<dyn Clock>) -> Self {
        Self { client, table, clock }
    }

    /// Records `entry`. A failure is logged, not returned: the action it describes already happened.
    pub async fn record(&self, entry: AuditEntry<'_>) {
        let now = self.clock.now();
        let pk = match &entry.subject {
            Subject::User(id) => format!("user#{id}"),
            Subject::Email(email) => format!("email#{}", email.digest()),
        };
        let action =
            serde_json::to_value(entry.action).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
        let mut request = self
            .client
            .put_item()
            .table_name(&self.table)
            .item("pk", AttributeValue::S(pk))
            .item("at", AttributeValue::S(format!("{now}#{}", ulid::Ulid::new())))
            .item("action", AttributeValue::S(action))
            .item("requestId", AttributeValue::S(entry.request_id))
            .item("sourceIp", AttributeValue::S(entry.source_ip))
            .item("expiresAt", AttributeValue::N(now.plus(RETENTION).unix_seconds().to_string()));
        if let Some(actor) = entry.actor {
            request = request.item("actor", AttributeValue::S(actor.to_string()));
        }
        if let Some(detail) = entry.detail {
            request = request.item("detail", AttributeValue::S(detail));
        }
        if let Err(error) = request.send().await {
            tracing::error!(error = %aws_sdk_dynamodb::error::DisplayErrorContext(&error), action = ?entry.action, "audit record lost");
        }
    }
}
