//! The connections table: `pk = conn#<connectionId>` is an open WebSocket connection and its
//! user (index `ByUser` finds a user's), removed when it closes, when `@connections` says it is
//! gone, or by TTL when API Gateway's 2 hours are over. `pk = presence#<userId>` carries one
//! attribute per open connection (`c#<connectionId>`: when it expires) and `lastSeenAt`: adding or
//! removing one returns the others in the same atomic update, so exactly one opening is the first
//! and exactly one closing is the last, however they race.

use aws_sdk_dynamodb::types::ReturnValue;
use serde::{Deserialize, Serialize};

use crate::clock::Timestamp;
use crate::config::ConfigError;
use crate::conversations::{CONNECTION_LIFETIME, ConnectionId, Presence};
use crate::db::Database;
use crate::db::attributes::{Item, get_n, n, pk, s};
use crate::db::error::is_condition_failure;
use crate::db::read::query_all;
use crate::error::ApiError;
use crate::ids::UserId;
use crate::tables::Table;

const BY_USER: &str = "ByUser";
const OPEN_PREFIX: &str = "c#";
/// How long a connection may take to open: `@connections` does not know it before its
/// `$connect` returns.
pub const OPENING: std::time::Duration = std::time::Duration::from_secs(10);

#[derive(Clone, Debug)]
pub struct ConnectionRepo {
    client: aws_sdk_dynamodb::Client,
    table: String,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StoredConnection {
    pk: String,
    connection_id: ConnectionId,
    user_id: UserId,
    connected_at: Timestamp,
    /// Seconds since the epoch, for TTL.
    expires_at: i64,
}

/// A connection that closed, and whether it was its user's last.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Closed {
    pub user: UserId,
    pub last: bool,
}

fn connection_key(id: &ConnectionId) -> Item {
    pk(format!("conn#{id}"))
}

fn presence_key(user: UserId) -> Item {
    pk(format!("presence#{user}"))
}

/// The connections an item of presence lists that are still open at `now`, other than `except`.
fn open_in(item: Option<&Item>, now: Timestamp, except: &ConnectionId) -> usize {
    let except = format!("{OPEN_PREFIX}{except}");
    item.into_iter()
        .flatten()
        .filter(|(name, _)| name.starts_with(OPEN_PREFIX) && **name != except)
        .filter(|(_, expires)| {
            expires.as_n().ok().and_then(|v| v.parse::<i64>().ok()).is_some_and(|at| at > now.unix_seconds())
        })
        .count()
}

impl ConnectionRepo {
    pub fn new(db: &Database) -> Result<Self, ConfigError> {
        Ok(Self { client: db.client(), table: db.table(Table::Connections)? })
    }

