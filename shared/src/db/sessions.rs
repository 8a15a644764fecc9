//! The sessions table: everything issued to prove who a user is, stored by digest only.
//!
//! - `session#<id>`: one login's family of refresh tokens (`revoked`, `expiresAt`). A session ends
//!   30 days after its login however often it is refreshed: `expiresAt` is set once, at login.
//! - `refresh#<digest>`: a refresh token of a family, expiring with it; `usedAt` once rotated.
//! - `verify#<digest>`: an email verification token.
//!
//! Every item carries `expiresAt` (epoch seconds) for DynamoDB TTL; reads also check it, since TTL
//! deletes lazily.

use std::time::Duration;

use aws_sdk_dynamodb::types::{AttributeValue, ConditionCheck, Delete, Put, TransactWriteItem, Update};

use crate::accounts::SecretToken;
use crate::clock::Timestamp;
use crate::config::ConfigError;
use crate::db::attributes::{Item, get_n, get_s, n, pk as key, s};
use crate::db::error::applied;
use crate::db::transaction::{self, CancelReason, TransactionError};
use crate::db::{Database, UserRepo};
use crate::error::ApiError;
use crate::ids::{SessionId, UserId};
use crate::tables::Table;

/// The absolute lifetime of a session (and so of every refresh token of it), from its login.
pub const SESSION_LIFETIME: Duration = Duration::from_secs(30 * 24 * 3600);
pub const VERIFICATION_TOKEN_TTL: Duration = Duration::from_secs(24 * 3600);

#[derive(Clone, Debug)]
pub struct SessionRepo {
    client: aws_sdk_dynamodb::Client,
    table: String,
}

/// What presenting a refresh token came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rotation {
    /// The token was current: it is now spent and `next` replaces it.
    Rotated { user_id: UserId },
    /// Unknown, expired, or of a revoked session.
    Invalid,
    /// Already rotated: someone holds a copy. The whole session has been revoked.
    Reused { user_id: UserId, session_id: SessionId },
}

impl SessionRepo {
    pub fn new(db: &Database) -> Result<Self, ConfigError> {
        Ok(Self { client: db.client(), table: db.table(Table::Sessions)? })
    }

    fn put(&self, item: Item, condition: &str) -> Result<TransactWriteItem, ApiError> {
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression(condition)
            .build()
            .map_err(ApiError::internal)?;
        Ok(TransactWriteItem::builder().put(put).build())
    }

    /// A refresh token of `session`, issued `now`, ending with its session at `expires_at`.
    fn refresh_item(
        &self,
        token: &SecretToken,
        session: SessionId,
        user: UserId,
        now: Timestamp,
        expires_at: i64,
    ) -> Item {
        let mut item = key(format!("refresh#{}", token.digest()));
        item.insert("sessionId".into(), s(session));
        item.insert("userId".into(), s(user));
        item.insert("issuedAt".into(), s(now));
        item.insert("expiresAt".into(), n(expires_at));
        item
    }

