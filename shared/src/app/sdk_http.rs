//! The HTTP client under every SDK client: HTTP/1.1 over hyper, TLS by rustls over ring trusting
//! Amazon's roots only, compiled in.
//!
//! Not the SDK's own hyper client: that one also links HTTP/2 (about 0.3 MB of every binary,
//! mapped at each cold start) and a proxy and certificate-directory layer, none of which a call
//! from Lambda to DynamoDB, S3, SNS, SSM or `@connections` uses (those endpoints answer
//! HTTP/1.1). What the SDK asks of a client is kept: the connect and read timeouts of its
//! settings, one connection pool per setting, and errors classified the way its retry rules read
//! them (a connection that failed or broke is retried; a request the client could not build is
//! not).

use std::collections::HashMap;
use std::error::Error;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_runtime_api::http::Response;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::retry::ErrorKind;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector as TcpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;

/// The roots of Amazon Trust Services, the certificate authority of every AWS service endpoint
/// the functions call, compiled in.
const AWS_ROOTS: &[u8] = include_bytes!("aws_roots.pem");

type Pool = Client<HttpsConnector<TcpConnector>, SdkBody>;

/// The connect and read timeouts a pool was built for.
type Timeouts = (Option<Duration>, Option<Duration>);

/// One pool per pair of timeouts the SDK asks for: every client of a function asks for the same
/// pair, so in practice one pool. Clones share the pools.
#[derive(Debug, Clone)]
pub struct SdkHttpClient {
    roots: rustls::RootCertStore,
    pools: Arc<RwLock<HashMap<Timeouts, SharedHttpConnector>>>,
}

impl SdkHttpClient {
    pub fn new() -> Self {
        let mut roots = rustls::RootCertStore::empty();
        for root in CertificateDer::pem_slice_iter(AWS_ROOTS) {
            roots.add(root.expect("the compiled-in roots are PEM")).expect("the compiled-in roots are certificates");
        }
        Self { roots, pools: Arc::default() }
    }

    /// The connector of the pool for these timeouts: the one the SDK's clients are given for the
    /// same settings (the direct reads send on it too).
    pub fn connector(&self, connect_timeout: Option<Duration>, read_timeout: Option<Duration>) -> SharedHttpConnector {
        let key = (connect_timeout, read_timeout);
        if let Some(connector) = self.pools.read().expect("never poisoned").get(&key) {
            return connector.clone();
        }
        let mut pools = self.pools.write().expect("never poisoned");
        pools
            .entry(key)
            .or_insert_with(|| SharedHttpConnector::new(Connector { pool: self.pool(key.0), read_timeout: key.1 }))
            .clone()
    }

    fn pool(&self, connect_timeout: Option<Duration>) -> Pool {
        let connector = crate::https::connector(self.roots.clone(), connect_timeout);
        Client::builder(TokioExecutor::new()).pool_timer(TokioTimer::new()).build(connector)
    }
}

impl Default for SdkHttpClient {
    fn default() -> Self {
        Self::new()
    }
}

impl HttpClient for SdkHttpClient {
    fn http_connector(&self, settings: &HttpConnectorSettings, _: &RuntimeComponents) -> SharedHttpConnector {
        self.connector(settings.connect_timeout(), settings.read_timeout())
    }
}

#[derive(Clone, Debug)]
struct Connector {
    pool: Pool,
    /// How long the answer's head may take once the request is sent.
    read_timeout: Option<Duration>,
}

impl HttpConnector for Connector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let request = match request.try_into_http1x() {
            Ok(request) => request,
            Err(error) => return HttpConnectorFuture::ready(Err(ConnectorError::user(error.into()))),
        };
        let answer = self.pool.request(request);
        let read_timeout = self.read_timeout;
        HttpConnectorFuture::new(async move {
            let response = match read_timeout {
                Some(limit) => tokio::time::timeout(limit, answer).await.map_err(|elapsed| {
                    ConnectorError::timeout(format!("no answer within the read timeout of {limit:?}: {elapsed}").into())
                })?,
                None => answer.await,
            }
            .map_err(classified)?;
            Response::try_from(response.map(SdkBody::from_body_1_x)).map_err(|e| ConnectorError::other(e.into(), None))
        })
    }
}

