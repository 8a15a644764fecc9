//! `POST /api/payments/paymob/webhook`: Paymob's transaction-processed callback. No access token:
//! only a callback whose `hmac` is Paymob's signature under the marketplace's secret is believed
//! (401 and an audit record otherwise). A believed one is applied to its checkout once (see
//! `shared::services::payment_settlement`) and answered 200, so that Paymob stops retrying.

use std::sync::Arc;
use std::time::Duration;

use shared::accounts::audit::{AuditAction, AuditEntry, Subject};
use shared::clock::{Clock, Timestamp};
use shared::config::ConfigError;
use shared::db::AuditLog;
use shared::http::body::MAX_BODY_BYTES;
use shared::http::{Body, Endpoint, Request, Response, StatusCode, context, query, response};
use shared::metrics::{Metric, Metrics};
use shared::payments::paymob::{Callback, HmacSecret};
use shared::payments::provider::Provider;
use shared::payments::{RefundReason, Settlement};
use shared::services::payment_settlement::{PaymentSettlement, Settled};
use shared::{ApiError, App};

pub struct PaymobWebhook {
    secret: HmacSecret,
    settlement: PaymentSettlement,
    audit: AuditLog,
    metrics: Metrics,
    clock: Arc<dyn Clock>,
}

impl PaymobWebhook {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        let db = app.database();
        Ok(Self {
            secret: app.paymob_hmac_secret()?,
            settlement: PaymentSettlement::new(&db)?,
            audit: AuditLog::new(&db)?,
            metrics: app.metrics(),
            clock: db.clock(),
        })
    }
}

impl Endpoint for PaymobWebhook {
    async fn handle(&self, req: Request) -> Result<Response<Body>, ApiError> {
        let hmac = query::parse(&req, &["hmac"])?.raw("hmac").map(str::to_owned);
        let bytes: &[u8] = req.body().as_ref();
        if bytes.len() > MAX_BODY_BYTES {
            return Err(ApiError::PayloadTooLarge { limit: MAX_BODY_BYTES });
        }
        let callback = Callback::parse(bytes).map_err(|e| ApiError::validation("body", e.to_string()))?;
        let transaction = callback.unverified().id;
        let Ok(verified) = callback.verify(&self.secret, hmac.as_deref()) else {
            let detail = format!("unverified callback naming transaction {transaction}");
            let entry = AuditEntry::new(
                AuditAction::PaymentCallbackRejected,
                Subject::Provider(Provider::Paymob.as_str()),
                &context::origin(&req),
            );
            self.audit.record(entry.with_detail(detail)).await;
            return Err(ApiError::Unauthorized);
        };
        // A payment still pending settles nothing yet; Paymob calls again when it settles.
        if let Some(outcome) = verified.outcome()
            && let Settled::Applied { settlement, payment } =
                self.settlement.apply(&outcome, &context::origin(&req)).await?
        {
            self.count(settlement, payment.map(|p| p.created_at));
        }
        Ok(response::json(StatusCode::OK, &serde_json::json!({ "received": true })))
    }
}

impl PaymobWebhook {
    fn count(&self, settlement: Settlement, opened: Option<Timestamp>) {
        match settlement {
            Settlement::Pay => {
                self.metrics.count(Metric::PaymentsSucceeded, 1);
                if let Some(opened) = opened {
                    let waited = self.clock.now().unix_millis().saturating_sub(opened.unix_millis());
                    self.metrics.duration(Metric::TimeToPayment, Duration::from_millis(waited.max(0) as u64));
                }
            }
            Settlement::Fail => self.metrics.count_because(Metric::PaymentsFailed, "declined"),
            Settlement::Refund(RefundReason::AmountMismatch) => {
                self.metrics.count_because(Metric::PaymentsFailed, RefundReason::AmountMismatch.as_str())
            }
            Settlement::Refund(_) | Settlement::Record => {}
        }
    }
}
