//! A requested refund made through the gateway, once: the request is marked done in the same
//! write that makes its order `refunded`, conditioned on it still being requested. A gateway that
//! cannot be reached fails the attempt so that it is made again; one that says no is recorded,
//! audited and logged for someone to look at (the runbook says how).

use std::sync::Arc;

use crate::accounts::audit::{AuditAction, AuditEntry, Origin, Subject};
use crate::clock::Clock;
use crate::config::ConfigError;
use crate::db::{AuditLog, Database, PaymentRepo};
use crate::error::ApiError;
use crate::payments::{GatewayError, PaymentGateway, RefundRequest, RefundStatus};

pub struct Refunds {
    payments: PaymentRepo,
    audit: AuditLog,
    gateway: Arc<dyn PaymentGateway>,
    clock: Arc<dyn Clock>,
}

impl Refunds {
    pub fn new(db: &Database, gateway: Arc<dyn PaymentGateway>) -> Result<Self, ConfigError> {
        Ok(Self { payments: PaymentRepo::for_refunds(db)?, audit: AuditLog::new(db)?, gateway, clock: db.clock() })
    }

    /// Makes `request`; what became of it, `None` when it was finished before.
    pub async fn make(&self, request: &RefundRequest, origin: &Origin) -> Result<Option<RefundStatus>, ApiError> {
        let (status, note) = match self.gateway.refund(&request.transaction, request.amount).await {
            Ok(receipt) => (
                RefundStatus::Refunded,
                format!(
                    "{}: {}.{:02} {} (transaction {}).",
                    request.reason.note(),
                    request.amount.minor_units / 100,
                    request.amount.minor_units % 100,
                    request.amount.currency,
                    receipt.transaction
                ),
            ),
            Err(GatewayError::Refused(reason)) => {
                tracing::error!(refund = request.key(), %reason, "the gateway refused a refund");
                (RefundStatus::Refused, format!("The gateway refused the refund: {reason}"))
            }
            Err(unreachable @ GatewayError::Unreachable(_)) => return Err(unreachable.into()),
        };
        if !self.payments.finish_refund(request, status, &note, self.clock.now()).await? {
            return Ok(None);
        }
        if status == RefundStatus::Refused {
            let subject = match request.customer {
                Some(customer) => Subject::User(customer),
                None => Subject::Provider(request.provider.as_str()),
            };
            let entry = AuditEntry::new(AuditAction::RefundRefused, subject, origin).with_detail(note);
            self.audit.record(entry).await;
        }
        Ok(Some(status))
    }
}
