//! `POST /api/orders/{id}/status`: moves an order along its lifecycle (see
//! `shared::services::order_moves`). Returning stock on cancellation happens in `onOrderUpdated`.

use serde::Deserialize;
use shared::config::ConfigError;
use shared::fields::text;
use shared::http::{Authenticator, Body, Endpoint, Request, Response, StatusCode, body, path, response};
use shared::ids::OrderId;
use shared::orders::OrderStatus;
use shared::services::order_moves::OrderMoves;
use shared::{ApiError, App};

pub struct UpdateOrderStatus {
    auth: Authenticator,
    moves: OrderMoves,
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
        Ok(Self { auth: Authenticator::new(app)?, moves: OrderMoves::new(&app.database())? })
    }
}

impl Endpoint for UpdateOrderStatus {
    async fn handle(&self, req: Request) -> Result<Response<Body>, ApiError> {
        let caller = self.auth.caller(&req)?;
        let id: OrderId = path::id(&req, "id")?;
        let request: StatusRequest = body::json(&req)?;
        let note =
            request.note.map(|n| text("note", &n, 1, 500)).transpose().map_err(|e| ApiError::Validation(vec![e]))?;
        let moved = self.moves.move_to(&caller, id, request.status, note).await?;
        Ok(response::json(StatusCode::OK, &moved))
    }
}
