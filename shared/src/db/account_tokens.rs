//! One-time tokens in the sessions table, stored by digest only, each spent in the same
//! transaction as what it grants, so it works once and only before it expires:
//!
//! - `verify#<digest>`: an email verification token (24 hours); `verify-of#<userId>` names the
//!   newest one's digest, so issuing a new one makes the earlier ones stop working.
//! - `reset#<digest>`: a password reset token (1 hour); spending it sets the password and ends
//!   every session of the user.

use std::time::Duration;

use aws_sdk_dynamodb::types::{ConditionCheck, Delete, Put, TransactWriteItem};

use crate::accounts::{PasswordHash, SecretToken};
use crate::clock::Timestamp;
use crate::config::ConfigError;
use crate::db::attributes::{Item, get_n, get_s, n, pk as key, s};
use crate::db::transaction::{self, TransactionError};
use crate::db::{Database, SessionRepo, UserRepo};
use crate::error::ApiError;
use crate::ids::UserId;
use crate::tables::Table;

pub const VERIFICATION_TOKEN_TTL: Duration = Duration::from_secs(24 * 3600);
pub const RESET_TOKEN_TTL: Duration = Duration::from_secs(3600);

#[derive(Clone, Debug)]
pub struct AccountTokens {
    client: aws_sdk_dynamodb::Client,
    table: String,
    sessions: SessionRepo,
}

impl AccountTokens {
    pub fn new(db: &Database) -> Result<Self, ConfigError> {
        Ok(Self { client: db.client(), table: db.table(Table::Sessions)?, sessions: SessionRepo::new(db)? })
    }

    fn put(&self, item: Item) -> Result<TransactWriteItem, ApiError> {
        let put = Put::builder().table_name(&self.table).set_item(Some(item)).build().map_err(ApiError::internal)?;
        Ok(TransactWriteItem::builder().put(put).build())
    }

    /// Deletes the token item at `pk` on condition that it has not expired: the spending half of
    /// a transaction.
    fn spend(&self, pk: String, now: Timestamp) -> Result<TransactWriteItem, ApiError> {
        let delete = Delete::builder()
            .table_name(&self.table)
            .set_key(Some(key(pk)))
            .condition_expression("attribute_exists(pk) AND expiresAt > :now")
            .expression_attribute_values(":now", n(now.unix_seconds()))
            .build()
            .map_err(ApiError::internal)?;
        Ok(TransactWriteItem::builder().delete(delete).build())
    }

    /// The user a live token item at `pk` is for; 400 `invalid_token` if there is none (TTL
    /// deletes lazily, so an expired item may still be there).
    async fn owner(&self, pk: &str, now: Timestamp) -> Result<UserId, ApiError> {
        let found = self.sessions.get(pk).await?;
        found
            .as_ref()
            .filter(|item| get_n::<i64>(item, "expiresAt").is_some_and(|at| at > now.unix_seconds()))
            .and_then(|item| get_s::<UserId>(item, "userId"))
            .ok_or(ApiError::InvalidToken)
    }

    /// Stores an email verification token for `user_id`, valid for 24 hours; earlier ones stop working.
    pub async fn issue_verification(
        &self,
        user_id: UserId,
        token: &SecretToken,
        now: Timestamp,
    ) -> Result<(), ApiError> {
        let digest = token.digest();
        let mut item = key(format!("verify#{digest}"));
        item.insert("userId".into(), s(user_id));
        item.insert("expiresAt".into(), n(now.plus(VERIFICATION_TOKEN_TTL).unix_seconds()));
        let mut newest = key(format!("verify-of#{user_id}"));
        newest.insert("digest".into(), s(&digest));
        newest.insert("expiresAt".into(), n(now.plus(VERIFICATION_TOKEN_TTL).unix_seconds()));
        transaction::write(&self.client, vec![self.put(item)?, self.put(newest)?]).await.map_err(ApiError::from)
    }

    /// Spends a verification token and marks its user verified, in one transaction. Unknown, used,
    /// superseded or expired is 400 `invalid_token`.
    pub async fn consume_verification(
        &self,
        token: &SecretToken,
        users: &UserRepo,
        now: Timestamp,
    ) -> Result<UserId, ApiError> {
        let digest = token.digest();
        let pk = format!("verify#{digest}");
        let user_id = self.owner(&pk, now).await?;
        let account = users.get(user_id).await?.ok_or(ApiError::InvalidToken)?;
        // Tokens issued before `verify-of#` existed have no pointer; they stay valid until they expire.
        let newest = ConditionCheck::builder()
            .table_name(&self.table)
            .set_key(Some(key(format!("verify-of#{user_id}"))))
            .condition_expression("attribute_not_exists(digest) OR digest = :digest")
            .expression_attribute_values(":digest", s(digest))
            .build()
            .map_err(ApiError::internal)?;
        let mut items = vec![self.spend(pk, now)?, TransactWriteItem::builder().condition_check(newest).build()];
        items.extend(users.mark_verified(&account.user, "")?);
        match transaction::write(&self.client, items).await {
            Ok(()) => Ok(user_id),
            Err(TransactionError::Cancelled(_)) => Err(ApiError::InvalidToken),
            Err(e) => Err(e.into()),
        }
    }

    /// The user a live password reset token is for; 400 `invalid_token` if there is none.
    pub async fn reset_owner(&self, token: &SecretToken, now: Timestamp) -> Result<UserId, ApiError> {
        self.owner(&format!("reset#{}", token.digest()), now).await
    }

    /// Stores a password reset token for `user_id`, valid for 1 hour.
    pub async fn issue_reset(&self, user_id: UserId, token: &SecretToken, now: Timestamp) -> Result<(), ApiError> {
        let mut item = key(format!("reset#{}", token.digest()));
        item.insert("userId".into(), s(user_id));
        item.insert("expiresAt".into(), n(now.plus(RESET_TOKEN_TTL).unix_seconds()));
        self.client.put_item().table_name(&self.table).set_item(Some(item)).send().await?;
        Ok(())
    }

    /// Spends a password reset token, sets the new password and ends every session of its user, in
    /// one transaction: of two resets with one token exactly one wins. Unknown, used or expired is
    /// 400 `invalid_token`.
    pub async fn consume_reset(
        &self,
        token: &SecretToken,
        password: &PasswordHash,
        users: &UserRepo,
        now: Timestamp,
    ) -> Result<UserId, ApiError> {
        let pk = format!("reset#{}", token.digest());
        let user_id = self.owner(&pk, now).await?;
        let items =
            vec![self.spend(pk, now)?, users.set_password(user_id, password, None)?, self.sessions.end_all(user_id)?];
        match transaction::write(&self.client, items).await {
            Ok(()) => Ok(user_id),
            Err(TransactionError::Cancelled(_)) => Err(ApiError::InvalidToken),
            Err(e) => Err(e.into()),
        }
    }
}
