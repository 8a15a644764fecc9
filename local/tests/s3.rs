//! The runner's S3 against a real moto server: requests through `/_local/s3` land in moto, stored
//! objects are reported for their events, the SDK's presigned URLs and calls work through it, and
//! `/_local/media/` serves the public prefix only. Each test serves a `LocalS3` on a port of its
//! own, as the runner does on its one port.

use std::convert::Infallible;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::primitives::ByteStream;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioIo};
use souk_local::moto::{self, Moto};
use souk_local::s3::{self, Creation, LocalS3, ObjectCreated};
use tokio::net::TcpListener;
use tokio::sync::OnceCell;

/// One moto server for the tests of this file, in the checkout's data directory, where the
/// runner and the other tests keep theirs.
async fn moto_endpoint() -> String {
    static STARTED: OnceCell<Moto> = OnceCell::const_new();
    if let Ok(endpoint) = std::env::var("SOUK_TEST_MOTO_ENDPOINT") {
        return endpoint;
    }
    let data_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.souk");
    STARTED.get_or_init(|| async { moto::start(&data_dir).await.expect("moto server starts") }).await.endpoint.clone()
}

struct Runner {
    url: String,
    bucket: String,
    s3: Arc<LocalS3>,
    created: Arc<Mutex<Vec<ObjectCreated>>>,
    http: Client<HttpConnector, Full<Bytes>>,
}

/// A `LocalS3` served on a free port, with a bucket of its own whose `media/` prefix is public.
async fn runner() -> Runner {
    let s3 = Arc::new(LocalS3::new(moto_endpoint().await));
    let bucket = s3::local_bucket_name(&format!("t{}_", ulid::Ulid::new()), "MediaBucket");
    s3.create_bucket(&bucket).await.expect("the bucket is created");
    s3.create_bucket(&bucket).await.expect("creating a bucket again changes nothing");
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let created = Arc::new(Mutex::new(vec![]));
    let (served, reported, public) = (Arc::clone(&s3), Arc::clone(&created), bucket.clone());
    tokio::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            let (s3, created, bucket) = (Arc::clone(&served), Arc::clone(&reported), public.clone());
            let service = service_fn(move |request: hyper::Request<Incoming>| {
                let (s3, created, bucket) = (Arc::clone(&s3), Arc::clone(&created), bucket.clone());
                async move {
                    let (parts, body) = request.into_parts();
                    let body = body.collect().await.unwrap().to_bytes();
                    let path = parts.uri.path().to_owned();
                    let response = if s3::serves(&path) {
                        let (response, object) = s3.handle(&parts, body).await;
                        created.lock().unwrap().extend(object);
                        response
                    } else if let Some(rest) = path.strip_prefix(s3::MEDIA_PATH) {
                        s3.serve_public(&bucket, "media/", rest).await
                    } else {
                        http::Response::builder().status(404).body(Full::default()).unwrap()
                    };
                    Ok::<_, Infallible>(response)
                }
            });
            tokio::spawn(hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service));
        }
    });
    let http = Client::builder(TokioExecutor::new()).build(HttpConnector::new());
    Runner { url, bucket, s3, created, http }
}

impl Runner {
    async fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Bytes,
    ) -> (http::response::Parts, Bytes) {
        let mut request = http::Request::builder().method(method).uri(format!("{}{path}", self.url));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = self.http.request(request.body(Full::new(body)).unwrap()).await.unwrap();
        let (parts, body) = response.into_parts();
        (parts, body.collect().await.unwrap().to_bytes())
    }

    fn created(&self) -> Vec<ObjectCreated> {
        std::mem::take(&mut self.created.lock().unwrap())
    }

    /// An SDK client whose endpoint is the runner's S3, as a function's is locally.
    fn sdk(&self) -> aws_sdk_s3::Client {
        sdk_at(&s3::endpoint(&self.url))
    }
}

fn sdk_at(endpoint: &str) -> aws_sdk_s3::Client {
    aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::Config::builder()
            .behavior_version(aws_sdk_s3::config::BehaviorVersion::latest())
            .http_client(shared::app::https_client())
            .region(aws_sdk_s3::config::Region::new("us-east-1"))
            .credentials_provider(aws_sdk_s3::config::Credentials::new("test", "test", None, None, "test"))
            .endpoint_url(endpoint)
            .force_path_style(true)
            .build(),
    )
}

