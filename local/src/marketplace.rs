//! The whole marketplace on one port: tables created from template.yaml, standard categories
//! seeded, and every HTTP route of the template served by calling its function in-process.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use shared::config::{Config, ConfigError};
use shared::db::{CategoryRepo, Table};
use shared::{ApiError, App};
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::functions::{self, HttpHandler, Role};
use crate::router::Router;
use crate::tables::{self, TableError};
use crate::template::{EnvValue, Function, Template, TemplateError};
use crate::{cors, gateway};

pub struct Options {
    pub addr: SocketAddr,
    pub dynamodb_endpoint: String,
    /// Prepended to every table's logical id to name it.
    pub table_prefix: String,
    /// Values of the template's parameters that functions reference (e.g. `CursorSecret`).
    pub parameters: HashMap<String, String>,
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Template(#[from] TemplateError),
    #[error(transparent)]
    Tables(#[from] TableError),
    #[error("function {function}: {source}")]
    Function { function: String, source: ConfigError },
    #[error("template.yaml names function binary {0}, which the local runner does not know")]
    UnknownFunction(String),
    #[error("seeding the standard categories failed: {0}")]
    Seed(ApiError),
    #[error("cannot listen on {addr}: {source}")]
    Listen { addr: SocketAddr, source: std::io::Error },
}

pub struct Marketplace {
    pub addr: SocketAddr,
    /// Clients and a configuration naming every table: what tests use to arrange data.
    pub app: App,
    shutdown: watch::Sender<bool>,
    server: tokio::task::JoinHandle<()>,
}

struct State {
    router: Router<HttpHandler>,
}

impl Marketplace {
    pub async fn start(options: Options) -> Result<Self, StartError> {
        let template = Template::project()?;
        let app = App::new(Config::from_vars(|name| local_variable(name, None, &template, &options))).await;
        tables::create_all(&app.dynamodb, &template, &options.table_prefix).await?;
        let categories = app
            .config
            .table(Table::Categories)
            .map_err(|source| StartError::Function { function: "runner".into(), source })?;
        CategoryRepo::new(app.dynamodb.clone(), categories).seed_standard().await.map_err(StartError::Seed)?;

        let mut router = Router::default();
        for function in &template.functions {
            let config = Config::from_vars(|name| local_variable(name, Some(function), &template, &options));
            let role = functions::build(&function.binary, &app.with_config(config))
                .ok_or_else(|| StartError::UnknownFunction(function.binary.clone()))?
                .map_err(|source| StartError::Function { function: function.logical_id.clone(), source })?;
            if let Role::Http(handler) = role {
                for route in &function.routes {
                    router.add(route.clone(), Arc::clone(&handler));
                }
            }
        }

        let listener = TcpListener::bind(options.addr)
            .await
            .map_err(|source| StartError::Listen { addr: options.addr, source })?;
        let addr = listener.local_addr().map_err(|source| StartError::Listen { addr: options.addr, source })?;
        let (shutdown, stopped) = watch::channel(false);
        let server = tokio::spawn(serve(listener, Arc::new(State { router }), stopped));
        Ok(Self { addr, app, shutdown, server })
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting connections; requests in flight finish.
    pub async fn stop(self) {
        let _ = self.shutdown.send(true);
        let _ = self.server.await;
    }
}

/// The value a function would find in its environment in AWS, with local stand-ins: tables by
/// prefixed logical id, parameters from the options, DynamoDB at the local endpoint. `function`
/// `None` means the runner itself, which sees every table.
fn local_variable(name: &str, function: Option<&Function>, template: &Template, options: &Options) -> Option<String> {
    if name == "DYNAMODB_ENDPOINT" {
        return Some(options.dynamodb_endpoint.clone());
    }
    let Some(function) = function else {
        return Table::ALL
            .iter()
            .find(|t| t.env_var() == name)
            .map(|t| format!("{}{}", options.table_prefix, t.logical_id()))
            .or_else(|| (name == "CURSOR_SECRET").then(|| options.parameters.get("CursorSecret").cloned()).flatten());
    };
    match function.environment.get(name)? {
        EnvValue::Literal(value) => Some(value.clone()),
        EnvValue::Ref(id) if template.is_table(id) => Some(format!("{}{id}", options.table_prefix)),
        EnvValue::Ref(id) => options.parameters.get(id).cloned(),
    }
}

async fn serve(listener: TcpListener, state: Arc<State>, mut stopped: watch::Receiver<bool>) {
    loop {
        let (stream, source) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(connection) => connection,
                Err(error) => {
                    tracing::warn!(%error, "accept failed");
                    continue;
                }
            },
            _ = stopped.changed() => return,
        };
        let state = Arc::clone(&state);
        tokio::spawn(async move {
            let service = service_fn(move |req| handle(Arc::clone(&state), req, source));
            let _ = hyper::server::conn::http1::Builder::new()
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

async fn handle(
    state: Arc<State>,
    req: hyper::Request<Incoming>,
    source: SocketAddr,
) -> Result<http::Response<Full<Bytes>>, Infallible> {
    let (parts, body) = req.into_parts();
    if let Some(preflight) = cors::preflight(&parts.method, &parts.headers) {
        return Ok(preflight);
    }
    let origin = parts.headers.get(http::header::ORIGIN).cloned();
    let mut response = route(&state, &parts, body, source).await;
    cors::allow(origin, &mut response);
    Ok(response)
}

async fn route(
    state: &State,
    parts: &http::request::Parts,
    body: Incoming,
    source: SocketAddr,
) -> http::Response<Full<Bytes>> {
    // API Gateway's own answers carry its own plain bodies, not problem+json.
    let Some(found) = state.router.find(parts.method.as_str(), parts.uri.path()) else {
        return gateway_error(http::StatusCode::NOT_FOUND, "Not Found");
    };
    let Ok(body) = Limited::new(body, gateway::MAX_PAYLOAD_BYTES).collect().await.map(|b| b.to_bytes()) else {
        return gateway_error(http::StatusCode::PAYLOAD_TOO_LARGE, "Request Entity Too Large");
    };
    let request = gateway::to_lambda_request(gateway::Incoming {
        parts,
        body,
        route_key: found.route.key(),
        path_parameters: found.params,
        source,
    });
    gateway::to_http_response((found.target)(request).await)
}

fn gateway_error(status: http::StatusCode, message: &str) -> http::Response<Full<Bytes>> {
    http::Response::builder()
        .status(status)
        .header(http::header::CONTENT_TYPE, "application/json")
        .body(Full::new(Bytes::from(format!(r#"{{"message":"{message}"}}"#))))
        .expect("a static response always builds")
}
