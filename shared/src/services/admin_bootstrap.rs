//! The first admin: made by the local runner from `SOUK_ADMIN_EMAIL`/`SOUK_ADMIN_PASSWORD`, and in
//! AWS by the `souk-admin` command. Idempotent: an existing account with that email is made a
//! verified admin (its password is left alone).

use crate::accounts::{Account, Email, Password, PersonName, Role, User};
use crate::clock::Timestamp;
use crate::db::UserRepo;
use crate::error::ApiError;
use crate::ids::UserId;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdminBootstrap {
    Created(UserId),
    Promoted(UserId),
}

pub async fn ensure_admin(
    users: &UserRepo,
    email: &Email,
    password: &Password,
    now: Timestamp,
) -> Result<AdminBootstrap, ApiError> {
    if let Some(existing) = users.find_by_email(email).await? {
        users.promote_to_admin(existing.user.id).await?;
        return Ok(AdminBootstrap::Promoted(existing.user.id));
    }
    let user = User {
        id: UserId::new(),
        email: email.clone(),
        name: PersonName::parse("Administrator").expect("a valid name"),
        phone: None,
        role: Role::Admin,
        email_verified: true,
        preferences: Default::default(),
        created_at: now,
    };
    let id = user.id;
    match users.create(&Account { user, password_hash: password.hash() }).await {
        Ok(()) => Ok(AdminBootstrap::Created(id)),
        // Created concurrently (two runners starting at once): promote whoever won.
        Err(ApiError::Conflict(_)) => Box::pin(ensure_admin(users, email, password, now)).await,
        Err(e) => Err(e),
    }
}
