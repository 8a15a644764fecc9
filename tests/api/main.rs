//! Black-box tests of the marketplace through HTTP, against DynamoDB Local.

mod accounts_expiry;
mod accounts_lockout;
mod accounts_login;
mod accounts_passwords;
mod accounts_profile;
mod accounts_registration;
mod accounts_tokens;
mod admin_cli;
mod categories;
mod health;
mod notifications;
mod notifications_sns;
mod order_triggers;
mod orders;
mod product;
mod product_triggers;
mod products_filters;
mod products_paging;
mod products_validation;
mod products_write;
mod request_ids;
mod search;
mod seed_catalog;
mod vendor_triggers;
mod vendors;
mod wiring;
