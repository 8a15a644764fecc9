//! The answer to a login or a refresh: a new access token, a new refresh token, and the user.

use serde::Serialize;

use crate::accounts::SecretToken;
use crate::accounts::tokens::IssuedToken;
use crate::accounts::user::User;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenResponse {
    pub access_token: String,
    pub refresh_token: String,
    pub token_type: &'static str,
    pub expires_in: u64,
    pub user: User,
}

impl TokenResponse {
    pub fn new(access: IssuedToken, refresh: &SecretToken, user: User) -> Self {
        Self {
            access_token: access.token,
            refresh_token: refresh.expose().to_owned(),
            token_type: "Bearer",
            expires_in: access.expires_in,
            user,
        }
    }
}

/// `{ "user": User }`, the body of register, verify and me.
#[derive(Serialize)]
pub struct UserResponse {
    pub user: User,
}
