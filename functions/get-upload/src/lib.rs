//! `GET /api/uploads/{id}`: an upload's status (`pending`, `ready`, `rejected` with its reason)
//! and, for a ready photo, its renditions' URLs; its owner only, anyone else 404.

use shared::config::ConfigError;
use shared::db::UploadRepo;
use shared::http::{Authenticator, Body, Endpoint, Request, Response, StatusCode, path, response};
use shared::ids::UploadId;
use shared::media::MediaUrls;
use shared::{ApiError, App};

pub struct GetUpload {
    auth: Authenticator,
    uploads: UploadRepo,
    media: MediaUrls,
}

impl GetUpload {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        Ok(Self {
            auth: Authenticator::new(app)?,
            uploads: UploadRepo::new(&app.database())?,
            media: app.media_urls()?,
        })
    }
}

impl Endpoint for GetUpload {
    async fn handle(&self, req: Request) -> Result<Response<Body>, ApiError> {
        let caller = self.auth.caller(&req)?;
        let id: UploadId = path::id(&req, "id")?;
        let upload = self.uploads.get(id).await?.filter(|u| u.owner_id == caller.user_id).ok_or(ApiError::NotFound)?;
        Ok(response::json_tagged(StatusCode::OK, &upload.view(&self.media), "no-store"))
    }
}
