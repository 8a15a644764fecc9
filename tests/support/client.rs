//! A plain HTTP/1.1 client for the tests, and the response as a client sees it.

use bytes::Bytes;
use http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

pub struct Client {
    base: String,
    inner: HyperClient<HttpConnector, Full<Bytes>>,
}

#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl TestResponse {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("body is not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts a problem+json error with this status and code; returns the problem.
    #[track_caller]
    pub fn assert_problem(&self, status: u16, code: &str) -> serde_json::Value {
        assert_eq!(self.status.as_u16(), status, "body: {}", String::from_utf8_lossy(&self.body));
        assert_eq!(self.header("content-type"), Some("application/problem+json"));
        let problem = self.json();
        assert_eq!(problem["code"], code, "{problem}");
        assert_eq!(problem["status"], status);
        assert_eq!(problem["requestId"].as_str(), self.header("x-request-id"));
        problem
    }

    /// The fields named in a validation problem's `errors`.
    pub fn error_fields(&self) -> Vec<String> {
        let problem = self.assert_problem(400, "validation_failed");
        problem["errors"].as_array().expect("errors").iter().map(|e| e["field"].as_str().unwrap().to_owned()).collect()
    }
}

impl Client {
    pub fn new(base: String) -> Self {
        Self { base, inner: HyperClient::builder(TokioExecutor::new()).build_http() }
    }

    /// A client whose requests come from the loopback address `address` (any of 127.0.0.0/8), so
    /// the server sees a different client address.
    pub fn from_address(base: String, address: std::net::IpAddr) -> Self {
        let mut connector = HttpConnector::new();
        connector.set_local_address(Some(address));
        Self { base, inner: HyperClient::builder(TokioExecutor::new()).build(connector) }
    }

    pub async fn get(&self, path_and_query: &str, headers: &[(&str, &str)]) -> TestResponse {
        self.send(Method::GET, path_and_query, headers, Bytes::new()).await
    }

    pub async fn send(
        &self,
        method: Method,
        path_and_query: &str,
        headers: &[(&str, &str)],
        body: Bytes,
    ) -> TestResponse {
        let mut request = Request::builder().method(method).uri(format!("{}{path_and_query}", self.base));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response =
            self.inner.request(request.body(Full::new(body)).unwrap()).await.expect("the request is answered");
        let (parts, body) = response.into_parts();
        let body = body.collect().await.expect("the body arrives").to_bytes();
        TestResponse { status: parts.status, headers: parts.headers, body }
    }
}
