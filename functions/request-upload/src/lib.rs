//! `POST /api/uploads`: a presigned PUT for one product photo (vendors) or vendor-application
//! document (verified users), into the media bucket's private quarantine, valid 15 minutes. The
//! file is usable once `onUploadReceived` has checked it (`GET /api/uploads/{id}`).

use shared::config::ConfigError;
use shared::http::{Authenticator, Body, Endpoint, Request, Response, StatusCode, body, header, response};
use shared::media::UploadRequest;
use shared::services::upload_desk::UploadDesk;
use shared::{ApiError, App};

pub struct RequestUpload {
    auth: Authenticator,
    desk: UploadDesk,
}

impl RequestUpload {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        Ok(Self { auth: Authenticator::new(app)?, desk: UploadDesk::new(&app.database(), app.media_bucket()?)? })
    }
}

impl Endpoint for RequestUpload {
    async fn handle(&self, req: Request) -> Result<Response<Body>, ApiError> {
        let caller = self.auth.caller(&req)?;
        let requested = self.desk.request(&caller, body::json::<UploadRequest>(&req)?).await?;
        let mut created = response::json(StatusCode::CREATED, &requested);
        let location = format!("/api/uploads/{}", requested.id).parse().expect("a path is a valid header value");
        created.headers_mut().insert(header::LOCATION, location);
        Ok(created)
    }
}
