//! `PATCH /api/products/{id}`: its vendor (or an admin) changes some fields, with `If-Match` for
//! the version the client saw (see `shared::services::product_edit`).

use shared::accounts::Role;
use shared::catalog::product_input::ProductPatch;
use shared::config::ConfigError;
use shared::http::{Authenticator, Body, Endpoint, Request, Response, StatusCode, body, header, path, response};
use shared::ids::ProductId;
use shared::media::MediaUrls;
use shared::services::product_edit::ProductEditor;
use shared::{ApiError, App};

pub struct UpdateProduct {
    auth: Authenticator,
    editor: ProductEditor,
    media: MediaUrls,
}

impl UpdateProduct {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        Ok(Self {
            auth: Authenticator::new(app)?,
            editor: ProductEditor::with_uploads(&app.database())?,
            media: app.media_urls()?,
        })
    }
}

impl Endpoint for UpdateProduct {
    async fn handle(&self, req: Request) -> Result<Response<Body>, ApiError> {
        let caller = self.auth.caller(&req)?;
        caller.require_role(&[Role::Vendor, Role::Admin])?;
        let id: ProductId = path::id(&req, "id")?;
        let if_match: Vec<&str> =
            req.headers().get_all(header::IF_MATCH).iter().filter_map(|v| v.to_str().ok()).collect();
        // The body is read once the product is known to be the caller's: a stranger learns nothing.
        let change = |current: &_, now| body::json::<ProductPatch>(&req)?.apply(current, now, &self.media);
        let updated = self.editor.edit_using(&caller, id, &if_match, change).await?;
        Ok(response::json_tagged(StatusCode::OK, &updated, "no-cache"))
    }
}
