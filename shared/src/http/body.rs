//! JSON request bodies: `application/json` only, at most 64 KiB, unknown fields rejected.
//!
//! Unknown fields are rejected by the request types themselves (`#[serde(deny_unknown_fields)]`);
//! this module turns serde's complaint into a field-level `validation_failed`. The body is read as
//! JSON Schema reads JSON (see [`JsonValue`]): `298.0` is an integer, and only an object is an object.

use http::header::CONTENT_TYPE;
use lambda_http::Request;
use serde::de::DeserializeOwned;

use crate::error::{ApiError, FieldError};
use crate::http::json_value::JsonValue;

pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Parses the body of `req` as `T`.
pub fn json<T: DeserializeOwned>(req: &Request) -> Result<T, ApiError> {
    let bytes: &[u8] = req.body().as_ref();
    if bytes.len() > MAX_BODY_BYTES {
        return Err(ApiError::PayloadTooLarge { limit: MAX_BODY_BYTES });
    }
    if !is_json(req.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok())) {
        return Err(ApiError::UnsupportedMediaType);
    }
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|_| ApiError::validation("body", NOT_JSON))?;
    serde_path_to_error::deserialize(JsonValue(&value)).map_err(|e| ApiError::Validation(vec![field_error(&e)]))
}

const NOT_JSON: &str = "the body is not valid JSON";

/// `application/json`, optionally with a UTF-8 charset; JSON has no other encoding on the wire.
fn is_json(content_type: Option<&str>) -> bool {
    let Some(value) = content_type else { return false };
    let mut parts = value.split(';').map(str::trim);
    let essence = parts.next().unwrap_or_default();
    essence.eq_ignore_ascii_case("application/json")
        && parts.all(|param| match param.split_once('=') {
            Some((name, charset)) if name.trim().eq_ignore_ascii_case("charset") => {
                charset.trim().trim_matches('"').eq_ignore_ascii_case("utf-8")
            }
            _ => true,
        })
}

fn field_error(e: &serde_path_to_error::Error<serde_json::Error>) -> FieldError {
    use serde_json::error::Category;
    let inner = e.inner();
    let path = e.path().to_string();
    match inner.classify() {
        Category::Syntax | Category::Eof | Category::Io => FieldError::new("body", NOT_JSON),
        Category::Data if path == "." || path.is_empty() => FieldError::new("body", strip_position(&inner.to_string())),
        Category::Data => FieldError::new(path, strip_position(&inner.to_string())),
    }
}

/// serde_json appends " at line L column C", which means nothing to a client of a one-line body.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lambda_http::Body;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Input {
        name: String,
        quantity: u8,
    }

    fn request(content_type: Option<&str>, body: &str) -> Request {
        let mut builder = http::Request::builder().method("POST").uri("/api/x");
        if let Some(ct) = content_type {
            builder = builder.header(CONTENT_TYPE, ct);
        }
        builder.body(Body::Text(body.to_owned())).unwrap()
    }

    fn code(result: Result<Input, ApiError>) -> &'static str {
        result.unwrap_err().code()
    }

    #[test]
    fn accepts_json_with_utf8_charset() {
        let input: Input =
            json(&request(Some("application/json; charset=UTF-8"), r#"{"name":"a","quantity":2}"#)).unwrap();
        assert_eq!(input.quantity, 2);
    }

    #[test]
    fn rejects_other_media_types_with_415() {
        assert_eq!(code(json(&request(Some("text/plain"), "{}"))), "unsupported_media_type");
        assert_eq!(code(json(&request(None, "{}"))), "unsupported_media_type");
        assert_eq!(code(json(&request(Some("application/json; charset=latin1"), "{}"))), "unsupported_media_type");
    }

    #[test]
    fn rejects_bodies_over_64_kib_with_413() {
        let big = format!(r#"{{"name":"{}","quantity":1}}"#, "a".repeat(MAX_BODY_BYTES));
        assert_eq!(code(json(&request(Some("application/json"), &big))), "payload_too_large");
    }

    #[test]
    fn names_the_unknown_field() {
        let err = json::<Input>(&request(Some("application/json"), r#"{"name":"a","quantity":1,"role":"admin"}"#))
            .unwrap_err();
        let ApiError::Validation(errors) = err else { panic!("expected validation error") };
        assert!(errors[0].message.contains("unknown field `role`"), "{errors:?}");
    }

    #[test]
    fn names_the_field_with_a_wrong_type() {
        let err = json::<Input>(&request(Some("application/json"), r#"{"name":"a","quantity":1000}"#)).unwrap_err();
        let ApiError::Validation(errors) = err else { panic!("expected validation error") };
        assert_eq!(errors[0].field, "quantity");
    }

    #[test]
    fn reads_whole_number_floats_as_integers_and_refuses_an_array_for_an_object() {
        let input: Input = json(&request(Some("application/json"), r#"{"name":"a","quantity":2.0}"#)).unwrap();
        assert_eq!(input.quantity, 2);
        let err = json::<Input>(&request(Some("application/json"), r#"["a", 2]"#)).unwrap_err();
        let ApiError::Validation(errors) = err else { panic!("expected validation error") };
        assert_eq!(
            (errors[0].field.as_str(), errors[0].message.as_str()),
            ("body", "invalid type: sequence, expected struct Input")
        );
    }

    #[test]
    fn malformed_json_is_a_validation_error_on_the_body() {
        let err = json::<Input>(&request(Some("application/json"), r#"{"name":"#)).unwrap_err();
        let ApiError::Validation(errors) = err else { panic!("expected validation error") };
        assert_eq!(errors[0].field, "body");
        let trailing = json::<Input>(&request(Some("application/json"), r#"{"name":"a","quantity":1} x"#));
        assert_eq!(code(trailing), "validation_failed");
    }
}
