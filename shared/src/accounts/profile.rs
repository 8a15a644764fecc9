//! `PATCH /api/me`: what a user may change about themselves (name, phone, preferences), parsed
//! whole, every bad field reported. Email and role are not among them: an unknown field is 400.

use serde::Deserialize;

use crate::accounts::{PersonName, Phone, Preferences};
use crate::error::{ApiError, FieldError, FieldErrors};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProfileRequest {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    phone: Option<String>,
    #[serde(default)]
    preferences: Option<Preferences>,
}

/// The fields to change; `None` leaves a field as it is.
#[derive(Debug, Default, PartialEq)]
pub struct ProfilePatch {
    pub name: Option<PersonName>,
    pub phone: Option<Phone>,
    pub preferences: Option<Preferences>,
}

impl ProfilePatch {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

impl TryFrom<ProfileRequest> for ProfilePatch {
    type Error = ApiError;

    fn try_from(request: ProfileRequest) -> Result<Self, ApiError> {
        let mut errors = FieldErrors::default();
        let name = match request.name.as_deref() {
            None => Some(None),
            Some(raw) => errors.take(PersonName::parse(raw).map(Some).map_err(|m| FieldError::new("name", m))),
        };
        let phone = match request.phone.as_deref() {
            None => Some(None),
            Some(raw) => errors.take(Phone::parse(raw).map(Some).map_err(|m| FieldError::new("phone", m))),
        };
        match (name, phone) {
            (Some(name), Some(phone)) if errors.is_empty() => {
                Ok(Self { name, phone, preferences: request.preferences })
            }
            _ => errors.finish(|| unreachable!("a missing field always recorded an error")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(body: serde_json::Value) -> Result<ProfilePatch, String> {
        let request: ProfileRequest = serde_json::from_value(body).map_err(|e| e.to_string())?;
        ProfilePatch::try_from(request).map_err(|e| format!("{e:?}"))
    }

    #[test]
    fn every_field_is_optional_and_checked() {
        assert!(parse(serde_json::json!({})).unwrap().is_empty());
        let patch = parse(serde_json::json!({"name": "  Mona  "})).unwrap();
        assert_eq!(patch.name.unwrap().as_str(), "Mona");
        let refused = parse(serde_json::json!({"name": "", "phone": "12"})).unwrap_err();
        assert!(refused.contains("name") && refused.contains("phone"), "{refused}");
    }

    #[test]
    fn email_and_role_cannot_be_changed_here() {
        assert!(parse(serde_json::json!({"email": "x@example.com"})).is_err());
        assert!(parse(serde_json::json!({"role": "admin"})).is_err());
    }
}
