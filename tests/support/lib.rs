//! Support for black-box tests: each test gets its own marketplace (its own tables, its own port)
//! served by the local runner over one shared DynamoDB Local, and talks to it over HTTP.

pub mod client;
pub mod database;
pub mod fixtures;

use std::collections::HashMap;

use shared::App;
use souk_local::{Marketplace, Options};

pub use client::TestResponse;

pub struct TestMarketplace {
    pub marketplace: Marketplace,
    pub client: client::Client,
    pub table_prefix: String,
}

impl TestMarketplace {
    /// A fresh marketplace on fresh tables.
    pub async fn spawn() -> Self {
        Self::spawn_with_prefix(&unique_prefix()).await
    }

    /// A marketplace over the tables named with `prefix`, created if they do not exist yet.
    pub async fn spawn_with_prefix(prefix: &str) -> Self {
        let options = Options {
            addr: "127.0.0.1:0".parse().unwrap(),
            dynamodb_endpoint: database::endpoint().await,
            table_prefix: prefix.to_owned(),
            parameters: HashMap::from([(
                "CursorSecret".to_owned(),
                "test-cursor-secret-of-at-least-32-bytes".to_owned(),
            )]),
        };
        let marketplace = Marketplace::start(options).await.expect("the marketplace starts");
        let client = client::Client::new(marketplace.url());
        Self { marketplace, client, table_prefix: prefix.to_owned() }
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
}

/// Table names are at most 255 characters of `[a-zA-Z0-9_.-]`.
pub fn unique_prefix() -> String {
    format!("t{}_", ulid::Ulid::new().to_string().to_lowercase())
}
