//! WebSocket clients as the apps hold them: connected to the runner's `/ws` with an access token,
//! sending JSON frames and reading the frames the server pushes.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde_json::Value;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::TestMarketplace;
use crate::accounts::Session;

/// Longer than any push takes on a loaded machine: a frame that has not come by then never will.
const PATIENCE: Duration = Duration::from_secs(15);

pub struct Socket {
    stream: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

impl TestMarketplace {
    /// `ws://…/ws?token=<query>`: the handshake's answer, `Err(status)` when it was refused.
    pub async fn connect_with(&self, query: &str) -> Result<Socket, u16> {
        let url = format!("ws://{}/ws{query}", self.marketplace.addr);
        match tokio_tungstenite::connect_async(url).await {
            Ok((stream, _)) => Ok(Socket { stream }),
            Err(tokio_tungstenite::tungstenite::Error::Http(response)) => Err(response.status().as_u16()),
            Err(other) => panic!("the socket handshake failed: {other}"),
        }
    }

    /// A socket of `who`, open.
    pub async fn connect(&self, who: &Session) -> Socket {
        self.connect_with(&format!("?token={}", who.access_token)).await.expect("the socket opens")
    }
}

impl Socket {
    pub async fn send(&mut self, frame: &Value) {
        self.stream.send(Message::text(frame.to_string())).await.expect("the frame is sent");
    }

    pub async fn send_text(&mut self, text: &str) {
        self.stream.send(Message::text(text.to_owned())).await.expect("the frame is sent");
    }

    /// The next text frame, parsed.
    pub async fn next(&mut self) -> Value {
        self.next_within(PATIENCE).await.expect("a frame arrives")
    }

    /// The next text frame, parsed, if one comes within `wait`.
    pub async fn next_within(&mut self, wait: Duration) -> Option<Value> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let frame = tokio::time::timeout_at(deadline, self.stream.next())
                .await
                .ok()?
                .expect("the socket is open")
                .expect("a readable frame");
            match frame {
                Message::Text(text) => return Some(serde_json::from_str(&text).expect("a JSON frame")),
                Message::Ping(_) | Message::Pong(_) => continue,
                other => panic!("unexpected frame {other:?}"),
            }
        }
    }

    /// The next frame of `kind`, skipping others (notifications that arrive besides).
    pub async fn next_of(&mut self, kind: &str) -> Value {
        loop {
            let frame = self.next().await;
            if frame["type"] == kind {
                return frame;
            }
        }
    }

    pub async fn close(mut self) {
        let _ = self.stream.close(None).await;
        // The close handshake: read until the server's answer (or the end).
        while let Ok(Some(Ok(_))) = tokio::time::timeout(PATIENCE, self.stream.next()).await {}
    }
}

impl TestMarketplace {
    /// An access token for a user who exists only in it (no account stored): what the socket and
    /// conversation routes need of a user, minted without a registration's password hashing, for
    /// tests that need hundreds of users.
    pub fn token_for(&self, role: shared::accounts::Role) -> (shared::ids::UserId, String) {
        let id = shared::ids::UserId::new();
        (id, self.token_again(id, role))
    }

    /// A fresh access token, issued now (the test clock's now), for the user `token_for` made with
    /// `id` and `role`: for a test whose clock moves past the first token's 15 minutes.
    pub fn token_again(&self, id: shared::ids::UserId, role: shared::accounts::Role) -> String {
        use shared::accounts::tokens::TokenIssuer;
        use shared::accounts::{Email, PersonName, User};
        let user = User {
            id,
            email: Email::parse(&format!("{}@example.com", id.to_string().to_lowercase())).expect("an email"),
            name: PersonName::parse("Load Tester").expect("a name"),
            phone: None,
            role,
            email_verified: true,
            preferences: Default::default(),
            created_at: self.clock_now(),
        };
        let issuer = TokenIssuer::from_private_base64("test key", &crate::signing_keys().private_pkcs8_base64)
            .expect("the test key");
        issuer.issue(&user, self.clock_now()).token
    }

    /// A socket opened with `access_token`.
    pub async fn connect_token(&self, access_token: &str) -> Socket {
        self.connect_with(&format!("?token={access_token}")).await.expect("the socket opens")
    }
}
