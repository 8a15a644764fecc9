//! What every function's `main.rs` calls: telemetry, the clients and the function built once per
//! cold start (a missing setting fails here, never in a request), then the runtime loop.

use std::convert::Infallible;
use std::sync::Arc;

use lambda_http::Request;
use lambda_runtime::{LambdaEvent, service_fn};

use crate::App;
use crate::config::ConfigError;
use crate::http::{Endpoint, serve};
use crate::object_events::{ObjectEvent, ObjectTrigger};
use crate::sockets::{SocketEvent, SocketRoute};
use crate::streams::{StreamEvent, Trigger, process};

pub type Error = lambda_runtime::Error;

/// Runs an HTTP function built by `build`.
pub async fn serve_http<E: Endpoint>(build: fn(&App) -> Result<E, ConfigError>) -> Result<(), Error> {
    let endpoint = Arc::new(build(&cold_start().await)?);
    lambda_http::run(lambda_http::service_fn(move |req: Request| {
        let endpoint = Arc::clone(&endpoint);
        async move { Ok::<_, Infallible>(serve(endpoint.as_ref(), req).await) }
    }))
    .await
}

/// Runs a stream trigger built by `build`.
pub async fn serve_stream<T: Trigger>(build: fn(&App) -> Result<T, ConfigError>) -> Result<(), Error> {
    let trigger = Arc::new(build(&cold_start().await)?);
    lambda_runtime::run(service_fn(move |event: LambdaEvent<StreamEvent>| {
        let trigger = Arc::clone(&trigger);
        async move { Ok::<_, Error>(process(trigger.as_ref(), &event.payload).await) }
    }))
    .await
}

/// Runs an S3 object-created trigger built by `build`.
pub async fn serve_objects<T: ObjectTrigger>(build: fn(&App) -> Result<T, ConfigError>) -> Result<(), Error> {
    let trigger = Arc::new(build(&cold_start().await)?);
    lambda_runtime::run(service_fn(move |event: LambdaEvent<ObjectEvent>| {
        let trigger = Arc::clone(&trigger);
        async move { crate::object_events::process(trigger.as_ref(), &event.payload).await.map_err(Error::from) }
    }))
    .await
}

/// Runs a route of the WebSocket API built by `build`.
pub async fn serve_socket<R: SocketRoute>(build: fn(&App) -> Result<R, ConfigError>) -> Result<(), Error> {
    let route = Arc::new(build(&cold_start().await)?);
    lambda_runtime::run(service_fn(move |event: LambdaEvent<SocketEvent>| {
        let route = Arc::clone(&route);
        async move { Ok::<_, Error>(crate::sockets::process(route.as_ref(), &event.payload).await) }
    }))
    .await
}

/// Telemetry, then the configuration and clients.
pub async fn cold_start() -> App {
    crate::telemetry::init();
    App::from_env().await
}
