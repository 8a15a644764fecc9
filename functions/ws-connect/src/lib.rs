//! WebSocket `$connect`: a client with a valid access token in the query string (`?token=`) is
//! admitted and its connection remembered for API Gateway's 2 hours; anyone else is refused
//! with 401 before the socket opens. A user's first connection tells their partners they are online.

use shared::config::ConfigError;
use shared::http::Authenticator;
use shared::services::socket_sessions::SocketSessions;
use shared::sockets::{SocketEvent, SocketRoute, connection_id};
use shared::{ApiError, App};

pub struct WsConnect {
    auth: Authenticator,
    sessions: SocketSessions,
}

impl WsConnect {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        Ok(Self { auth: Authenticator::new(app)?, sessions: SocketSessions::new(&app.database(), app.live()?)? })
    }
}

impl SocketRoute for WsConnect {
    async fn handle(&self, event: &SocketEvent) -> Result<(), ApiError> {
        let token = event.query_string_parameters.first("token").ok_or(ApiError::Unauthorized)?;
        let caller = self.auth.caller_of(token)?;
        self.sessions.open(&connection_id(event)?, caller.user_id).await
    }
}
