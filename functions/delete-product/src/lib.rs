//! `DELETE /api/products/{id}`: its vendor (or an admin) archives the product. It is kept for the
//! orders that name it, but never shown again: 404 by id, gone from listings and search.

use shared::accounts::Role;
use shared::catalog::Product;
use shared::config::ConfigError;
use shared::http::{Authenticator, Body, Endpoint, Request, Response, StatusCode, path};
use shared::ids::ProductId;
use shared::services::product_edit::ProductEditor;
use shared::{ApiError, App};

pub struct DeleteProduct {
    auth: Authenticator,
    editor: ProductEditor,
}

impl DeleteProduct {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        Ok(Self { auth: Authenticator::new(app)?, editor: ProductEditor::new(&app.database())? })
    }
}

impl Endpoint for DeleteProduct {
    async fn handle(&self, req: Request) -> Result<Response<Body>, ApiError> {
        let caller = self.auth.caller(&req)?;
        caller.require_role(&[Role::Vendor, Role::Admin])?;
        let id: ProductId = path::id(&req, "id")?;
        self.editor.edit(&caller, id, &[], |current, now| Ok(Product::archived(current, now))).await?;
        Ok(Response::builder().status(StatusCode::NO_CONTENT).body(Body::Empty).expect("a static response"))
    }
}
