//! Users as the API shows them, and accounts as they are stored (with the password hash, which
//! never leaves the server).

use serde::{Deserialize, Serialize};

use crate::accounts::email::Email;
use crate::accounts::password::PasswordHash;
use crate::accounts::phone::Phone;
use crate::accounts::preferences::Preferences;
use crate::clock::Timestamp;
use crate::fields::is_invisible;
use crate::ids::UserId;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Customer,
    Vendor,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Customer => "customer",
            Self::Vendor => "vendor",
            Self::Admin => "admin",
        }
    }
}

/// A display name: 1 to 100 characters, no control characters, trimmed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let name = raw.trim();
        if name.chars().any(is_invisible) {
            return Err("must not contain invisible or text-direction characters".to_owned());
        }
        if (1..=100).contains(&name.chars().count()) && !name.chars().any(char::is_control) {
            Ok(Self(name.to_owned()))
        } else {
            Err("must be 1 to 100 characters".to_owned())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for PersonName {
    type Error = String;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<PersonName> for String {
    fn from(name: PersonName) -> Self {
        name.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: UserId,
    pub email: Email,
    pub name: PersonName,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<Phone>,
    pub role: Role,
    pub email_verified: bool,
    /// Absent from accounts made before preferences existed: the defaults.
    #[serde(default)]
    pub preferences: Preferences,
    pub created_at: Timestamp,
}

/// What is stored: the user and their password hash.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Account {
    #[serde(flatten)]
    pub user: User,
    pub password_hash: PasswordHash,
}
