//! Typed query parameters. Unknown and repeated parameters are errors, never silently ignored: a
//! misspelt filter must not return unfiltered results.

use std::collections::BTreeMap;

use lambda_http::{Request, RequestExt};

use crate::error::{ApiError, FieldError, FieldErrors};

pub struct QueryParams {
    values: BTreeMap<String, String>,
}

impl QueryParams {
    /// Reads the query string of `req`, allowing only the parameter names in `allowed`.
    pub fn parse(req: &Request, allowed: &[&str]) -> Result<Self, ApiError> {
        let mut errors = FieldErrors::default();
        let mut values = BTreeMap::new();
        for (name, value) in req.query_string_parameters_ref().into_iter().flat_map(|q| q.iter()) {
            if !allowed.contains(&name) {
                errors.push(name, "unknown query parameter");
            } else if values.insert(name.to_owned(), value.to_owned()).is_some() {
                errors.push(name, "must be given at most once");
            }
        }
        errors.finish(|| Self { values })
    }

    /// Parameters given some other way than a query string (a search body's fields).
    pub fn from_pairs(values: BTreeMap<String, String>) -> Self {
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
