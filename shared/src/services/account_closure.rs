//! Closing an account at its owner's request, as Egypt's personal data law (151/2020) expects:
//! the account item (name, phone, preferences, password hash) and the email's guard are deleted,
//! so the email is free again and the user id no longer resolves to anyone; every session ends.
//! Orders keep their ids, amounts and addresses for the books. A seller's public profile goes
//! too, and their listed products are archived first.
//!
//! A seller may close only with no order open, and no order may be placed with a closed seller:
//! both hold in the database, on the seller's count of open orders (see `db::open_orders`),
//! whatever the requests race. Archiving the products comes before the closing transaction so a
//! retried request finishes what a cut-off one began (the account still exists to retry with).
//! Admins close through another admin, never by themselves.

use std::sync::Arc;

use futures::stream::{self, StreamExt, TryStreamExt};

use crate::accounts::audit::{AuditAction, AuditEntry, Origin, Subject};
use crate::accounts::{Caller, Role};
use crate::catalog::listing::{Filters, Sort};
use crate::catalog::{Product, listing_index};
use crate::clock::Clock;
use crate::config::ConfigError;
use crate::db::{AuditLog, Database, ListingRepo, OpenOrders, SessionRepo, UserRepo, VendorRepo, transaction};
use crate::error::{ApiError, Conflict};
use crate::ids::ProductId;
use crate::notify::Publisher;
use crate::services::login_attempts::LoginAttempts;
use crate::services::product_edit::ProductEditor;

/// How many products are archived at once while a seller closes.
const ARCHIVING_IN_PARALLEL: usize = 10;

pub struct AccountClosure {
    client: aws_sdk_dynamodb::Client,
    users: UserRepo,
    sessions: SessionRepo,
    vendors: VendorRepo,
    open_orders: OpenOrders,
    listings: ListingRepo,
    editor: ProductEditor,
    attempts: LoginAttempts,
    audit: AuditLog,
    clock: Arc<dyn Clock>,
}

impl AccountClosure {
    pub fn new(db: &Database, publisher: Arc<dyn Publisher>) -> Result<Self, ConfigError> {
        Ok(Self {
            client: db.client(),
            users: UserRepo::new(db)?,
            sessions: SessionRepo::new(db)?,
            vendors: VendorRepo::new(db)?,
            open_orders: OpenOrders::new(db)?,
            listings: ListingRepo::new(db)?,
            editor: ProductEditor::new(db)?,
            attempts: LoginAttempts::new(db, publisher)?,
            audit: AuditLog::new(db)?,
            clock: db.clock(),
        })
    }

    /// Closes the caller's account, given its password.
    pub async fn close(&self, caller: &Caller, password: &str, origin: &Origin) -> Result<(), ApiError> {
        let account = self.users.get(caller.user_id).await?.ok_or(ApiError::Unauthorized)?;
        let user_id = account.user.id;
        // The stored role, not the token's: a customer approved as a seller a moment ago is one.
        let role = account.user.role;
        if role == Role::Admin {
            return Err(ApiError::Forbidden);
        }
        self.attempts.confirm(&account, password, origin).await?;

        let mut items = self.users.close(&account)?;
        items.push(self.sessions.end_all(user_id)?);
        if role == Role::Vendor {
            if self.open_orders.count(user_id).await? > 0 {
                return Err(ApiError::Conflict(Conflict::OpenOrders));
            }
            self.archive_products(&Caller { role, ..caller.clone() }).await?;
            items.push(self.vendors.remove(user_id)?);
            items.push(self.open_orders.close(user_id, &self.clock.now().to_string())?);
        }
        let books = items.len() - 1;
        match transaction::write(&self.client, items).await {
            Ok(()) => {}
            // The password changed since it was confirmed: it no longer proves who is asking.
            Err(e) if e.failed_at(0) => return Err(ApiError::InvalidCredentials),
            Err(e) if role == Role::Vendor && e.failed_at(books) => {
                return Err(ApiError::Conflict(Conflict::OpenOrders));
            }
            Err(e) => return Err(e.into()),
        }
        self.audit.record(AuditEntry::new(AuditAction::AccountClosed, Subject::User(user_id), origin)).await;
        Ok(())
    }

    /// Archives every product the seller still has listed.
    async fn archive_products(&self, seller: &Caller) -> Result<(), ApiError> {
        let filters = Filters { vendor_id: Some(seller.user_id.to_string()), ..Filters::default() };
        let plan = listing_index::plan(&filters, Sort::Newest);
        let mut start = None;
        loop {
            let page = self.listings.page(&plan, 100, start).await?;
            stream::iter(page.product_ids)
                .map(|id| self.archive(seller, id))
                .buffer_unordered(ARCHIVING_IN_PARALLEL)
                .try_collect::<()>()
                .await?;
            match page.next {
                Some(next) => start = Some(next),
                None => return Ok(()),
            }
        }
    }

    async fn archive(&self, seller: &Caller, id: ProductId) -> Result<(), ApiError> {
        match self.editor.edit(seller, id, &[], |current, now| Ok(Product::archived(current, now))).await {
            // Archived already (the listing index follows a moment behind).
            Ok(_) | Err(ApiError::NotFound) => Ok(()),
            Err(e) => Err(e),
        }
    }
}
