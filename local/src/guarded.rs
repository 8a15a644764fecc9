//! A child process that cannot outlive us: it runs under `sh`, which stops it as soon as our end
//! of its stdin pipe closes, whether we stop it, drop it, or die.

use std::process::Stdio;
use std::time::Duration;

use tokio::process::{Child, Command};

pub struct Guarded {
    sh: Child,
}

impl Guarded {
    pub fn spawn(program: &str, args: &[String]) -> std::io::Result<Self> {
        let sh = Command::new("sh")
            .arg("-c")
            .arg(r#""$0" "$@" >/dev/null 2>&1 & pid=$!; read _; kill $pid 2>/dev/null; wait $pid"#)
            .arg(program)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()?;
        Ok(Self { sh })
    }

    pub async fn stop(mut self) {
        drop(self.sh.stdin.take());
        let _ = tokio::time::timeout(Duration::from_secs(10), self.sh.wait()).await;
    }
}

/// Waits until something accepts connections on `port` (up to a minute).
pub async fn wait_until_listening(port: u16) -> bool {
    for _ in 0..600 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}
