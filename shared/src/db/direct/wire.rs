//! One DynamoDB call on the wire without the SDK's orchestrator: signed here, sent once over the
//! functions' own HTTP client, and its body handed back only when DynamoDB answered 200.
//!
//! The SDK's orchestrator costs about 40 µs of CPU per call whatever the call (interceptors,
//! runtime plugins, endpoint rules, user agent, a general signer): 40 % of a warm listing
//! (BENCHMARKS.md section 7). Everything it does beyond one attempt (retries, backoff, error
//! codes, clock skew) stays its job: whatever this attempt does not answer with a 200, the caller
//! sends again through the SDK ([`super::reads`]).

use std::fmt;
use std::sync::{Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::{Duration, Instant, SystemTime};

use aws_sdk_dynamodb::config::{Credentials, ProvideCredentials, SharedCredentialsProvider};
use aws_smithy_runtime_api::client::http::{HttpConnector, SharedHttpConnector};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_types::body::SdkBody;
use http_body::Body;

use aws_runtime::retries::classifiers::{THROTTLING_ERRORS, TRANSIENT_ERRORS};

use super::signing::{CONTENT_TYPE, Signer};

/// How long credentials are used before they are asked for again (the SDK's identity cache keeps
/// credentials without an expiry as long), and how long before their expiry they are renewed.
const CREDENTIALS_KEPT: Duration = Duration::from_secs(15 * 60);
const RENEWED_BEFORE_EXPIRY: Duration = Duration::from_secs(5 * 60);

pub struct Wire {
    /// `scheme://authority/`.
    uri: String,
    host: String,
    signer: Signer,
    credentials: SharedCredentialsProvider,
    /// The credentials in use, and when they were asked for.
    cached: Mutex<Option<(Credentials, Instant)>>,
    connector: SharedHttpConnector,
    /// The SDK's attempt timeout: this attempt takes no longer than one of its own would.
    attempt_timeout: Duration,
}

impl fmt::Debug for Wire {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Wire").field("uri", &self.uri).finish_non_exhaustive()
    }
}

impl Wire {
    /// DynamoDB at `endpoint` (an emulator's `http://host:port`), or the region's public
    /// endpoint, the one the SDK resolves for a client without FIPS, dual-stack or account-based
    /// endpoints.
    pub fn new(
        endpoint: Option<&str>,
        region: &str,
        credentials: SharedCredentialsProvider,
        connector: SharedHttpConnector,
        attempt_timeout: Duration,
    ) -> Self {
        let suffix = if region.starts_with("cn-") { "amazonaws.com.cn" } else { "amazonaws.com" };
        let uri = match endpoint {
            Some(endpoint) => format!("{}/", endpoint.trim_end_matches('/')),
            None => format!("https://dynamodb.{region}.{suffix}/"),
        };
        let host = uri.split_once("://").map_or("", |(_, rest)| rest).trim_end_matches('/').to_owned();
        Self {
            uri,
            host,
            signer: Signer::new(region),
            credentials,
            cached: Mutex::new(None),
            connector,
            attempt_timeout,
        }
    }

    /// DynamoDB's answer to `target` (`DynamoDB_20120810.Query`, ...) with `body`, as `read`
    /// reads its body, if it answered 200 within the attempt timeout; otherwise why not.
    pub async fn send<T>(
        &self,
        target: &'static str,
        body: Vec<u8>,
        read: impl FnOnce(&[u8]) -> T,
    ) -> Result<T, Unanswered> {
        let credentials = self.credentials().await.ok_or(Unanswered::Refused)?;
        let signature = self.signer.sign(&credentials, &self.host, target, &body, SystemTime::now());
        let mut request = HttpRequest::new(SdkBody::from(body));
        request.set_method("POST").map_err(|_| Unanswered::Refused)?;
        request.set_uri(self.uri.as_str()).map_err(|_| Unanswered::Refused)?;
        let headers = request.headers_mut();
        headers.insert("host", self.host.clone());
        headers.insert("content-type", CONTENT_TYPE);
        headers.insert("x-amz-target", target);
        headers.insert("x-amz-date", signature.amz_date);
        if let Some(token) = credentials.session_token() {
            headers.insert("x-amz-security-token", token.to_owned());
        }
        headers.insert("authorization", signature.authorization);
        let answered = async {
            let response = self.connector.call(request).await.map_err(|_| Unanswered::Transient)?;
            let status = response.status().as_u16();
            let answer =
                |bytes: &[u8]| if status == 200 { Ok(read(bytes)) } else { Err(Unanswered::of(status, bytes)) };
            let body = response.into_body();
            if let Some(bytes) = body.bytes() {
                return answer(bytes);
            }
            answer(&collect(body).await.ok_or(Unanswered::Transient)?)
        };
        tokio::time::timeout(self.attempt_timeout, answered).await.unwrap_or(Err(Unanswered::Transient))
    }

