//! The whole marketplace on one port: tables created from template.yaml, standard categories
//! seeded, every HTTP route of the template served by calling its function in-process, its
//! triggers fed their streams and its schedules fired.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use shared::accounts::tokens::KeyPair;
use shared::accounts::{Email, Password};
use shared::clock::{Clock, SystemClock};
use shared::config::{Config, ConfigError, vars};
use shared::db::{CategoryRepo, UserRepo};
use shared::metrics::Metrics;
use shared::services::admin_bootstrap::{AdminBootstrap, ensure_admin};
use shared::{ApiError, App};
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::access::{self, OperationLog, RecordedPublisher};
use crate::dead_letters::DeadLetters;
use crate::functions::{self, HttpHandler, Role};
use crate::metrics::MetricLog;
use crate::outbox::Outbox;
use crate::paymob::{self, PaymobSimulator};
use crate::query_reads::{self, QueryReads};
use crate::router::{Router, percent_decode};
use crate::schedules::{FireError, Schedules};
use crate::streams::{self, Failures, RetryWaits, Subscriber};
use crate::tables::{self, TableError};
use crate::template::{EnvValue, Function, Template, TemplateError};
use crate::{cors, empty_maps, gateway};
use shared::tables::Table;

pub struct Options {
    pub addr: SocketAddr,
    pub dynamodb_endpoint: String,
    /// Prepended to every table's logical id to name it.
    pub table_prefix: String,
    /// Values of the template's parameters that functions reference (`CursorSecret`, `JwtPublicKey`).
    pub parameters: HashMap<String, String>,
    /// The signing key that in AWS comes from SSM (base64 PKCS#8 Ed25519).
    pub jwt_private_key: String,
    /// Where functions read the time: tests move it by hand.
    pub clock: Arc<dyn Clock>,
    /// An admin account to make sure of at start (`SOUK_ADMIN_EMAIL`/`SOUK_ADMIN_PASSWORD`).
    pub admin: Option<(Email, Password)>,
    /// Whether stream triggers run (off only to measure the HTTP paths alone).
    pub triggers: bool,
    /// Whether schedules fire at their times by the wall clock. Off, they fire only by
    /// `POST /_local/schedules/{name}` (tests, whose clock does not follow the wall).
    pub schedules: bool,
    /// How long a failed stream record waits before it is delivered again.
    pub trigger_retries: RetryWaits,
}

impl Options {
    /// A runner for a benchmark: the HTTP routes only (no triggers) on a free loopback port, over
    /// the tables `<table_prefix><LogicalId>` of a DynamoDB already running, with access tokens
    /// signed by `keys` and the system clock.
    pub fn benchmark(dynamodb_endpoint: String, table_prefix: String, keys: &KeyPair) -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            dynamodb_endpoint,
            table_prefix,
            parameters: HashMap::from([
                ("CursorSecret".to_owned(), "benchmark-cursor-secret-of-32-bytes!!".to_owned()),
                ("JwtPublicKey".to_owned(), keys.public_base64.clone()),
            ]),
            jwt_private_key: keys.private_pkcs8_base64.clone(),
            clock: Arc::new(SystemClock),
            admin: None,
            triggers: false,
            schedules: false,
            trigger_retries: Default::default(),
        }
    }
}

/// The ARN functions see for the notifications topic; the outbox stands in for it.
const LOCAL_TOPIC_ARN: &str = "arn:aws:sns:us-east-1:000000000000:souk-local-notifications";

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
    #[error("making sure of the admin account failed: {0}")]
    Admin(ApiError),
    #[error("cannot follow the table streams: {0}")]
    Streams(String),
    #[error("cannot run the schedules: {0}")]
    Schedules(String),
    #[error("cannot listen on {addr}: {source}")]
    Listen { addr: SocketAddr, source: std::io::Error },
}

