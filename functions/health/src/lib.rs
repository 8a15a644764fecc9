//! `GET /api/health`: is the service up, and can it reach its database?

use serde::Serialize;
use shared::config::ConfigError;
use shared::db::Database;
use shared::http::{Body, Endpoint, Request, Response, StatusCode, header, response};
use shared::tables::Table;
use shared::{ApiError, App};

pub struct Health {
    db: Database,
    /// The table the ping reads (any table answers for the database).
    table: String,
}

#[derive(Serialize)]
struct Report {
    status: &'static str,
    version: &'static str,
    checks: Checks,
}

#[derive(Serialize)]
struct Checks {
    database: &'static str,
}

/// Load balancers and monitors retry a degraded service after this long.
const RETRY_AFTER_SECS: u32 = 5;

impl Health {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        let db = app.database();
        Ok(Self { table: db.table(Table::Categories)?, db })
    }
}

impl Endpoint for Health {
    async fn handle(&self, _req: Request) -> Result<Response<Body>, ApiError> {
        let database_up = self.db.ping(&self.table).await.is_ok();
        let (status, report) = if database_up {
            (StatusCode::OK, Report { status: "ok", version: shared::VERSION, checks: Checks { database: "ok" } })
        } else {
            let report =
                Report { status: "degraded", version: shared::VERSION, checks: Checks { database: "unavailable" } };
            (StatusCode::SERVICE_UNAVAILABLE, report)
        };
        let mut response = response::json(status, &report);
        response.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
        if !database_up {
            response.headers_mut().insert(header::RETRY_AFTER, RETRY_AFTER_SECS.into());
        }
        Ok(response)
    }
}
