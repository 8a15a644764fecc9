//! Configuration read once from the environment at cold start.
//!
//! Each function's environment holds only the tables it may touch (template.yaml passes them), so
//! table names are looked up per table and a function asks at init for the ones it needs: a
//! missing variable fails the cold start, never a request.

use std::collections::BTreeMap;

use crate::db::Table;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("environment variable {0} is not set")]
    Missing(&'static str),
    #[error("environment variable {name} is invalid: {reason}")]
    Invalid { name: &'static str, reason: String },
}

/// Where the function finds its tables and secrets.
#[derive(Clone)]
pub struct Config {
    /// `DYNAMODB_ENDPOINT`: set locally and in tests (DynamoDB Local); unset in AWS.
    pub dynamodb_endpoint: Option<String>,
    /// `CURSOR_SECRET`: the key that signs page cursors.
    pub cursor_secret: Option<Vec<u8>>,
    table_names: BTreeMap<Table, String>,
}

impl std::fmt::Debug for Config {
    // The cursor secret never reaches a log line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("dynamodb_endpoint", &self.dynamodb_endpoint)
            .field("cursor_secret", &self.cursor_secret.as_ref().map(|_| "<redacted>"))
            .field("table_names", &self.table_names)
            .finish()
    }
}

impl Config {
    pub fn from_env() -> Self {
        Self::from_vars(|name| std::env::var(name).ok())
    }

    /// Reads the variables through `var`: the process environment in Lambda, the function's
    /// `Environment` from template.yaml in the local runner.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Self {
        let var = |name: &str| var(name).filter(|v| !v.is_empty());
        Self {
            dynamodb_endpoint: var("DYNAMODB_ENDPOINT"),
            cursor_secret: var("CURSOR_SECRET").map(String::into_bytes),
            table_names: Table::ALL.iter().filter_map(|t| var(t.env_var()).map(|name| (*t, name))).collect(),
        }
    }

    /// A configuration for a local deployment: every table named `<prefix><LogicalId>`.
    pub fn local(dynamodb_endpoint: &str, table_prefix: &str, cursor_secret: &[u8]) -> Self {
        Self {
            dynamodb_endpoint: Some(dynamodb_endpoint.to_owned()),
            cursor_secret: Some(cursor_secret.to_vec()),
            table_names: Table::ALL.iter().map(|t| (*t, format!("{table_prefix}{}", t.logical_id()))).collect(),
        }
    }

    pub fn table(&self, table: Table) -> Result<String, ConfigError> {
        self.table_names.get(&table).cloned().ok_or(ConfigError::Missing(table.env_var()))
    }

    pub fn cursor_secret(&self) -> Result<&[u8], ConfigError> {
        match self.cursor_secret.as_deref() {
            None => Err(ConfigError::Missing("CURSOR_SECRET")),
            Some(s) if s.len() < 32 => {
                Err(ConfigError::Invalid { name: "CURSOR_SECRET", reason: "must be at least 32 bytes".into() })
            }
            Some(s) => Ok(s),
        }
    }
}
