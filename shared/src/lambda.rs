//! What every function's `main.rs` calls: telemetry, the clients and the function built once per
//! cold start (a missing setting fails here, never in a request), then the runtime loop.
//!
//! Everything runs on the process's main thread ([`on_one_thread`]): Lambda hands an execution
//! environment one event at a time, so worker threads would only add their start, their stacks and
//! their allocator arenas to every cold start and a hop between threads to every call. Blocking
//! work (password hashing, image decoding) still goes to tokio's blocking pool.

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
pub fn serve_http<E: Endpoint>(build: fn(&App) -> Result<E, ConfigError>) -> Result<(), Error> {
    on_one_thread(async move {
        let endpoint = Arc::new(build(&cold_start().await)?);
        lambda_http::run(lambda_http::service_fn(move |req: Request| {
            let endpoint = Arc::clone(&endpoint);
            async move { Ok::<_, Infallible>(serve(endpoint.as_ref(), req).await) }
        }))
        .await
    })
}

/// Runs a stream trigger built by `build`.
pub fn serve_stream<T: Trigger>(build: fn(&App) -> Result<T, ConfigError>) -> Result<(), Error> {
    on_one_thread(async move {
        let trigger = Arc::new(build(&cold_start().await)?);
        lambda_runtime::run(service_fn(move |event: LambdaEvent<StreamEvent>| {
            let trigger = Arc::clone(&trigger);
            async move { Ok::<_, Error>(process(trigger.as_ref(), &event.payload).await) }
        }))
        .await
    })
}

/// Runs an S3 object-created trigger built by `build`.
pub fn serve_objects<T: ObjectTrigger>(build: fn(&App) -> Result<T, ConfigError>) -> Result<(), Error> {
    on_one_thread(async move {
        let trigger = Arc::new(build(&cold_start().await)?);
        lambda_runtime::run(service_fn(move |event: LambdaEvent<ObjectEvent>| {
            let trigger = Arc::clone(&trigger);
            async move { crate::object_events::process(trigger.as_ref(), &event.payload).await.map_err(Error::from) }
        }))
        .await
    })
}

/// Runs a route of the WebSocket API built by `build`.
pub fn serve_socket<R: SocketRoute>(build: fn(&App) -> Result<R, ConfigError>) -> Result<(), Error> {
    on_one_thread(async move {
        let route = Arc::new(build(&cold_start().await)?);
        lambda_runtime::run(service_fn(move |event: LambdaEvent<SocketEvent>| {
            let route = Arc::clone(&route);
            async move { Ok::<_, Error>(crate::sockets::process(route.as_ref(), &event.payload).await) }
        }))
        .await
    })
}

/// Runs `main` to its end on a runtime of the calling thread alone.
pub fn on_one_thread(main: impl Future<Output = Result<(), Error>>) -> Result<(), Error> {
    tokio::runtime::Builder::new_current_thread().enable_all().build()?.block_on(main)
}

/// Telemetry, then the configuration and clients.
pub async fn cold_start() -> App {
    crate::telemetry::init();
    App::from_env().await
}
