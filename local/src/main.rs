//! `souk-local`: run the marketplace locally. See the README.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use std::sync::Arc;

use clap::Parser;
use shared::accounts::tokens::KeyPair;
use shared::accounts::{Email, Password};
use shared::clock::SystemClock;
use shared::services::admin_bootstrap::AdminBootstrap;
use souk_local::dynamodb_local::{self, DynamoDbLocal, Storage};
use souk_local::moto;
use souk_local::{Marketplace, Options};

#[derive(Parser)]
#[command(about = "Runs the whole Souk El-Sayarat marketplace locally")]
struct Args {
    /// Address to serve the API on.
    #[arg(long, default_value = "127.0.0.1:3000")]
    addr: SocketAddr,
    /// Where DynamoDB Local, its data and local secrets are kept between runs.
    #[arg(long, default_value = ".souk")]
    data_dir: PathBuf,
    /// Use this already running DynamoDB instead of starting DynamoDB Local.
    #[arg(long)]
    dynamodb_endpoint: Option<String>,
    /// Use this already running moto server for S3 instead of starting one.
    #[arg(long)]
    moto_endpoint: Option<String>,
    /// Prefix of every table name.
    #[arg(long, default_value = "")]
    table_prefix: String,
    /// Serve the HTTP routes only, without following the table streams or firing the schedules
    /// (for benchmarks).
    #[arg(long)]
    no_triggers: bool,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    shared::telemetry::init();
    let args = Args::parse();
    let database = match &args.dynamodb_endpoint {
        Some(_) => None,
        None => {
            let port = dynamodb_local::free_port()?;
            let storage = Storage::Directory(args.data_dir.join("db"));
            Some(DynamoDbLocal::start(&args.data_dir.join("dynamodb-local"), storage, port).await?)
        }
    };
    let endpoint = args
        .dynamodb_endpoint
        .clone()
        .or_else(|| database.as_ref().map(|d| d.endpoint.clone()))
        .expect("either given or started");
    // moto keeps its objects in memory: uploads do not outlive the runner (the README says so).
    let moto = match &args.moto_endpoint {
        Some(_) => None,
        None => Some(moto::start(&args.data_dir).await?),
    };
    let moto_endpoint = args.moto_endpoint.clone().or_else(|| moto.as_ref().map(|m| m.endpoint.clone()));
    let keys = local_signing_keys(&args.data_dir)?;
    let parameters = HashMap::from([
        ("CursorSecret".to_owned(), local_secret(&args.data_dir, "cursor-secret")?),
        ("JwtPublicKey".to_owned(), keys.public_base64.clone()),
    ]);
    let options = Options {
        addr: args.addr,
        dynamodb_endpoint: endpoint.clone(),
        table_prefix: args.table_prefix,
        parameters,
        jwt_private_key: keys.private_pkcs8_base64.clone(),
        clock: Arc::new(SystemClock),
        admin: admin_from_env()?,
        triggers: !args.no_triggers,
        schedules: !args.no_triggers,
        trigger_retries: Default::default(),
        moto_endpoint,
    };
    let marketplace = match Marketplace::start(options).await {
        Ok(marketplace) => marketplace,
        Err(error) => {
            if let Some(database) = database {
                database.stop().await;
            }
            return Err(error.into());
        }
    };
    println!(
        "Souk El-Sayarat is running on {}/api (DynamoDB at {endpoint}, data in {})",
        marketplace.url(),
        args.data_dir.display()
    );
    if let (Some(admin), Ok(email)) = (marketplace.admin, std::env::var("SOUK_ADMIN_EMAIL")) {
        let made = match admin {
            AdminBootstrap::Created(id) => format!("created ({id})"),
            AdminBootstrap::Promoted(id) => format!("is a verified admin ({id})"),
        };
        println!("Admin account {email} {made}");
    }
    println!("Outbox (verification tokens and every notification): {}/_local/outbox", marketplace.url());
    let sockets_url = marketplace.url().replacen("http", "ws", 1);
    println!("WebSocket API (chat): {sockets_url}{}?token=<access token>", souk_local::sockets::PATH);
    for schedule in marketplace.schedules.names() {
        println!("Schedule {schedule}: POST {}/_local/schedules/{schedule} fires it now", marketplace.url());
    }
    println!("Try: curl {}/api/products    (Ctrl-C stops everything)", marketplace.url());
    wait_for_stop().await;
    marketplace.stop().await;
    if let Some(moto) = moto {
        moto.stop().await;
    }
    if let Some(database) = database {
        database.stop().await;
    }
    Ok(())
}

async fn wait_for_stop() {
    let mut terminate =
        tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).expect("signal handler");
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = terminate.recv() => {}
    }
}

/// `SOUK_ADMIN_EMAIL` and `SOUK_ADMIN_PASSWORD`, both or neither.
fn admin_from_env() -> Result<Option<(Email, Password)>, Box<dyn std::error::Error>> {
    match (std::env::var("SOUK_ADMIN_EMAIL").ok(), std::env::var("SOUK_ADMIN_PASSWORD").ok()) {
        (Some(email), Some(password)) => {
            let email = Email::parse(&email).map_err(|e| format!("SOUK_ADMIN_EMAIL {e}"))?;
            let password =
                Password::parse(&password, &[email.as_str()]).map_err(|e| format!("SOUK_ADMIN_PASSWORD {e}"))?;
            Ok(Some((email, password)))
        }
        (None, None) => Ok(None),
        _ => Err("set both SOUK_ADMIN_EMAIL and SOUK_ADMIN_PASSWORD, or neither".into()),
    }
}

/// The development signing key pair, made on first start and kept in the data directory so
/// tokens stay valid across restarts. Never used outside this machine.
fn local_signing_keys(data_dir: &Path) -> std::io::Result<KeyPair> {
    let (private, public) = (data_dir.join("jwt-private-key"), data_dir.join("jwt-public-key"));
    if let (Ok(private_pkcs8_base64), Ok(public_base64)) =
        (std::fs::read_to_string(&private), std::fs::read_to_string(&public))
    {
        return Ok(KeyPair { private_pkcs8_base64, public_base64 });
    }
    std::fs::create_dir_all(data_dir)?;
    let keys = KeyPair::generate();
    std::fs::write(&private, &keys.private_pkcs8_base64)?;
    std::fs::write(&public, &keys.public_base64)?;
    Ok(keys)
}

/// A random secret made on first start and kept in the data directory, so cursors handed out
/// before a restart still work after it.
fn local_secret(data_dir: &Path, name: &str) -> std::io::Result<String> {
    let path = data_dir.join(name);
    if let Ok(secret) = std::fs::read_to_string(&path) {
        return Ok(secret.trim().to_owned());
    }
    std::fs::create_dir_all(data_dir)?;
    let secret: String = (0..32).map(|_| format!("{:02x}", rand::random::<u8>())).collect();
    std::fs::write(&path, &secret)?;
    Ok(secret)
}
