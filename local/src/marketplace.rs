//! The whole marketplace on one port: tables created from template.yaml, standard categories
//! seeded, every HTTP route of the template served by calling its function in-process, its
//! WebSocket API served on the same port, its triggers fed their streams and its schedules fired.

use std::collections::{BTreeMap, HashMap};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

use aws_smithy_runtime_api::client::interceptors::SharedInterceptor;
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
use shared::media::upload::PUBLIC_PREFIX;
use shared::metrics::Metrics;
use shared::services::admin_bootstrap::{AdminBootstrap, ensure_admin};
use shared::{ApiError, App};
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::access::{self, ConnectionsRecorder, OperationLog, RecordedPublisher, S3Recorder};
use crate::dead_letters::DeadLetters;
use crate::functions::{self, HttpHandler, Role};
use crate::metrics::MetricLog;
use crate::objects::{ObjectNotifications, ObjectSubscriber};
use crate::outbox::Outbox;
use crate::paymob::{self, PaymobSimulator};
use crate::query_reads::{self, QueryReads};
use crate::router::{Router, percent_decode};
use crate::s3::{self, LocalS3};
use crate::schedules::{FireError, Schedules};
use crate::sockets::{self, Connections, SocketGateway, SocketRoutes};
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
    /// moto server, which plays S3 behind the runner's `/_local/s3` (none: no S3, as for
    /// benchmarks of other paths; its requests answer 503).
    pub moto_endpoint: Option<String>,
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
            moto_endpoint: None,
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
    #[error("cannot create the bucket {bucket}: {message}")]
    Bucket { bucket: String, message: String },
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
    /// The local name of each bucket of the template, by logical id.
    pub buckets: BTreeMap<String, String>,
    /// The WebSocket API: its open connections, and `@connections` without HTTP.
    pub sockets: SocketGateway,
    /// The admin account made sure of at start, if any.
    pub admin: Option<AdminBootstrap>,
    /// Clients and a configuration naming every table: what tests use to arrange data.
    pub app: App,
    shutdown: watch::Sender<bool>,
    server: tokio::task::JoinHandle<()>,
}

struct State {
    router: Router<HttpHandler>,
    s3: Option<LocalS3>,
    objects: ObjectNotifications,
    /// The bucket whose public prefix `/_local/media/` serves, as CloudFront does in AWS.
    media_bucket: Option<String>,
    clock: Arc<dyn Clock>,
    outbox: Arc<Outbox>,
    dead_letters: Arc<DeadLetters>,
    metrics: Arc<MetricLog>,
    schedules: Arc<Schedules>,
    paymob: Arc<PaymobSimulator>,
    sockets: SocketGateway,
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
        let buckets: BTreeMap<String, String> =
            template.buckets().map(|id| (id.to_owned(), s3::local_bucket_name(&options.table_prefix, id))).collect();
        let recorder = S3Recorder {
            log: Arc::clone(&operations),
            buckets: buckets.iter().map(|(id, name)| (name.clone(), id.clone())).collect(),
        };
        let mut app = App::new(runner_config)
            .await
            .with_clock(Arc::clone(&options.clock))
            .with_publisher(outbox.clone())
            .with_metrics(Metrics::new(metrics.clone()))
            .with_s3_interceptor(SharedInterceptor::new(recorder));
        if let Some(api) = &template.socket_api {
            let recorder = ConnectionsRecorder {
                log: Arc::clone(&operations),
                api: api.logical_id.clone(),
                stage: api.stage.clone(),
            };
            app = app.with_connections_interceptor(SharedInterceptor::new(recorder));
        }
        app.dynamodb = access::recorded(&app.dynamodb, &operations);
        let query_reads = Arc::new(QueryReads::default());
        app.dynamodb = query_reads::metered(&app.dynamodb, &query_reads);
        app = app
            .with_direct_reads_watched_by(Arc::new(access::DynamoDbRecorder(Arc::clone(&operations))))
            .with_direct_reads_watched_by(Arc::new(query_reads::QueryReadMeter(Arc::clone(&query_reads))));
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

        let s3 = options.moto_endpoint.clone().map(LocalS3::new);
        if let Some(s3) = &s3 {
            for bucket in buckets.values() {
                let failed = |message| StartError::Bucket { bucket: bucket.clone(), message };
                s3.create_bucket(bucket).await.map_err(failed)?;
            }
        }

