//! The users table. `pk = user#<id>` holds the account; `pk = email#<address>` is a guard item that
//! makes an address belong to one account. Both are written in one transaction, so two concurrent
//! registrations of one email cannot both succeed.
//!
//! An account that is never verified is removed 7 days after registration: both items carry
//! `expiresAt` (DynamoDB TTL) until verification removes it. TTL deletes lazily, so reads treat an
//! expired unverified account as gone, and a registration may take over an expired guard.

use std::sync::Arc;

use aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder;
use aws_sdk_dynamodb::types::{AttributeValue, Delete, Put, TransactWriteItem, Update};
use serde::Serialize;

use crate::accounts::profile::ProfilePatch;
use crate::accounts::{Account, Email, PasswordHash, Preferences, Role, User};
use crate::clock::Clock;
use crate::config::ConfigError;
use crate::db::Database;
use crate::db::attributes::{Item, get_s, n, pk, s};
use crate::db::error::{applied, is_condition_failure};
use crate::db::index_page::{Position, to_position, to_start};
use crate::db::read::{get_consistent, query_all};
use crate::db::transaction;
use crate::error::{ApiError, Conflict};
use crate::ids::UserId;
use crate::tables::Table;

/// How long an account may stay unverified before it is removed and its email freed.
pub const UNVERIFIED_LIFETIME: std::time::Duration = std::time::Duration::from_secs(7 * 24 * 3600);

#[derive(Clone)]
pub struct UserRepo {
    client: aws_sdk_dynamodb::Client,
    table: String,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for UserRepo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserRepo").field("table", &self.table).finish_non_exhaustive()
    }
}

/// When an unverified `user` expires.
fn expiry(user: &User) -> i64 {
    user.created_at.plus(UNVERIFIED_LIFETIME).unix_seconds()
}

#[derive(Serialize)]
struct Stored<'a> {
    pk: String,
    #[serde(flatten)]
    account: &'a Account,
}

fn user_key(id: UserId) -> Item {
    pk(format!("user#{id}"))
}

/// The user a `user#<id>` item is.
fn user_of(item: &Item) -> Option<UserId> {
    get_s::<String>(item, "pk")?.strip_prefix("user#")?.parse().ok()
}

fn email_key(email: &Email) -> Item {
    pk(format!("email#{email}"))
}

impl UserRepo {
    pub fn new(db: &Database) -> Result<Self, ConfigError> {
        Ok(Self { client: db.client(), table: db.table(Table::Users)?, clock: db.clock() })
    }

    /// Creates the account; 409 `email_taken` if its email already has one.
    pub async fn create(&self, account: &Account) -> Result<(), ApiError> {
        let user = &account.user;
        let mut guard = email_key(&user.email);
        guard.insert("userId".into(), s(user.id));
        let mut stored: Item = serde_dynamo::to_item(Stored { pk: format!("user#{}", user.id), account })?;
        if !user.email_verified {
            guard.insert("expiresAt".into(), n(expiry(user)));
            stored.insert("expiresAt".into(), n(expiry(user)));
        }
        let now = self.clock.now().unix_seconds();
        let put = |item, condition: &str, what: &str| {
            let mut put = Put::builder().table_name(&self.table).set_item(Some(item)).condition_expression(condition);
            if condition.contains(":now") {
                put = put.expression_attribute_values(":now", n(now));
            }
            put.build().map_err(|e| ApiError::internal(format!("{what}: {e}")))
        };
        // The guard of an account that expired unverified may still be there: it is taken over.
        let guard_free = "attribute_not_exists(pk) OR expiresAt <= :now";
        let items = vec![
            TransactWriteItem::builder().put(put(guard, guard_free, "email guard")?).build(),
            TransactWriteItem::builder().put(put(stored, "attribute_not_exists(pk)", "user")?).build(),
        ];
        match transaction::write(&self.client, items).await {
            Ok(()) => Ok(()),
            Err(e) if e.failed_at(0) => Err(ApiError::Conflict(Conflict::EmailTaken)),
            Err(e) => Err(e.into()),
        }
    }

