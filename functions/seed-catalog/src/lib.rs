//! CloudFormation custom resource `Custom::StandardCategories`: on every create and update of the
//! stack, writes the standard categories (idempotently, see [`CategoryRepo::seed_standard`]), so a
//! fresh deployment serves them before its first request. Deleting the resource leaves the data.

mod reply;

use std::collections::HashMap;

use aws_lambda_events::event::cloudformation::{
    CloudFormationCustomResourceRequest as Request, CloudFormationCustomResourceResponse as Response,
    CloudFormationCustomResourceResponseStatus as Status,
};
use lambda_runtime::{LambdaEvent, service_fn};
use shared::App;
use shared::config::ConfigError;
use shared::db::CategoryRepo;

pub use reply::send as send_reply;

/// The physical id of the one seed there is: a stable id means CloudFormation never "replaces" it.
const PHYSICAL_ID: &str = "standard-categories";

pub struct SeedCatalog {
    categories: CategoryRepo,
}

impl SeedCatalog {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        Ok(Self { categories: CategoryRepo::new(&app.database())? })
    }

    /// Seeds on create and update, does nothing on delete, and says how it went in the form
    /// CloudFormation expects at the request's `ResponseURL`.
    pub async fn handle(&self, request: &Request) -> Response {
        let Some(ids) = Ids::of(request) else {
            let mut response = Response::default();
            response.status = Status::Failed;
            response.reason = Some("unknown request type".into());
            return response;
        };
        let seeds = !matches!(request, Request::Delete(_));
        let outcome = if seeds { self.categories.seed_standard().await.map(Some) } else { Ok(None) };
        let mut response = Response::default();
        response.physical_resource_id = PHYSICAL_ID.to_owned();
        response.stack_id = ids.stack_id.to_owned();
        response.request_id = ids.request_id.to_owned();
        response.logical_resource_id = ids.logical_resource_id.to_owned();
        match outcome {
            Ok(written) => {
                response.status = Status::Success;
                response.data =
                    written.map(|n| HashMap::from([("Written".to_owned(), n.to_string())])).unwrap_or_default();
            }
            Err(error) => {
                tracing::error!(error = %error, "seeding the standard categories failed");
                response.status = Status::Failed;
                response.reason = Some(format!("seeding failed: {error}"));
            }
        }
        response
    }
}

/// What every request type carries and the answer must echo.
struct Ids<'a> {
    stack_id: &'a str,
    request_id: &'a str,
    logical_resource_id: &'a str,
    response_url: &'a str,
}

impl<'a> Ids<'a> {
    fn of(request: &'a Request) -> Option<Self> {
        let ids =
            |stack_id: &'a String,
             request_id: &'a String,
             logical_resource_id: &'a String,
             response_url: &'a String| Self { stack_id, request_id, logical_resource_id, response_url };
        match request {
            Request::Create(r) => Some(ids(&r.stack_id, &r.request_id, &r.logical_resource_id, &r.response_url)),
            Request::Update(r) => Some(ids(&r.stack_id, &r.request_id, &r.logical_resource_id, &r.response_url)),
            Request::Delete(r) => Some(ids(&r.stack_id, &r.request_id, &r.logical_resource_id, &r.response_url)),
            _ => None,
        }
    }
}

/// Where CloudFormation waits for the answer to `request`.
pub fn response_url(request: &Request) -> Option<&str> {
    Ids::of(request).map(|ids| ids.response_url)
}

/// The runtime loop: each request seeded (or not) and answered at its `ResponseURL`.
pub async fn run(seed: SeedCatalog) -> Result<(), shared::lambda::Error> {
    lambda_runtime::run(service_fn(|event: LambdaEvent<Request>| {
        let seed = &seed;
        async move {
            let response = seed.handle(&event.payload).await;
            // A failed reply leaves the stack waiting until the timeout; fail the invocation so
            // Lambda retries it.
            let url = response_url(&event.payload).ok_or("request without a ResponseURL")?;
            send_reply(url, &response).await
        }
    }))
    .await
}
