//! One connection's life after its upgrade, as API Gateway leads it: each text frame from the
//! client invokes its route, one invocation at a time so that frames are handled in the order
//! they came; frames posted to `@connections` go out in the order they were posted, also while
//! an invocation runs (a route answers its own sender that way); the connection closes when
//! either side closes it, when it is deleted, when it has been idle or open too long, or when
//! the client sends what API Gateway does not take; then `$disconnect` is invoked once.

use std::sync::Arc;
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use hyper::upgrade::OnUpgrade;
use hyper_util::rt::TokioIo;
use shared::sockets::SocketResponse;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio::time::Instant;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::error::Error as WsError;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, Role, WebSocketConfig};
use tokio_tungstenite::tungstenite::{Message, Utf8Bytes};

use super::Limits;
use super::connections::{Command, ConnectionInfo, Connections};
use super::events::{self, Api, DISCONNECT};
use super::ids::random_id;
use super::routes::{SocketRoutes, invoke};

/// How long a closing side waits for the other's close frame before dropping the socket.
const CLOSING_WAIT: Duration = Duration::from_secs(2);

/// What a session shares with the gateway that opened it.
pub struct Session {
    pub api: Arc<Api>,
    pub routes: Arc<SocketRoutes>,
    pub connections: Connections,
    pub connection: Arc<ConnectionInfo>,
    pub limits: Limits,
    /// Turns true when the runner stops: every connection closes.
    pub stopping: watch::Receiver<bool>,
}

/// How a connection closed, as `$disconnect` is told.
struct Closure {
    code: u16,
    reason: String,
}

impl Closure {
    fn new(code: u16, reason: &str) -> Self {
        Self { code, reason: reason.to_owned() }
    }

    /// The connection dropped without a close frame.
    fn abnormal() -> Self {
        Self::new(1006, "Connection closed abnormally")
    }

    fn going_away() -> Self {
        Self::new(1001, "Going away")
    }
}

/// How the conversation ended: who closes the socket.
enum Ending {
    /// The client closed it; its close frame is answered.
    Client(Closure),
    /// The gateway closes it with this frame.
    Gateway(Closure),
    /// The socket broke.
    Broken,
}

impl Session {
    /// Leads the connection from its upgrade to its `$disconnect`; `orders` are what
    /// `@connections` asks of it.
    pub async fn run(self, upgrade: OnUpgrade, orders: mpsc::UnboundedReceiver<Command>) {
        let (closure, last_invocation) = match upgrade.await {
            Ok(upgraded) => {
                let socket =
                    WebSocketStream::from_raw_socket(TokioIo::new(upgraded), Role::Server, Some(config(&self.limits)))
                        .await;
                self.converse(socket, orders).await
            }
            Err(_) => {
                self.connections.closed(&self.connection.id);
                (Closure::abnormal(), None)
            }
        };
        // The frame before the close is handled before the close is.
        if let Some(invocation) = last_invocation {
            let _ = invocation.await;
        }
        if let Some(disconnect) = self.routes.get(DISCONNECT) {
            let event = events::disconnect(&self.api, &self.connection, closure.code, &closure.reason);
            invoke(disconnect, event).await;
        }
    }