    /// Undoes [`create`](Self::create) of an account nobody has used yet (its verification message
    /// could not be sent), so the client can simply register again.
    pub async fn remove_unverified(&self, account: &Account) -> Result<(), ApiError> {
        let user = &account.user;
        let delete = |key, condition: Option<&str>| {
            let mut delete = Delete::builder().table_name(&self.table).set_key(Some(key));
            if let Some(condition) = condition {
                delete = delete
                    .condition_expression(condition)
                    .expression_attribute_values(":false", AttributeValue::Bool(false));
            }
            delete.build().map(|d| TransactWriteItem::builder().delete(d).build()).map_err(ApiError::internal)
        };
        let items =
            vec![delete(email_key(&user.email), None)?, delete(user_key(user.id), Some("emailVerified = :false"))?];
        transaction::write(&self.client, items).await.map_err(ApiError::from)
    }

    /// The deletions that close `account` for good: the account item, while its password is still
    /// the one the owner confirmed, and its email's guard, which frees the address. For a
    /// transaction that also ends the sessions; the account item comes first.
    pub fn close(&self, account: &Account) -> Result<Vec<TransactWriteItem>, ApiError> {
        let user = &account.user;
        let account_item = Delete::builder()
            .table_name(&self.table)
            .set_key(Some(user_key(user.id)))
            .condition_expression("passwordHash = :hash")
            .expression_attribute_values(":hash", serde_dynamo::to_attribute_value(&account.password_hash)?)
            .build()
            .map_err(ApiError::internal)?;
        let guard = Delete::builder()
            .table_name(&self.table)
            .set_key(Some(email_key(&user.email)))
            .condition_expression("userId = :id")
            .expression_attribute_values(":id", s(user.id))
            .build()
            .map_err(ApiError::internal)?;
        Ok(vec![
            TransactWriteItem::builder().delete(account_item).build(),
            TransactWriteItem::builder().delete(guard).build(),
        ])
    }

    /// Strongly consistent, so a login right after registration or verification sees it.
    /// An account that expired unverified is gone, whether or not TTL has deleted it yet.
    pub async fn get(&self, id: UserId) -> Result<Option<Account>, ApiError> {
        let account: Option<Account> = get_consistent(&self.client, &self.table, user_key(id)).await?;
        let now = self.clock.now().unix_seconds();
        Ok(account.filter(|a| a.user.email_verified || expiry(&a.user) > now))
    }

    /// What the user chose about how they are told things; `None` if there is no such user.
    pub async fn preferences(&self, id: UserId) -> Result<Option<Preferences>, ApiError> {
        Ok(self.get(id).await?.map(|account| account.user.preferences))
    }

