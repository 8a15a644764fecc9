//! One Lambda invocation of an HTTP function, in-process, as `lambda_http::run` makes it: the API
//! Gateway HTTP API (v2) event's JSON parsed into a request, the function run by
//! `shared::http::serve` (routing, auth, JSON, problem+json, hardening headers, the log line), and
//! the response turned into the JSON Lambda returns to API Gateway. Only the runtime's two calls
//! to the Lambda Runtime API (fetching the event, posting the answer) are left out.

use std::convert::Infallible;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU16, Ordering};

use lambda_http::request::LambdaRequest;
use lambda_http::{Adapter, Context, LambdaEvent, Request, Service, service_fn};
use serde::Serialize;
use serde_json::{Value, json};
use shared::http::{Endpoint, serve};

use crate::fixture::ClientRequest;

/// The event API Gateway sends for `request`: the function's sample event under `events/` with the
/// recorded path, query, body and headers, and `token` as the bearer token.
pub fn event(function: &str, request: &ClientRequest, token: Option<&str>) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../events").join(format!("{function}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut event: Value = serde_json::from_str(&text).expect("a JSON event");
    event["routeKey"] = json!(request.route_key);
    event["requestContext"]["routeKey"] = json!(request.route_key);
    event["rawPath"] = json!(request.path);
    event["requestContext"]["http"]["path"] = json!(request.path);
    event["pathParameters"] = json!(request.path_parameters);
    let raw_query: Vec<String> = request.query.iter().map(|(name, value)| format!("{name}={value}")).collect();
    event["rawQueryString"] = json!(raw_query.join("&"));
    event["queryStringParameters"] = json!(request.query);
    event["body"] = json!(request.body);
    let headers = event["headers"].as_object_mut().expect("headers");
    headers.remove("authorization");
    headers.remove("idempotency-key");
    headers.extend(request.headers.iter().map(|(name, value)| (name.clone(), json!(value))));
    if let Some(token) = token {
        headers.insert("authorization".into(), json!(format!("Bearer {token}")));
    }
    serde_json::to_vec(&event).expect("JSON serialises")
}

/// A function wrapped as `shared::lambda::serve_http` wraps it, in `lambda_http`'s adapter from
/// events to responses, and the status of the last response it gave.
pub struct Invocation<S> {
    adapter: S,
    last_status: Arc<AtomicU16>,
}

pub fn of<E: Endpoint>(
    endpoint: E,
) -> Invocation<impl Service<LambdaEvent<LambdaRequest>, Response = impl Serialize, Error = Infallible>> {
    let endpoint = Arc::new(endpoint);
    let last_status = Arc::new(AtomicU16::new(0));
    let status = Arc::clone(&last_status);
    let adapter = Adapter::from(service_fn(move |req: Request| {
        let (endpoint, status) = (Arc::clone(&endpoint), Arc::clone(&status));
        async move {
            let response = serve(endpoint.as_ref(), req).await;
            status.store(response.status().as_u16(), Ordering::Relaxed);
            Ok::<_, Infallible>(response)
        }
    }));
    Invocation { adapter, last_status }
}

impl<S> Invocation<S>
where
    S: Service<LambdaEvent<LambdaRequest>, Error = Infallible>,
    S::Response: Serialize,
{
    /// Runs one invocation of `event`: returns the status answered and the JSON handed back to
    /// Lambda.
    pub async fn invoke(&mut self, event: &[u8]) -> (u16, Vec<u8>) {
        let payload: LambdaRequest = serde_json::from_slice(event).expect("an API Gateway v2 event");
        let Ok(response) = self.adapter.call(LambdaEvent::new(payload, Context::default())).await;
        let json = serde_json::to_vec(&response).expect("a Lambda response serialises");
        (self.last_status.load(Ordering::Relaxed), json)
    }
}