pub struct Marketplace {
    pub addr: SocketAddr,
    pub outbox: Arc<Outbox>,
    /// The stream records triggers gave up on.
    pub dead_letters: Arc<DeadLetters>,
    /// Every AWS operation each function made, for checking them against its policy.
    pub operations: Arc<OperationLog>,
    /// What each function's Queries read, for holding requests to their read budgets.
    pub query_reads: Arc<QueryReads>,
    /// Paymob, as the functions see it locally.
    pub paymob: Arc<PaymobSimulator>,
    /// The schedules of the template.
    pub schedules: Arc<Schedules>,
    /// The admin account made sure of at start, if any.
    pub admin: Option<AdminBootstrap>,
    /// Clients and a configuration naming every table: what tests use to arrange data.
    pub app: App,
    shutdown: watch::Sender<bool>,
    server: tokio::task::JoinHandle<()>,
}

struct State {
    router: Router<HttpHandler>,
    outbox: Arc<Outbox>,
    dead_letters: Arc<DeadLetters>,
    metrics: Arc<MetricLog>,
    schedules: Arc<Schedules>,
    paymob: Arc<PaymobSimulator>,
}

impl Marketplace {
    pub async fn start(options: Options) -> Result<Self, StartError> {
        let template = Template::project()?;
        // Bound first: the functions are told the runner's URL (where Paymob's simulator answers
        // and where it sends callbacks), which is known only once the port is.
        let listener = TcpListener::bind(options.addr)
            .await
            .map_err(|source| StartError::Listen { addr: options.addr, source })?;
        let addr = listener.local_addr().map_err(|source| StartError::Listen { addr: options.addr, source })?;
        let url = format!("http://{addr}");
        let local = Local { template: &template, options: &options, url: &url };
        let outbox = Arc::new(Outbox::default());
        let runner_config = Config::from_vars(|name| local_variable(name, None, &local))
            .with(vars::NOTIFICATIONS_TOPIC_ARN, LOCAL_TOPIC_ARN);
        let operations = Arc::new(OperationLog::new(&options.table_prefix, tables::hash_keys(&template)));
        let metrics = Arc::new(MetricLog::default());
        let mut app = App::new(runner_config)
            .await
            .with_clock(Arc::clone(&options.clock))
            .with_publisher(outbox.clone())
            .with_metrics(Metrics::new(metrics.clone()));
        app.dynamodb = access::recorded(&app.dynamodb, &operations);
        let query_reads = Arc::new(QueryReads::default());
        app.dynamodb = query_reads::metered(&app.dynamodb, &query_reads);
        tables::create_all(&app.dynamodb, &template, &options.table_prefix).await?;
        let schedules = Schedules::from_template(
            &template,
            &options.table_prefix,
            app.dynamodb.clone(),
            Arc::clone(&options.clock),
        )
        .map(Arc::new)
        .map_err(StartError::Schedules)?;
        let runner_error = |source| StartError::Function { function: "runner".into(), source };
        // The runner does the deploy-time seed's work, as that function.
        let seed = template.functions.iter().find(|f| f.binary == "seed-catalog").map(|f| f.logical_id.as_str());
        let seeding = CategoryRepo::new(&app.database()).map_err(runner_error)?;
        access::as_function(seed.unwrap_or("runner").into(), seeding.seed_standard())
            .await
            .map_err(StartError::Seed)?;
        let admin = match &options.admin {
            Some((email, password)) => {
                let users = UserRepo::new(&app.database()).map_err(runner_error)?;
                Some(ensure_admin(&users, email, password, app.clock.now()).await.map_err(StartError::Admin)?)
            }
            None => None,
        };

        let mut router = Router::default();
        let mut subscribers = Vec::new();
        for function in &template.functions {
            let config = Config::from_vars(|name| local_variable(name, Some(function), &local));
            let mut function_app = app.with_config(config);
            if let Some(EnvValue::Ref(topic)) = function.environment.get(vars::NOTIFICATIONS_TOPIC_ARN) {
                let log = Arc::clone(&operations);
                let publisher = RecordedPublisher { inner: outbox.clone(), log, topic: topic.clone() };
                function_app = function_app.with_publisher(Arc::new(publisher));
            }
            let role = functions::build(&function.binary, &function_app)
                .await
                .ok_or_else(|| StartError::UnknownFunction(function.binary.clone()))?
                .map_err(|source| StartError::Function { function: function.logical_id.clone(), source })?;
            match access::attributed(function.logical_id.as_str().into(), role) {
                Role::Http(handler) => {
                    for route in &function.routes {
                        router.add(route.clone(), Arc::clone(&handler));
                    }
                }
                Role::Stream(handler) => subscribers.extend(function.streams.iter().map(|subscription| Subscriber {
                    function: function.logical_id.clone(),
                    subscription: subscription.clone(),
                    handler: Arc::clone(&handler),
                })),
                Role::DeploymentSeed => {}
            }
        }

        let (shutdown, stopped) = watch::channel(false);
        let dead_letters = Arc::new(DeadLetters::default());
        let paymob = Arc::new(PaymobSimulator::new(Arc::clone(&options.clock)));
        if options.triggers {
            let client = streams_client(&options.dynamodb_endpoint, &app.dynamodb);
            let failures = Failures { dead_letters: Arc::clone(&dead_letters), waits: options.trigger_retries };
            streams::start(&app.dynamodb, client, &options.table_prefix, subscribers, failures, stopped.clone())
                .await
                .map_err(StartError::Streams)?;
        }
        if options.schedules {
            schedules.start(&stopped);
        }
        let state = Arc::new(State {
            router,
            outbox: Arc::clone(&outbox),
            dead_letters: Arc::clone(&dead_letters),
            metrics,
            schedules: Arc::clone(&schedules),
            paymob: Arc::clone(&paymob),
        });
        let server = tokio::spawn(serve(listener, state, stopped));
        Ok(Self {
            addr,
            outbox,
            dead_letters,
            operations,
            query_reads,
            paymob,
            schedules,
            admin,
            app,
            shutdown,
            server,
        })
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

/// DynamoDB Local serves the streams API on its own endpoint; the client shares the HTTP client
/// of `dynamodb`, and reads records as DynamoDB writes them (see [`empty_maps`]).
fn streams_client(endpoint: &str, dynamodb: &aws_sdk_dynamodb::Client) -> aws_sdk_dynamodbstreams::Client {
    use aws_sdk_dynamodbstreams::config::{BehaviorVersion, Credentials, Region};
    let http = dynamodb.config().http_client().expect("the runner's SDK clients are given an HTTP client");
    aws_sdk_dynamodbstreams::Client::from_conf(
        aws_sdk_dynamodbstreams::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new("local", "local", None, None, "souk-local"))
            .endpoint_url(endpoint)
            .http_client(empty_maps::as_dynamodb_writes(http))
            .build(),
    )
}

/// What [`local_variable`] reads: the template, the runner's options, and the URL it serves.
struct Local<'a> {
    template: &'a Template,
    options: &'a Options,
    url: &'a str,
}

