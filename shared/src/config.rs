//! Configuration read once from the environment at cold start.
//!
//! Each function's environment holds only what template.yaml gives it (its tables, keys, topic),
//! so a function asks at init for what it needs: a missing variable fails the cold start, never a
//! request.

use std::collections::BTreeMap;

use crate::tables::Table;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("environment variable {0} is not set")]
    Missing(&'static str),
    #[error("environment variable {name} is invalid: {reason}")]
    Invalid { name: &'static str, reason: String },
}

/// The variables a function may read, besides the table names of [`Table`].
pub mod vars {
    /// Set locally and in tests (DynamoDB Local); unset in AWS.
    pub const DYNAMODB_ENDPOINT: &str = "DYNAMODB_ENDPOINT";
    /// Set in tests (moto server); unset in AWS.
    pub const SNS_ENDPOINT: &str = "SNS_ENDPOINT";
    /// Set in tests (moto server); unset in AWS.
    pub const SSM_ENDPOINT: &str = "SSM_ENDPOINT";
    /// Key (at least 32 bytes) that signs page cursors (local development).
    pub const CURSOR_SECRET: &str = "CURSOR_SECRET";
    /// Name of the SSM SecureString parameter holding the cursor key (AWS).
    pub const CURSOR_SECRET_PARAMETER: &str = "CURSOR_SECRET_PARAMETER";
    /// Base64 raw Ed25519 public key that verifies access tokens.
    pub const JWT_PUBLIC_KEY: &str = "JWT_PUBLIC_KEY";
    /// Base64 PKCS#8 Ed25519 private key (local development).
    pub const JWT_PRIVATE_KEY: &str = "JWT_PRIVATE_KEY";
    /// Name of the SSM SecureString parameter holding the private key (AWS).
    pub const JWT_PRIVATE_KEY_PARAMETER: &str = "JWT_PRIVATE_KEY_PARAMETER";
    /// The SNS topic notifications are published to.
    pub const NOTIFICATIONS_TOPIC_ARN: &str = "NOTIFICATIONS_TOPIC_ARN";
    /// Where Paymob's API answers; `https://accept.paymob.com` when unset. Locally the runner's
    /// simulator (`http://…/_local/paymob`).
    pub const PAYMOB_BASE_URL: &str = "PAYMOB_BASE_URL";
    /// The secret key of the Paymob dashboard, which authorises creating intentions and refunds
    /// (local development).
    pub const PAYMOB_SECRET_KEY: &str = "PAYMOB_SECRET_KEY";
    /// Name of the SSM SecureString parameter holding the Paymob secret key (AWS).
    pub const PAYMOB_SECRET_KEY_PARAMETER: &str = "PAYMOB_SECRET_KEY_PARAMETER";
    /// The HMAC secret of the Paymob dashboard, which signs its callbacks (local development).
    pub const PAYMOB_HMAC_SECRET: &str = "PAYMOB_HMAC_SECRET";
    /// Name of the SSM SecureString parameter holding the Paymob HMAC secret (AWS).
    pub const PAYMOB_HMAC_SECRET_PARAMETER: &str = "PAYMOB_HMAC_SECRET_PARAMETER";
    /// The public key of the Paymob dashboard: it names the merchant to the checkout page, and is
    /// no secret (it travels in the buyer's checkout URL).
    pub const PAYMOB_PUBLIC_KEY: &str = "PAYMOB_PUBLIC_KEY";
    /// The Paymob integration id that takes card payments.
    pub const PAYMOB_CARD_INTEGRATION_ID: &str = "PAYMOB_CARD_INTEGRATION_ID";
    /// The Paymob integration id that takes mobile-wallet payments.
    pub const PAYMOB_WALLET_INTEGRATION_ID: &str = "PAYMOB_WALLET_INTEGRATION_ID";
    /// Where Paymob posts its transaction callbacks: the webhook's public URL.
    pub const PAYMOB_NOTIFICATION_URL: &str = "PAYMOB_NOTIFICATION_URL";
    /// Set locally (the runner's S3, played by moto server); unset in AWS.
    pub const S3_ENDPOINT: &str = "S3_ENDPOINT";
    /// The bucket of uploads, renditions and documents.
    pub const MEDIA_BUCKET: &str = "MEDIA_BUCKET";
    /// Where the public renditions are served: the CloudFront distribution's `https://` address in
    /// AWS, the runner's `/_local/media` locally.
    pub const MEDIA_BASE_URL: &str = "MEDIA_BASE_URL";
    /// The WebSocket API's `@connections` endpoint (`https://{api}.execute-api.{region}.amazonaws.com/{stage}`
    /// in AWS, the runner's `/_local/ws` locally).
    pub const CONNECTIONS_ENDPOINT: &str = "CONNECTIONS_ENDPOINT";

    pub const ALL: &[&str] = &[
        DYNAMODB_ENDPOINT,
        SNS_ENDPOINT,
        SSM_ENDPOINT,
        CURSOR_SECRET,
        CURSOR_SECRET_PARAMETER,
        JWT_PUBLIC_KEY,
        JWT_PRIVATE_KEY,
        JWT_PRIVATE_KEY_PARAMETER,
        NOTIFICATIONS_TOPIC_ARN,
        PAYMOB_BASE_URL,
        PAYMOB_SECRET_KEY,
        PAYMOB_SECRET_KEY_PARAMETER,
        PAYMOB_HMAC_SECRET,
        PAYMOB_HMAC_SECRET_PARAMETER,
        PAYMOB_PUBLIC_KEY,
        PAYMOB_CARD_INTEGRATION_ID,
        PAYMOB_WALLET_INTEGRATION_ID,
        PAYMOB_NOTIFICATION_URL,
        S3_ENDPOINT,
        MEDIA_BUCKET,
        MEDIA_BASE_URL,
        CONNECTIONS_ENDPOINT,
    ];
    /// Never printed, not even in a Debug of the configuration.
    pub const SECRET: &[&str] = &[CURSOR_SECRET, JWT_PRIVATE_KEY, PAYMOB_SECRET_KEY, PAYMOB_HMAC_SECRET];
}

#[derive(Clone, Default)]
pub struct Config {
    values: BTreeMap<&'static str, String>,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let shown =
            self.values.iter().map(|(k, v)| (k, if vars::SECRET.contains(k) { "<redacted>" } else { v.as_str() }));
        f.debug_map().entries(shown).finish()
    }
}

