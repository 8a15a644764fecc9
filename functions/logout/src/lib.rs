//! `POST /api/auth/logout`: ends the session a refresh token belongs to. Always 204: logging out
//! twice, or with a token that is already gone, leaves the same state.

use serde::Deserialize;
use shared::config::ConfigError;
use shared::http::{Body, Endpoint, Request, Response, StatusCode, body, context};
use shared::services::sign_out::SignOut;
use shared::{ApiError, App};

pub struct Logout {
    sign_out: SignOut,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct LogoutRequest {
    refresh_token: String,
}

impl Logout {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        Ok(Self { sign_out: SignOut::new(&app.database())? })
    }
}

impl Endpoint for Logout {
    async fn handle(&self, req: Request) -> Result<Response<Body>, ApiError> {
        let request: LogoutRequest = body::json(&req)?;
        self.sign_out.sign_out(&request.refresh_token, &context::origin(&req)).await?;
        Ok(Response::builder().status(StatusCode::NO_CONTENT).body(Body::Empty).expect("a static response"))
    }
}
