//! DynamoDB played back: an HTTP/1.1 server on 127.0.0.1, on a thread of its own, that answers each
//! call with the body DynamoDB Local answered when the scenario was recorded. Its work is not on
//! the measured thread, so the figures hold the client side of every call (signing, serialising,
//! the loopback round trip, parsing) and none of the database's.

use std::convert::Infallible;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::Value;

use crate::fixture::Exchange;

/// A recorded answer, serialised once.
struct Answer {
    target: String,
    request: Value,
    body: Bytes,
}

/// Starts the server for these exchanges; returns its endpoint (`http://127.0.0.1:PORT`). It runs
/// until the process ends.
pub fn start(exchanges: &[Exchange]) -> String {
    let answers: Arc<Vec<Answer>> = Arc::new(
        exchanges
            .iter()
            .map(|e| Answer {
                target: e.target.clone(),
                request: e.request.clone(),
                body: Bytes::from(serde_json::to_vec(&e.response).expect("JSON serialises")),
            })
            .collect(),
    );
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let endpoint = format!("http://{}", listener.local_addr().expect("a bound address"));
    listener.set_nonblocking(true).expect("a non-blocking listener");
    std::thread::Builder::new()
        .name("canned-dynamodb".into())
        .spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
            runtime.block_on(async {
                serve(tokio::net::TcpListener::from_std(listener).expect("a tokio listener"), answers).await
            });
        })
        .expect("a thread");
    endpoint
}

async fn serve(listener: tokio::net::TcpListener, answers: Arc<Vec<Answer>>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else { continue };
        let answers = Arc::clone(&answers);
        tokio::spawn(async move {
            let service = service_fn(move |req| answer(req, Arc::clone(&answers)));
            let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
        });
    }
}

/// The recorded answer to `req`: the only one of its target, or, where a scenario made several
/// calls of one target (the search's page and facet Queries), the one whose recorded request is
/// the same JSON. Anything else is a 400, which fails the measured request.
async fn answer(req: Request<Incoming>, answers: Arc<Vec<Answer>>) -> Result<Response<Full<Bytes>>, Infallible> {
    let target = req.headers().get("x-amz-target").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let body = req.into_body().collect().await.map(|b| b.to_bytes()).unwrap_or_default();
    let candidates: Vec<&Answer> = answers.iter().filter(|a| a.target == target).collect();
    let chosen = match candidates.as_slice() {
        [only] => Some(*only),
        several => serde_json::from_slice::<Value>(&body)
            .ok()
            .and_then(|request| several.iter().copied().find(|a| a.request == request)),
    };
    let response = match chosen {
        Some(answer) => Response::builder()
            .header("content-type", "application/x-amz-json-1.0")
            .body(Full::new(answer.body.clone())),
        None => Response::builder()
            .status(StatusCode::BAD_REQUEST)
            .header("content-type", "application/x-amz-json-1.0")
            .body(Full::new(Bytes::from(format!(
                r#"{{"__type":"com.amazon.coral.validate#ValidationException","message":"no recorded answer to {target}"}}"#
            )))),
    };
    Ok(response.expect("a valid response"))
}
