//! What a function builds once at cold start and shares across invocations.

use std::sync::Arc;
use std::time::Duration;

use aws_config::SdkConfig;
use aws_config::environment::EnvironmentVariableCredentialsProvider;
use aws_sdk_dynamodb::config::{
    BehaviorVersion, Credentials, Region, SharedCredentialsProvider, retry::RetryConfig, timeout::TimeoutConfig,
};
use aws_smithy_runtime_api::client::http::{SharedHttpClient, SharedHttpConnector};

use crate::accounts::tokens::TokenIssuer;
use crate::clock::{Clock, SystemClock};
use crate::config::{Config, ConfigError, vars};
use crate::db::Database;
use crate::db::direct::reads::{DirectReads, Watch};
use crate::db::direct::wire::Wire;
use crate::metrics::Metrics;
use crate::notify::Publisher;
use crate::payments::PaymentGateway;
use crate::payments::paymob::HmacSecret;
use crate::telemetry::emf::EmfStdout;

mod sdk_http;
mod stored_secrets;

pub use sdk_http::SdkHttpClient;

#[derive(Clone)]
pub struct App {
    pub config: Config,
    pub dynamodb: aws_sdk_dynamodb::Client,
    /// The hottest reads of `dynamodb`'s tables, sent without the SDK's orchestrator.
    direct: DirectReads,
    pub clock: Arc<dyn Clock>,
    publisher: Option<Arc<dyn Publisher>>,
    metrics: Metrics,
    /// What further clients are built from (the media bucket's, `@connections`', by the functions
    /// that use them, and the direct reads').
    sdk: SdkConfig,
    /// Added to every S3 client built (the local runner records what each function does).
    #[cfg(feature = "media")]
    s3_interceptors: Vec<aws_smithy_runtime_api::client::interceptors::SharedInterceptor>,
    /// Added to every `@connections` client built (the same, for the WebSocket API).
    #[cfg(feature = "live")]
    connections_interceptors: Vec<aws_smithy_runtime_api::client::interceptors::SharedInterceptor>,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App").field("config", &self.config).finish_non_exhaustive()
    }
}

impl App {
    /// Reads the environment and builds the SDK clients (the Lambda cold-start path). Lambda
    /// gives every function its region and its role's credentials as variables; reading only
    /// those, instead of running the SDK's provider chains (profiles, SSO, STS, instance metadata),
    /// keeps that code out of the function binaries and its work out of the cold start.
    pub async fn from_env() -> Self {
        let config = Config::from_env();
        let http = SdkHttpClient::new();
        let aws = match config.dynamodb_endpoint() {
            Some(_) => local_sdk_config(&http),
            None => sdk_config(
                std::env::var("AWS_REGION").ok().map(Region::new),
                SharedCredentialsProvider::new(EnvironmentVariableCredentialsProvider::new()),
                &http,
            ),
        };
        Self::with_sdk_config(config, &aws, &http).await
    }

    /// The clients of a command run by hand (the admin CLI) or of tests: in AWS, the SDK's default
    /// providers find the region and credentials (profiles, SSO, ...).
    pub async fn new(config: Config) -> Self {
        let http = SdkHttpClient::new();
        let aws = match config.dynamodb_endpoint() {
            Some(_) => local_sdk_config(&http),
            None => {
                let shared = SharedHttpClient::new(http.clone());
                aws_config::defaults(BehaviorVersion::latest()).http_client(shared).load().await
            }
        };
        Self::with_sdk_config(config, &aws, &http).await
    }

    async fn with_sdk_config(config: Config, aws: &SdkConfig, http: &SdkHttpClient) -> Self {
        let mut dynamodb =
            aws_sdk_dynamodb::config::Builder::from(aws).timeout_config(timeouts()).retry_config(retries(&config));
        dynamodb.set_endpoint_url(config.dynamodb_endpoint().map(str::to_owned));
        let dynamodb = aws_sdk_dynamodb::Client::from_conf(dynamodb.build());
        let timeouts = timeouts();
        let direct = direct_reads(&config, aws, http.connector(timeouts.connect_timeout(), timeouts.read_timeout()));
        let publisher = notifications_publisher(&config, aws);
        let config = stored_secrets::read(config, aws).await;
        let metrics = Metrics::new(Arc::new(EmfStdout));
        Self {
            config,
            dynamodb,
            direct,
            clock: Arc::new(SystemClock),
            publisher,
            metrics,
            sdk: aws.clone(),
            #[cfg(feature = "media")]
            s3_interceptors: Vec::new(),
            #[cfg(feature = "live")]
            connections_interceptors: Vec::new(),
        }
    }

