//! `POST /api/auth/login`: email and password for an access token and a refresh token (see
//! `shared::services::sign_in`).

use serde::Deserialize;
use shared::config::ConfigError;
use shared::http::{Body, Endpoint, Request, Response, StatusCode, body, context, response};
use shared::metrics::{Metric, Metrics};
use shared::services::sign_in::SignIn;
use shared::{ApiError, App};

pub struct Login {
    sign_in: SignIn,
    metrics: Metrics,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LoginRequest {
    email: String,
    password: String,
}

impl Login {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        Ok(Self {
            sign_in: SignIn::new(&app.database(), app.token_issuer()?, app.publisher()?)?,
            metrics: app.metrics(),
        })
    }
}

impl Endpoint for Login {
    async fn handle(&self, req: Request) -> Result<Response<Body>, ApiError> {
        let request: LoginRequest = body::json(&req)?;
        let signed_in = self.sign_in.sign_in(&request.email, &request.password, &context::origin(&req)).await;
        if let Err(refused @ (ApiError::InvalidCredentials | ApiError::RateLimited { .. })) = &signed_in {
            self.metrics.count_because(Metric::LoginsFailed, refused.code());
        }
        let tokens = signed_in?;
        Ok(response::json(StatusCode::OK, &tokens))
    }
}
