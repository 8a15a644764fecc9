//! The DynamoDB Local the tests share: the one the test command started (its endpoint in
//! `SOUK_TEST_DYNAMODB_ENDPOINT`), or else one started for this test process, in memory, on a free
//! port, stopped when the process exits; and one a test can stop and start again.

use std::path::PathBuf;

use souk_local::dynamodb_local::{self, DynamoDbLocal, Storage};
use tokio::sync::OnceCell;

static STARTED: OnceCell<DynamoDbLocal> = OnceCell::const_new();

pub async fn endpoint() -> String {
    if let Ok(endpoint) = std::env::var("SOUK_TEST_DYNAMODB_ENDPOINT") {
        return endpoint;
    }
    let database = STARTED
        .get_or_init(|| async {
            let port = dynamodb_local::free_port().expect("a free port");
            DynamoDbLocal::start(&install_dir(), Storage::InMemory, port).await.expect("DynamoDB Local starts")
        })
        .await;
    database.endpoint.clone()
}

/// Shared with the local runner's default data directory, so it is installed once per checkout.
fn install_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.souk/dynamodb-local")
}

/// A DynamoDB Local of one test's own, keeping its data in a directory of its own, that the test
/// stops and starts again on the same port (tables, items and streams kept), as an outage would.
pub struct StoppableDatabase {
    port: u16,
    dir: PathBuf,
    running: Option<DynamoDbLocal>,
}

impl StoppableDatabase {
    pub async fn start() -> Self {
        let port = dynamodb_local::free_port().expect("a free port");
        let dir = std::env::temp_dir().join(format!("souk-db-{}", ulid::Ulid::new()));
        let mut database = Self { port, dir, running: None };
        database.restart().await;
        database
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Stops it; connections to it are refused until [`restart`](Self::restart).
    pub async fn stop(&mut self) {
        if let Some(running) = self.running.take() {
            running.stop().await;
        }
    }

    /// Starts it again on its port, over the data it had.
    pub async fn restart(&mut self) {
        let storage = Storage::Directory(self.dir.clone());
        let started = DynamoDbLocal::start(&install_dir(), storage, self.port).await.expect("DynamoDB Local starts");
        self.running = Some(started);
    }
}

impl Drop for StoppableDatabase {
    /// Dropping the process handle stops it; its data goes with it.
    fn drop(&mut self) {
        drop(self.running.take());
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