    /// The same clients under another configuration: the local runner gives every function its
    /// own environment but one connection pool. Only a configuration naming the topic keeps the
    /// publisher, as in AWS.
    pub fn with_config(&self, config: Config) -> Self {
        let publisher = config.get(vars::NOTIFICATIONS_TOPIC_ARN).and(self.publisher.clone());
        Self { config, publisher, ..self.clone() }
    }

    pub fn with_clock(self, clock: Arc<dyn Clock>) -> Self {
        Self { clock, ..self }
    }

    pub fn with_publisher(self, publisher: Arc<dyn Publisher>) -> Self {
        Self { publisher: Some(publisher), ..self }
    }

    pub fn with_metrics(self, metrics: Metrics) -> Self {
        Self { metrics, ..self }
    }

    /// The same clients, with `watcher` told of every read sent directly (the local runner
    /// records them as it records the SDK's calls).
    pub fn with_direct_reads_watched_by(self, watcher: Arc<dyn Watch>) -> Self {
        Self { direct: self.direct.watched_by(watcher), ..self }
    }

    /// The same clients, with every DynamoDB call, direct or through the SDK, sent on `connector`
    /// (the benchmarks answer in-process).
    pub fn with_dynamodb_connector(self, connector: SharedHttpConnector) -> Self {
        let sent = connector.clone();
        let http = aws_smithy_runtime_api::client::http::http_client_fn(move |_, _| sent.clone());
        let dynamodb =
            aws_sdk_dynamodb::Client::from_conf(self.dynamodb.config().to_builder().http_client(http).build());
        let direct = direct_reads(&self.config, &self.sdk, connector);
        Self { dynamodb, direct, ..self }
    }

    /// The same clients, with `interceptor` on every S3 client built from now on.
    #[cfg(feature = "media")]
    pub fn with_s3_interceptor(
        mut self,
        interceptor: aws_smithy_runtime_api::client::interceptors::SharedInterceptor,
    ) -> Self {
        self.s3_interceptors.push(interceptor);
        self
    }

    /// The same clients, with `interceptor` on every `@connections` client built from now on.
    #[cfg(feature = "live")]
    pub fn with_connections_interceptor(
        mut self,
        interceptor: aws_smithy_runtime_api::client::interceptors::SharedInterceptor,
    ) -> Self {
        self.connections_interceptors.push(interceptor);
        self
    }

    /// Where business metrics go: Embedded Metric Format lines on stdout unless told otherwise.
    pub fn metrics(&self) -> Metrics {
        self.metrics.clone()
    }

    /// Where notifications go; configured only for functions that send them.
    pub fn publisher(&self) -> Result<Arc<dyn Publisher>, ConfigError> {
        self.publisher.clone().ok_or(ConfigError::Missing(vars::NOTIFICATIONS_TOPIC_ARN))
    }

    /// The tables this function's configuration names, over the shared client.
    pub fn database(&self) -> Database {
        Database::new(self.dynamodb.clone(), self.config.clone(), Arc::clone(&self.clock))
            .with_direct_reads(self.direct.clone())
    }

    /// What signs access tokens: the key inline in the configuration (local development) or read
    /// at cold start from the SSM SecureString parameter it names (AWS). Only the token-issuing
    /// functions have either.
    pub fn token_issuer(&self) -> Result<TokenIssuer, ConfigError> {
        TokenIssuer::from_private_base64(vars::JWT_PRIVATE_KEY, self.config.require(vars::JWT_PRIVATE_KEY)?)
    }

    /// The payment gateway (Paymob) the configuration describes, with an HTTPS client of its own.
    /// Each call builds a new client: call it once, at init.
    pub fn payment_gateway(&self) -> Result<Arc<dyn PaymentGateway>, ConfigError> {
        payment_gateway(&self.config, &self.clock)
    }

