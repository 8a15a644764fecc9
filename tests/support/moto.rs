//! moto server, the AWS emulator the SNS adapter is tested against: the one the test command
//! started (`SOUK_TEST_MOTO_ENDPOINT`), or one started for this test process on a free port, as
//! the local runner starts it (installed on first use into a virtualenv under `.souk/`, so nothing
//! is needed by hand).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use shared::App;
use shared::config::{Config, vars};
use shared::notify::Publisher;
use souk_local::moto::Moto;
use tokio::sync::OnceCell;

pub use souk_local::moto::MOTO;

static STARTED: OnceCell<Moto> = OnceCell::const_new();

pub async fn endpoint() -> String {
    if let Ok(endpoint) = std::env::var("SOUK_TEST_MOTO_ENDPOINT") {
        return endpoint;
    }
    let moto =
        STARTED.get_or_init(|| async { souk_local::moto::start(&data_dir()).await.expect("moto server starts") }).await;
    moto.endpoint.clone()
}

/// Shared with the local runner's default data directory, so moto is installed once per checkout.
fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.souk")
}

/// An SNS client of the moto server.
pub async fn sns() -> aws_sdk_sns::Client {
    aws_sdk_sns::Client::from_conf(
        aws_sdk_sns::Config::builder()
            .behavior_version(aws_sdk_sns::config::BehaviorVersion::latest())
            .http_client(shared::app::https_client())
            .region(aws_sdk_sns::config::Region::new("us-east-1"))
            .credentials_provider(aws_sdk_sns::config::Credentials::new("test", "test", None, None, "test"))
            .endpoint_url(endpoint().await)
            .build(),
    )
}

/// The notifications publisher exactly as a function builds it from its environment: SNS at
/// `endpoint`, publishing to `topic_arn`.
pub async fn function_publisher(endpoint: &str, topic_arn: &str) -> Arc<dyn Publisher> {
    let settings = HashMap::from([
        (vars::DYNAMODB_ENDPOINT, "http://127.0.0.1:9".to_owned()),
        (vars::SNS_ENDPOINT, endpoint.to_owned()),
        (vars::NOTIFICATIONS_TOPIC_ARN, topic_arn.to_owned()),
    ]);
    App::new(Config::from_vars(|name| settings.get(name).cloned())).await.publisher().expect("a publisher")
}
