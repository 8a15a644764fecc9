//! Services: what combines stores and publishers into the one thing a function asks for. Each
//! is built from the [`crate::db::Database`] (and publisher or signing key) of its function, so it
//! asks only for the tables that function is given.

pub mod account_closure;
pub mod account_desk;
pub mod account_messages;
pub mod admin_bootstrap;
pub mod announcement_delivery;
pub mod announcer;
pub mod catalog_index;
#[cfg(feature = "live")]
pub mod chat;
pub mod checkout;
pub mod email_verification;
#[cfg(feature = "live")]
pub mod live;
pub mod login_attempts;
pub mod notifier;
pub mod order_moves;
pub mod passwords;
pub mod payment_expiry;
pub mod payment_settlement;
pub mod product_edit;
#[cfg(feature = "live")]
pub mod read_receipts;
pub mod recount;
pub mod refunds;
pub mod registrar;
pub mod restock;
pub mod search_facets;
pub mod sign_in;
pub mod sign_out;
#[cfg(feature = "live")]
pub mod socket_sessions;
pub mod tally;
pub mod token_refresh;
#[cfg(all(feature = "media", feature = "imaging"))]
pub mod upload_check;
#[cfg(feature = "media")]
pub mod upload_desk;
pub mod vendor_approval;
