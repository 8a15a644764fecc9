//! `POST /api/auth/register`: a new customer account, unverified, and a verification code sent
//! through the notification channel (see `shared::services::registrar`).

use shared::accounts::registration::{RegisterRequest, Registration};
use shared::accounts::session_tokens::UserResponse;
use shared::config::ConfigError;
use shared::http::{Body, Endpoint, Request, Response, StatusCode, body, context, response};
use shared::metrics::{Metric, Metrics};
use shared::services::registrar::Registrar;
use shared::{ApiError, App};

pub struct RegisterUser {
    registrar: Registrar,
    metrics: Metrics,
}

impl RegisterUser {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        Ok(Self { registrar: Registrar::new(&app.database(), app.publisher()?)?, metrics: app.metrics() })
    }
}

impl Endpoint for RegisterUser {
    async fn handle(&self, req: Request) -> Result<Response<Body>, ApiError> {
        let registration = Registration::try_from(body::json::<RegisterRequest>(&req)?)?;
        let user = self.registrar.register(registration, &context::origin(&req)).await?;
        self.metrics.count(Metric::Registrations, 1);
        Ok(response::json(StatusCode::CREATED, &UserResponse { user }))
    }
}