    /// Remembers `id` as `user`'s until API Gateway closes it; `true` when no other connection of
    /// theirs is open (they just came online).
    pub async fn open(&self, id: &ConnectionId, user: UserId, at: Timestamp) -> Result<bool, ApiError> {
        let expires_at = at.plus(CONNECTION_LIFETIME).unix_seconds();
        let stored = StoredConnection {
            pk: format!("conn#{id}"),
            connection_id: id.clone(),
            user_id: user,
            connected_at: at,
            expires_at,
        };
        self.client.put_item().table_name(&self.table).set_item(Some(serde_dynamo::to_item(stored)?)).send().await?;
        let out = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(presence_key(user)))
            .update_expression("SET #c = :expires")
            .expression_attribute_names("#c", format!("{OPEN_PREFIX}{id}"))
            .expression_attribute_values(":expires", n(expires_at))
            .return_values(ReturnValue::AllOld)
            .send()
            .await?;
        Ok(open_in(out.attributes.as_ref(), at, id) == 0)
    }

    /// The user of an open connection; `None` once it closed or expired.
    pub async fn user_of(&self, id: &ConnectionId, now: Timestamp) -> Result<Option<UserId>, ApiError> {
        let stored: Option<StoredConnection> =
            crate::db::read::get_consistent(&self.client, &self.table, connection_key(id)).await?;
        Ok(stored.filter(|c| c.expires_at > now.unix_seconds()).map(|c| c.user_id))
    }

    /// Forgets a connection its client closed at `at` (their last sighting, if it was their last
    /// connection); `None` if it was already forgotten.
    pub async fn close(&self, id: &ConnectionId, at: Timestamp) -> Result<Option<Closed>, ApiError> {
        self.end(id, at, Some(at), None).await
    }

    /// Forgets a connection `@connections` says is gone: nobody was seen on it now, so the user's
    /// last sighting stays what it was. One younger than [`OPENING`] is kept: API Gateway answers
    /// 410 for a connection whose `$connect` has not finished, and it is about to be open.
    pub async fn forget(&self, id: &ConnectionId, now: Timestamp) -> Result<Option<Closed>, ApiError> {
        let opened_before = now.plus(CONNECTION_LIFETIME).unix_seconds() - OPENING.as_secs() as i64;
        self.end(id, now, None, Some(opened_before)).await
    }

    /// Deletes the connection (only if it expires by `expiring_by`, when given: opened early
    /// enough), then takes it off its user's presence.
    async fn end(
        &self,
        id: &ConnectionId,
        now: Timestamp,
        seen: Option<Timestamp>,
        expiring_by: Option<i64>,
    ) -> Result<Option<Closed>, ApiError> {
        let mut delete = self
            .client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(connection_key(id)))
            .return_values(ReturnValue::AllOld);
        if let Some(by) = expiring_by {
            delete = delete.condition_expression("expiresAt <= :by").expression_attribute_values(":by", n(by));
        }
        let old = match delete.send().await {
            Ok(out) => out.attributes,
            Err(e) if is_condition_failure(&e) => None,
            Err(e) => return Err(e.into()),
        };
        let Some(old) = old else { return Ok(None) };
        let user: UserId = serde_dynamo::from_item::<_, StoredConnection>(old)?.user_id;
        let mut update = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(presence_key(user)))
            .expression_attribute_names("#c", format!("{OPEN_PREFIX}{id}"))
            .return_values(ReturnValue::AllNew);
        update = match seen {
            Some(at) => update
                .update_expression("REMOVE #c SET #seen = :at")
                .expression_attribute_names("#seen", "lastSeenAt")
                .expression_attribute_values(":at", s(at)),
            None => update.update_expression("REMOVE #c"),
        };
        let out = update.send().await?;
        Ok(Some(Closed { user, last: open_in(out.attributes.as_ref(), now, id) == 0 }))
    }

    /// `user`'s open connections.
    pub async fn of_user(&self, user: UserId, now: Timestamp) -> Result<Vec<ConnectionId>, ApiError> {
        let items = query_all(
            self.client
                .query()
                .table_name(&self.table)
                .index_name(BY_USER)
                .key_condition_expression("userId = :user")
                .filter_expression("expiresAt > :now")
                .expression_attribute_values(":user", s(user))
                .expression_attribute_values(":now", n(now.unix_seconds())),
        )
        .await?;
        let ids = items.iter().filter_map(|item| item.get("connectionId")?.as_s().ok()?.parse().ok());
        Ok(ids.collect())
    }

    /// Whether `user` is online at `now`, and when they were last seen if not: an expired
    /// connection whose close never came counts as seen until it expired.
    pub async fn presence(&self, user: UserId, now: Timestamp) -> Result<Presence, ApiError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(presence_key(user)))
            .consistent_read(true)
            .send()
            .await?;
        let item = out.item.unwrap_or_default();
        let expiries: Vec<i64> = item
            .iter()
            .filter(|(name, _)| name.starts_with(OPEN_PREFIX))
            .filter_map(|(name, _)| get_n(&item, name))
            .collect();
        if expiries.iter().any(|&at| at > now.unix_seconds()) {
            return Ok(Presence { online: true, last_seen_at: None });
        }
        let closed: Option<Timestamp> = item.get("lastSeenAt").and_then(|v| v.as_s().ok()).and_then(|v| v.parse().ok());
        let expired = expiries.into_iter().max().map(|at| Timestamp::from_unix_millis(at * 1000));
        Ok(Presence { online: false, last_seen_at: closed.into_iter().chain(expired).max() })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use aws_sdk_dynamodb::types::AttributeValue;

    use super::*;

    #[test]
    fn only_unexpired_other_connections_count_as_open() {
        let now = Timestamp::from_unix_millis(1_000_000_000);
        let me: ConnectionId = "me=".parse().expect("id");
        let item: Item = HashMap::from([
            ("pk".to_owned(), s("presence#x")),
            ("c#me=".to_owned(), n(now.unix_seconds() + 60)),
            ("c#old".to_owned(), n(now.unix_seconds() - 1)),
            ("lastSeenAt".to_owned(), AttributeValue::S("x".into())),
        ]);
        assert_eq!(open_in(Some(&item), now, &me), 0);
        let mut other = item.clone();
        other.insert("c#other".into(), n(now.unix_seconds() + 60));
        assert_eq!(open_in(Some(&other), now, &me), 1);
    }
}