    pub async fn find_by_email(&self, email: &Email) -> Result<Option<Account>, ApiError> {
        let guard = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(email_key(email)))
            .consistent_read(true)
            .send()
            .await?;
        let user_id = guard.item.and_then(|item| get_s::<UserId>(&item, "userId"));
        match user_id {
            Some(id) => self.get(id).await,
            None => Ok(None),
        }
    }

    /// The updates that mark `user`'s email verified (and so keep the account and its email for
    /// good), for a transaction that also consumes the token; `set` may add more to the user item.
    pub fn mark_verified(&self, user: &User, set: &str) -> Result<Vec<TransactWriteItem>, ApiError> {
        let mut account = Update::builder()
            .table_name(&self.table)
            .set_key(Some(user_key(user.id)))
            .update_expression(format!("SET emailVerified = :true{set} REMOVE expiresAt"))
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":true", AttributeValue::Bool(true));
        if set.contains("#role") {
            account = account
                .expression_attribute_names("#role", "role")
                .expression_attribute_values(":admin", s(Role::Admin.as_str()));
        }
        let guard = Update::builder()
            .table_name(&self.table)
            .set_key(Some(email_key(&user.email)))
            .update_expression("REMOVE expiresAt")
            .condition_expression("userId = :id")
            .expression_attribute_values(":id", s(user.id))
            .build()
            .map_err(ApiError::internal)?;
        Ok(vec![
            TransactWriteItem::builder().update(account.build().map_err(ApiError::internal)?).build(),
            TransactWriteItem::builder().update(guard).build(),
        ])
    }

    /// The update that sets a user's password hash, for a transaction that also spends a reset
    /// token or ends sessions; with `replacing`, only if the hash is still that one (a password
    /// change must not undo a reset that came between its check and its write).
    pub fn set_password(
        &self,
        id: UserId,
        hash: &PasswordHash,
        replacing: Option<&PasswordHash>,
    ) -> Result<TransactWriteItem, ApiError> {
        let mut update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(user_key(id)))
            .update_expression("SET passwordHash = :hash")
            .expression_attribute_values(":hash", serde_dynamo::to_attribute_value(hash)?);
        update = match replacing {
            Some(old) => update
                .condition_expression("attribute_exists(pk) AND passwordHash = :old")
                .expression_attribute_values(":old", serde_dynamo::to_attribute_value(old)?),
            None => update.condition_expression("attribute_exists(pk)"),
        };
        Ok(TransactWriteItem::builder().update(update.build().map_err(ApiError::internal)?).build())
    }

    /// Applies `patch` to the user's profile and returns the user as it is now; `None` if the
    /// account no longer exists.
    pub async fn update_profile(&self, id: UserId, patch: &ProfilePatch) -> Result<Option<User>, ApiError> {
        if patch.is_empty() {
            return Ok(self.get(id).await?.map(|account| account.user));
        }
        let mut sets = Vec::new();
        let mut update = self.client.update_item().table_name(&self.table).set_key(Some(user_key(id)));
        if let Some(name) = &patch.name {
            sets.push("#name = :name");
            update = update
                .expression_attribute_names("#name", "name")
                .expression_attribute_values(":name", s(name.as_str()));
        }
        if let Some(phone) = &patch.phone {
            sets.push("phone = :phone");
            update = update.expression_attribute_values(":phone", serde_dynamo::to_attribute_value(phone)?);
        }
        if let Some(preferences) = &patch.preferences {
            sets.push("preferences = :preferences");
            update = update.expression_attribute_values(":preferences", serde_dynamo::to_attribute_value(preferences)?);
        }
        let result = update
            .update_expression(format!("SET {}", sets.join(", ")))
            .condition_expression("attribute_exists(pk)")
            .return_values(aws_sdk_dynamodb::types::ReturnValue::AllNew)
            .send()
            .await;
        match result {
            Ok(out) => {
                let account: Account = serde_dynamo::from_item(out.attributes.unwrap_or_default())?;
                Ok(Some(account.user))
            }
            Err(e) if is_condition_failure(&e) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// The Query of the users with `role` (the `ByRole` index holds keys only).
    fn with_role(&self, role: Role) -> QueryFluentBuilder {
        self.client
            .query()
            .table_name(&self.table)
            .index_name("ByRole")
            .key_condition_expression("#role = :role")
            .expression_attribute_names("#role", "role")
            .expression_attribute_values(":role", s(role.as_str()))
    }

    /// Up to `limit` users with `role`, from `start` on, and where the next page starts.
    pub async fn role_page(
        &self,
        role: Role,
        start: Option<Position>,
        limit: i32,
    ) -> Result<(Vec<UserId>, Option<Position>), ApiError> {
        let out = self.with_role(role).set_exclusive_start_key(to_start(start)).limit(limit).send().await?;
        let ids = out.items.unwrap_or_default().iter().filter_map(user_of).collect();
        Ok((ids, to_position(out.last_evaluated_key)))
    }

    /// Every user with `role` (the `ByRole` index holds keys only).
    pub async fn ids_with_role(&self, role: Role) -> Result<Vec<UserId>, ApiError> {
        let items = query_all(self.with_role(role)).await?;
        Ok(items.iter().filter_map(user_of).collect())
    }

    /// Makes a customer a vendor; false if they were not a customer (already a vendor: a repeat).
    pub async fn make_vendor(&self, id: UserId) -> Result<bool, ApiError> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(user_key(id)))
            .update_expression("SET #role = :vendor")
            .condition_expression("#role = :customer")
            .expression_attribute_names("#role", "role")
            .expression_attribute_values(":vendor", s(Role::Vendor.as_str()))
            .expression_attribute_values(":customer", s(Role::Customer.as_str()))
            .send()
            .await;
        applied(result)
    }

    /// Makes a user an admin with a verified email (the bootstrap of the first admin).
    pub async fn promote_to_admin(&self, id: UserId) -> Result<(), ApiError> {
        let account = self.get(id).await?.ok_or(ApiError::NotFound)?;
        let items = self.mark_verified(&account.user, ", #role = :admin")?;
        transaction::write(&self.client, items).await.map_err(ApiError::from)
    }
}
