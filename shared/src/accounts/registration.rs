//! `POST /api/auth/register`: what a new account is made of, parsed whole, every bad field reported.

use serde::Deserialize;

use crate::accounts::{Email, Password, PersonName, Phone};
use crate::error::{ApiError, FieldError, FieldErrors};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RegisterRequest {
    email: String,
    password: String,
    name: String,
    #[serde(default)]
    phone: Option<String>,
}

#[derive(Debug)]
pub struct Registration {
    pub email: Email,
    pub password: Password,
    pub name: PersonName,
    pub phone: Option<Phone>,
}

impl TryFrom<RegisterRequest> for Registration {
    type Error = ApiError;

    fn try_from(request: RegisterRequest) -> Result<Self, ApiError> {
        let mut errors = FieldErrors::default();
        let email = errors.take(Email::parse(&request.email).map_err(|m| FieldError::new("email", m)));
        let name = errors.take(PersonName::parse(&request.name).map_err(|m| FieldError::new("name", m)));
        let password = errors.take(
            Password::parse(&request.password, &[&request.email, &request.name])
                .map_err(|m| FieldError::new("password", m)),
        );
        let phone = match request.phone.as_deref() {
            None => Some(None),
            Some(raw) => errors.take(Phone::parse(raw).map(Some).map_err(|m| FieldError::new("phone", m))),
        };
        match (email, password, name, phone) {
            (Some(email), Some(password), Some(name), Some(phone)) if errors.is_empty() => {
                Ok(Self { email, password, name, phone })
            }
            _ => errors.finish(|| unreachable!("a missing field always recorded an error")),
        }
    }
}
