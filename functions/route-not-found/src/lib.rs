//! `$default`: what no route of the API serves. A known path with a method it does not have is
//! 405 `method_not_allowed` with `Allow`; any other path is 404 `not_found` — both problem+json,
//! never API Gateway's bare `{"message":"Not Found"}`.

use shared::config::ConfigError;
use shared::http::routes::methods_at;
use shared::http::{Body, Endpoint, Request, Response};
use shared::{ApiError, App};

include!(concat!(env!("OUT_DIR"), "/routes.rs"));

pub struct RouteNotFound;

impl RouteNotFound {
    pub fn new(_app: &App) -> Result<Self, ConfigError> {
        Ok(Self)
    }
}

impl Endpoint for RouteNotFound {
    async fn handle(&self, req: Request) -> Result<Response<Body>, ApiError> {
        match methods_at(ROUTES, req.uri().path()) {
            allow if allow.is_empty() => Err(ApiError::NotFound),
            allow => Err(ApiError::MethodNotAllowed { allow }),
        }
    }
}