    /// The media bucket, with an S3 client of its own: call it once, at init.
    #[cfg(feature = "media")]
    pub fn media_bucket(&self) -> Result<crate::bucket::MediaBucket, ConfigError> {
        let bucket = self.config.require(vars::MEDIA_BUCKET)?;
        Ok(crate::bucket::MediaBucket::new(self.s3_client(), bucket))
    }

    /// An S3 client, for a function told its bucket by each event: call it once, at init.
    #[cfg(feature = "media")]
    pub fn s3_client(&self) -> aws_sdk_s3::Client {
        // A photo of 10 MiB takes longer than an item: more time per attempt than the tables get.
        let timeouts = TimeoutConfig::builder()
            .connect_timeout(Duration::from_secs(1))
            .operation_attempt_timeout(Duration::from_secs(15))
            .operation_timeout(Duration::from_secs(40))
            .build();
        // Checksums only where S3 requires them: a PUT of a whole body in memory is signed as it
        // is, not streamed as `aws-chunked` with a trailing checksum (which emulators store raw).
        let mut s3 = aws_sdk_s3::config::Builder::from(&self.sdk)
            .timeout_config(timeouts)
            .request_checksum_calculation(aws_sdk_s3::config::RequestChecksumCalculation::WhenRequired);
        if let Some(endpoint) = self.config.get(vars::S3_ENDPOINT) {
            s3 = s3.endpoint_url(endpoint).force_path_style(true);
        }
        for interceptor in &self.s3_interceptors {
            s3.push_interceptor(interceptor.clone());
        }
        aws_sdk_s3::Client::from_conf(s3.build())
    }

    /// A client of the WebSocket API's `@connections` at `CONNECTIONS_ENDPOINT`: call it once, at init.
    #[cfg(feature = "live")]
    pub fn connections_client(&self) -> Result<aws_sdk_apigatewaymanagement::Client, ConfigError> {
        let endpoint = self.config.require(vars::CONNECTIONS_ENDPOINT)?;
        let mut config = aws_sdk_apigatewaymanagement::config::Builder::from(&self.sdk)
            .timeout_config(timeouts())
            .endpoint_url(endpoint);
        for interceptor in &self.connections_interceptors {
            config.push_interceptor(interceptor.clone());
        }
        Ok(aws_sdk_apigatewaymanagement::Client::from_conf(config.build()))
    }

    /// What reaches users' open WebSocket connections, over this function's `@connections` client
    /// and connections table: call it once, at init.
    #[cfg(feature = "live")]
    pub fn live(&self) -> Result<crate::services::live::Live, ConfigError> {
        let connections = crate::db::ConnectionRepo::new(&self.database())?;
        Ok(crate::services::live::Live::new(connections, self.connections_api()?, Arc::clone(&self.clock)))
    }

    /// The WebSocket API's `@connections`, for a function that only answers the connection it
    /// was invoked for: call it once, at init.
    #[cfg(feature = "live")]
    pub fn connections_api(&self) -> Result<crate::connections_api::ConnectionsApi, ConfigError> {
        Ok(crate::connections_api::ConnectionsApi::new(self.connections_client()?))
    }

    /// The public addresses of photo renditions.
    pub fn media_urls(&self) -> Result<crate::media::MediaUrls, ConfigError> {
        self.config.require(vars::MEDIA_BASE_URL).map(crate::media::MediaUrls::new)
    }

    /// What checks Paymob's callbacks: the secret inline in the configuration (local development)
    /// or read at cold start from the SSM SecureString parameter it names (AWS).
    pub fn paymob_hmac_secret(&self) -> Result<HmacSecret, ConfigError> {
        self.config.require(vars::PAYMOB_HMAC_SECRET).map(HmacSecret::new)
    }
}

#[cfg(feature = "payments")]
fn payment_gateway(config: &Config, clock: &Arc<dyn Clock>) -> Result<Arc<dyn PaymentGateway>, ConfigError> {
    use crate::gateways::{HttpsClient, PaymobGateway, PaymobSettings};
    let settings = PaymobSettings::from_config(config)?;
    Ok(Arc::new(PaymobGateway::new(settings, HttpsClient::new(), Arc::clone(clock))))
}

