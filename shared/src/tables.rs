//! The tables of template.yaml: the environment variable that names each in a function's
//! configuration, and its logical id (the local runner and the tests name tables after it).

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
    Announcements,
    Analytics,
    Payments,
    Uploads,
    Conversations,
    Connections,
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
        Table::Announcements,
        Table::Analytics,
        Table::Payments,
        Table::Uploads,
        Table::Conversations,
        Table::Connections,
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
            Self::Announcements => "ANNOUNCEMENTS_TABLE",
            Self::Analytics => "ANALYTICS_TABLE",
            Self::Payments => "PAYMENTS_TABLE",
            Self::Uploads => "UPLOADS_TABLE",
            Self::Conversations => "CONVERSATIONS_TABLE",
            Self::Connections => "CONNECTIONS_TABLE",
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
            Self::Announcements => "AnnouncementsTable",
            Self::Analytics => "AnalyticsTable",
            Self::Payments => "PaymentsTable",
            Self::Uploads => "UploadsTable",
            Self::Conversations => "ConversationsTable",
            Self::Connections => "ConnectionsTable",
        }
    }
}
