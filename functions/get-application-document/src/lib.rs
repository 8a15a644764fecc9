//! `GET /api/vendor-applications/{id}/documents/{uploadId}`: a document of an application, for
//! its applicant or an admin (anyone else 404), as a 302 to a presigned GET valid five minutes:
//! documents stay private in the bucket, and no one keeps a lasting link to them.

use std::sync::Arc;

use shared::bucket::MediaBucket;
use shared::clock::Clock;
use shared::config::ConfigError;
use shared::db::{ApplicationRepo, UploadRepo};
use shared::http::{Authenticator, Body, Endpoint, Request, Response, StatusCode, header, path};
use shared::ids::{ApplicationId, UploadId};
use shared::media::upload::DOCUMENT_URL_LIFETIME;
use shared::{ApiError, App};

pub struct GetApplicationDocument {
    auth: Authenticator,
    applications: ApplicationRepo,
    uploads: UploadRepo,
    bucket: MediaBucket,
    clock: Arc<dyn Clock>,
}

impl GetApplicationDocument {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        Ok(Self {
            auth: Authenticator::new(app)?,
            applications: ApplicationRepo::new(&app.database())?,
            uploads: UploadRepo::new(&app.database())?,
            bucket: app.media_bucket()?,
            clock: Arc::clone(&app.clock),
        })
    }
}

impl Endpoint for GetApplicationDocument {
    async fn handle(&self, req: Request) -> Result<Response<Body>, ApiError> {
        let caller = self.auth.caller(&req)?;
        let id: ApplicationId = path::id(&req, "id")?;
        let document: UploadId = path::id(&req, "uploadId")?;
        let application = self.applications.get(id).await?.ok_or(ApiError::NotFound)?;
        caller.ensure_can_see(&[application.applicant_id])?;
        if !application.documents.contains(&document) {
            return Err(ApiError::NotFound);
        }
        let upload = self.uploads.get(document).await?.ok_or(ApiError::NotFound)?;
        let filename = format!("{}.{}", upload.id, upload.media_type.extension());
        let signed =
            self.bucket.presign_get(&upload.document_key(), &filename, self.clock.now(), DOCUMENT_URL_LIFETIME).await?;
        let found = Response::builder()
            .status(StatusCode::FOUND)
            .header(header::LOCATION, signed.url)
            .header(header::CACHE_CONTROL, "no-store")
            .body(Body::Empty);
        found.map_err(ApiError::internal)
    }
}
