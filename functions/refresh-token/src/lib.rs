//! `POST /api/auth/refresh`: a refresh token for a new pair, rotating it (see
//! `shared::services::token_refresh`).

use serde::Deserialize;
use shared::config::ConfigError;
use shared::http::{Body, Endpoint, Request, Response, StatusCode, body, context, response};
use shared::services::token_refresh::TokenRefresh;
use shared::{ApiError, App};

pub struct RefreshToken {
    refresh: TokenRefresh,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RefreshRequest {
    refresh_token: String,
}

impl RefreshToken {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        Ok(Self { refresh: TokenRefresh::new(&app.database(), app.token_issuer()?)? })
    }
}

impl Endpoint for RefreshToken {
    async fn handle(&self, req: Request) -> Result<Response<Body>, ApiError> {
        let request: RefreshRequest = body::json(&req)?;
        let tokens = self.refresh.refresh(&request.refresh_token, &context::origin(&req)).await?;
        Ok(response::json(StatusCode::OK, &tokens))
    }
}
