//! Path parameters (`/api/products/{id}`), as API Gateway passes them.

use lambda_http::{Request, RequestExt};

use crate::error::ApiError;

/// Parses path parameter `name`. A value that cannot be an id of anything names nothing: 404.
pub fn id<T: std::str::FromStr>(req: &Request, name: &str) -> Result<T, ApiError> {
    req.path_parameters_ref()
        .and_then(|params| params.first(name))
        .and_then(|raw| raw.parse().ok())
        .ok_or(ApiError::NotFound)
}
