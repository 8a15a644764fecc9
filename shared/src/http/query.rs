//! Query strings, read strictly: unknown and repeated parameters are errors, never silently
//! ignored, so a misspelt filter cannot return unfiltered results.

use std::collections::BTreeMap;

use lambda_http::{Request, RequestExt};

use crate::error::{ApiError, FieldErrors};
use crate::params::Params;

/// The query parameters of `req`, allowing only the names in `allowed`.
pub fn parse(req: &Request, allowed: &[&str]) -> Result<Params, ApiError> {
    let mut errors = FieldErrors::default();
    let mut values = BTreeMap::new();
    for (name, value) in req.query_string_parameters_ref().into_iter().flat_map(|q| q.iter()) {
        if !allowed.contains(&name) {
            errors.push(name, "unknown query parameter");
        } else if values.insert(name.to_owned(), value.to_owned()).is_some() {
            errors.push(name, "must be given at most once");
        }
    }
    errors.finish(|| Params::new(values))
}
