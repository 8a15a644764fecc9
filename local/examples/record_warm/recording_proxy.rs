//! A loopback proxy in front of DynamoDB Local that, while recording, keeps every call it passes
//! on: its `X-Amz-Target` and the JSON bodies both ways.

use std::convert::Infallible;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioIo};
use serde_json::{Value, json};

type Recording = Arc<Mutex<Option<Vec<Value>>>>;

#[derive(Clone)]
struct Upstream {
    endpoint: String,
    client: Client<HttpConnector, Full<Bytes>>,
    recording: Recording,
}

pub struct RecordingProxy {
    pub endpoint: String,
    recording: Recording,
}

impl RecordingProxy {
    /// Listens on a free loopback port and passes every call on to `upstream`.
    pub async fn start(upstream: &str) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let endpoint = format!("http://{}", listener.local_addr()?);
        let recording = Recording::default();
        let upstream = Upstream {
            endpoint: upstream.to_owned(),
            client: Client::builder(TokioExecutor::new()).build_http(),
            recording: Arc::clone(&recording),
        };
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let upstream = upstream.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |req| pass_on(req, upstream.clone()));
                    let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
                });
            }
        });
        Ok(Self { endpoint, recording })
    }

    /// Keeps the calls from now on.
    pub fn record(&self) {
        *self.recording.lock().expect("not poisoned") = Some(Vec::new());
    }

    /// The calls kept since [`record`](Self::record), in the order they were answered.
    pub fn take(&self) -> Vec<Value> {
        self.recording.lock().expect("not poisoned").take().unwrap_or_default()
    }
}

async fn pass_on(req: Request<Incoming>, upstream: Upstream) -> Result<Response<Full<Bytes>>, Infallible> {
    let (parts, body) = req.into_parts();
    let body = body.collect().await.map(|b| b.to_bytes()).unwrap_or_default();
    let target = parts.headers.get("x-amz-target").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let mut forward = Request::builder().method(parts.method).uri(format!("{}{}", upstream.endpoint, parts.uri));
    for (name, value) in parts.headers.iter().filter(|(name, _)| *name != hyper::header::HOST) {
        forward = forward.header(name, value);
    }
    let forward = forward.body(Full::new(body.clone())).expect("a valid request");
    let Ok(answer) = upstream.client.request(forward).await else {
        return Ok(Response::builder().status(StatusCode::BAD_GATEWAY).body(Full::default()).expect("a response"));
    };
    let (parts, answer) = answer.into_parts();
    let answer = answer.collect().await.map(|b| b.to_bytes()).unwrap_or_default();
    if let Some(calls) = upstream.recording.lock().expect("not poisoned").as_mut() {
        let json = |bytes: &Bytes| serde_json::from_slice::<Value>(bytes).unwrap_or(Value::Null);
        calls.push(json!({
            "target": target,
            "status": parts.status.as_u16(),
            "request": json(&body),
            "response": json(&answer),
        }));
    }
    Ok(Response::from_parts(parts, Full::new(answer)))
}
