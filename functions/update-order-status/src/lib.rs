//! `POST /api/orders/{id}/status`: moves an order along its lifecycle (see
//! `shared::orders::transitions`), with the move appended to its history; any other move is 409
//! `invalid_transition`. Returning stock on cancellation happens in `onOrderUpdated`.

use std::sync::Arc;

use serde::Deserialize;
use shared::clock::Clock;
use shared::config::ConfigError;
use shared::db::OrderRepo;
use shared::error::Conflict;
use shared::fields::text;
use shared::http::{Authenticator, Body, Endpoint, Request, Response, StatusCode, body, path, response};
use shared::ids::OrderId;
use shared::orders::OrderStatus;
use shared::orders::transitions::allowed;
use shared::{ApiError, App};

pub struct UpdateOrderStatus {
    auth: Authenticator,
    orders: OrderRepo,
    clock: Arc<dyn Clock>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StatusRequest {
    status: OrderStatus,
    #[serde(default)]
    note: Option<String>,
}

impl UpdateOrderStatus {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        Ok(Self {
            auth: Authenticator::new(app)?,
            orders: OrderRepo::new(&app.database())?,
            clock: Arc::clone(&app.clock),
        })
    }
}

impl Endpoint for UpdateOrderStatus {
    async fn handle(&self, req: Request) -> Result<Response<Body>, ApiError> {
        let caller = self.auth.caller(&req)?;
        let id: OrderId = path::id(&req, "id")?;
        let request: StatusRequest = body::json(&req)?;
        let note =
            request.note.map(|n| text("note", &n, 1, 500)).transpose().map_err(|e| ApiError::Validation(vec![e]))?;
        let order = self.orders.get(id).await?.ok_or(ApiError::NotFound)?;
        caller.ensure_can_see(&[order.customer_id, order.vendor_id])?;
        if !allowed(order.status, request.status, caller.role) {
            let (from, to) = (order.status.as_str().into(), request.status.as_str().into());
            return Err(ApiError::Conflict(Conflict::InvalidTransition { from, to }));
        }
        let moved = self.orders.transition(&order, request.status, caller.user_id, note, self.clock.now()).await?;
        Ok(response::json(StatusCode::OK, &moved))
    }
}
