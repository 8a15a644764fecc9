//! `@connections`, API Gateway's management API as the functions call it with
//! `aws-sdk-apigatewaymanagement`: `POST` sends the body to the connection as one frame, `GET`
//! describes it, `DELETE` closes it. A connection that is not open is `410 GoneException`, in the
//! restJson1 shape the SDK reads (`x-amzn-ErrorType`), so functions forget it as in AWS.

use bytes::Bytes;
use http::{HeaderValue, StatusCode, header};
use http_body_util::{BodyExt, Full, Limited};
use time::format_description::well_known::Rfc3339;
use tokio_tungstenite::tungstenite::Message;

use super::connections::{ConnectionInfo, Connections, Gone};
use super::handshake::json;
use super::ids::random_id;
use crate::router::percent_decode;

/// Where the functions' `CONNECTIONS_ENDPOINT` points, below the runner's URL; the SDK appends
/// `/@connections/{connectionId}`.
pub const ENDPOINT_PATH: &str = "/_local/ws";

/// `@connections`, and as clients that percent-encode the `@` write it.
const CONNECTIONS_PATHS: [&str; 2] = ["/_local/ws/@connections/", "/_local/ws/%40connections/"];

/// API Gateway's limit on a frame sent through `@connections`.
pub const MAX_POST_BYTES: usize = 128 * 1024;

type Response = http::Response<Full<Bytes>>;

pub fn serves(path: &str) -> bool {
    connection_id(path).is_some()
}

/// The connection id a path of `@connections` names, still percent-encoded.
fn connection_id(path: &str) -> Option<&str> {
    CONNECTIONS_PATHS.iter().find_map(|prefix| path.strip_prefix(prefix))
}

/// Answers the `@connections` request `request`.
pub async fn handle<B>(connections: &Connections, request: http::Request<B>) -> Response
where
    B: hyper::body::Body,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let (parts, body) = request.into_parts();
    // The SDK percent-encodes the id (`=` is `%3D`), as API Gateway decodes it.
    let id = percent_decode(connection_id(parts.uri.path()).unwrap_or_default());
    let mut answer = match parts.method {
        http::Method::POST => match Limited::new(body, MAX_POST_BYTES).collect().await {
            Ok(body) => post(connections, &id, body.to_bytes()).await,
            Err(_) => error(StatusCode::PAYLOAD_TOO_LARGE, "PayloadTooLargeException"),
        },
        http::Method::GET => match connections.get(&id) {
            Ok(connection) => described(&connection),
            Err(Gone) => gone(),
        },
        http::Method::DELETE => match connections.delete(&id) {
            Ok(()) => http::Response::builder()
                .status(StatusCode::NO_CONTENT)
                .body(Full::new(Bytes::new()))
                .expect("an empty answer always builds"),
            Err(Gone) => gone(),
        },
        _ => json(StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed"),
    };
    let request_id = HeaderValue::try_from(random_id()).expect("a base64 id is a header value");
    answer.headers_mut().insert("x-amzn-requestid", request_id);
    answer
}

/// Text goes as a text frame; bytes that are not UTF-8 can only go as a binary one.
async fn post(connections: &Connections, id: &str, body: Bytes) -> Response {
    if connections.is_failing(id) {
        return error(StatusCode::INTERNAL_SERVER_ERROR, "InternalServerErrorException");
    }
    let frame = match String::from_utf8(body.to_vec()) {
        Ok(text) => Message::text(text),
        Err(_) => Message::binary(body),
    };
    match connections.send(id, frame).await {
        Ok(()) => http::Response::new(Full::new(Bytes::new())),
        Err(Gone) => gone(),
    }
}

fn described(connection: &ConnectionInfo) -> Response {
    let description = serde_json::json!({
        "connectedAt": rfc3339(connection.connected_at),
        "identity": { "sourceIp": connection.source_ip, "userAgent": connection.user_agent },
        "lastActiveAt": rfc3339(connection.last_active_at()),
    });
    http::Response::builder()
        .header(header::CONTENT_TYPE, "application/json")
        .body(Full::new(Bytes::from(description.to_string())))
        .expect("a JSON answer always builds")
}

fn rfc3339(epoch_ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(epoch_ms) * 1_000_000)
        .ok()
        .and_then(|at| at.format(&Rfc3339).ok())
        .unwrap_or_default()
}

fn gone() -> Response {
    error(StatusCode::GONE, "GoneException")
}

/// An error the SDK knows by its `x-amzn-ErrorType`.
fn error(status: StatusCode, error_type: &'static str) -> Response {
    http::Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "application/json")
        .header("x-amzn-errortype", error_type)
        .body(Full::new(Bytes::from_static(br#"{"message":null}"#)))
        .expect("an error answer always builds")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_rfc3339_with_milliseconds() {
        assert_eq!(rfc3339(1_607_854_667_186), "2020-12-13T10:17:47.186Z");
    }

    #[test]
    fn serves_connections_with_the_at_sign_plain_or_encoded() {
        assert_eq!(connection_id("/_local/ws/@connections/L0SM9cOFvHcCIhw%3D"), Some("L0SM9cOFvHcCIhw%3D"));
        assert_eq!(connection_id("/_local/ws/%40connections/L0SM9cOFvHcCIhw="), Some("L0SM9cOFvHcCIhw="));
        assert!(!serves("/_local/ws"));
        assert!(!serves("/_local/ws/connections/L0SM9cOFvHcCIhw="));
    }

    #[tokio::test]
    async fn an_unknown_connection_is_gone_in_the_shape_the_sdk_reads() {
        let request = http::Request::post("/_local/ws/@connections/L0SM9cOFvHcCIhw%3D")
            .body(Full::new(Bytes::from_static(b"hello")))
            .unwrap();
        let answer = handle(&Connections::default(), request).await;
        assert_eq!(answer.status(), StatusCode::GONE);
        assert_eq!(answer.headers()["x-amzn-errortype"], "GoneException");
    }
}
