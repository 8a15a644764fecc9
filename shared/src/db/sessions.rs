//! The sessions table: everything issued to prove who a user is, stored by digest only.
//!
//! - `session#<id>`: one login's family of refresh tokens (`revoked`, `expiresAt`). A session ends
//!   30 days after its login however often it is refreshed: `expiresAt` is set once, at login.
//! - `refresh#<digest>`: a refresh token of a family, expiring with it; `usedAt` once rotated.
//! - `sessions-of#<userId>`: the user's session `epoch`. Every session carries the epoch it was
//!   started in and works only while the user's epoch is still that one, so raising the epoch ends
//!   every session of the user in one write (password reset, account deletion), and raising it
//!   while re-stamping one session ends all the others (password change).
//!
//! One-time tokens (email verification, password reset) live in the same table: see
//! [`crate::db::account_tokens`].
//!
//! Every item carries `expiresAt` (epoch seconds) for DynamoDB TTL; reads also check it, since TTL
//! deletes lazily.

use std::time::Duration;

use aws_sdk_dynamodb::types::{AttributeValue, ConditionCheck, Put, TransactWriteItem, Update};

use crate::accounts::SecretToken;
use crate::clock::Timestamp;
use crate::config::ConfigError;
use crate::db::Database;
use crate::db::attributes::{Item, get_n, get_s, n, pk as key, s};
use crate::db::error::applied;
use crate::db::transaction::{self, CancelReason, TransactionError};
use crate::error::ApiError;
use crate::ids::{SessionId, UserId};
use crate::tables::Table;

/// The absolute lifetime of a session (and so of every refresh token of it), from its login.
pub const SESSION_LIFETIME: Duration = Duration::from_secs(30 * 24 * 3600);

#[derive(Clone, Debug)]
pub struct SessionRepo {
    client: aws_sdk_dynamodb::Client,
    table: String,
}