        let mut router = Router::default();
        let mut socket_routes = SocketRoutes::default();
        let mut subscribers = Vec::new();
        let mut objects = ObjectNotifications::default();
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
                Role::Objects(handler) => {
                    objects.subscribers.extend(function.objects.iter().map(|subscription| ObjectSubscriber {
                        function: function.logical_id.clone(),
                        bucket: buckets.get(&subscription.bucket).cloned().unwrap_or_default(),
                        prefix: subscription.prefix.clone(),
                        handler: Arc::clone(&handler),
                    }))
                }
                Role::Socket(handler) => {
                    let api = template.socket_api.as_ref();
                    for key in api.into_iter().flat_map(|api| api.routes_of(&function.logical_id)) {
                        socket_routes.add(key, Arc::clone(&handler));
                    }
                }
                Role::DeploymentSeed => {}
            }
        }

        let stage = template.socket_api.as_ref().map_or("$default", |api| api.stage.as_str());
        let sockets = SocketGateway::new(stage, socket_routes, Connections::default(), Default::default());
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
            s3,
            objects,
            media_bucket: media_bucket(&template).and_then(|id| buckets.get(id)).cloned(),
            clock: Arc::clone(&options.clock),
            outbox: Arc::clone(&outbox),
            dead_letters: Arc::clone(&dead_letters),
            metrics,
            schedules: Arc::clone(&schedules),
            paymob: Arc::clone(&paymob),
            sockets: sockets.clone(),
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
            buckets,
            sockets,
            admin,
            app,
            shutdown,
            server,
        })
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting connections; requests in flight finish, and the WebSocket connections
    /// close (1001, Going away).
    pub async fn stop(self) {
        let _ = self.shutdown.send(true);
        self.sockets.stop();
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

/// The value a function would find in its environment in AWS, with local stand-ins: tables and
/// buckets by prefixed logical id, parameters from the options, the outbox for the topic,
/// DynamoDB at the local endpoint, the runner's S3 and media paths, the runner's `@connections`,
/// the signing and cursor keys inline where AWS names their SSM parameters, and the Paymob
/// simulator for Paymob. `function` `None` means the runner itself, which sees every table and
/// Paymob.
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
    let uses_s3 = function.environment.contains_key(vars::MEDIA_BUCKET) || !function.objects.is_empty();
    if name == vars::S3_ENDPOINT && uses_s3 {
        return Some(s3::endpoint(url));
    }
    if name == vars::CONNECTIONS_ENDPOINT && function.environment.contains_key(vars::CONNECTIONS_ENDPOINT) {
        return Some(sockets::endpoint(url));
    }
    if name == vars::MEDIA_BASE_URL && function.environment.contains_key(vars::MEDIA_BASE_URL) {
        return Some(format!("{url}{}", s3::MEDIA_PATH.trim_end_matches('/')));
    }
    match function.environment.get(name)? {
        EnvValue::Literal(value) => Some(value.clone()),
        EnvValue::Ref(id) if template.is_table(id) => Some(format!("{}{id}", options.table_prefix)),
        EnvValue::Ref(id) if template.is_topic(id) => Some(LOCAL_TOPIC_ARN.to_owned()),
        EnvValue::Ref(id) if template.is_bucket(id) => Some(s3::local_bucket_name(&options.table_prefix, id)),
        EnvValue::Ref(id) => options.parameters.get(id).cloned(),
        EnvValue::Sub(_) => None,
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
            // With upgrades: `/ws` turns a connection into a WebSocket.
            let _ = hyper::server::conn::http1::Builder::new()
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), service)
                .with_upgrades()
                .await;
        });
    }
}

async fn handle(
    state: Arc<State>,
    req: hyper::Request<Incoming>,
    source: SocketAddr,
) -> Result<http::Response<Full<Bytes>>, Infallible> {
    // API Gateway's WebSocket API has a domain of its own, without CORS.
    if req.uri().path() == sockets::PATH {
        return Ok(state.sockets.upgrade(req, source).await);
    }
    if sockets::serves_connections(req.uri().path()) {
        return Ok(state.sockets.manage(req).await);
    }
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
        (_, path) if s3::serves(path) => match Limited::new(body, MAX_OBJECT_BYTES).collect().await {
            Ok(body) => local_s3(&state, &parts, body.to_bytes()).await,
            Err(_) => gateway_error(http::StatusCode::PAYLOAD_TOO_LARGE, "Request Entity Too Large"),
        },
        // The media domain: paths are keys, as CloudFront maps them, and only the public prefix
        // may be read, as the bucket policy allows it.
        ("GET", path) if path.starts_with(s3::MEDIA_PATH) => {
            let key = &path[s3::MEDIA_PATH.len()..];
            match (&state.s3, &state.media_bucket, key.strip_prefix(PUBLIC_PREFIX)) {
                (Some(s3), Some(bucket), Some(rest)) => s3.serve_public(bucket, PUBLIC_PREFIX, rest).await,
                _ => gateway_error(http::StatusCode::NOT_FOUND, "Not Found"),
            }
        }
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

/// The bucket whose renditions the media domain serves: the one functions name as `MEDIA_BUCKET`.
fn media_bucket(template: &Template) -> Option<&str> {
    template.functions.iter().find_map(|f| match f.environment.get(vars::MEDIA_BUCKET)? {
        EnvValue::Ref(id) => Some(id.as_str()),
        _ => None,
    })
}

/// Larger than any upload the API signs for, so that an oversize PUT reaches the check.
const MAX_OBJECT_BYTES: usize = 64 * 1024 * 1024;

/// S3, played by moto behind the runner; an object it stores notifies the functions of its bucket.
async fn local_s3(state: &State, parts: &http::request::Parts, body: Bytes) -> http::Response<Full<Bytes>> {
    let Some(s3) = &state.s3 else {
        return gateway_error(http::StatusCode::SERVICE_UNAVAILABLE, "S3 is not running");
    };
    let (response, created) = s3.handle(parts, body).await;
    if let Some(created) = created {
        state.objects.deliver(&created, state.clock.now().as_offset_date_time());
    }
    response
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