    /// The item at `pk`, read consistently (a token just issued must be found).
    async fn get(&self, pk: &str) -> Result<Option<Item>, ApiError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(pk.to_owned())))
            .consistent_read(true)
            .send()
            .await?;
        Ok(out.item)
    }

    /// Starts a session (a login) whose first refresh token is `token`.
    pub async fn start(&self, user_id: UserId, token: &SecretToken, now: Timestamp) -> Result<SessionId, ApiError> {
        let session_id = SessionId::new();
        let mut session = key(format!("session#{session_id}"));
        session.insert("userId".into(), s(user_id));
        session.insert("revoked".into(), AttributeValue::Bool(false));
        session.insert("createdAt".into(), s(now));
        let expires_at = now.plus(SESSION_LIFETIME).unix_seconds();
        session.insert("expiresAt".into(), n(expires_at));
        let items = vec![
            self.put(session, "attribute_not_exists(pk)")?,
            self.put(self.refresh_item(token, session_id, user_id, now, expires_at), "attribute_not_exists(pk)")?,
        ];
        transaction::write(&self.client, items).await?;
        Ok(session_id)
    }

    /// Spends `presented` and issues `next` in its session, atomically; a token presented twice
    /// (even by two concurrent requests) revokes its session.
    pub async fn rotate(
        &self,
        presented: &SecretToken,
        next: &SecretToken,
        now: Timestamp,
    ) -> Result<Rotation, ApiError> {
        let pk = format!("refresh#{}", presented.digest());
        let Some(item) = self.get(&pk).await? else { return Ok(Rotation::Invalid) };
        let (Some(session_id), Some(user_id), Some(expires_at)) = (
            get_s::<SessionId>(&item, "sessionId"),
            get_s::<UserId>(&item, "userId"),
            get_n::<i64>(&item, "expiresAt"),
        ) else {
            return Err(ApiError::internal("refresh token item is incomplete"));
        };
        if expires_at <= now.unix_seconds() {
            return Ok(Rotation::Invalid);
        }
        if item.contains_key("usedAt") {
            self.revoke(session_id).await?;
            return Ok(Rotation::Reused { user_id, session_id });
        }
        let spend = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key(pk)))
            .update_expression("SET usedAt = :now")
            .condition_expression("attribute_not_exists(usedAt)")
            .expression_attribute_values(":now", s(now))
            .build()
            .map_err(ApiError::internal)?;
        // The session must still be live; it is not extended (its lifetime counts from the login),
        // and the next token ends with it.
        let live = ConditionCheck::builder()
            .table_name(&self.table)
            .set_key(Some(key(format!("session#{session_id}"))))
            .condition_expression("revoked = :false AND expiresAt > :now")
            .expression_attribute_values(":false", AttributeValue::Bool(false))
            .expression_attribute_values(":now", n(now.unix_seconds()))
            .build()
            .map_err(ApiError::internal)?;
        let items = vec![
            TransactWriteItem::builder().update(spend).build(),
            TransactWriteItem::builder().condition_check(live).build(),
            self.put(self.refresh_item(next, session_id, user_id, now, expires_at), "attribute_not_exists(pk)")?,
        ];
        match transaction::write(&self.client, items).await {
            Ok(()) => Ok(Rotation::Rotated { user_id }),
            Err(TransactionError::Cancelled(reasons)) => match reasons.as_slice() {
                // Spent between our read and our write: a concurrent use of the same token.
                [CancelReason::ConditionFailed, ..] => {
                    self.revoke(session_id).await?;
                    Ok(Rotation::Reused { user_id, session_id })
                }
                [_, CancelReason::ConditionFailed, ..] => Ok(Rotation::Invalid),
                _ => Err(TransactionError::Cancelled(reasons).into()),
            },
            Err(e) => Err(e.into()),
        }
    }

    /// Revokes the session `token` belongs to (logout); `None` if the token is unknown.
    pub async fn revoke_by_token(&self, token: &SecretToken) -> Result<Option<(UserId, SessionId)>, ApiError> {
        let Some(item) = self.get(&format!("refresh#{}", token.digest())).await? else { return Ok(None) };
        let (Some(session_id), Some(user_id)) =
            (get_s::<SessionId>(&item, "sessionId"), get_s::<UserId>(&item, "userId"))
        else {
            return Err(ApiError::internal("refresh token item is incomplete"));
        };
        self.revoke(session_id).await?;
        Ok(Some((user_id, session_id)))
    }

    async fn revoke(&self, session_id: SessionId) -> Result<(), ApiError> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(format!("session#{session_id}"))))
            .update_expression("SET revoked = :true")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":true", AttributeValue::Bool(true))
            .send()
            .await;
        applied(result).map(|_| ())
    }

    /// Stores an email verification token for `user_id`, valid for 24 hours.
    pub async fn issue_verification(
        &self,
        user_id: UserId,
        token: &SecretToken,
        now: Timestamp,
    ) -> Result<(), ApiError> {
        let mut item = key(format!("verify#{}", token.digest()));
        item.insert("userId".into(), s(user_id));
        item.insert("expiresAt".into(), n(now.plus(VERIFICATION_TOKEN_TTL).unix_seconds()));
        self.client.put_item().table_name(&self.table).set_item(Some(item)).send().await?;
        Ok(())
    }

    /// Spends a verification token and marks its user verified, in one transaction: a token works
    /// once, and only before it expires. Unknown, used or expired is 400 `invalid_token`.
    pub async fn consume_verification(
        &self,
        token: &SecretToken,
        users: &UserRepo,
        now: Timestamp,
    ) -> Result<UserId, ApiError> {
        let pk = format!("verify#{}", token.digest());
        let found = self.get(&pk).await?;
        let user_id = found.as_ref().and_then(|item| get_s::<UserId>(item, "userId")).ok_or(ApiError::InvalidToken)?;
        let delete = Delete::builder()
            .table_name(&self.table)
            .set_key(Some(key(pk)))
            .condition_expression("attribute_exists(pk) AND expiresAt > :now")
            .expression_attribute_values(":now", n(now.unix_seconds()))
            .build()
            .map_err(ApiError::internal)?;
        let items = vec![TransactWriteItem::builder().delete(delete).build(), users.mark_verified(user_id)?];
        match transaction::write(&self.client, items).await {
            Ok(()) => Ok(user_id),
            Err(TransactionError::Cancelled(_)) => Err(ApiError::InvalidToken),
            Err(e) => Err(e.into()),
        }
    }
}
