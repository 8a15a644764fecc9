//! What a function builds once at cold start and shares across invocations.

use std::time::Duration;

use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region, retry::RetryConfig, timeout::TimeoutConfig};

use crate::config::Config;

#[derive(Clone, Debug)]
pub struct App {
    pub config: Config,
    pub dynamodb: aws_sdk_dynamodb::Client,
}

impl App {
    /// Reads the environment and builds the SDK clients (the Lambda cold-start path).
    pub async fn from_env() -> Self {
        Self::new(Config::from_env()).await
    }

    pub async fn new(config: Config) -> Self {
        let dynamodb = dynamodb_client(config.dynamodb_endpoint.as_deref()).await;
        Self { config, dynamodb }
    }

    /// The same clients under another configuration: the local runner gives every function its
    /// own environment but one connection pool.
    pub fn with_config(&self, config: Config) -> Self {
        Self { config, dynamodb: self.dynamodb.clone() }
    }
}

/// Timeouts short enough that an unreachable database turns into a quick 503, not a hung request.
fn timeouts() -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(1))
        .operation_attempt_timeout(Duration::from_secs(3))
        .operation_timeout(Duration::from_secs(8))
        .build()
}

async fn dynamodb_client(endpoint: Option<&str>) -> aws_sdk_dynamodb::Client {
    let config = match endpoint {
        // DynamoDB Local accepts any credentials and region; nothing is read from ~/.aws.
        Some(endpoint) => aws_sdk_dynamodb::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new("local", "local", None, None, "souk-local"))
            .endpoint_url(endpoint)
            .timeout_config(timeouts())
            .retry_config(RetryConfig::standard().with_max_attempts(2))
            .build(),
        None => {
            let shared = aws_config::defaults(BehaviorVersion::latest()).load().await;
            aws_sdk_dynamodb::config::Builder::from(&shared)
                .timeout_config(timeouts())
                .retry_config(RetryConfig::standard().with_max_attempts(3))
                .build()
        }
    };
    aws_sdk_dynamodb::Client::from_conf(config)
}