/// Without the feature the gateway's client is not compiled in: a function that needs it fails
/// its cold start saying so.
#[cfg(not(feature = "payments"))]
fn payment_gateway(_config: &Config, _clock: &Arc<dyn Clock>) -> Result<Arc<dyn PaymentGateway>, ConfigError> {
    Err(ConfigError::Invalid {
        name: vars::PAYMOB_SECRET_KEY,
        reason: "the function is built without the `payments` feature of `shared`".to_owned(),
    })
}

/// The publisher of a function whose configuration names the notifications topic.
#[cfg(feature = "notifications")]
fn notifications_publisher(config: &Config, aws: &SdkConfig) -> Option<Arc<dyn Publisher>> {
    let topic = config.get(vars::NOTIFICATIONS_TOPIC_ARN)?;
    let mut sns = aws_sdk_sns::config::Builder::from(aws).timeout_config(timeouts());
    sns.set_endpoint_url(config.get(vars::SNS_ENDPOINT).map(str::to_owned));
    let client = aws_sdk_sns::Client::from_conf(sns.build());
    Some(Arc::new(crate::sns::SnsPublisher::new(client, topic)))
}

/// Without the feature no function can publish: one whose configuration names the topic anyway
/// was built without it, and its first notification fails as if the topic were not configured.
#[cfg(not(feature = "notifications"))]
fn notifications_publisher(config: &Config, _aws: &SdkConfig) -> Option<Arc<dyn Publisher>> {
    if config.get(vars::NOTIFICATIONS_TOPIC_ARN).is_some() {
        tracing::error!("the function names a notifications topic but is built without the `notifications` feature");
    }
    None
}

const LOCAL_REGION: &str = "us-east-1";

/// The HTTP(S) client of the SDK clients built elsewhere (tests, tools): [`SdkHttpClient`].
pub fn https_client() -> SharedHttpClient {
    SharedHttpClient::new(SdkHttpClient::new())
}

/// The direct reads of the tables at the configured endpoint, with the SDK client's region,
/// credentials and timeouts, sent on `connector`.
fn direct_reads(config: &Config, aws: &SdkConfig, connector: SharedHttpConnector) -> DirectReads {
    let (Some(region), Some(credentials)) = (aws.region(), aws.credentials_provider()) else {
        return DirectReads::default();
    };
    let timeouts = timeouts();
    let attempt = timeouts.operation_attempt_timeout().unwrap_or(Duration::from_secs(3));
    let wire = Wire::new(config.dynamodb_endpoint(), region.as_ref(), credentials, connector, attempt);
    DirectReads::new(wire, timeouts, retries(config))
}

/// The DynamoDB client's retries. Emulators answer at once or not at all: fewer attempts.
fn retries(config: &Config) -> RetryConfig {
    let attempts = if config.dynamodb_endpoint().is_some() { 2 } else { 3 };
    RetryConfig::standard().with_max_attempts(attempts)
}

/// Emulators accept any credentials; nothing is read from ~/.aws locally.
fn local_credentials() -> Credentials {
    Credentials::new("local", "local", None, None, "souk-local")
}

fn local_sdk_config(http: &SdkHttpClient) -> SdkConfig {
    sdk_config(Some(Region::new(LOCAL_REGION)), SharedCredentialsProvider::new(local_credentials()), http)
}

/// Over `http` ([`SdkHttpClient`]): it reads no file at cold start. The SDK is built without a
/// client of its own, so a client not given this one cannot send.
fn sdk_config(region: Option<Region>, credentials: SharedCredentialsProvider, http: &SdkHttpClient) -> SdkConfig {
    SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .http_client(SharedHttpClient::new(http.clone()))
        .region(region)
        .credentials_provider(credentials)
        .build()
}

/// Timeouts short enough that an unreachable service turns into a quick 503, not a hung request.
fn timeouts() -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(1))
        .operation_attempt_timeout(Duration::from_secs(3))
        .operation_timeout(Duration::from_secs(8))
        .build()
}
