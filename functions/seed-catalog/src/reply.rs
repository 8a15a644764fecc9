//! The answer to CloudFormation: a JSON PUT to the pre-signed S3 URL of the request.

use aws_lambda_events::event::cloudformation::CloudFormationCustomResourceResponse;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

pub async fn send(
    url: &str,
    response: &CloudFormationCustomResourceResponse,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let body = serde_json::to_vec(response)?;
    let connector = hyper_rustls::HttpsConnectorBuilder::new()
        .with_provider_and_native_roots(rustls::crypto::ring::default_provider())?
        .https_or_http()
        .enable_http1()
        .build();
    let client: Client<_, Full<bytes::Bytes>> = Client::builder(TokioExecutor::new()).build(connector);
    // The pre-signed URL was signed for an empty content type.
    let request = http::Request::put(url)
        .header(http::header::CONTENT_TYPE, "")
        .header(http::header::CONTENT_LENGTH, body.len())
        .body(Full::new(bytes::Bytes::from(body)))?;
    let reply = client.request(request).await?;
    let status = reply.status();
    if !status.is_success() {
        let text = reply.into_body().collect().await.map(|b| b.to_bytes()).unwrap_or_default();
        return Err(format!("CloudFormation answered {status}: {}", String::from_utf8_lossy(&text)).into());
    }
    Ok(())
}
