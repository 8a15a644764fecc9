//! The wrapper every HTTP function runs in: request id, error mapping, hardening headers, one log
//! line per request.

use std::future::Future;
use std::time::Instant;

use http::HeaderValue;
use lambda_http::{Body, Request, RequestExt, Response, request::RequestContext};
use tracing::Instrument;

use crate::error::ApiError;
use crate::http::hardening;
use crate::http::request_id::{self, RequestId};

/// One HTTP function: built once at cold start, then called for every request.
pub trait Endpoint: Send + Sync + 'static {
    fn handle(&self, req: Request) -> impl Future<Output = Result<Response<Body>, ApiError>> + Send;
}

/// Runs `endpoint` on `req`: errors become problem+json, every response carries `x-request-id`
/// and the hardening headers, and one log line records route, status and latency (never the query, body or headers).
pub async fn serve<E: Endpoint>(endpoint: &E, mut req: Request) -> Response<Body> {
    let started = Instant::now();
    let request_id = RequestId::of(&req);
    req.extensions_mut().insert(request_id.clone());
    let method = req.method().to_string();
    let route = route_key(&req);
    let span = tracing::info_span!("request", request_id = %request_id, route = %route);
    async move {
        let mut response = match endpoint.handle(req).await {
            Ok(response) => response,
            Err(error) => {
                if let ApiError::Internal(cause) = &error {
                    tracing::error!(error = %cause, "request failed");
                }
                error.to_response(&request_id)
            }
        };
        response.headers_mut().insert(
            request_id::HEADER,
            HeaderValue::from_str(request_id.as_str()).expect("request ids are plain ASCII"),
        );
        hardening::harden(response.headers_mut());
        tracing::info!(
            method,
            status = response.status().as_u16(),
            latency_ms = started.elapsed().as_secs_f64() * 1000.0,
            "request"
        );
        response
    }
    .instrument(span)
    .await
}

/// The route template (`GET /api/products/{id}`) rather than the path, so ids stay out of the logs'
/// cardinality and the line says which function ran.
fn route_key(req: &Request) -> String {
    match req.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(ctx)) if ctx.route_key.is_some() => ctx.route_key.clone().unwrap_or_default(),
        _ => format!("{} {}", req.method(), req.uri().path()),
    }
}