    /// The credentials to sign with: the provider's, kept as the SDK's identity cache keeps them.
    async fn credentials(&self) -> Option<Credentials> {
        if let Some((credentials, asked)) = &*self.cached() {
            let expiring = credentials.expiry().is_some_and(|expiry| {
                expiry.duration_since(SystemTime::now()).map_or(true, |left| left < RENEWED_BEFORE_EXPIRY)
            });
            if !expiring && asked.elapsed() < CREDENTIALS_KEPT {
                return Some(credentials.clone());
            }
        }
        let credentials = self.credentials.provide_credentials().await.ok()?;
        *self.cached() = Some((credentials.clone(), Instant::now()));
        Some(credentials)
    }

    fn cached(&self) -> std::sync::MutexGuard<'_, Option<(Credentials, Instant)>> {
        // Only ever replaced whole.
        self.cached.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Why an attempt brought no answer to read, as the SDK's retry classifiers would see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unanswered {
    /// What a retry would not change: DynamoDB refused the call itself (a 4xx other than a
    /// throttle), or it could not be signed or sent.
    Refused,
    /// What the SDK retries after a backoff: a throttle, a server error, a connection that
    /// failed or broke, no answer within the attempt timeout.
    Transient,
}

impl Unanswered {
    fn of(status: u16, body: &[u8]) -> Self {
        #[derive(serde::Deserialize)]
        struct Error {
            #[serde(rename = "__type")]
            kind: String,
        }
        // `com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException`
        let code = serde_json::from_slice::<Error>(body).ok().map(|error| {
            let code = error.kind.rsplit_once('#').map_or(error.kind.as_str(), |(_, code)| code);
            code.to_owned()
        });
        let retried = |codes: &[&str]| code.as_deref().is_some_and(|code| codes.contains(&code));
        if matches!(status, 500 | 502 | 503 | 504) || retried(THROTTLING_ERRORS) || retried(TRANSIENT_ERRORS) {
            Self::Transient
        } else {
            Self::Refused
        }
    }
}

/// A body still arriving, to its end.
async fn collect(mut body: SdkBody) -> Option<Vec<u8>> {
    let mut collected = Vec::new();
    loop {
        let frame =
            std::future::poll_fn(|cx: &mut Context<'_>| -> Poll<_> { std::pin::Pin::new(&mut body).poll_frame(cx) })
                .await;
        match frame {
            None => return Some(collected),
            Some(Ok(frame)) => {
                if let Some(data) = frame.data_ref() {
                    collected.extend_from_slice(data);
                }
            }
            Some(Err(_)) => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Unanswered;

    fn error(code: &str) -> Vec<u8> {
        format!(r#"{{"__type":"com.amazonaws.dynamodb.v20120810#{code}","message":"m"}}"#).into_bytes()
    }

    #[test]
    fn throttles_and_server_errors_are_transient_as_the_sdk_retries_them() {
        for code in ["ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded"] {
            assert_eq!(Unanswered::of(400, &error(code)), Unanswered::Transient, "{code}");
        }
        assert_eq!(Unanswered::of(500, &error("InternalServerError")), Unanswered::Transient);
        assert_eq!(Unanswered::of(503, b"<html>unavailable</html>"), Unanswered::Transient);
    }

    #[test]
    fn a_call_refused_for_itself_is_not_retried() {
        assert_eq!(Unanswered::of(400, &error("ValidationException")), Unanswered::Refused);
        assert_eq!(Unanswered::of(400, &error("ResourceNotFoundException")), Unanswered::Refused);
        assert_eq!(Unanswered::of(403, b"{}"), Unanswered::Refused);
        assert_eq!(Unanswered::of(400, b"not json"), Unanswered::Refused);
    }
}
