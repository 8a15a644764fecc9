//! DynamoDB: the tables and one repository per aggregate.
//!
//! Table *names* come from the environment (template.yaml passes each function only the tables it
//! may touch); key schemas and indexes are defined once, in template.yaml, which the local runner
//! and the tests also create tables from.

pub mod applications;
pub mod audit;
pub mod categories;
pub mod checkouts;
mod error;
pub mod idempotency;
pub mod inbox;
pub mod index_page;
pub mod listings;
pub mod orders;
pub mod products;
pub mod rate_limits;
pub mod sessions;
pub mod stock;
pub mod transaction;
pub mod users;
pub mod vendors;

pub use applications::ApplicationRepo;
pub use audit::AuditLog;
pub use categories::CategoryRepo;
pub use listings::ListingRepo;
pub use orders::OrderRepo;
pub use products::ProductRepo;
pub use rate_limits::RateLimiter;
pub use sessions::SessionRepo;
pub use users::UserRepo;
pub use vendors::VendorRepo;

/// The tables, with the environment variable that names each and its logical id in template.yaml.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Table {
    Categories,
    Products,
    ProductListings,
    Users,
    Sessions,
    RateLimits,
    AuditLog,
    VendorApplications,
    Vendors,
    Idempotency,
    Notifications,
    Orders,
}

impl Table {
    pub const ALL: &'static [Table] = &[
        Table::Categories,
        Table::Products,
        Table::ProductListings,
        Table::Users,
        Table::Sessions,
        Table::RateLimits,
        Table::AuditLog,
        Table::VendorApplications,
        Table::Vendors,
        Table::Idempotency,
        Table::Notifications,
        Table::Orders,
    ];

    pub fn env_var(self) -> &'static str {
        match self {
            Self::Categories => "CATEGORIES_TABLE",
            Self::Products => "PRODUCTS_TABLE",
            Self::ProductListings => "PRODUCT_LISTINGS_TABLE",
            Self::Users => "USERS_TABLE",
            Self::Sessions => "SESSIONS_TABLE",
            Self::RateLimits => "RATE_LIMITS_TABLE",
            Self::AuditLog => "AUDIT_LOG_TABLE",
            Self::VendorApplications => "VENDOR_APPLICATIONS_TABLE",
            Self::Vendors => "VENDORS_TABLE",
            Self::Idempotency => "IDEMPOTENCY_TABLE",
            Self::Notifications => "NOTIFICATIONS_TABLE",
            Self::Orders => "ORDERS_TABLE",
        }
    }

    pub fn logical_id(self) -> &'static str {
        match self {
            Self::Categories => "CategoriesTable",
            Self::Products => "ProductsTable",
            Self::ProductListings => "ProductListingsTable",
            Self::Users => "UsersTable",
            Self::Sessions => "SessionsTable",
            Self::RateLimits => "RateLimitsTable",
            Self::AuditLog => "AuditLogTable",
            Self::VendorApplications => "VendorApplicationsTable",
            Self::Vendors => "VendorsTable",
            Self::Idempotency => "IdempotencyTable",
            Self::Notifications => "NotificationsTable",
            Self::Orders => "OrdersTable",
        }
    }
}

/// Checks that the database answers, with the cheapest read there is: a GetItem of a key that is
/// never written (an absent item still costs only half a read unit).
pub async fn ping(client: &aws_sdk_dynamodb::Client, table: &str) -> Result<(), crate::ApiError> {
    use aws_sdk_dynamodb::types::AttributeValue;
    client
        .get_item()
        .table_name(table)
        .key("pk", AttributeValue::S("health".into()))
        .key("id", AttributeValue::S("ping".into()))
        .send()
        .await?;
    Ok(())
}

/// `Repo::from_app(&app)`: the repository over its table as the function's environment names it.
macro_rules! from_app {
    ($repo:ty, $table:expr) => {
        impl $repo {
            pub fn from_app(app: &crate::App) -> Result<Self, crate::config::ConfigError> {
                Ok(Self::new(app.dynamodb.clone(), app.config.table($table)?))
            }
        }
    };
    ($repo:ty, $table:expr, clock) => {
        impl $repo {
            pub fn from_app(app: &crate::App) -> Result<Self, crate::config::ConfigError> {
                Ok(Self::new(app.dynamodb.clone(), app.config.table($table)?, std::sync::Arc::clone(&app.clock)))
            }
        }
    };
}

from_app!(CategoryRepo, Table::Categories);
from_app!(ProductRepo, Table::Products);
from_app!(ListingRepo, Table::ProductListings);
from_app!(UserRepo, Table::Users);
from_app!(SessionRepo, Table::Sessions);
from_app!(RateLimiter, Table::RateLimits, clock);
from_app!(AuditLog, Table::AuditLog, clock);
from_app!(ApplicationRepo, Table::VendorApplications);
from_app!(VendorRepo, Table::Vendors);
from_app!(idempotency::IdempotencyStore, Table::Idempotency, clock);
from_app!(inbox::InboxRepo, Table::Notifications);
