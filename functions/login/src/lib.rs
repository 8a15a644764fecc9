//! `POST /api/auth/login`: email and password for an access token and a refresh token (see
//! `shared::services::sign_in`).

use serde::Deserialize;
use shared::config::ConfigError;
use shared::http::{Body, Endpoint, Request, Response, StatusCode, body, context, response};
use shared::services::sign_in::SignIn;
use shared::{ApiError, App};

pub struct Login {
    sign_in: SignIn,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LoginRequest {
    email: String,
    password: String,
}

impl Login {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        Ok(Self { sign_in: SignIn::new(&app.database(), app.token_issuer()?, app.publisher()?)? })
    }
}

impl Endpoint for Login {
    async fn handle(&self, req: Request) -> Result<Response<Body>, ApiError> {
        let request: LoginRequest = body::json(&req)?;
        let tokens = self.sign_in.sign_in(&request.email, &request.password, &context::origin(&req)).await?;
        Ok(response::json(StatusCode::OK, &tokens))
    }
}
