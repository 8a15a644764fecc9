//! Named request parameters, as raw strings (a query string's, a search body's fields), parsed one
//! at a time into typed values; each failure becomes a field error naming the parameter.

use std::collections::BTreeMap;

use crate::error::FieldError;

/// Items in a page of any list of the contract (API.md, Conventions): this many unless the client
/// asks for 1 to [`MAX_LIMIT`].
pub const DEFAULT_LIMIT: u16 = 20;
pub const MAX_LIMIT: u16 = 100;

#[derive(Debug, Clone, Default)]
pub struct Params {
    values: BTreeMap<String, String>,
}

impl Params {
    pub fn new(values: BTreeMap<String, String>) -> Self {
        Self { values }
    }

    /// The raw value of `name`, if given.
    pub fn raw(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }

    /// Parses `name` with `parse`, whose error message becomes the field error.
    pub fn get<T>(&self, name: &str, parse: impl FnOnce(&str) -> Result<T, String>) -> Result<Option<T>, FieldError> {
        self.raw(name).map(|raw| parse(raw).map_err(|message| FieldError::new(name, message))).transpose()
    }
}

/// An integer within `min..=max`, with a message that says so.
pub fn int_in<T>(min: T, max: T) -> impl FnOnce(&str) -> Result<T, String>
where
    T: std::str::FromStr + PartialOrd + std::fmt::Display + Copy,
{
    move |raw| match raw.parse::<T>() {
        Ok(v) if v >= min && v <= max => Ok(v),
        _ => Err(format!("must be an integer from {min} to {max}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_value_is_an_error_on_its_name() {
        let params = Params::new(BTreeMap::from([("limit".to_owned(), "500".to_owned())]));
        assert_eq!(params.get("limit", int_in(1, 100)).unwrap_err().field, "limit");
        assert_eq!(params.get("cursor", int_in(1, 100)).unwrap(), None);
    }
}
