//! What a function builds once at cold start and shares across invocations.

use std::sync::Arc;
use std::time::Duration;

use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region, retry::RetryConfig, timeout::TimeoutConfig};
use aws_smithy_http_client::tls::{self, TlsContext, TrustStore};
use aws_smithy_runtime_api::client::http::SharedHttpClient;

use crate::accounts::tokens::TokenIssuer;
use crate::clock::{Clock, SystemClock};
use crate::config::{Config, ConfigError, vars};
use crate::db::Database;
use crate::notify::Publisher;
use crate::sns::SnsPublisher;

#[derive(Clone)]
pub struct App {
    pub config: Config,
    pub dynamodb: aws_sdk_dynamodb::Client,
    pub clock: Arc<dyn Clock>,
    publisher: Option<Arc<dyn Publisher>>,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App").field("config", &self.config).finish_non_exhaustive()
    }
}

impl App {
    /// Reads the environment and builds the SDK clients (the Lambda cold-start path).
    pub async fn from_env() -> Self {
        Self::new(Config::from_env()).await
    }

    pub async fn new(config: Config) -> Self {
        let http = https_client();
        let aws = match config.dynamodb_endpoint() {
            Some(_) => None,
            None => Some(aws_config::defaults(BehaviorVersion::latest()).http_client(http.clone()).load().await),
        };
        let dynamodb = match config.dynamodb_endpoint() {
            Some(endpoint) => aws_sdk_dynamodb::Client::from_conf(
                aws_sdk_dynamodb::Config::builder()
                    .behavior_version(BehaviorVersion::latest())
                    .http_client(http.clone())
                    .region(Region::new(LOCAL_REGION))
                    .credentials_provider(local_credentials())
                    .endpoint_url(endpoint)
                    .timeout_config(timeouts())
                    .retry_config(RetryConfig::standard().with_max_attempts(2))
                    .build(),
            ),
            None => aws_sdk_dynamodb::Client::from_conf(
                aws_sdk_dynamodb::config::Builder::from(aws.as_ref().expect("loaded above"))
                    .timeout_config(timeouts())
                    .retry_config(RetryConfig::standard().with_max_attempts(3))
                    .build(),
            ),
        };
        let publisher = config.get(vars::NOTIFICATIONS_TOPIC_ARN).map(|topic| {
            Arc::new(SnsPublisher::new(sns_client(&config, aws.as_ref(), &http), topic)) as Arc<dyn Publisher>
        });
        let config = with_stored_secrets(config, aws.as_ref(), &http).await;
        Self { config, dynamodb, clock: Arc::new(SystemClock), publisher }
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

    /// Where notifications go; configured only for functions that send them.
    pub fn publisher(&self) -> Result<Arc<dyn Publisher>, ConfigError> {
        self.publisher.clone().ok_or(ConfigError::Missing(vars::NOTIFICATIONS_TOPIC_ARN))
    }

    /// The tables this function's configuration names, over the shared client.
    pub fn database(&self) -> Database {
        Database::new(self.dynamodb.clone(), self.config.clone(), Arc::clone(&self.clock))
    }

    /// What signs access tokens: the key inline in the configuration (local development) or read
    /// at cold start from the SSM SecureString parameter it names (AWS). Only the token-issuing
    /// functions have either.
    pub fn token_issuer(&self) -> Result<TokenIssuer, ConfigError> {
        TokenIssuer::from_private_base64(vars::JWT_PRIVATE_KEY, self.config.require(vars::JWT_PRIVATE_KEY)?)
    }
}

const LOCAL_REGION: &str = "us-east-1";

/// The roots of Amazon Trust Services, the certificate authority of every AWS service endpoint
/// the functions call (DynamoDB, SNS, SSM), compiled in.
const AWS_ROOTS: &[u8] = include_bytes!("app/aws_roots.pem");

/// The HTTP(S) client of every SDK client: rustls over aws-lc, trusting [`AWS_ROOTS`] only. The
/// SDK's default client reads the system's CA bundle and then every file of its certificate
/// directory when a client is built, which was most of a cold start; this one reads no file.
/// The local emulators are plain `http://` and need no roots.
fn https_client() -> SharedHttpClient {
    let roots = TrustStore::empty().with_pem_certificate(AWS_ROOTS);
    let tls = TlsContext::builder().with_trust_store(roots).build().expect("a trust store of PEM roots is valid");
    aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(tls::rustls_provider::CryptoMode::AwsLc))
        .tls_context(tls)
        .build_https()
}

/// Emulators accept any credentials; nothing is read from ~/.aws locally.
fn local_credentials() -> Credentials {
    Credentials::new("local", "local", None, None, "souk-local")
}

