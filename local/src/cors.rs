//! CORS for local development: any origin may call the local marketplace (a web app on its own dev
//! port, say). In AWS, API Gateway answers CORS from the template's `CorsConfiguration` instead.

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use http_body_util::Full;

const ALLOW_METHODS: &str = "GET, POST, PATCH, DELETE, OPTIONS";
const ALLOW_HEADERS: &str = "authorization, content-type, if-match, if-none-match, idempotency-key, x-request-id";
const EXPOSE_HEADERS: &str = "etag, location, retry-after, x-request-id, idempotent-replayed";

/// The answer to a preflight request, if this is one.
pub fn preflight(method: &Method, headers: &HeaderMap) -> Option<http::Response<Full<Bytes>>> {
    if method != Method::OPTIONS || !headers.contains_key(header::ACCESS_CONTROL_REQUEST_METHOD) {
        return None;
    }
    let origin = headers.get(header::ORIGIN)?.clone();
    http::Response::builder()
        .status(StatusCode::NO_CONTENT)
        .header(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin)
        .header(header::ACCESS_CONTROL_ALLOW_METHODS, ALLOW_METHODS)
        .header(header::ACCESS_CONTROL_ALLOW_HEADERS, ALLOW_HEADERS)
        .header(header::ACCESS_CONTROL_MAX_AGE, "600")
        .body(Full::new(Bytes::new()))
        .ok()
}

/// Lets the calling origin read the response.
pub fn allow(origin: Option<HeaderValue>, response: &mut http::Response<Full<Bytes>>) {
    if let Some(origin) = origin {
        let headers = response.headers_mut();
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        headers.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, HeaderValue::from_static(EXPOSE_HEADERS));
    }
}
