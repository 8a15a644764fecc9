//! `DELETE /api/me`: the caller closes their account, confirming with their password (see
//! `shared::services::account_closure`).

use serde::Deserialize;
use shared::config::ConfigError;
use shared::http::{Authenticator, Body, Endpoint, Request, Response, StatusCode, body, context, response};
use shared::services::account_closure::AccountClosure;
use shared::{ApiError, App};

pub struct DeleteMe {
    auth: Authenticator,
    closure: AccountClosure,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClosureRequest {
    password: String,
}

impl DeleteMe {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        Ok(Self { auth: Authenticator::new(app)?, closure: AccountClosure::new(&app.database(), app.publisher()?)? })
    }
}

impl Endpoint for DeleteMe {
    async fn handle(&self, req: Request) -> Result<Response<Body>, ApiError> {
        let caller = self.auth.caller(&req)?;
        let request: ClosureRequest = body::json(&req)?;
        self.closure.close(&caller, &request.password, &context::origin(&req)).await?;
        Ok(response::empty(StatusCode::NO_CONTENT))
    }
}
