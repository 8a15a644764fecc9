//! Facts about a request that handlers need besides its content: its id (for audit records) and the
//! client's address (for per-caller rate limits), as API Gateway reports it.

use lambda_http::{Request, RequestExt, request::RequestContext};

use crate::accounts::audit::Origin;
use crate::http::request_id::RequestId;

/// The id [`crate::http::serve`] assigned to this request.
pub fn request_id(req: &Request) -> String {
    req.extensions().get::<RequestId>().map(|id| id.as_str().to_owned()).unwrap_or_default()
}

/// The client's IP address as API Gateway saw it (never a client-supplied header).
pub fn source_ip(req: &Request) -> String {
    match req.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(ctx)) => ctx.http.source_ip.clone().unwrap_or_default(),
        _ => String::new(),
    }
}

/// Where the request came from, as the audit log records it.
pub fn origin(req: &Request) -> Origin {
    Origin { request_id: request_id(req), source_ip: source_ip(req) }
}
