//! `GET /api/analytics?from=&to=`: the figures of a range of Cairo days, the marketplace's for
//! admins and their own for vendors (customers 403), read from the counters the triggers keep.

use shared::analytics::{DayRange, Scope};
use shared::config::ConfigError;
use shared::db::AnalyticsRepo;
use shared::http::{Authenticator, Body, Endpoint, Request, Response, StatusCode, query, response};
use shared::{ApiError, App};

pub struct GetAnalytics {
    auth: Authenticator,
    analytics: AnalyticsRepo,
}

impl GetAnalytics {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        Ok(Self { auth: Authenticator::new(app)?, analytics: AnalyticsRepo::new(&app.database())? })
    }
}

impl Endpoint for GetAnalytics {
    async fn handle(&self, req: Request) -> Result<Response<Body>, ApiError> {
        let scope = Scope::of(&self.auth.caller(&req)?)?;
        let params = query::parse(&req, &["from", "to"])?;
        let range = DayRange::required(&params)?;
        let report = self.analytics.report(scope, range).await?;
        Ok(response::json(StatusCode::OK, &report))
    }
}