/// Bytes that are not all alike, so that a misplaced chunk shows.
fn object(len: usize) -> Bytes {
    (0..len).map(|i| (i * 31 % 251) as u8).collect::<Vec<u8>>().into()
}

/// A signed request's authorization, as far as moto looks at it: it checks no signatures, but
/// refuses anonymous reads of private objects.
const SIGNED: (&str, &str) = (
    "authorization",
    "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0",
);

fn header<'a>(parts: &'a http::response::Parts, name: &str) -> &'a str {
    parts.headers.get(name).map_or("", |v| v.to_str().unwrap())
}

#[tokio::test]
async fn a_put_through_the_runner_lands_in_moto_and_reports_the_object() {
    let runner = runner().await;
    let body = object(1024 * 1024);
    let path = format!("/_local/s3/{}/quarantine/01JD5X0K9M%20photo.jpg", runner.bucket);
    let (put, _) = runner.send("PUT", &path, &[("content-type", "image/jpeg")], body.clone()).await;
    assert_eq!(put.status, 200);
    let etag = header(&put, "etag").trim_matches('"').to_owned();
    assert_eq!(etag.len(), 32, "an MD5 ETag: {etag}");
    let created = runner.created();
    assert_eq!(created.len(), 1);
    let created = &created[0];
    assert_eq!(
        (created.bucket.as_str(), created.key.as_str(), created.size, created.etag.as_str(), created.creation),
        (runner.bucket.as_str(), "quarantine/01JD5X0K9M photo.jpg", 1024 * 1024, etag.as_str(), Creation::Put)
    );
    let event =
        serde_json::to_value(s3::object_created_event(created, "us-east-1", time::OffsetDateTime::now_utc())).unwrap();
    assert_eq!(event["Records"][0]["s3"]["object"]["key"], "quarantine/01JD5X0K9M+photo.jpg");
    assert_eq!(event["Records"][0]["s3"]["object"]["size"], 1024 * 1024);

    let (anonymous, _) = runner.send("GET", &path, &[], Bytes::new()).await;
    assert_eq!(anonymous.status, 403, "quarantined objects are private");
    let (got, got_body) = runner.send("GET", &path, &[SIGNED], Bytes::new()).await;
    assert_eq!(got.status, 200);
    assert_eq!(header(&got, "content-type"), "image/jpeg");
    assert!(got_body == body, "the same bytes come back");

    let tagging = "<Tagging><TagSet><Tag><Key>scan</Key><Value>clean</Value></Tag></TagSet></Tagging>";
    let (tagged, _) = runner.send("PUT", &format!("{path}?tagging"), &[SIGNED], Bytes::from(tagging)).await;
    assert_eq!(tagged.status, 200);
    let (bucket_again, _) = runner.send("PUT", &format!("/_local/s3/{}", runner.bucket), &[], Bytes::new()).await;
    assert!(bucket_again.status.is_success() || bucket_again.status == 409, "{}", bucket_again.status);
    let (missing, _) =
        runner.send("GET", &format!("/_local/s3/{}/quarantine/none", runner.bucket), &[SIGNED], Bytes::new()).await;
    assert_eq!(missing.status, 404);
    assert_eq!(runner.created(), vec![], "tagging, a bucket or a read stores no object");
}

