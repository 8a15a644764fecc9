//! The vendor applications table.
//!
//! - `application#<id>`: the application (`kind = "application"`, so the `All` index holds only
//!   applications).
//! - `open#<applicantId>`: a guard that exists while the applicant has a pending application, or has
//!   been approved; it is written with the application and removed with a rejection, in the same
//!   transactions, so an applicant can never have two open applications, however many requests
//!   race, and a vendor can never apply again (even before a refreshed token says they are one).
//!
//! Indexes: `ByStatus` (status, id), `ByApplicant` (applicantId, id), `All` (kind, id); ids are
//! ULIDs, so each index lists newest first when read backwards.

use aws_sdk_dynamodb::types::{AttributeValue, Delete, Put, TransactWriteItem, Update};
use serde::Serialize;

use crate::clock::Timestamp;
use crate::config::ConfigError;
use crate::db::Database;
use crate::db::attributes::{Item, pk, s};
use crate::db::index_page::IndexPage;
use crate::db::read::get_consistent;
use crate::db::transaction;
use crate::db::uploads::{Claim, write_claiming};
use crate::error::{ApiError, Conflict};
use crate::ids::{ApplicationId, UserId};
use crate::tables::Table;
use crate::vendors::application::{ApplicationStatus, Decision, DecisionRecord, VendorApplication};

pub const KIND: &str = "application";

#[derive(Clone, Debug)]
pub struct ApplicationRepo {
    client: aws_sdk_dynamodb::Client,
    table: String,
}

/// Which applications to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listing {
    All,
    WithStatus(ApplicationStatus),
    Of(UserId),
}

/// Where the next page starts: the key attributes of the last application read.
pub use crate::db::index_page::Position;

#[derive(Serialize)]
struct Stored<'a> {
    pk: String,
    kind: &'static str,
    #[serde(flatten)]
    application: &'a VendorApplication,
}

fn application_key(id: ApplicationId) -> Item {
    pk(format!("application#{id}"))
}

fn guard_key(applicant: UserId) -> Item {
    pk(format!("open#{applicant}"))
}

impl ApplicationRepo {
    pub fn new(db: &Database) -> Result<Self, ConfigError> {
        Ok(Self { client: db.client(), table: db.table(Table::VendorApplications)? })
    }

    /// Stores a new pending application; 409 `application_exists` if the applicant has one open.
    /// Stores a new application, one open per applicant, with the documents it uses claimed in
    /// the same transaction.
    pub async fn submit(&self, application: &VendorApplication, claims: &[Claim]) -> Result<(), ApiError> {
        let mut guard = guard_key(application.applicant_id);
        guard.insert("applicationId".into(), s(application.id));
        let stored =
            serde_dynamo::to_item(Stored { pk: format!("application#{}", application.id), kind: KIND, application })?;
        let put = |item| {
            Put::builder()
                .table_name(&self.table)
                .set_item(Some(item))
                .condition_expression("attribute_not_exists(pk)")
                .build()
                .map(|p| TransactWriteItem::builder().put(p).build())
                .map_err(ApiError::internal)
        };
        match write_claiming(&self.client, vec![put(guard)?, put(stored)?], claims).await {
            Ok(()) => Ok(()),
            Err(e) if e.failed_at(0) => Err(ApiError::Conflict(Conflict::ApplicationExists)),
            Err(e) => Err(e.into()),
        }
    }

    pub async fn get(&self, id: ApplicationId) -> Result<Option<VendorApplication>, ApiError> {
        get_consistent(&self.client, &self.table, application_key(id)).await
    }

    /// Up to `limit` applications, newest first, starting after `start`.
    pub async fn list(
        &self,
        listing: Listing,
        limit: i32,
        start: Option<Position>,
    ) -> Result<(Vec<VendorApplication>, Option<Position>), ApiError> {
        let (index, attribute, value) = match listing {
            Listing::All => ("All", "kind", KIND.to_owned()),
            Listing::WithStatus(status) => ("ByStatus", "status", status.as_str().to_owned()),
            Listing::Of(applicant) => ("ByApplicant", "applicantId", applicant.to_string()),
        };
        IndexPage { table: &self.table, index, key: (attribute, value), filter: None, limit, start }
            .read(&self.client)
            .await
    }

    /// Records `decision` on a pending application and closes its guard, atomically: of two admins
    /// deciding at once, exactly one succeeds; the other gets 409 `invalid_transition`.
    pub async fn decide(
        &self,
        application: &VendorApplication,
        decision: Decision,
        reason: Option<String>,
        by: UserId,
        at: Timestamp,
    ) -> Result<VendorApplication, ApiError> {
        let record = DecisionRecord { decision, reason, decided_by: by, decided_at: at };
        let outcome = decision.outcome();
        let update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(application_key(application.id)))
            .update_expression("SET #status = :to, decision = :decision, updatedAt = :at")
            .condition_expression("#status = :pending")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":to", s(outcome.as_str()))
            .expression_attribute_values(":pending", s(ApplicationStatus::Pending.as_str()))
            .expression_attribute_values(":decision", AttributeValue::M(serde_dynamo::to_item(&record)?))
            .expression_attribute_values(":at", s(at))
            .build()
            .map_err(ApiError::internal)?;
        let mut items = vec![TransactWriteItem::builder().update(update).build()];
        if decision == Decision::Reject {
            // A rejected applicant may try again; an approved one stays guarded.
            let close = Delete::builder()
                .table_name(&self.table)
                .set_key(Some(guard_key(application.applicant_id)))
                .build()
                .map_err(ApiError::internal)?;
            items.push(TransactWriteItem::builder().delete(close).build());
        }
        match transaction::write(&self.client, items).await {
            Ok(()) => {
                Ok(VendorApplication { status: outcome, decision: Some(record), updated_at: at, ..application.clone() })
            }
            Err(e) if e.failed_at(0) => {
                let current = self.get(application.id).await?.map_or(application.status, |a| a.status);
                Err(ApiError::Conflict(Conflict::InvalidTransition {
                    from: current.as_str().into(),
                    to: outcome.as_str().into(),
                }))
            }
            Err(e) => Err(e.into()),
        }
    }
}