impl Config {
    pub fn from_env() -> Self {
        Self::from_vars(|name| std::env::var(name).ok())
    }

    /// Reads the variables through `var`: the process environment in Lambda, the function's
    /// `Environment` from template.yaml in the local runner.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Self {
        let names = vars::ALL.iter().copied().chain(Table::ALL.iter().map(|t| t.env_var()));
        Self { values: names.filter_map(|name| var(name).filter(|v| !v.is_empty()).map(|v| (name, v))).collect() }
    }

    /// Every table named `<prefix><LogicalId>` and the given variables: the local runner's own view.
    pub fn local(dynamodb_endpoint: &str, table_prefix: &str, cursor_secret: &[u8]) -> Self {
        let mut values: BTreeMap<&'static str, String> =
            Table::ALL.iter().map(|t| (t.env_var(), format!("{table_prefix}{}", t.logical_id()))).collect();
        values.insert(vars::DYNAMODB_ENDPOINT, dynamodb_endpoint.to_owned());
        values.insert(vars::CURSOR_SECRET, String::from_utf8_lossy(cursor_secret).into_owned());
        Self { values }
    }

    pub fn with(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.values.insert(name, value.into());
        self
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }

    pub fn require(&self, name: &'static str) -> Result<&str, ConfigError> {
        self.get(name).ok_or(ConfigError::Missing(name))
    }

    pub fn dynamodb_endpoint(&self) -> Option<&str> {
        self.get(vars::DYNAMODB_ENDPOINT)
    }

    pub fn table(&self, table: Table) -> Result<String, ConfigError> {
        self.require(table.env_var()).map(str::to_owned)
    }

    pub fn cursor_secret(&self) -> Result<&[u8], ConfigError> {
        let secret = self.require(vars::CURSOR_SECRET)?.as_bytes();
        if secret.len() < 32 {
            return Err(ConfigError::Invalid { name: vars::CURSOR_SECRET, reason: "must be at least 32 bytes".into() });
        }
        Ok(secret)
    }
}
