//! The baseline of `benches/http.sh`: the smallest hyper 1 HTTP/1.1 server, answering every
//! request with `hello`, on the same runtime (multi-threaded tokio) and connection settings
//! (keep-alive) as the local runner.
//!
//! `cargo run --release -p souk-local --example hello -- 127.0.0.1:3901`

use std::convert::Infallible;
use std::net::SocketAddr;

use bytes::Bytes;
use http_body_util::Full;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

async fn hello(_: Request<hyper::body::Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    Ok(Response::new(Full::new(Bytes::from_static(b"hello"))))
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr: SocketAddr = match std::env::args().nth(1) {
        Some(arg) => {
            arg.parse().map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("{arg}: {e}")))?
        }
        None => SocketAddr::from(([127, 0, 0, 1], 3901)),
    };
    let listener = TcpListener::bind(addr).await?;
    println!("hello listening on http://{}", listener.local_addr()?);
    loop {
        let (stream, _) = listener.accept().await?;
        tokio::spawn(async move {
            let _ = hyper::server::conn::http1::Builder::new()
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), service_fn(hello))
                .await;
        });
    }
}
