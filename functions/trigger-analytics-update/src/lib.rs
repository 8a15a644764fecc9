//! `POST /api/analytics/refresh[?from=&to=]` (admins): asks for the figures of a range of days
//! (by default the last week) to be recomputed from the orders table, and answers 202 at once.
//! The request is an item whose insertion fires `updateAnalytics`, the function the hourly
//! schedule also fires the same way, so the work never runs inside this request.

use std::sync::Arc;

use serde::Serialize;
use shared::accounts::Role;
use shared::analytics::DayRange;
use shared::calendar::CairoDate;
use shared::clock::Clock;
use shared::config::ConfigError;
use shared::db::AnalyticsRepo;
use shared::http::{Authenticator, Body, Endpoint, Request, Response, StatusCode, query, response};
use shared::ids::RefreshId;
use shared::{ApiError, App};

pub struct TriggerAnalyticsUpdate {
    auth: Authenticator,
    analytics: AnalyticsRepo,
    clock: Arc<dyn Clock>,
}

#[derive(Serialize)]
struct Accepted {
    id: RefreshId,
    from: CairoDate,
    to: CairoDate,
}

impl TriggerAnalyticsUpdate {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        let db = app.database();
        Ok(Self { auth: Authenticator::new(app)?, analytics: AnalyticsRepo::new(&db)?, clock: db.clock() })
    }
}

impl Endpoint for TriggerAnalyticsUpdate {
    async fn handle(&self, req: Request) -> Result<Response<Body>, ApiError> {
        let caller = self.auth.caller(&req)?;
        caller.require_role(&[Role::Admin])?;
        let params = query::parse(&req, &["from", "to"])?;
        let now = self.clock.now();
        let range = DayRange::optional(&params)?.unwrap_or_else(|| DayRange::recent(now));
        let id = RefreshId::new();
        self.analytics.request_refresh(&id.to_string(), range, &caller.user_id.to_string(), now).await?;
        Ok(response::json(StatusCode::ACCEPTED, &Accepted { id, from: range.from(), to: range.to() }))
    }
}
