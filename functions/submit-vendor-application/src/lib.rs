//! `POST /api/vendor-applications`: a verified customer asks to sell. One open application per
//! applicant, enforced by the database; vendors cannot apply again. Its documents are checked
//! uploads of the applicant's, claimed in the same write.

use std::sync::Arc;

use shared::accounts::Role;
use shared::clock::Clock;
use shared::config::ConfigError;
use shared::db::{ApplicationRepo, UploadRepo};
use shared::error::Conflict;
use shared::http::{Authenticator, Body, Endpoint, Request, Response, StatusCode, body, response};
use shared::media::UploadPurpose;
use shared::vendors::application::ApplicationRequest;
use shared::vendors::responses::ApplicationResponse;
use shared::{ApiError, App};

pub struct SubmitVendorApplication {
    auth: Authenticator,
    applications: ApplicationRepo,
    uploads: UploadRepo,
    clock: Arc<dyn Clock>,
}

impl SubmitVendorApplication {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        Ok(Self {
            auth: Authenticator::new(app)?,
            applications: ApplicationRepo::new(&app.database())?,
            uploads: UploadRepo::new(&app.database())?,
            clock: Arc::clone(&app.clock),
        })
    }
}

impl Endpoint for SubmitVendorApplication {
    async fn handle(&self, req: Request) -> Result<Response<Body>, ApiError> {
        let caller = self.auth.caller(&req)?;
        match caller.role {
            Role::Customer => caller.require_verified_email()?,
            Role::Vendor => return Err(ApiError::Conflict(Conflict::ApplicationExists)),
            Role::Admin => return Err(ApiError::Forbidden),
        }
        let application = body::json::<ApplicationRequest>(&req)?.into_application(caller.user_id, self.clock.now())?;
        let uses = application.document_uses();
        let claims = self.uploads.claims(&uses, caller.user_id, UploadPurpose::ApplicationDocument)?;
        self.applications.submit(&application, &claims).await?;
        Ok(response::json(StatusCode::CREATED, &ApplicationResponse { application }))
    }
}
