//! Lambda's event filtering (FilterCriteria), for the local runner: a record reaches a trigger
//! only if one of its patterns matches, as in AWS. The subset implemented is what the template
//! uses and what such patterns commonly need: exact values, `prefix`, `anything-but`, `exists`.

use serde_json::Value;

/// Does `event` (the record as the function would receive it, as JSON) match `pattern`?
pub fn matches(pattern: &Value, event: &Value) -> bool {
    let Value::Object(fields) = pattern else { return false };
    fields.iter().all(|(name, expected)| {
        let actual = event.get(name);
        match expected {
            Value::Array(options) => options.iter().any(|option| matches_one(option, actual)),
            Value::Object(_) => actual.is_some_and(|actual| matches(expected, actual)),
            _ => false,
        }
    })
}

fn matches_one(option: &Value, actual: Option<&Value>) -> bool {
    match option {
        Value::Object(rule) if rule.contains_key("exists") => rule["exists"].as_bool() == Some(actual.is_some()),
        Value::Object(rule) if rule.contains_key("prefix") => {
            matches!((actual, rule["prefix"].as_str()), (Some(Value::String(s)), Some(prefix)) if s.starts_with(prefix))
        }
        Value::Object(rule) if rule.contains_key("anything-but") => {
            let excluded = match &rule["anything-but"] {
                Value::Array(values) => values.clone(),
                value => vec![value.clone()],
            };
            actual.is_some_and(|actual| !excluded.contains(actual))
        }
        scalar => actual == Some(scalar),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::matches;

    #[test]
    fn matches_like_lambda_filter_criteria() {
        let event = json!({ "eventName": "MODIFY", "dynamodb": { "NewImage": { "status": { "S": "approved" }, "kind": { "S": "application" } } } });
        assert!(matches(&json!({ "eventName": ["MODIFY"] }), &event));
        assert!(matches(
            &json!({ "dynamodb": { "NewImage": { "status": { "S": ["approved", "rejected"] } } } }),
            &event
        ));
        assert!(!matches(&json!({ "eventName": ["INSERT"] }), &event));
        assert!(!matches(&json!({ "dynamodb": { "OldImage": { "status": { "S": ["pending"] } } } }), &event));
        assert!(matches(&json!({ "dynamodb": { "OldImage": [{ "exists": false }] } }), &event));
        assert!(matches(&json!({ "dynamodb": { "NewImage": { "kind": { "S": [{ "prefix": "app" }] } } } }), &event));
        assert!(matches(
            &json!({ "dynamodb": { "NewImage": { "status": { "S": [{ "anything-but": ["pending"] }] } } } }),
            &event
        ));
        assert!(!matches(
            &json!({ "dynamodb": { "NewImage": { "status": { "S": [{ "anything-but": "approved" }] } } } }),
            &event
        ));
    }
}
