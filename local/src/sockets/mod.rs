//! Plays API Gateway's WebSocket API on the runner's port: clients open connections at
//! [`PATH`], each route of the template's WebSocket API is served by calling its function
//! in-process with the events API Gateway sends (`$connect` decides whether the upgrade is
//! accepted, each text frame goes to the route its `action` names or to `$default`, and
//! `$disconnect` hears of every close), and the functions reach the clients through
//! `@connections` below [`ENDPOINT_PATH`], as their `CONNECTIONS_ENDPOINT`.

mod connections;
mod events;
mod handshake;
mod ids;
mod management;
mod routes;
mod session;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::{StatusCode, header};
use http_body_util::Full;
use tokio::sync::watch;

pub use connections::{ConnectionInfo, Connections, Gone};
pub use events::{CONNECT, DEFAULT, DISCONNECT};
pub use management::{ENDPOINT_PATH, MAX_POST_BYTES};
pub use routes::SocketRoutes;

use events::Api;
use routes::invoke;
use session::Session;

/// Where clients open connections: the runner's stand-in for `wss://{api}.execute-api.../{stage}`.
pub const PATH: &str = "/ws";

/// The functions' `CONNECTIONS_ENDPOINT` for a runner serving at `url`.
pub fn endpoint(url: &str) -> String {
    format!("{url}{ENDPOINT_PATH}")
}

/// Whether `path` is one of `@connections`.
pub fn serves_connections(path: &str) -> bool {
    management::serves(path)
}

/// API Gateway's limits on a connection.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// A connection is closed this long after it opened, whatever it does.
    pub max_lifetime: Duration,
    /// A connection is closed after this long without a frame from its client.
    pub idle_timeout: Duration,
    /// A bigger frame from a client closes its connection with 1009.
    pub max_message_bytes: usize,
}

impl Default for Limits {
    /// API Gateway's: 2 hours, 10 minutes idle, 128 KiB.
    fn default() -> Self {
        Self {
            max_lifetime: Duration::from_secs(2 * 60 * 60),
            idle_timeout: Duration::from_secs(10 * 60),
            max_message_bytes: 128 * 1024,
        }
    }
}

type Response = http::Response<Full<Bytes>>;

/// The WebSocket API; clones share its connections.
#[derive(Clone)]
pub struct SocketGateway {
    api: Arc<Api>,
    routes: Arc<SocketRoutes>,
    connections: Connections,
    limits: Limits,
    stopping: Arc<watch::Sender<bool>>,
}

impl SocketGateway {
    /// The API of stage `stage` serving `routes`, over the registry `connections`.
    pub fn new(stage: impl Into<String>, routes: SocketRoutes, connections: Connections, limits: Limits) -> Self {
        Self {
            api: Arc::new(Api { stage: stage.into() }),
            routes: Arc::new(routes),
            connections,
            limits,
            stopping: Arc::new(watch::channel(false).0),
        }
    }

    /// The open connections.
    pub fn connections(&self) -> &Connections {
        &self.connections
    }

    /// How many connections are open.
    pub fn open_connections(&self) -> usize {
        self.connections.len()
    }

    /// Closes every connection with 1001 (Going away), and every one opened from now on.
    pub fn stop(&self) {
        self.stopping.send_replace(true);
    }

    /// Answers the upgrade request `request` from `source`: `$connect` decides, and an accepted
    /// connection goes on in a task of its own once the client has switched protocols. The
    /// server must serve the connection with upgrades (`serve_connection(..).with_upgrades()`).
    pub async fn upgrade<B>(&self, mut request: http::Request<B>, source: SocketAddr) -> Response {
        if self.routes.is_empty() {
            return handshake::json(StatusCode::NOT_FOUND, "Not Found");
        }
        let upgrade = hyper::upgrade::on(&mut request);
        let (parts, _) = request.into_parts();
        let key = match handshake::key(&parts) {
            Ok(key) => key.clone(),
            Err(not_an_upgrade) => return not_an_upgrade.answer(),
        };
        let header = |name| parts.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let connection = Arc::new(ConnectionInfo::new(
            ids::random_id(),
            source.ip().to_string(),
            header(header::USER_AGENT),
            header(header::HOST),
        ));
        let mut protocol = None;
        if let Some(connect) = self.routes.get(CONNECT) {
            let answer = invoke(connect, events::connect(&self.api, &connection, &parts)).await;
            if !(200..300).contains(&answer.status_code) {
                return handshake::refused(answer.status_code);
            }
            // A client asking for subprotocols gets the one `$connect` chose.
            protocol = answer.headers.get(header::SEC_WEBSOCKET_PROTOCOL).cloned();
        }
        let orders = self.connections.open(Arc::clone(&connection));
        let session = Session {
            api: Arc::clone(&self.api),
            routes: Arc::clone(&self.routes),
            connections: self.connections.clone(),
            connection,
            limits: self.limits,
            stopping: self.stopping.subscribe(),
        };
        tokio::spawn(session.run(upgrade, orders));
        handshake::accepted(&key, protocol)
    }

    /// Answers the `@connections` request `request` (see [`serves_connections`]).
    pub async fn manage<B>(&self, request: http::Request<B>) -> Response
    where
        B: hyper::body::Body,
        B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        management::handle(&self.connections, request).await
    }
}
