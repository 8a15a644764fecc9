//! Stores: one module per DynamoDB table, over the AWS SDK, and the only place that builds
//! DynamoDB expressions.
//!
//! Table *names* come from the function's configuration (template.yaml passes each function only
//! the tables it may touch); key schemas and indexes are defined once, in template.yaml, which the
//! local runner and the tests also create tables from.

pub mod account_tokens;
pub mod analytics;
pub mod announcements;
pub mod applications;
mod attributes;
pub mod audit;
pub mod categories;
pub mod checkouts;
pub mod connections;
pub mod conversations;
pub mod direct;
mod error;
pub mod idempotency;
pub mod inbox;
pub mod index_page;
pub mod listings;
pub mod open_orders;
pub mod orders;
pub mod payments;
pub mod products;
pub mod rate_limits;
mod read;
pub mod sessions;
pub mod stock;
pub mod transaction;
pub mod uploads;
pub mod users;
pub mod vendors;

use std::sync::Arc;

pub use account_tokens::AccountTokens;
pub use analytics::AnalyticsRepo;
pub use announcements::AnnouncementRepo;
pub use applications::ApplicationRepo;
pub use audit::AuditLog;
pub use categories::CategoryRepo;
pub use checkouts::CheckoutRepo;
pub use connections::ConnectionRepo;
pub use conversations::ConversationRepo;
pub use idempotency::IdempotencyStore;
pub use inbox::InboxRepo;
pub use listings::ListingRepo;
pub use open_orders::OpenOrders;
pub use orders::OrderRepo;
pub use payments::PaymentRepo;
pub use products::ProductRepo;
pub use rate_limits::RateLimiter;
pub use sessions::SessionRepo;
pub use stock::StockRepo;
pub use uploads::UploadRepo;
pub use users::UserRepo;
pub use vendors::VendorRepo;

use crate::clock::Clock;
use crate::config::{Config, ConfigError};
use crate::error::ApiError;
use crate::tables::Table;

/// The database as one function sees it: a client, the tables its configuration names, and the
/// clock that stamps what it writes. Every store is built from one.
#[derive(Clone)]
pub struct Database {
    client: aws_sdk_dynamodb::Client,
    /// The hottest reads, sent without the SDK's orchestrator where they can be.
    direct: direct::reads::DirectReads,
    config: Config,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Database").field("config", &self.config).finish_non_exhaustive()
    }
}

impl Database {
    pub fn new(client: aws_sdk_dynamodb::Client, config: Config, clock: Arc<dyn Clock>) -> Self {
        Self { client, direct: Default::default(), config, clock }
    }

    /// The same database, with the hottest reads sent as `direct` sends them.
    pub fn with_direct_reads(self, direct: direct::reads::DirectReads) -> Self {
        Self { direct, ..self }
    }

    /// The name of `table`; a function whose configuration lacks it fails at cold start.
    pub fn table(&self, table: Table) -> Result<String, ConfigError> {
        self.config.table(table)
    }

    pub fn client(&self) -> aws_sdk_dynamodb::Client {
        self.client.clone()
    }

    pub(crate) fn direct_reads(&self) -> direct::reads::DirectReads {
        self.direct.clone()
    }

    pub fn clock(&self) -> Arc<dyn Clock> {
        Arc::clone(&self.clock)
    }

    /// Checks that the database answers, with the cheapest read there is: a GetItem of a key that
    /// is never written (an absent item still costs only half a read unit).
    pub async fn ping(&self, table: &str) -> Result<(), ApiError> {
        use aws_sdk_dynamodb::types::AttributeValue;
        self.client
            .get_item()
            .table_name(table)
            .key("pk", AttributeValue::S("health".into()))
            .key("id", AttributeValue::S("ping".into()))
            .send()
            .await?;
        Ok(())
    }
}
