//! `GET /api/orders/{id}`: the order, for its customer, its vendor or an admin; anyone else 404.

use shared::config::ConfigError;
use shared::db::OrderRepo;
use shared::http::{Authenticator, Body, Endpoint, Request, Response, StatusCode, path, response};
use shared::ids::OrderId;
use shared::{ApiError, App};

pub struct GetOrder {
    auth: Authenticator,
    orders: OrderRepo,
}

impl GetOrder {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        Ok(Self { auth: Authenticator::new(app)?, orders: OrderRepo::new(&app.database())? })
    }
}

impl Endpoint for GetOrder {
    async fn handle(&self, req: Request) -> Result<Response<Body>, ApiError> {
        let caller = self.auth.caller(&req)?;
        let id: OrderId = path::id(&req, "id")?;
        let order = self.orders.get(id).await?.ok_or(ApiError::NotFound)?;
        caller.ensure_can_see(&[order.customer_id, order.vendor_id])?;
        Ok(response::json(StatusCode::OK, &order))
    }
}
