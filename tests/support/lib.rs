//! Support for black-box tests: each test gets its own marketplace (its own tables, its own port)
//! served by the local runner over one shared DynamoDB Local, and talks to it over HTTP.

pub mod accounts;
pub mod audit;
pub mod client;
pub mod database;
pub mod fixtures;
pub mod images;
pub mod moto;
pub mod notifications;
pub mod orders;
pub mod payments;
pub mod products;
pub mod sockets;
pub mod streams;
mod teardown;
pub mod uploads;
pub mod vendors;

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use shared::App;
use shared::accounts::tokens::KeyPair;
use shared::accounts::{Email, Password};
use shared::clock::{ManualClock, Timestamp};
use souk_local::{Marketplace, Options};

pub use client::TestResponse;

/// What signs the test marketplaces' cursors (tests forge cursors with it).
pub const CURSOR_SECRET: &str = "test-cursor-secret-of-at-least-32-bytes";

pub const ADMIN_EMAIL: &str = "admin@souk.test";
pub const ADMIN_PASSWORD: &str = "Adm1n-of-the-Souk!";

pub struct TestMarketplace {
    pub marketplace: Marketplace,
    pub client: client::Client,
    pub table_prefix: String,
    /// The time every function of this marketplace sees; tests move it instead of sleeping.
    pub clock: Arc<ManualClock>,
}

impl Drop for TestMarketplace {
    fn drop(&mut self) {
        if teardown::closed(&self.table_prefix)
            && let Some(endpoint) = self.marketplace.app.config.dynamodb_endpoint()
        {
            teardown::delete_tables(endpoint.to_owned(), self.table_prefix.clone());
        }
    }
}

/// One development key pair per test process.
pub fn signing_keys() -> &'static KeyPair {
    static KEYS: OnceLock<KeyPair> = OnceLock::new();
    KEYS.get_or_init(KeyPair::generate)
}

impl TestMarketplace {
    /// A fresh marketplace on fresh tables.
    pub async fn spawn() -> Self {
        let prefix = unique_prefix();
        teardown::own(&prefix);
        Self::spawn_with_prefix(&prefix).await
    }

    /// A fresh marketplace on fresh tables whose stream triggers do not run: for tests that put
    /// thousands of items straight into the tables and only read them, where a trigger run for
    /// each of their stream records would be most of the work.
    pub async fn spawn_without_triggers() -> Self {
        let prefix = unique_prefix();
        teardown::own(&prefix);
        Self::spawn_with(database::endpoint().await, &prefix, |options| options.triggers = false).await
    }

    /// A marketplace over the tables named with `prefix`, created if they do not exist yet.
    pub async fn spawn_with_prefix(prefix: &str) -> Self {
        Self::spawn_with(database::endpoint().await, prefix, |_| {}).await
    }

    /// A marketplace over the DynamoDB at `dynamodb_endpoint` and the tables named with `prefix`,
    /// started with the options `adjust` leaves.
    pub async fn spawn_with(dynamodb_endpoint: String, prefix: &str, adjust: impl FnOnce(&mut Options)) -> Self {
        let clock = Arc::new(ManualClock::new(Timestamp::now()));
        let mut options = Options {
            addr: "127.0.0.1:0".parse().unwrap(),
            dynamodb_endpoint,
            table_prefix: prefix.to_owned(),
            parameters: HashMap::from([
                ("CursorSecret".to_owned(), CURSOR_SECRET.to_owned()),
                ("JwtPublicKey".to_owned(), signing_keys().public_base64.clone()),
            ]),
            jwt_private_key: signing_keys().private_pkcs8_base64.clone(),
            clock: clock.clone(),
            admin: Some((Email::parse(ADMIN_EMAIL).unwrap(), Password::parse(ADMIN_PASSWORD, &[]).unwrap())),
            triggers: true,
            // Tests fire schedules by hand (`POST /_local/schedules/{name}`): their clock is not the wall's.
            schedules: false,
            trigger_retries: Default::default(),
            moto_endpoint: Some(moto::endpoint().await),
        };
        adjust(&mut options);
        let marketplace = Marketplace::start(options).await.expect("the marketplace starts");
        teardown::opened(prefix);
        let client = client::Client::new(marketplace.url());
        Self { marketplace, client, table_prefix: prefix.to_owned(), clock }
    }