#[tokio::test]
async fn the_sdks_presigned_put_and_its_calls_work_through_the_runner() {
    let runner = runner().await;
    let sdk = runner.sdk();
    let body = object(300_000);
    let presigned = sdk
        .put_object()
        .bucket(&runner.bucket)
        .key("quarantine/01JPRESIGNED")
        .content_type("image/png")
        .content_length(body.len() as i64)
        .presigned(PresigningConfig::expires_in(Duration::from_secs(15 * 60)).unwrap())
        .await
        .unwrap();
    eprintln!("presigned PUT: {} {:?}", presigned.uri(), presigned.headers().collect::<Vec<_>>());
    let expected = format!("{}/_local/s3/{}/quarantine/01JPRESIGNED?", runner.url, runner.bucket);
    assert!(presigned.uri().starts_with(&expected), "{} starts with {expected}", presigned.uri());
    assert_eq!(presigned.method(), "PUT");
    let path = presigned.uri().strip_prefix(&runner.url).unwrap().to_owned();
    let headers: Vec<(&str, &str)> = presigned.headers().collect();
    let (put, _) = runner.send("PUT", &path, &headers, body.clone()).await;
    assert_eq!(put.status, 200);
    let created = runner.created();
    assert_eq!(created.len(), 1, "{created:?}");
    // Why the endpoint ends with a slash: the SDK glues the bucket to the endpoint's path.
    let glued = sdk_at(&format!("{}{}", runner.url, s3::PATH))
        .put_object()
        .bucket(&runner.bucket)
        .key("quarantine/01JPRESIGNED")
        .presigned(PresigningConfig::expires_in(Duration::from_secs(60)).unwrap())
        .await
        .unwrap();
    assert!(glued.uri().starts_with(&format!("{}/_local/s3{}/", runner.url, runner.bucket)), "{}", glued.uri());
    assert_eq!((created[0].key.as_str(), created[0].size), ("quarantine/01JPRESIGNED", body.len() as u64));

    // What a function does with it: reads it, writes a rendition, copies a document.
    let read = sdk.get_object().bucket(&runner.bucket).key("quarantine/01JPRESIGNED").send().await.unwrap();
    assert_eq!(read.content_type(), Some("image/png"));
    assert!(read.body.collect().await.unwrap().into_bytes() == body, "the same bytes come back");
    let rendition = object(40_000);
    sdk.put_object()
        .bucket(&runner.bucket)
        .key("media/01JPRESIGNED/320.jpg")
        .content_type("image/jpeg")
        .body(ByteStream::from(rendition.clone()))
        .send()
        .await
        .unwrap();
    sdk.copy_object()
        .bucket(&runner.bucket)
        .key("documents/01JPRESIGNED.png")
        .copy_source(format!("{}/quarantine/01JPRESIGNED", runner.bucket))
        .send()
        .await
        .unwrap();
    let head = sdk.head_object().bucket(&runner.bucket).key("documents/01JPRESIGNED.png").send().await.unwrap();
    assert_eq!(head.content_length(), Some(body.len() as i64));
    let created: Vec<_> = runner.created().into_iter().map(|c| (c.key, c.size, c.creation)).collect();
    assert_eq!(
        created,
        vec![
            ("media/01JPRESIGNED/320.jpg".to_owned(), rendition.len() as u64, Creation::Put),
            ("documents/01JPRESIGNED.png".to_owned(), body.len() as u64, Creation::Copy),
        ]
    );
}

#[tokio::test]
async fn public_media_is_served_and_nothing_else() {
    let runner = runner().await;
    let sdk = runner.sdk();
    let image = object(5_000);
    sdk.put_object()
        .bucket(&runner.bucket)
        .key("media/01JPUBLIC/320.jpg")
        .content_type("image/jpeg")
        .cache_control("public, max-age=31536000, immutable")
        .body(ByteStream::from(image.clone()))
        .send()
        .await
        .unwrap();
    for private in ["documents/01JPUBLIC.pdf", "quarantine/01JPUBLIC"] {
        sdk.put_object()
            .bucket(&runner.bucket)
            .key(private)
            .body(ByteStream::from_static(b"%PDF-1.7"))
            .send()
            .await
            .unwrap();
    }

    let (served, served_body) = runner.send("GET", "/_local/media/01JPUBLIC/320.jpg", &[], Bytes::new()).await;
    assert_eq!(served.status, 200);
    assert_eq!(header(&served, "content-type"), "image/jpeg");
    assert_eq!(header(&served, "cache-control"), "public, max-age=31536000, immutable");
    assert!(served_body == image, "the same bytes come back");

    for refused in [
        "/_local/media/../documents/01JPUBLIC.pdf",
        "/_local/media/%2e%2e/documents/01JPUBLIC.pdf",
        "/_local/media/..%2Fquarantine%2F01JPUBLIC",
        "/_local/media/01JPUBLIC%2F320.jpg",
        "/_local/media/01JPUBLIC/1600.jpg",
    ] {
        let (answer, body) = runner.send("GET", refused, &[], Bytes::new()).await;
        assert_eq!(answer.status, 404, "{refused}");
        assert_eq!(body, Bytes::from_static(br#"{"message":"Not Found"}"#), "{refused}");
    }
    assert!(runner.s3.serve_public(&runner.bucket, "media/", "../documents/01JPUBLIC.pdf").await.status() == 404);
}