/// How the SDK's retry rules should read a failed exchange: a connection that could not be made,
/// broke, or ended an answer early is worth another attempt; anything else is not retried.
fn classified(error: hyper_util::client::legacy::Error) -> ConnectorError {
    let hyper = chain(&error).find_map(|e| e.downcast_ref::<hyper::Error>());
    let kind = if hyper.is_some_and(hyper::Error::is_timeout) {
        Kind::Timeout
    } else if hyper.is_some_and(hyper::Error::is_user) {
        Kind::User
    } else if error.is_connect()
        || hyper.is_some_and(|h| h.is_closed() || h.is_canceled())
        || chain(&error).any(|e| e.is::<std::io::Error>())
    {
        Kind::Io
    } else if hyper.is_some_and(hyper::Error::is_incomplete_message) {
        Kind::Transient
    } else {
        Kind::Other
    };
    let error = error.into();
    match kind {
        Kind::Timeout => ConnectorError::timeout(error),
        Kind::User => ConnectorError::user(error),
        Kind::Io => ConnectorError::io(error),
        Kind::Transient => ConnectorError::other(error, Some(ErrorKind::TransientError)),
        Kind::Other => ConnectorError::other(error, None),
    }
}

enum Kind {
    Timeout,
    User,
    Io,
    Transient,
    Other,
}

fn chain<'a>(error: &'a (dyn Error + 'static)) -> impl Iterator<Item = &'a (dyn Error + 'static)> {
    std::iter::successors(Some(error), |&e| e.source())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region, retry::RetryConfig, timeout::TimeoutConfig};
    use aws_sdk_dynamodb::error::SdkError;
    use aws_smithy_runtime_api::client::http::SharedHttpClient;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    use super::*;

    #[test]
    fn the_compiled_in_roots_are_amazons_five_and_load() {
        assert_eq!(CertificateDer::pem_slice_iter(AWS_ROOTS).count(), 5);
        let _ = SdkHttpClient::new();
    }

    /// A DynamoDB client over [`SdkHttpClient`] at `endpoint`, with two attempts per call.
    fn dynamodb(endpoint: &str, read_timeout: Option<Duration>) -> aws_sdk_dynamodb::Client {
        let mut timeouts = TimeoutConfig::builder().connect_timeout(Duration::from_secs(1));
        timeouts.set_read_timeout(read_timeout);
        let config = aws_sdk_dynamodb::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .http_client(SharedHttpClient::new(SdkHttpClient::new()))
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new("test", "test", None, None, "test"))
            .endpoint_url(endpoint)
            .timeout_config(timeouts.build())
            .retry_config(RetryConfig::standard().with_max_attempts(2))
            .build();
        aws_sdk_dynamodb::Client::from_conf(config)
    }

    /// Reads one request's head and whatever body came with it.
    async fn read_request(socket: &mut tokio::net::TcpStream) {
        let mut buffer = vec![0u8; 64 * 1024];
        let _ = socket.read(&mut buffer).await;
    }

    #[tokio::test]
    async fn a_connection_closed_before_the_answer_is_retried_on_a_new_one() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let connections = Arc::new(AtomicUsize::new(0));
        let seen = Arc::clone(&connections);
        tokio::spawn(async move {
            loop {
                let (mut socket, _) = listener.accept().await.unwrap();
                read_request(&mut socket).await;
                if seen.fetch_add(1, Ordering::SeqCst) == 0 {
                    continue; // dropped without a word
                }
                let body = r#"{"TableNames":["products"]}"#;
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/x-amz-json-1.0\r\ncontent-length: {}\r\n\r\n",
                    body.len()
                );
                socket.write_all(format!("{head}{body}").as_bytes()).await.unwrap();
            }
        });
        let tables = dynamodb(&endpoint, None).list_tables().send().await.expect("the second attempt is answered");
        assert_eq!(tables.table_names(), ["products"]);
        assert_eq!(connections.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_server_that_never_answers_is_a_timeout_not_a_hang() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move {
            let mut held = Vec::new();
            loop {
                let (mut socket, _) = listener.accept().await.unwrap();
                read_request(&mut socket).await;
                held.push(socket);
            }
        });
        let error = dynamodb(&endpoint, Some(Duration::from_millis(100))).list_tables().send().await.unwrap_err();
        match error {
            SdkError::DispatchFailure(failure) => assert!(failure.is_timeout(), "{failure:?}"),
            other => panic!("expected a timed-out dispatch, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn nothing_listening_is_an_io_failure_as_the_retry_rules_expect() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        drop(listener);
        match dynamodb(&endpoint, None).list_tables().send().await.unwrap_err() {
            SdkError::DispatchFailure(failure) => assert!(failure.is_io(), "{failure:?}"),
            other => panic!("expected a failed dispatch, got {other:?}"),
        }
    }
}
