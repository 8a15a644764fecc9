//! The DynamoDB Local the tests share: the one the test command started (its endpoint in
//! `SOUK_TEST_DYNAMODB_ENDPOINT`), or else one started for this test process, in memory, on a free
//! port, stopped when the process exits.

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