    async fn converse<S>(
        &self,
        socket: WebSocketStream<S>,
        mut orders: mpsc::UnboundedReceiver<Command>,
    ) -> (Closure, Option<JoinHandle<SocketResponse>>)
    where
        S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
    {
        let (mut sink, mut frames) = socket.split();
        let lifetime = tokio::time::sleep(self.limits.max_lifetime);
        let idle = tokio::time::sleep(self.limits.idle_timeout);
        tokio::pin!(lifetime, idle);
        let mut stopping = self.stopping.clone();
        let mut invocation: Option<JoinHandle<SocketResponse>> = None;
        let ending = loop {
            tokio::select! {
                order = orders.recv() => match order {
                    Some(Command::Send { frame, delivered }) => match sink.send(frame).await {
                        Ok(()) => {
                            let _ = delivered.send(());
                        }
                        Err(_) => break Ending::Broken,
                    },
                    // Deleted: the registry let go of it.
                    Some(Command::Close) | None => break Ending::Gateway(Closure::new(1000, "Connection Closed Normally")),
                },
                frame = frames.next(), if invocation.is_none() => match frame {
                    Some(Ok(Message::Text(text))) => {
                        self.active(idle.as_mut());
                        match self.routes.select(&text) {
                            Some((key, handler)) => {
                                let event = events::message(&self.api, &self.connection, key, text.to_string());
                                // Its own task, as its own Lambda invocation: a panic fails it, not the connection.
                                invocation = Some(tokio::spawn(handler(event)));
                            }
                            // No route and no `$default`: API Gateway answers the client itself.
                            None => {
                                if sink.send(Message::text(self.no_route())).await.is_err() {
                                    break Ending::Broken;
                                }
                            }
                        }
                    }
                    Some(Ok(Message::Binary(_))) => break Ending::Gateway(Closure::new(1003, "Unsupported data")),
                    Some(Ok(Message::Close(frame))) => break Ending::Client(match frame {
                        Some(frame) => Closure { code: frame.code.into(), reason: frame.reason.to_string() },
                        None => Closure::new(1005, ""),
                    }),
                    // Pings are answered by the protocol; they and pongs keep the connection alive.
                    Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_))) => self.active(idle.as_mut()),
                    Some(Err(WsError::Capacity(_))) => break Ending::Gateway(Closure::new(1009, "Message too big")),
                    Some(Err(_)) | None => break Ending::Broken,
                },
                _ = async { invocation.as_mut().expect("guarded by the condition").await }, if invocation.is_some() => {
                    invocation = None;
                }
                () = &mut idle => break Ending::Gateway(Closure::going_away()),
                () = &mut lifetime => break Ending::Gateway(Closure::going_away()),
                () = stopped(&mut stopping) => break Ending::Gateway(Closure::going_away()),
            }
        };
        // Gone for `@connections` from now on, while the sockets say goodbye.
        self.connections.closed(&self.connection.id);
        let closure = match ending {
            Ending::Client(closure) => {
                // Reading on sends the answer to the client's close frame, then ends.
                let _ = tokio::time::timeout(CLOSING_WAIT, async { while frames.next().await.is_some() {} }).await;
                closure
            }
            Ending::Gateway(closure) => {
                let frame = CloseFrame {
                    code: CloseCode::from(closure.code),
                    reason: Utf8Bytes::from(closure.reason.as_str()),
                };
                if sink.send(Message::Close(Some(frame))).await.is_ok() {
                    let _ =
                        tokio::time::timeout(CLOSING_WAIT, async { while let Some(Ok(_)) = frames.next().await {} })
                            .await;
                }
                closure
            }
            Ending::Broken => Closure::abnormal(),
        };
        (closure, invocation)
    }

    /// The client sent a frame: the connection is not idle.
    fn active(&self, idle: std::pin::Pin<&mut tokio::time::Sleep>) {
        self.connection.touch();
        idle.reset(Instant::now() + self.limits.idle_timeout);
    }

    /// What API Gateway sends a client whose frame no route serves.
    fn no_route(&self) -> String {
        serde_json::json!({ "message": "Forbidden", "connectionId": self.connection.id, "requestId": random_id() })
            .to_string()
    }
}

/// Completes when the runner stops; never, if the gateway is gone without stopping.
async fn stopped(stopping: &mut watch::Receiver<bool>) {
    if stopping.wait_for(|stopping| *stopping).await.is_err() {
        std::future::pending::<()>().await;
    }
}

/// The socket's limits, and small buffers: a connection mostly waits, and many are open at once.
fn config(limits: &Limits) -> WebSocketConfig {
    WebSocketConfig::default()
        .read_buffer_size(4 * 1024)
        .write_buffer_size(0)
        .max_message_size(Some(limits.max_message_bytes))
        .max_frame_size(Some(limits.max_message_bytes))
}