/// The value a function would find in its environment in AWS, with local stand-ins: tables by
/// prefixed logical id, parameters from the options, the outbox for the topic, DynamoDB at the
/// local endpoint, the signing and cursor keys inline where AWS names their SSM parameters, and
/// the Paymob simulator for Paymob. `function` `None` means the runner itself, which sees every
/// table and Paymob.
fn local_variable(name: &str, function: Option<&Function>, local: &Local<'_>) -> Option<String> {
    let Local { template, options, url } = local;
    if name == vars::DYNAMODB_ENDPOINT {
        return Some(options.dynamodb_endpoint.clone());
    }
    let Some(function) = function else {
        return Table::ALL
            .iter()
            .find(|t| t.env_var() == name)
            .map(|t| format!("{}{}", options.table_prefix, t.logical_id()))
            .or_else(|| {
                (name == vars::CURSOR_SECRET).then(|| options.parameters.get("CursorSecret").cloned()).flatten()
            })
            .or_else(|| paymob::local_variable(name, |_| true, url));
    };
    if name == vars::JWT_PRIVATE_KEY && function.environment.contains_key(vars::JWT_PRIVATE_KEY_PARAMETER) {
        return Some(options.jwt_private_key.clone());
    }
    if name == vars::CURSOR_SECRET && function.environment.contains_key(vars::CURSOR_SECRET_PARAMETER) {
        return options.parameters.get("CursorSecret").cloned();
    }
    if [
        vars::JWT_PRIVATE_KEY_PARAMETER,
        vars::CURSOR_SECRET_PARAMETER,
        vars::PAYMOB_SECRET_KEY_PARAMETER,
        vars::PAYMOB_HMAC_SECRET_PARAMETER,
    ]
    .contains(&name)
    {
        return None;
    }
    if let Some(value) = paymob::local_variable(name, |var| function.environment.contains_key(var), url) {
        return Some(value);
    }
    match function.environment.get(name)? {
        EnvValue::Literal(value) => Some(value.clone()),
        EnvValue::Ref(id) if template.is_table(id) => Some(format!("{}{id}", options.table_prefix)),
        EnvValue::Ref(id) if template.is_topic(id) => Some(LOCAL_TOPIC_ARN.to_owned()),
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
    let mut response = match (parts.method.as_str(), parts.uri.path()) {
        ("GET", "/_local/outbox") => local_outbox(&state.outbox, parts.uri.query()),
        ("GET", "/_local/dead-letters") => json_response(state.dead_letters.list_json()),
        ("GET", "/_local/metrics") => json_response(state.metrics.list_json()),
        (_, path) if paymob::serves(path) => match Limited::new(body, gateway::MAX_PAYLOAD_BYTES).collect().await {
            Ok(body) => state.paymob.handle(&parts, body.to_bytes()).await,
            Err(_) => gateway_error(http::StatusCode::PAYLOAD_TOO_LARGE, "Request Entity Too Large"),
        },
        ("POST", path) if path.starts_with(SCHEDULES_PATH) => {
            fire_schedule(&state.schedules, &percent_decode(&path[SCHEDULES_PATH.len()..])).await
        }
        _ => route(&state, &parts, body, source).await,
    };
    cors::allow(origin, &mut response);
    Ok(response)
}

async fn route(
    state: &State,
    parts: &http::request::Parts,
    body: Incoming,
    source: SocketAddr,
) -> http::Response<Full<Bytes>> {
    // API Gateway's own answers carry its own plain bodies, not problem+json (the template's
    // `$default` route answers unknown routes itself).
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

/// `GET /_local/outbox?to=<email or userId>`: what the functions published, newest first.
fn local_outbox(outbox: &Outbox, query: Option<&str>) -> http::Response<Full<Bytes>> {
    let to = query.and_then(|q| {
        q.split('&')
            .filter_map(|pair| pair.split_once('='))
            .find(|(k, _)| *k == "to")
            .map(|(_, v)| percent_decode(&v.replace('+', " ")))
    });
    json_response(outbox.list_json(to.as_deref()))
}

const SCHEDULES_PATH: &str = "/_local/schedules/";

/// `POST /_local/schedules/{name}`: fires the schedule for its latest time; 202 with the key of
/// the item it put (or had put already).
async fn fire_schedule(schedules: &Schedules, name: &str) -> http::Response<Full<Bytes>> {
    let (status, json) = match schedules.fire_now(name).await {
        Ok(fired) => (http::StatusCode::ACCEPTED, serde_json::to_string(&fired).expect("a firing serializes")),
        Err(error) => {
            let status = match error {
                FireError::Unknown(_) => http::StatusCode::NOT_FOUND,
                FireError::Failed { .. } => http::StatusCode::SERVICE_UNAVAILABLE,
            };
            (status, serde_json::json!({ "message": error.to_string() }).to_string())
        }
    };
    let mut response = json_response(json);
    *response.status_mut() = status;
    response
}

/// One of the runner's own JSON answers (`/_local/...`).
fn json_response(json: String) -> http::Response<Full<Bytes>> {
    http::Response::builder()
        .header(http::header::CONTENT_TYPE, "application/json")
        .body(Full::new(Bytes::from(json)))
        .expect("a JSON response always builds")
}

fn gateway_error(status: http::StatusCode, message: &str) -> http::Response<Full<Bytes>> {
    http::Response::builder()
        .status(status)
        .header(http::header::CONTENT_TYPE, "application/json")
        .body(Full::new(Bytes::from(format!(r#"{{"message":"{message}"}}"#))))
        .expect("a static response always builds")
}