    /// The marketplace's current time.
    pub fn clock_now(&self) -> Timestamp {
        use shared::clock::Clock;
        self.clock.now()
    }

    /// Clients and configuration naming every table, for arranging data directly.
    pub fn app(&self) -> &App {
        &self.marketplace.app
    }

    pub async fn get(&self, path_and_query: &str) -> TestResponse {
        self.client.get(path_and_query, &[]).await
    }

    pub async fn get_with(&self, path_and_query: &str, headers: &[(&str, &str)]) -> TestResponse {
        self.client.get(path_and_query, headers).await
    }

    /// `GET` with `Authorization: Bearer <access_token>`.
    pub async fn get_as(&self, access_token: &str, path_and_query: &str) -> TestResponse {
        self.send_as(http::Method::GET, access_token, path_and_query, None, &[]).await
    }

    /// `POST` of a JSON body with `Authorization: Bearer <access_token>`.
    pub async fn post_as(&self, access_token: &str, path: &str, body: &serde_json::Value) -> TestResponse {
        self.send_as(http::Method::POST, access_token, path, Some(body), &[]).await
    }

    /// `post_as`, repeated after its `Retry-After` while it answers 503, as a client does (for
    /// requests that are safe to repeat), up to 20 times.
    pub async fn post_as_retrying(&self, access_token: &str, path: &str, body: &serde_json::Value) -> TestResponse {
        let mut attempts = 1;
        loop {
            let answer = self.post_as(access_token, path, body).await;
            if answer.status != 503 || attempts == 20 {
                return answer;
            }
            let wait = answer.header("retry-after").and_then(|s| s.parse().ok()).unwrap_or(1);
            tokio::time::sleep(std::time::Duration::from_secs(wait)).await;
            attempts += 1;
        }
    }

    /// Any request with `Authorization: Bearer <access_token>`, a JSON body if there is one, and
    /// `headers` besides.
    pub async fn send_as(
        &self,
        method: http::Method,
        access_token: &str,
        path_and_query: &str,
        body: Option<&serde_json::Value>,
        headers: &[(&str, &str)],
    ) -> TestResponse {
        let authorization = format!("Bearer {access_token}");
        let mut all = vec![("authorization", authorization.as_str())];
        if body.is_some() {
            all.push(("content-type", "application/json"));
        }
        all.extend_from_slice(headers);
        let body = body.map_or_else(bytes::Bytes::new, |b| bytes::Bytes::from(b.to_string()));
        self.client.send(method, path_and_query, &all, body).await
    }

    /// `POST` of a JSON body.
    pub async fn post(&self, path: &str, body: &serde_json::Value) -> TestResponse {
        self.post_with(path, body, &[]).await
    }

    pub async fn post_with(&self, path: &str, body: &serde_json::Value, headers: &[(&str, &str)]) -> TestResponse {
        let mut all = vec![("content-type", "application/json")];
        all.extend_from_slice(headers);
        self.client.send(http::Method::POST, path, &all, bytes::Bytes::from(body.to_string())).await
    }
}

/// Table names are at most 255 characters of `[a-zA-Z0-9_.-]`.
/// Tests that write thousands of items or hold hundreds of sockets take turns: two of them at
/// once made the run's one DynamoDB Local answer too late for the functions' timeouts.
pub async fn heavy_turn() -> tokio::sync::MutexGuard<'static, ()> {
    static TURN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    TURN.lock().await
}

pub fn unique_prefix() -> String {
    format!("t{}_", ulid::Ulid::new().to_string().to_lowercase())
}

/// Waits (up to 15 s) until `check` holds: for effects of stream triggers, which follow a write
/// by a moment, as in AWS.
pub async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..150 {
        if check().await {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("gave up waiting: {what}");
}
