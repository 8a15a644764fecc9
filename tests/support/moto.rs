//! moto server, the AWS emulator the SNS adapter is tested against: the one the test command
//! started (`SOUK_TEST_MOTO_ENDPOINT`), or one started for this test process on a free port. moto
//! is installed on first use into a virtualenv under `.souk/`, so nothing is needed by hand.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use shared::App;
use shared::config::{Config, vars};
use shared::notify::Publisher;
use souk_local::dynamodb_local::free_port;
use souk_local::guarded::{Guarded, wait_until_listening};
use tokio::sync::OnceCell;

pub const MOTO: &str = "moto[server]==5.2.5";

static STARTED: OnceCell<(Guarded, String)> = OnceCell::const_new();

pub async fn endpoint() -> String {
    if let Ok(endpoint) = std::env::var("SOUK_TEST_MOTO_ENDPOINT") {
        return endpoint;
    }
    let (_, endpoint) = STARTED
        .get_or_init(|| async {
            let server = ensure_installed().await;
            let port = free_port().expect("a free port");
            let moto = Guarded::spawn(
                server.to_str().unwrap(),
                &["-H".into(), "127.0.0.1".into(), "-p".into(), port.to_string()],
            )
            .expect("moto_server starts");
            assert!(wait_until_listening(port).await, "moto_server listens on {port}");
            (moto, format!("http://127.0.0.1:{port}"))
        })
        .await;
    endpoint.clone()
}

async fn ensure_installed() -> PathBuf {
    let venv = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.souk/python");
    let server = venv.join("bin/moto_server");
    if server.is_file() {
        return server;
    }
    run("python3", &["-m", "venv", venv.to_str().unwrap()]).await;
    run(venv.join("bin/pip").to_str().unwrap(), &["install", "--quiet", "--disable-pip-version-check", MOTO]).await;
    assert!(Path::new(&server).is_file(), "moto_server installed");
    server
}

async fn run(program: &str, args: &[&str]) {
    let status = tokio::process::Command::new(program).args(args).status().await.expect("runs");
    assert!(status.success(), "{program} {args:?} failed");
}

/// An SNS client of the moto server.
pub async fn sns() -> aws_sdk_sns::Client {
    aws_sdk_sns::Client::from_conf(
        aws_sdk_sns::Config::builder()
            .behavior_version(aws_sdk_sns::config::BehaviorVersion::latest())
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