/// What presenting a refresh token came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rotation {
    /// The token was current: it is now spent and `next` replaces it.
    Rotated { user_id: UserId, session_id: SessionId },
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
    pub(crate) async fn get(&self, pk: &str) -> Result<Option<Item>, ApiError> {
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

    /// Starts a session (a login) whose first refresh token is `token`. 401 `invalid_credentials`
    /// if every session of the user was ended meanwhile (the password was just reset).
    pub async fn start(&self, user_id: UserId, token: &SecretToken, now: Timestamp) -> Result<SessionId, ApiError> {
        let epoch = self.epoch(user_id).await?;
        let session_id = SessionId::new();
        let mut session = key(format!("session#{session_id}"));
        session.insert("userId".into(), s(user_id));
        session.insert("revoked".into(), AttributeValue::Bool(false));
        session.insert("createdAt".into(), s(now));
        session.insert("epoch".into(), n(epoch));
        let expires_at = now.plus(SESSION_LIFETIME).unix_seconds();
        session.insert("expiresAt".into(), n(expires_at));
        let items = vec![
            self.put(session, "attribute_not_exists(pk)")?,
            self.put(self.refresh_item(token, session_id, user_id, now, expires_at), "attribute_not_exists(pk)")?,
            self.epoch_is(user_id, epoch)?,
        ];
        match transaction::write(&self.client, items).await {
            Ok(()) => Ok(session_id),
            Err(e) if e.failed_at(2) => Err(ApiError::InvalidCredentials),
            Err(e) => Err(e.into()),
        }
    }

    /// The user's current session epoch (0 before any session was ended this way).
    pub async fn epoch(&self, user_id: UserId) -> Result<i64, ApiError> {
        Ok(self.get(&epoch_pk(user_id)).await?.and_then(|item| get_n(&item, "epoch")).unwrap_or(0))
    }

    /// A transaction item that holds only while the user's epoch is still `epoch`.
    fn epoch_is(&self, user_id: UserId, epoch: i64) -> Result<TransactWriteItem, ApiError> {
        let check = ConditionCheck::builder()
            .table_name(&self.table)
            .set_key(Some(key(epoch_pk(user_id))))
            .condition_expression(epoch_condition(epoch))
            .expression_attribute_values(":epoch", n(epoch))
            .build()
            .map_err(ApiError::internal)?;
        Ok(TransactWriteItem::builder().condition_check(check).build())
    }

    /// A transaction item that ends every session of the user (raises their epoch).
    pub fn end_all(&self, user_id: UserId) -> Result<TransactWriteItem, ApiError> {
        let update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key(epoch_pk(user_id))))
            .update_expression("ADD epoch :one")
            .expression_attribute_values(":one", n(1))
            .build()
            .map_err(ApiError::internal)?;
        Ok(TransactWriteItem::builder().update(update).build())
    }

    /// Transaction items that end every session of the user but `keep`, given that their epoch is
    /// `epoch` (read with [`epoch`](Self::epoch)); they fail if it changed meanwhile or `keep` is
    /// not a live session of the user.
    pub fn end_all_but(
        &self,
        user_id: UserId,
        keep: SessionId,
        epoch: i64,
    ) -> Result<Vec<TransactWriteItem>, ApiError> {
        let raise = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key(epoch_pk(user_id))))
            .update_expression("SET epoch = :next")
            .condition_expression(epoch_condition(epoch))
            .expression_attribute_values(":epoch", n(epoch))
            .expression_attribute_values(":next", n(epoch + 1))
            .build()
            .map_err(ApiError::internal)?;
        let restamp = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key(format!("session#{keep}"))))
            .update_expression("SET epoch = :next")
            .condition_expression("userId = :user AND revoked = :false")
            .expression_attribute_values(":user", s(user_id))
            .expression_attribute_values(":false", AttributeValue::Bool(false))
            .expression_attribute_values(":next", n(epoch + 1))
            .build()
            .map_err(ApiError::internal)?;
        Ok(vec![
            TransactWriteItem::builder().update(raise).build(),
            TransactWriteItem::builder().update(restamp).build(),
        ])
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
        let Some(session) = self.get(&format!("session#{session_id}")).await? else { return Ok(Rotation::Invalid) };
        let epoch = get_n::<i64>(&session, "epoch").unwrap_or(0);
        let spend = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key(pk)))
            .update_expression("SET usedAt = :now")
            .condition_expression("attribute_not_exists(usedAt)")
            .expression_attribute_values(":now", s(now))
            .build()
            .map_err(ApiError::internal)?;
        // The session must still be live, in the user's current epoch; it is not extended (its
        // lifetime counts from the login), and the next token ends with it.
        let live = ConditionCheck::builder()
            .table_name(&self.table)
            .set_key(Some(key(format!("session#{session_id}"))))
            .condition_expression(
                "revoked = :false AND expiresAt > :now AND (attribute_not_exists(epoch) OR epoch = :epoch)",
            )
            .expression_attribute_values(":false", AttributeValue::Bool(false))
            .expression_attribute_values(":now", n(now.unix_seconds()))
            .expression_attribute_values(":epoch", n(epoch))
            .build()
            .map_err(ApiError::internal)?;
        let items = vec![
            TransactWriteItem::builder().update(spend).build(),
            TransactWriteItem::builder().condition_check(live).build(),
            self.put(self.refresh_item(next, session_id, user_id, now, expires_at), "attribute_not_exists(pk)")?,
            self.epoch_is(user_id, epoch)?,
        ];
        match transaction::write(&self.client, items).await {
            Ok(()) => Ok(Rotation::Rotated { user_id, session_id }),
            Err(TransactionError::Cancelled(reasons)) => match reasons.as_slice() {
                // Spent between our read and our write: a concurrent use of the same token.
                [CancelReason::ConditionFailed, ..] => {
                    self.revoke(session_id).await?;
                    Ok(Rotation::Reused { user_id, session_id })
                }
                [_, CancelReason::ConditionFailed, ..] | [_, _, _, CancelReason::ConditionFailed] => {
                    Ok(Rotation::Invalid)
                }
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
}

fn epoch_pk(user_id: UserId) -> String {
    format!("sessions-of#{user_id}")
}

/// The condition that the user's epoch item says `:epoch` (= `epoch`); a missing item is epoch 0.
fn epoch_condition(epoch: i64) -> &'static str {
    if epoch == 0 { "attribute_not_exists(epoch) OR epoch = :epoch" } else { "epoch = :epoch" }
}