/// Timeouts short enough that an unreachable service turns into a quick 503, not a hung request.
fn timeouts() -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(1))
        .operation_attempt_timeout(Duration::from_secs(3))
        .operation_timeout(Duration::from_secs(8))
        .build()
}

fn sns_client(config: &Config, aws: Option<&aws_config::SdkConfig>, http: &SharedHttpClient) -> aws_sdk_sns::Client {
    match (config.get(vars::SNS_ENDPOINT), aws) {
        (Some(endpoint), _) => aws_sdk_sns::Client::from_conf(
            aws_sdk_sns::Config::builder()
                .behavior_version(BehaviorVersion::latest())
                .http_client(http.clone())
                .region(aws_sdk_sns::config::Region::new(LOCAL_REGION))
                .credentials_provider(local_credentials())
                .endpoint_url(endpoint)
                .timeout_config(timeouts())
                .build(),
        ),
        (None, Some(aws)) => {
            aws_sdk_sns::Client::from_conf(aws_sdk_sns::config::Builder::from(aws).timeout_config(timeouts()).build())
        }
        // Locally without an SNS endpoint the runner replaces the publisher with its outbox.
        (None, None) => aws_sdk_sns::Client::from_conf(
            aws_sdk_sns::Config::builder()
                .behavior_version(BehaviorVersion::latest())
                .http_client(http.clone())
                .region(aws_sdk_sns::config::Region::new(LOCAL_REGION))
                .credentials_provider(local_credentials())
                .build(),
        ),
    }
}

/// The secrets a function's configuration may name by SSM parameter: (parameter variable, value
/// variable).
const STORED_SECRETS: &[(&str, &str)] =
    &[(vars::CURSOR_SECRET_PARAMETER, vars::CURSOR_SECRET), (vars::JWT_PRIVATE_KEY_PARAMETER, vars::JWT_PRIVATE_KEY)];

/// `config` with each secret read from the SSM parameter it names, unless it holds the secret
/// inline (local development). A parameter that cannot be read leaves its secret missing, so the
/// functions that need it fail their cold start; the log says which parameter it was.
async fn with_stored_secrets(
    mut config: Config,
    aws: Option<&aws_config::SdkConfig>,
    http: &SharedHttpClient,
) -> Config {
    for &(parameter, secret) in STORED_SECRETS {
        let Some(name) = config.get(parameter).filter(|_| config.get(secret).is_none()).map(str::to_owned) else {
            continue;
        };
        match stored_parameter(&name, &config, aws, http).await {
            Ok(value) => config = config.with(secret, value),
            Err(reason) => tracing::error!(parameter = name, %reason, "cannot read a secret"),
        }
    }
    config
}

/// A SecureString of SSM Parameter Store, or why it could not be read.
async fn stored_parameter(
    name: &str,
    config: &Config,
    aws: Option<&aws_config::SdkConfig>,
    http: &SharedHttpClient,
) -> Result<String, String> {
    let client = match (config.get(vars::SSM_ENDPOINT), aws) {
        (Some(endpoint), _) => aws_sdk_ssm::Client::from_conf(
            aws_sdk_ssm::Config::builder()
                .behavior_version(BehaviorVersion::latest())
                .http_client(http.clone())
                .region(aws_sdk_ssm::config::Region::new(LOCAL_REGION))
                .credentials_provider(local_credentials())
                .endpoint_url(endpoint)
                .build(),
        ),
        (None, Some(aws)) => aws_sdk_ssm::Client::new(aws),
        (None, None) => aws_sdk_ssm::Client::new(
            &aws_config::defaults(BehaviorVersion::latest()).http_client(http.clone()).load().await,
        ),
    };
    let output = client
        .get_parameter()
        .name(name)
        .with_decryption(true)
        .send()
        .await
        .map_err(|e| aws_sdk_ssm::error::DisplayErrorContext(e).to_string())?;
    output.parameter.and_then(|p| p.value).ok_or_else(|| "parameter has no value".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Building a client loads its trust store, and the SDK panics on a root it cannot parse.
    #[test]
    fn the_compiled_in_roots_load() {
        let config = aws_sdk_dynamodb::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .http_client(https_client())
            .region(Region::new(LOCAL_REGION))
            .credentials_provider(local_credentials())
            .build();
        let _ = aws_sdk_dynamodb::Client::from_conf(config);
        assert_eq!(String::from_utf8_lossy(AWS_ROOTS).matches("-----BEGIN CERTIFICATE-----").count(), 5);
    }
}
