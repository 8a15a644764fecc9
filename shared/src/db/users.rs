//! The users table. `pk = user#<id>` holds the account; `pk = email#<address>` is a guard item that
//! makes an address belong to one account. Both are written in one transaction, so two concurrent
//! registrations of one email cannot both succeed.

use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem, Update};
use serde::Serialize;

use crate::accounts::profile::ProfilePatch;
use crate::accounts::{Account, Email, PasswordHash, Role, User};
use crate::config::ConfigError;
use crate::db::Database;
use crate::db::attributes::{Item, get_s, pk, s};
use crate::db::error::{applied, is_condition_failure};
use crate::db::read::{get_consistent, query_all};
use crate::db::transaction;
use crate::error::{ApiError, Conflict};
use crate::ids::UserId;
use crate::tables::Table;

#[derive(Clone, Debug)]
pub struct UserRepo {
    client: aws_sdk_dynamodb::Client,
    table: String,
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

fn email_key(email: &Email) -> Item {
    pk(format!("email#{email}"))
}

impl UserRepo {
    pub fn new(db: &Database) -> Result<Self, ConfigError> {
        Ok(Self { client: db.client(), table: db.table(Table::Users)? })
    }

    /// Creates the account; 409 `email_taken` if its email already has one.
    pub async fn create(&self, account: &Account) -> Result<(), ApiError> {
        let user = &account.user;
        let mut guard = email_key(&user.email);
        guard.insert("userId".into(), s(user.id));
        let stored = serde_dynamo::to_item(Stored { pk: format!("user#{}", user.id), account })?;
        let put = |item, what: &str| {
            Put::builder()
                .table_name(&self.table)
                .set_item(Some(item))
                .condition_expression("attribute_not_exists(pk)")
                .build()
                .map_err(|e| ApiError::internal(format!("{what}: {e}")))
        };
        let items = vec![
            TransactWriteItem::builder().put(put(guard, "email guard")?).build(),
            TransactWriteItem::builder().put(put(stored, "user")?).build(),
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
            let mut delete = aws_sdk_dynamodb::types::Delete::builder().table_name(&self.table).set_key(Some(key));
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

    /// Strongly consistent, so a login right after registration or verification sees it.
    pub async fn get(&self, id: UserId) -> Result<Option<Account>, ApiError> {
        get_consistent(&self.client, &self.table, user_key(id)).await
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

    /// The update that marks a user's email verified, for a transaction that also consumes the token.
    pub fn mark_verified(&self, id: UserId) -> Result<TransactWriteItem, ApiError> {
        let update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(user_key(id)))
            .update_expression("SET emailVerified = :true")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":true", AttributeValue::Bool(true))
            .build()
            .map_err(ApiError::internal)?;
        Ok(TransactWriteItem::builder().update(update).build())
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

    /// Every user with `role` (the `ByRole` index holds keys only).
    pub async fn ids_with_role(&self, role: Role) -> Result<Vec<UserId>, ApiError> {
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .index_name("ByRole")
            .key_condition_expression("#role = :role")
            .expression_attribute_names("#role", "role")
            .expression_attribute_values(":role", s(role.as_str()));
        let items = query_all(query).await?;
        Ok(items.iter().filter_map(|item| get_s::<String>(item, "pk")?.strip_prefix("user#")?.parse().ok()).collect())
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
        self.client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(user_key(id)))
            .update_expression("SET #role = :admin, emailVerified = :true")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_names("#role", "role")
            .expression_attribute_values(":admin", s(Role::Admin.as_str()))
            .expression_attribute_values(":true", AttributeValue::Bool(true))
            .send()
            .await?;
        Ok(())
    }
}
