//! WebSocket `$disconnect`: the connection is forgotten; a user's last one closing tells their
//! partners they went offline. API Gateway sends it on a best-effort basis: the TTL and a 410 from
//! `@connections` end connections too.

use shared::config::ConfigError;
use shared::services::socket_sessions::SocketSessions;
use shared::sockets::{SocketEvent, SocketRoute, connection_id};
use shared::{ApiError, App};

pub struct WsDisconnect {
    sessions: SocketSessions,
}

impl WsDisconnect {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        Ok(Self { sessions: SocketSessions::new(&app.database(), app.live()?)? })
    }
}

impl SocketRoute for WsDisconnect {
    async fn handle(&self, event: &SocketEvent) -> Result<(), ApiError> {
        self.sessions.close(&connection_id(event)?).await
    }
}
