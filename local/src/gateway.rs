//! Plays API Gateway's part: turns an HTTP request into the HTTP API (payload 2.0) event a Lambda
//! receives, and the function's response back into HTTP.

use std::collections::HashMap;
use std::net::SocketAddr;

use aws_lambda_events::apigw::{
    ApiGatewayV2httpRequest, ApiGatewayV2httpRequestContext, ApiGatewayV2httpRequestContextHttpDescription,
};
use bytes::Bytes;
use http_body_util::Full;
use lambda_http::Body;
use lambda_http::request::LambdaRequest;

/// API Gateway HTTP APIs accept payloads up to 10 MB; the functions apply their own, lower caps.
pub const MAX_PAYLOAD_BYTES: usize = 10 * 1024 * 1024;

pub struct Incoming<'a> {
    pub parts: &'a http::request::Parts,
    pub body: Bytes,
    pub route_key: String,
    pub path_parameters: HashMap<String, String>,
    pub source: SocketAddr,
}

/// The event API Gateway would send for this request, as the `lambda_http` request the function sees.
#[allow(deprecated)] // `http_method` is deprecated but still read by older runtimes; set it like API Gateway does.
pub fn to_lambda_request(incoming: Incoming<'_>) -> lambda_http::Request {
    let Incoming { parts, body, route_key, path_parameters, source } = incoming;
    let now = time::OffsetDateTime::now_utc();
    let request_id = ulid::Ulid::new().to_string();

    let mut http_description = ApiGatewayV2httpRequestContextHttpDescription::default();
    http_description.method = parts.method.clone();
    http_description.path = Some(parts.uri.path().to_owned());
    http_description.protocol = Some("HTTP/1.1".into());
    http_description.source_ip = Some(source.ip().to_string());
    http_description.user_agent =
        parts.headers.get(http::header::USER_AGENT).and_then(|v| v.to_str().ok()).map(str::to_owned);

    let mut context = ApiGatewayV2httpRequestContext::default();
    context.route_key = Some(route_key.clone());
    context.account_id = Some("000000000000".into());
    context.stage = Some("$default".into());
    context.request_id = Some(request_id);
    context.apiid = Some("local".into());
    context.domain_name = parts.headers.get(http::header::HOST).and_then(|v| v.to_str().ok()).map(str::to_owned);
    context.domain_prefix = Some("local".into());
    context.time_epoch = (now.unix_timestamp_nanos() / 1_000_000) as i64;
    context.http = http_description;

    let mut event = ApiGatewayV2httpRequest::default();
    event.version = Some("2.0".into());
    event.route_key = Some(route_key);
    event.raw_path = Some(parts.uri.path().to_owned());
    event.raw_query_string = Some(parts.uri.query().unwrap_or_default().to_owned());
    event.http_method = parts.method.clone();
    event.headers = parts.headers.clone();
    event.path_parameters = path_parameters;
    event.request_context = context;
    // Text bodies arrive as text, anything else base64-encoded, as API Gateway does.
    match std::str::from_utf8(&body) {
        _ if body.is_empty() => {}
        Ok(text) => event.body = Some(text.to_owned()),
        Err(_) => {
            use base64::Engine;
            event.body = Some(base64::engine::general_purpose::STANDARD.encode(&body));
            event.is_base64_encoded = true;
        }
    }
    LambdaRequest::ApiGatewayV2(event).into()
}

pub fn to_http_response(response: http::Response<Body>) -> http::Response<Full<Bytes>> {
    let (parts, body) = response.into_parts();
    let bytes = match body {
        Body::Empty => Bytes::new(),
        Body::Text(text) => Bytes::from(text),
        Body::Binary(binary) => Bytes::from(binary),
        _ => Bytes::new(),
    };
    http::Response::from_parts(parts, Full::new(bytes))
}
