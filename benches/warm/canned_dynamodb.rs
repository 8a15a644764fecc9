//! DynamoDB played back: each call is answered with the body DynamoDB Local answered when the
//! scenario was recorded, in one of two ways.
//!
//! - [`Recording::in_process`]: a connector for the SDK and the direct reads that hands the
//!   recorded answer back without a socket. The figure then holds the whole client side of a
//!   call (serialising, signing, parsing, and for calls the SDK makes its endpoint and retry
//!   bookkeeping) and nothing of the network or the database.
//! - [`Recording::serve_on_loopback`]: an HTTP/1.1 server on 127.0.0.1, on a thread of its own,
//!   reached through the functions' own HTTP client. The figure then also holds hyper and the
//!   kernel's side of the socket calls; on loopback the kernel delivers each request to the
//!   server's socket on the sending thread, so part of that is the receiving side's work.

use std::convert::Infallible;
use std::sync::{Arc, Mutex, PoisonError};

use aws_smithy_runtime_api::client::http::{HttpConnector, HttpConnectorFuture, SharedHttpConnector};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::http::{Response as SdkResponse, StatusCode as SdkStatus};
use aws_smithy_types::body::SdkBody;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::Value;

use crate::fixture::Exchange;

const TARGET: &str = "x-amz-target";
const CONTENT_TYPE: &str = "application/x-amz-json-1.0";

/// A scenario's recorded answers, serialised once.
#[derive(Clone, Debug)]
pub struct Recording {
    answers: Arc<Vec<Answer>>,
    /// Request bodies already matched to one of several answers of their target, and which: a
    /// scenario sends the same bodies on every iteration, and parsing each again would count the
    /// bench's own lookup against the handler.
    matched: Arc<Mutex<Vec<(Bytes, usize)>>>,
}

#[derive(Debug)]
struct Answer {
    target: String,
    request: Value,
    body: Bytes,
}

impl Recording {
    pub fn of(exchanges: &[Exchange]) -> Self {
        let answers = exchanges
            .iter()
            .map(|e| Answer {
                target: e.target.clone(),
                request: e.request.clone(),
                body: Bytes::from(serde_json::to_vec(&e.response).expect("JSON serialises")),
            })
            .collect();
        Self { answers: Arc::new(answers), matched: Arc::default() }
    }

    /// The status and body answering a call of `target` with `body`: the only recorded answer of
    /// its target, or, where a scenario made several calls of one target (the search's page and
    /// facet Queries), the one whose recorded request is the same JSON. Anything else is a 400,
    /// which fails the measured request.
    fn answer(&self, target: &str, body: &[u8]) -> (u16, Bytes) {
        let mut candidates = self.answers.iter().enumerate().filter(|(_, a)| a.target == target);
        let chosen = match (candidates.next(), candidates.next()) {
            (Some((_, only)), None) => Some(only),
            (Some(_), Some(_)) => self.same_request(target, body).map(|index| &self.answers[index]),
            (None, _) => None,
        };
        match chosen {
            Some(answer) => (200, answer.body.clone()),
            None => (
                400,
                Bytes::from(format!(
                    r#"{{"__type":"com.amazon.coral.validate#ValidationException","message":"no recorded answer to {target}"}}"#
                )),
            ),
        }
    }

    /// Which answer of `target` was recorded for a request of the same JSON as `body`.
    fn same_request(&self, target: &str, body: &[u8]) -> Option<usize> {
        let mut matched = self.matched.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((_, index)) = matched.iter().find(|(seen, _)| seen.as_ref() == body) {
            return Some(*index);
        }
        let request = serde_json::from_slice::<Value>(body).ok()?;
        let index = self.answers.iter().position(|a| a.target == target && a.request == request)?;
        matched.push((Bytes::copy_from_slice(body), index));
        Some(index)
    }

    /// A connector answering in-process.
    pub fn in_process(&self) -> SharedHttpConnector {
        SharedHttpConnector::new(self.clone())
    }

    /// Starts the loopback server; returns its endpoint (`http://127.0.0.1:PORT`). It runs until
    /// the process ends.
    pub fn serve_on_loopback(&self) -> String {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        let endpoint = format!("http://{}", listener.local_addr().expect("a bound address"));
        listener.set_nonblocking(true).expect("a non-blocking listener");
        let recording = self.clone();
        std::thread::Builder::new()
            .name("canned-dynamodb".into())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
                runtime.block_on(async {
                    serve(tokio::net::TcpListener::from_std(listener).expect("a tokio listener"), recording).await
                });
            })
            .expect("a thread");
        endpoint
    }
}

impl HttpConnector for Recording {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let target = request.headers().get(TARGET).unwrap_or_default();
        let (status, body) = self.answer(target, request.body().bytes().unwrap_or_default());
        let mut response = SdkResponse::new(SdkStatus::try_from(status).expect("a valid status"), SdkBody::from(body));
        response.headers_mut().insert("content-type", CONTENT_TYPE);
        HttpConnectorFuture::ready(Ok(response))
    }
}

async fn serve(listener: tokio::net::TcpListener, recording: Recording) {
    loop {
        let Ok((stream, _)) = listener.accept().await else { continue };
        let recording = recording.clone();
        tokio::spawn(async move {
            let service = service_fn(move |req| answer_over_http(req, recording.clone()));
            let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
        });
    }
}

async fn answer_over_http(req: Request<Incoming>, recording: Recording) -> Result<Response<Full<Bytes>>, Infallible> {
    let target = req.headers().get(TARGET).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let body = req.into_body().collect().await.map(|b| b.to_bytes()).unwrap_or_default();
    let (status, body) = recording.answer(&target, &body);
    let response = Response::builder().status(status).header("content-type", CONTENT_TYPE).body(Full::new(body));
    Ok(response.expect("a valid response"))
}
