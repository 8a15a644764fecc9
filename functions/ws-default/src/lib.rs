//! WebSocket `$default`: a frame whose `action` no route knows (or that is not JSON) gets an
//! `error` frame naming the actions there are. It answers only the connection it came on, so
//! it needs no table: a connection gone meanwhile is `$disconnect`'s to forget.

use shared::config::ConfigError;
use shared::connections_api::ConnectionsApi;
use shared::error::FieldError;
use shared::sockets::{SocketEvent, SocketRoute, connection_id, refusal};
use shared::{ApiError, App};

pub struct WsDefault {
    api: ConnectionsApi,
}

impl WsDefault {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        Ok(Self { api: app.connections_api()? })
    }
}

impl SocketRoute for WsDefault {
    async fn handle(&self, event: &SocketEvent) -> Result<(), ApiError> {
        let unknown = ApiError::Validation(vec![FieldError::new("action", "must be sendMessage or typing")]);
        self.api.post(&connection_id(event)?, &refusal(None, &unknown).to_json()).await.map(|_| ())
    }
}
