//! `x-request-id`: a valid incoming id is echoed so a client can correlate its own logs; otherwise
//! API Gateway's request id is used, and failing that a fresh ULID.

use lambda_http::{Request, RequestExt, request::RequestContext};

pub const HEADER: &str = "x-request-id";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(String);

impl RequestId {
    pub fn of(req: &Request) -> Self {
        let incoming = req.headers().get(HEADER).and_then(|v| v.to_str().ok());
        if let Some(id) = incoming.filter(|id| Self::is_acceptable(id)) {
            return Self(id.to_owned());
        }
        match req.request_context_ref() {
            Some(RequestContext::ApiGatewayV2(ctx)) => {
                ctx.request_id.clone().filter(|id| Self::is_acceptable(id)).map(Self).unwrap_or_else(Self::generate)
            }
            _ => Self::generate(),
        }
    }

    fn generate() -> Self {
        Self(ulid::Ulid::new().to_string())
    }

    /// Short and plain, so an attacker cannot inject log lines or headers through it.
    fn is_acceptable(id: &str) -> bool {
        (1..=128).contains(&id.len())
            && id.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for RequestId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
