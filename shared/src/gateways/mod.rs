//! Clients of the payment gateways, over one HTTPS client of their own. Not the SDK's client of
//! [`crate::app`]: that one trusts only Amazon's roots, and a gateway's certificate comes from
//! any public authority, so this one trusts Mozilla's roots, compiled in (no file is read at cold
//! start). Plain `http://` is allowed too, for the local runner's gateway simulator.

pub mod paymob;

use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

use crate::payments::GatewayError;

pub use paymob::{PaymobGateway, PaymobSettings};

/// A gateway that does not connect within this is down: the checkout answers 503 at once.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(1);
/// The whole exchange, answer read: a buyer waits for it, and API Gateway gives up at 30 s.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);
/// More than any answer of a gateway; a bigger one is not read into memory.
const MAX_ANSWER_BYTES: usize = 256 * 1024;

/// The HTTP(S) client every gateway client shares.
#[derive(Clone)]
pub struct HttpsClient(Client<HttpsConnector<HttpConnector>, Full<Bytes>>);

impl std::fmt::Debug for HttpsClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HttpsClient")
    }
}

/// What a gateway answered: its status and body.
#[derive(Debug)]
pub struct Answer {
    pub status: http::StatusCode,
    pub body: Bytes,
}

impl HttpsClient {
    pub fn new() -> Self {
        let roots = rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
        let connector = crate::https::connector(roots, Some(CONNECT_TIMEOUT));
        Self(Client::builder(TokioExecutor::new()).build(connector))
    }

    /// POSTs `body` as JSON with `Authorization: <authorization>` and reads the answer, within
    /// [`REQUEST_TIMEOUT`]. Not reaching the gateway, or not hearing all of its answer in time, is
    /// [`GatewayError::Unreachable`]; what the status means is the caller's to say.
    pub async fn post_json(&self, url: &str, authorization: &str, body: Vec<u8>) -> Result<Answer, GatewayError> {
        let request = http::Request::post(url)
            .header(http::header::AUTHORIZATION, authorization)
            .header(http::header::CONTENT_TYPE, "application/json")
            .header(http::header::ACCEPT, "application/json")
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| GatewayError::Unreachable(format!("cannot build a request to the gateway: {e}")))?;
        let exchange = async {
            let response = self.0.request(request).await.map_err(|e| unreachable("cannot reach the gateway", &e))?;
            let status = response.status();
            let body = Limited::new(response.into_body(), MAX_ANSWER_BYTES)
                .collect()
                .await
                .map_err(|e| GatewayError::Unreachable(format!("cannot read the gateway's answer: {e}")))?
                .to_bytes();
            Ok(Answer { status, body })
        };
        tokio::time::timeout(REQUEST_TIMEOUT, exchange).await.unwrap_or_else(|_| {
            Err(GatewayError::Unreachable(format!("the gateway did not answer within {REQUEST_TIMEOUT:?}")))
        })
    }
}

impl Default for HttpsClient {
    fn default() -> Self {
        Self::new()
    }
}

/// The client's error with its causes: hyper's own message ("client error (Connect)") names none.
fn unreachable(context: &str, error: &(dyn std::error::Error + 'static)) -> GatewayError {
    let mut reason = format!("{context}: {error}");
    let mut source = error.source();
    while let Some(cause) = source {
        reason.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    GatewayError::Unreachable(reason)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_client_trusts_mozillas_roots_compiled_in() {
        assert!(webpki_roots::TLS_SERVER_ROOTS.len() > 100);
        let _ = HttpsClient::new();
    }

    #[tokio::test]
    async fn a_gateway_that_does_not_listen_is_unreachable() {
        // Nothing listens on the discard port of the loopback.
        let error = HttpsClient::new().post_json("http://127.0.0.1:9/", "Token t", b"{}".to_vec()).await.unwrap_err();
        assert!(matches!(error, GatewayError::Unreachable(_)), "{error:?}");
    }
}
