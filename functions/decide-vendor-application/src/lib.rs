//! `POST /api/vendor-applications/{id}/decision`: an admin approves or rejects a pending
//! application. What approval does (the applicant becomes a vendor with a public profile, and is
//! told) happens in the `onVendorApplicationUpdated` trigger.

use std::sync::Arc;

use shared::accounts::Role;
use shared::clock::Clock;
use shared::config::ConfigError;
use shared::db::ApplicationRepo;
use shared::http::{Authenticator, Body, Endpoint, Request, Response, StatusCode, body, path, response};
use shared::ids::ApplicationId;
use shared::vendors::application::DecisionRequest;
use shared::vendors::responses::ApplicationResponse;
use shared::{ApiError, App};

pub struct DecideVendorApplication {
    auth: Authenticator,
    applications: ApplicationRepo,
    clock: Arc<dyn Clock>,
}

impl DecideVendorApplication {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        Ok(Self {
            auth: Authenticator::new(app)?,
            applications: ApplicationRepo::new(&app.database())?,
            clock: Arc::clone(&app.clock),
        })
    }
}

impl Endpoint for DecideVendorApplication {
    async fn handle(&self, req: Request) -> Result<Response<Body>, ApiError> {
        let caller = self.auth.caller(&req)?;
        caller.require_role(&[Role::Admin])?;
        let id: ApplicationId = path::id(&req, "id")?;
        let (decision, reason) = body::json::<DecisionRequest>(&req)?.parse()?;
        let application = self.applications.get(id).await?.ok_or(ApiError::NotFound)?;
        let decided =
            self.applications.decide(&application, decision, reason, caller.user_id, self.clock.now()).await?;
        Ok(response::json(StatusCode::OK, &ApplicationResponse { application: decided }))
    }
}
