//! The recorded scenarios under `benches/fixtures/warm/`, one JSON file each, written by
//! `local/examples/record_warm` while the request ran through the local runner against DynamoDB
//! Local: what the client sent, what the function answered, and every DynamoDB exchange it made.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;
use shared::accounts::User;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Fixture {
    /// The function's crate; its sample event under `events/` is the template of the event.
    pub function: String,
    pub request: ClientRequest,
    /// The status the function answered when recorded; every measured request must answer it too.
    pub status: u16,
    pub exchanges: Vec<Exchange>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientRequest {
    pub route_key: String,
    pub path: String,
    #[serde(default)]
    pub path_parameters: BTreeMap<String, String>,
    #[serde(default)]
    pub query: BTreeMap<String, String>,
    pub body: Option<String>,
    /// Headers besides the sample event's (an idempotency key).
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// The user whose access token authenticates the request, if any.
    pub caller: Option<User>,
}

/// One DynamoDB call: its `X-Amz-Target` and the JSON bodies both ways.
#[derive(Deserialize, Clone)]
pub struct Exchange {
    pub target: String,
    pub request: Value,
    pub response: Value,
}

/// Every scenario, by file name without `.json`, in name order.
pub fn all() -> Vec<(String, Fixture)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/warm");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("a readable directory").path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no fixtures in {}: record them with benches/record_warm.sh", dir.display());
    paths
        .into_iter()
        .map(|path| {
            let name = path.file_stem().expect("a file name").to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let fixture = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            (name, fixture)
        })
        .collect()
}
