//! The open connections, by id: what `@connections` reaches, and what each connection's session
//! takes its orders from. A connection is here from its accepted `$connect` until it closes or is
//! deleted; a frame for an id that is not here is for a connection that is gone.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use tokio::sync::{mpsc, oneshot};
use tokio_tungstenite::tungstenite::Message;

/// What API Gateway knows of a connection, fixed at `$connect` but for its last activity.
#[derive(Debug)]
pub struct ConnectionInfo {
    pub id: String,
    /// Milliseconds since the epoch, as the events' `connectedAt`.
    pub connected_at: i64,
    pub source_ip: String,
    pub user_agent: Option<String>,
    /// The `Host` the client connected to, as the events' `domainName`.
    pub domain_name: Option<String>,
    /// When the client last sent a frame, in milliseconds since the epoch.
    last_active_at: AtomicI64,
}

impl ConnectionInfo {
    pub fn new(id: String, source_ip: String, user_agent: Option<String>, domain_name: Option<String>) -> Self {
        let now = now_ms();
        Self { id, connected_at: now, source_ip, user_agent, domain_name, last_active_at: AtomicI64::new(now) }
    }

    pub fn last_active_at(&self) -> i64 {
        self.last_active_at.load(Ordering::Relaxed)
    }

    pub(super) fn touch(&self) {
        self.last_active_at.store(now_ms(), Ordering::Relaxed);
    }
}

pub(super) fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |since| since.as_millis() as i64)
}

/// What a session is told to do by `@connections`.
pub(super) enum Command {
    /// Send `frame`; `delivered` hears once it is written.
    Send { frame: Message, delivered: oneshot::Sender<()> },
    /// Close the connection (`DELETE`).
    Close,
}

struct Entry {
    info: Arc<ConnectionInfo>,
    commands: mpsc::UnboundedSender<Command>,
}

/// The connection is not open (never was, closed, or deleted): API Gateway's `GoneException`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the connection is gone")]
pub struct Gone;

/// The registry of open connections; clones share it.
#[derive(Clone, Default)]
pub struct Connections {
    open: Arc<Mutex<HashMap<String, Entry>>>,
    /// Frames posted to a connection that was gone: what tests check functions never repeat.
    gone_posts: Arc<AtomicUsize>,
    /// Connections whose posts fail for now (500, as `@connections` does at times): what tests
    /// use to show a push that failed is made good.
    failing: Arc<Mutex<HashSet<String>>>,
}

impl Connections {
    /// How many connections are open.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many frames were posted to a connection that was gone (each answered 410).
    pub fn gone_posts(&self) -> usize {
        self.gone_posts.load(Ordering::Relaxed)
    }

    /// Posts to connection `id` fail (500) until [`Self::heal`].
    pub fn fail_posts_to(&self, id: &str) {
        self.failing.lock().expect("failing lock").insert(id.to_owned());
    }

    pub fn heal(&self, id: &str) {
        self.failing.lock().expect("failing lock").remove(id);
    }

    pub(super) fn is_failing(&self, id: &str) -> bool {
        self.failing.lock().expect("failing lock").contains(id)
    }

    /// What is known of connection `id`.
    pub fn get(&self, id: &str) -> Result<Arc<ConnectionInfo>, Gone> {
        self.lock().get(id).map(|entry| Arc::clone(&entry.info)).ok_or(Gone)
    }

    /// Sends `text` to connection `id` as one text frame, after the frames posted before it;
    /// returns once it is written to the socket.
    pub async fn post(&self, id: &str, text: impl Into<String>) -> Result<(), Gone> {
        self.send(id, Message::text(text.into())).await
    }

    /// Sends `frame` to connection `id`, after the frames sent before it; returns once it is
    /// written to the socket.
    pub(super) async fn send(&self, id: &str, frame: Message) -> Result<(), Gone> {
        let (delivered, written) = oneshot::channel();
        let Some(commands) = self.lock().get(id).map(|entry| entry.commands.clone()) else {
            self.gone_posts.fetch_add(1, Ordering::Relaxed);
            return Err(Gone);
        };
        commands.send(Command::Send { frame, delivered }).map_err(|_| Gone)?;
        // A session that ends before writing it drops `delivered`.
        written.await.map_err(|_| Gone)
    }

    /// Closes connection `id`: it is gone at once for `@connections`, and its session closes the
    /// socket and then invokes `$disconnect`.
    pub fn delete(&self, id: &str) -> Result<(), Gone> {
        let entry = self.lock().remove(id).ok_or(Gone)?;
        let _ = entry.commands.send(Command::Close);
        Ok(())
    }

    /// Opens connection `info.id`; its session reads the returned orders.
    pub(super) fn open(&self, info: Arc<ConnectionInfo>) -> mpsc::UnboundedReceiver<Command> {
        let (commands, orders) = mpsc::unbounded_channel();
        self.lock().insert(info.id.clone(), Entry { info, commands });
        orders
    }

    /// Forgets connection `id` once its socket is closed (if `DELETE` has not already).
    pub(super) fn closed(&self, id: &str) {
        self.lock().remove(id);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry>> {
        self.open.lock().expect("connections lock")
    }
}
