//! An admin's announcement: a message to one user or to everyone with a role, queued when it is
//! sent and delivered to each recipient's inbox and channels afterwards.

use serde::{Deserialize, Serialize};

use crate::accounts::Role;
use crate::clock::Timestamp;
use crate::ids::{NotificationId, UserId};

/// Who is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Audience {
    UserId(UserId),
    Role(Role),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Announcement {
    pub id: NotificationId,
    /// The admin who sent it.
    pub by: UserId,
    pub audience: Audience,
    pub title: String,
    pub body: String,
    /// Stored only when it holds something: a stream record's empty map is more than the SDK's
    /// stream reader parses.
    #[serde(default = "no_data", skip_serializing_if = "is_empty")]
    pub data: serde_json::Value,
    pub created_at: Timestamp,
}

fn no_data() -> serde_json::Value {
    serde_json::Value::Object(serde_json::Map::new())
}

fn is_empty(data: &serde_json::Value) -> bool {
    data.is_null() || data.as_object().is_some_and(serde_json::Map::is_empty)
}

/// How deep `data` may nest objects and arrays, itself counting as the first level.
pub const MAX_DATA_DEPTH: usize = 16;

/// Whether `data` can be stored and delivered as sent; if not, why. A table item cannot hold an
/// empty key or a number of magnitude below 1e-130 or from 1e126 on (0 aside), and nests at most
/// 32 levels, which [`MAX_DATA_DEPTH`] keeps well clear of.
pub fn check_data(data: &serde_json::Map<String, serde_json::Value>) -> Result<(), String> {
    fn check(value: &serde_json::Value, depth: usize) -> Result<(), String> {
        use serde_json::Value;
        match value {
            Value::Number(n) => {
                let magnitude = n.as_f64().unwrap_or(f64::INFINITY).abs();
                if magnitude != 0.0 && !(1e-130..1e126).contains(&magnitude) {
                    return Err("must hold numbers of magnitude 1e-130 to below 1e126, or 0".to_owned());
                }
                Ok(())
            }
            Value::Array(items) if depth <= MAX_DATA_DEPTH => items.iter().try_for_each(|v| check(v, depth + 1)),
            Value::Object(fields) if depth <= MAX_DATA_DEPTH => fields.iter().try_for_each(|(key, v)| {
                if key.is_empty() { Err("must not have an empty key".to_owned()) } else { check(v, depth + 1) }
            }),
            Value::Array(_) | Value::Object(_) => Err(format!("must nest at most {MAX_DATA_DEPTH} levels")),
            Value::Null | Value::Bool(_) | Value::String(_) => Ok(()),
        }
    }
    data.iter().try_for_each(
        |(key, v)| if key.is_empty() { Err("must not have an empty key".to_owned()) } else { check(v, 2) },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_audience_reads_as_the_api_writes_it() {
        let role: Audience = serde_json::from_str(r#"{"role":"vendor"}"#).unwrap();
        assert_eq!(role, Audience::Role(Role::Vendor));
        let user = UserId::new();
        let one: Audience = serde_json::from_value(serde_json::json!({ "userId": user })).unwrap();
        assert_eq!(one, Audience::UserId(user));
    }

    fn checked(data: serde_json::Value) -> Result<(), String> {
        check_data(data.as_object().unwrap())
    }

    #[test]
    fn data_holds_what_a_table_item_can() {
        assert_eq!(
            checked(serde_json::json!({"a": [0, 1e-130, -9.9e125, 18446744073709551615u64, "", null, {}]})),
            Ok(())
        );
        for number in [1e126, -2.04e132, 8.2e-192, -1e-131] {
            let error = checked(serde_json::json!({"a": {"b": [number]}})).unwrap_err();
            assert!(error.contains("magnitude"), "{number}: {error}");
        }
        assert_eq!(checked(serde_json::json!({"": 1})).unwrap_err(), "must not have an empty key");
        assert_eq!(checked(serde_json::json!({"a": [{"": 1}]})).unwrap_err(), "must not have an empty key");
    }

    #[test]
    fn data_nests_at_most_sixteen_levels() {
        let nested = |levels: usize| (1..levels).fold(serde_json::json!(1), |inner, _| serde_json::json!([inner]));
        // `data` is the first level, so its field may hold 15 more.
        assert_eq!(checked(serde_json::json!({"a": nested(MAX_DATA_DEPTH)})), Ok(()));
        assert!(checked(serde_json::json!({"a": nested(MAX_DATA_DEPTH + 1)})).unwrap_err().contains("at most 16"));
    }
}
