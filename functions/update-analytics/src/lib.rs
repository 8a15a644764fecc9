//! `updateAnalytics`: recomputes the figures of a range of days from the orders table and repairs
//! the counters (see `shared::services::recount`). Fired by the insertion of a refresh request: the
//! hourly schedule's (which names no range: the last week) or an admin's
//! (`POST /api/analytics/refresh`). A request re-delivered recomputes again, which changes nothing.

use std::sync::Arc;

use serde::Deserialize;
use shared::analytics::DayRange;
use shared::calendar::CairoDate;
use shared::clock::Clock;
use shared::config::ConfigError;
use shared::db::AnalyticsRepo;
use shared::services::recount::Recount;
use shared::streams::{StreamRecord, Trigger, new_image};
use shared::{ApiError, App};

pub struct UpdateAnalytics {
    recount: Recount,
    analytics: AnalyticsRepo,
    clock: Arc<dyn Clock>,
}

#[derive(Deserialize)]
struct RefreshRequest {
    sk: String,
    from: Option<CairoDate>,
    to: Option<CairoDate>,
}

impl UpdateAnalytics {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        let db = app.database();
        Ok(Self { recount: Recount::new(&db)?, analytics: AnalyticsRepo::new(&db)?, clock: db.clock() })
    }
}

impl Trigger for UpdateAnalytics {
    async fn handle(&self, record: &StreamRecord) -> Result<(), ApiError> {
        let Some(request) = new_image::<RefreshRequest>(record)? else { return Ok(()) };
        let range = match (request.from, request.to) {
            (Some(from), Some(to)) => DayRange::new(from, to)?,
            _ => DayRange::recent(self.clock.now()),
        };
        let recounted = self.recount.range(range).await?;
        tracing::info!(request = %request.sk, from = %range.from(), to = %range.to(), ?recounted, "analytics recomputed");
        self.analytics.finish_refresh(&request.sk, range, self.clock.now()).await
    }
}
