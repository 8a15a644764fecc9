//! Successful responses.

use http::header::IF_NONE_MATCH;
use http::{StatusCode, header};
use lambda_http::{Body, Response};
use serde::Serialize;

use crate::etag::ETag;

pub fn json<T: Serialize>(status: StatusCode, value: &T) -> Response<Body> {
    let body = serde_json::to_string(value).expect("response types always serialize");
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::Text(body))
        .expect("a JSON response always builds")
}

/// A response without a body (`202 Accepted`, `204 No Content`).
pub fn empty(status: StatusCode) -> Response<Body> {
    Response::builder().status(status).body(Body::Empty).expect("a bodiless response always builds")
}

/// A response with an `ETag` computed from its body (after a create or an update).
pub fn json_tagged<T: Serialize>(status: StatusCode, value: &T, cache_control: &'static str) -> Response<Body> {
    let mut response = json(status, value);
    let etag = ETag::of(response.body().as_ref());
    let headers = response.headers_mut();
    headers.insert(header::ETAG, etag.as_str().parse().expect("an ETag is a valid header value"));
    headers.insert(header::CACHE_CONTROL, cache_control.parse().expect("a valid header value"));
    response
}

/// A 200 with an `ETag` computed from the body, or a bodiless 304 when the client's copy is current.
pub fn json_with_etag<T: Serialize>(
    request_headers: &http::HeaderMap,
    value: &T,
    cache_control: &'static str,
) -> Response<Body> {
    let body = serde_json::to_string(value).expect("response types always serialize");
    let etag = ETag::of(body.as_bytes());
    let if_none_match = request_headers.get_all(IF_NONE_MATCH).iter().filter_map(|v| v.to_str().ok());
    let (status, body) = if etag.matches_any(if_none_match, true) {
        (StatusCode::NOT_MODIFIED, Body::Empty)
    } else {
        (StatusCode::OK, Body::Text(body))
    };
    let mut builder = Response::builder()
        .status(status)
        .header(header::ETAG, etag.as_str())
        .header(header::CACHE_CONTROL, cache_control);
    if status == StatusCode::OK {
        builder = builder.header(header::CONTENT_TYPE, "application/json");
    }
    builder.body(body).expect("a JSON response always builds")
}
