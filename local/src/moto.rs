//! moto server, the AWS emulator that plays S3 (and SNS for the tests): installed from PyPI on
//! first use into a virtualenv under the data directory, started on a free loopback port, and
//! stopped with the process that started it, even when that process dies.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use tokio::process::Command;

use crate::dynamodb_local::free_port;
use crate::guarded::{Guarded, wait_until_listening};

/// The PyPI requirement installed into the virtualenv.
pub const MOTO: &str = "moto[server]==5.2.5";

/// Written into the virtualenv once `MOTO` is completely installed there; it names the
/// requirement, so that a virtualenv of another moto version is brought to this one.
const INSTALLED_MARKER: &str = "souk-installed";

#[derive(Debug, thiserror::Error)]
pub enum MotoError {
    #[error("installing {MOTO} into {} failed: {reason}; is Python 3 with its venv module installed, and PyPI reachable?", .venv.display())]
    Install { venv: PathBuf, reason: String },
    #[error("starting moto_server failed: {0}")]
    Start(std::io::Error),
    #[error("moto_server did not start listening on port {0} within 60 s")]
    NotListening(u16),
}

pub struct Moto {
    server: Guarded,
    pub endpoint: String,
}

/// The `moto_server` program of the virtualenv `<data_dir>/python`, installing moto first if it is
/// not there yet. Processes that start together (test binaries, a runner) install it once: the
/// first holds `<data_dir>/python.lock` while it installs, the others wait for it and then find
/// the installation done.
pub async fn ensure_installed(data_dir: &Path) -> Result<PathBuf, MotoError> {
    let venv = data_dir.join("python");
    let server = venv.join("bin/moto_server");
    let failed = |reason: String| MotoError::Install { venv: venv.clone(), reason };
    let installed =
        || server.is_file() && std::fs::read_to_string(venv.join(INSTALLED_MARKER)).is_ok_and(|marker| marker == MOTO);
    // The lock lives in the virtualenv's own directory, so that runs whose data directories link
    // to one virtualenv (the contract run's) share it too.
    let lock = venv.join("install.lock");
    install_once(&lock, installed, || async {
        eprintln!("Installing moto server ({MOTO}) into {} ...", venv.display());
        // `venv` refuses a path that is a symbolic link (the contract run links its data
        // directory's `python` to the checkout's): it is given the directory linked to.
        let real = std::fs::canonicalize(&venv).unwrap_or_else(|_| venv.clone());
        run(Command::new("python3").arg("-m").arg("venv").arg(&real)).await.map_err(failed)?;
        run(Command::new(venv.join("bin/pip")).args(["install", "--quiet", "--disable-pip-version-check", MOTO]))
            .await
            .map_err(failed)?;
        if !server.is_file() {
            return Err(failed(format!("{} is missing after the install", server.display())));
        }
        // Last, so that nobody takes a half-installed virtualenv for a finished one.
        std::fs::write(venv.join(INSTALLED_MARKER), MOTO).map_err(|e| failed(e.to_string()))
    })
    .await
    .map_err(|error| match error {
        OnceError::Lock(e) => failed(format!("cannot lock {}: {e}", lock.display())),
        OnceError::Install(error) => error,
    })?;
    Ok(server)
}

enum OnceError<E> {
    Lock(std::io::Error),
    Install(E),
}

/// Runs `install` unless `installed` already holds, under an exclusive lock of the file `lock`.
/// The lock is the operating system's (`flock`), so it is released when its holder exits, even
/// by a crash, and never left behind stale.
async fn install_once<F, Fut, E>(lock: &Path, installed: impl Fn() -> bool, install: F) -> Result<(), OnceError<E>>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<(), E>>,
{
    if installed() {
        return Ok(());
    }
    if let Some(dir) = lock.parent() {
        std::fs::create_dir_all(dir).map_err(OnceError::Lock)?;
    }
    let file =
        std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(lock).map_err(OnceError::Lock)?;
    let held = tokio::task::spawn_blocking(move || file.lock().map(|()| file))
        .await
        .map_err(|e| OnceError::Lock(std::io::Error::other(e)))?
        .map_err(OnceError::Lock)?;
    // Whoever held the lock before us may have installed it meanwhile.
    let result = if installed() { Ok(()) } else { install().await.map_err(OnceError::Install) };
    drop(held);
    result
}

async fn run(command: &mut Command) -> Result<(), String> {
    let shown = format!("{:?}", command.as_std());
    let status = command.stdin(Stdio::null()).status().await.map_err(|e| format!("{shown}: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("{shown}: {status}")) }
}

/// Starts moto server on a free loopback port, installing it first if needed
/// ([`ensure_installed`]). It keeps everything in memory: nothing survives a stop.
pub async fn start(data_dir: &Path) -> Result<Moto, MotoError> {
    let program = ensure_installed(data_dir).await?;
    let port = free_port().map_err(MotoError::Start)?;
    let args = ["-H".to_owned(), "127.0.0.1".to_owned(), "-p".to_owned(), port.to_string()];
    let server = Guarded::spawn(&program.to_string_lossy(), &args).map_err(MotoError::Start)?;
    if !wait_until_listening(port).await {
        server.stop().await;
        return Err(MotoError::NotListening(port));
    }
    Ok(Moto { server, endpoint: format!("http://127.0.0.1:{port}") })
}

impl Moto {
    pub async fn stop(self) {
        self.server.stop().await;
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn installers_starting_together_install_once() {
        let dir = std::env::temp_dir().join(format!("souk-moto-lock-{}", ulid::Ulid::new()));
        let done = dir.join("done");
        let installs = Arc::new(AtomicUsize::new(0));
        let installer = |installs: Arc<AtomicUsize>| {
            let (dir, done) = (dir.clone(), done.clone());
            tokio::spawn(async move {
                let installed = || done.is_file();
                let result = install_once(&dir.join("python.lock"), installed, || async {
                    installs.fetch_add(1, Ordering::SeqCst);
                    // Long enough for the other installer to reach the lock meanwhile.
                    tokio::time::sleep(Duration::from_millis(300)).await;
                    std::fs::write(&done, "")
                })
                .await;
                assert!(result.is_ok());
            })
        };
        let (first, second) = (installer(Arc::clone(&installs)), installer(Arc::clone(&installs)));
        first.await.unwrap();
        second.await.unwrap();
        assert_eq!(installs.load(Ordering::SeqCst), 1);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
