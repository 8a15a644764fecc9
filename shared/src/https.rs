//! The HTTPS connector every outbound client of the functions shares: HTTP/1.1, TLS by rustls over
//! ring trusting only the roots it is given (compiled in by its caller, so no certificate file is
//! read at cold start). Plain `http://` is allowed too, for the local emulators and simulators.

use std::sync::Arc;
use std::time::Duration;

use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector;

/// A connector trusting `roots`, giving up on a connection not made within `connect_timeout`.
pub fn connector(roots: rustls::RootCertStore, connect_timeout: Option<Duration>) -> HttpsConnector<HttpConnector> {
    let tls = rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .expect("ring supports the default TLS versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    let mut tcp = HttpConnector::new();
    tcp.enforce_http(false);
    tcp.set_nodelay(true);
    tcp.set_connect_timeout(connect_timeout);
    hyper_rustls::HttpsConnectorBuilder::new().with_tls_config(tls).https_or_http().enable_http1().wrap_connector(tcp)
}
