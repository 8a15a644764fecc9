//! The HTTP side of opening a WebSocket (RFC 6455 §4.2): whether a request asks for one, the
//! `101 Switching Protocols` that accepts it, and the answer that refuses it.

use bytes::Bytes;
use http::{HeaderValue, StatusCode, header};
use http_body_util::Full;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;

type Response = http::Response<Full<Bytes>>;

/// Why a request to the WebSocket path opens no WebSocket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotAnUpgrade {
    /// A plain HTTP request.
    Plain,
    /// A WebSocket version other than RFC 6455's 13.
    Version,
    /// No `Sec-WebSocket-Key`.
    NoKey,
}

impl NotAnUpgrade {
    pub fn answer(self) -> Response {
        match self {
            Self::Plain => json(StatusCode::UPGRADE_REQUIRED, "Upgrade Required"),
            Self::Version => {
                let mut answer = json(StatusCode::UPGRADE_REQUIRED, "Upgrade Required");
                answer.headers_mut().insert(header::SEC_WEBSOCKET_VERSION, HeaderValue::from_static("13"));
                answer
            }
            Self::NoKey => json(StatusCode::BAD_REQUEST, "Bad Request"),
        }
    }
}

/// The `Sec-WebSocket-Key` of a valid upgrade request.
pub fn key(parts: &http::request::Parts) -> Result<&HeaderValue, NotAnUpgrade> {
    let headers = &parts.headers;
    let has_token = |name: header::HeaderName, token: &str| {
        headers
            .get_all(name)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .any(|value| value.split(',').any(|part| part.trim().eq_ignore_ascii_case(token)))
    };
    if parts.method != http::Method::GET
        || !has_token(header::UPGRADE, "websocket")
        || !has_token(header::CONNECTION, "upgrade")
    {
        return Err(NotAnUpgrade::Plain);
    }
    if headers.get(header::SEC_WEBSOCKET_VERSION).is_none_or(|version| version != "13") {
        return Err(NotAnUpgrade::Version);
    }
    headers.get(header::SEC_WEBSOCKET_KEY).ok_or(NotAnUpgrade::NoKey)
}

/// Accepts the upgrade whose key is `key`, with the subprotocol `$connect` chose, if any.
pub fn accepted(key: &HeaderValue, protocol: Option<HeaderValue>) -> Response {
    let mut answer = http::Response::builder()
        .status(StatusCode::SWITCHING_PROTOCOLS)
        .header(header::UPGRADE, "websocket")
        .header(header::CONNECTION, "Upgrade")
        .header(header::SEC_WEBSOCKET_ACCEPT, derive_accept_key(key.as_bytes()))
        .body(Full::new(Bytes::new()))
        .expect("a switching-protocols answer always builds");
    if let Some(protocol) = protocol {
        answer.headers_mut().insert(header::SEC_WEBSOCKET_PROTOCOL, protocol);
    }
    answer
}

/// Refuses the upgrade because `$connect` answered `status`; a status that is no HTTP answer is
/// the integration's failure, as API Gateway reports it.
pub fn refused(status: i64) -> Response {
    match u16::try_from(status).ok().and_then(|status| StatusCode::from_u16(status).ok()) {
        Some(status) if status.as_u16() >= 300 => json(status, status.canonical_reason().unwrap_or("Error")),
        _ => json(StatusCode::BAD_GATEWAY, "Internal server error"),
    }
}

/// One of API Gateway's own answers: `{"message": ...}`.
pub fn json(status: StatusCode, message: &str) -> Response {
    http::Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Full::new(Bytes::from(serde_json::json!({ "message": message }).to_string())))
        .expect("a JSON answer always builds")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(request: http::request::Builder) -> http::request::Parts {
        request.body(()).unwrap().into_parts().0
    }

    fn upgrade(version: &str) -> http::request::Builder {
        http::Request::get("/ws")
            .header("upgrade", "websocket")
            .header("connection", "keep-alive, Upgrade")
            .header("sec-websocket-version", version)
            .header("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==")
    }

    #[test]
    fn accepts_an_upgrade_with_the_rfcs_accept_key() {
        let parts = parts(upgrade("13"));
        let answer = accepted(key(&parts).unwrap(), None);
        assert_eq!(answer.status(), StatusCode::SWITCHING_PROTOCOLS);
        // The example of RFC 6455 §1.3.
        assert_eq!(answer.headers()[header::SEC_WEBSOCKET_ACCEPT], "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    }

    #[test]
    fn a_request_that_is_no_upgrade_is_answered_426() {
        let plain = parts(http::Request::get("/ws"));
        assert_eq!(key(&plain).unwrap_err().answer().status(), StatusCode::UPGRADE_REQUIRED);
        let old = parts(upgrade("8"));
        let answer = key(&old).unwrap_err().answer();
        assert_eq!(answer.status(), StatusCode::UPGRADE_REQUIRED);
        assert_eq!(answer.headers()[header::SEC_WEBSOCKET_VERSION], "13");
    }

    #[tokio::test]
    async fn a_refusal_carries_connects_status_and_its_name() {
        use http_body_util::BodyExt;
        assert_eq!(refused(401).status(), StatusCode::UNAUTHORIZED);
        let forbidden = refused(403);
        assert_eq!(forbidden.status(), StatusCode::FORBIDDEN);
        let body = forbidden.into_body().collect().await.unwrap().to_bytes();
        assert_eq!(body, r#"{"message":"Forbidden"}"#);
        assert_eq!(refused(0).status(), StatusCode::BAD_GATEWAY);
        assert_eq!(refused(101).status(), StatusCode::BAD_GATEWAY);
    }
}
