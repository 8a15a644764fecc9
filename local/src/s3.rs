//! S3, played by moto server behind the runner's port:
//! - `/_local/s3/<bucket>/<key>?<query>` is S3's path-style API, forwarded to moto as it came.
//!   Functions get this as their `S3_ENDPOINT`, so the presigned PUT URLs they hand to clients
//!   point here too. A successful PUT of an object (or a copy) is reported back, so that the
//!   runner can invoke the bucket's trigger with the object-created event S3 would send, which
//!   moto does not do itself.
//! - `/_local/media/<rest>` plays CloudFront in front of the public prefix of the media bucket:
//!   anyone can read what is under that prefix, and nothing else.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use aws_lambda_events::event::s3::{
    S3Bucket, S3Entity, S3Event, S3EventRecord, S3Object, S3RequestParameters, S3UserIdentity,
};
use bytes::Bytes;
use http::{HeaderMap, HeaderName, Method, StatusCode, header};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

use crate::router::percent_decode;

/// Where S3 answers, under the runner's URL (see [`endpoint`]).
pub const PATH: &str = "/_local/s3";
/// Where the public media is served, as CloudFront serves it in AWS.
pub const MEDIA_PATH: &str = "/_local/media/";

/// moto refuses anonymous reads of objects that are not public, as S3 does, so the runner's own
/// requests come signed as the bucket owner's, as CloudFront's are with origin access control.
/// moto checks no signatures: any SigV4 authorization for S3 will do.
const OWNER_AUTHORIZATION: &str =
    "AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0";

/// Who the events say made the request and owns the bucket: locally nobody signs anything.
const LOCAL_PRINCIPAL: &str = "AWS:LOCAL";
/// S3 names the notification configuration that matched; the runner has just the one per trigger.
const CONFIGURATION_ID: &str = "local-object-created";

type Response = http::Response<Full<Bytes>>;

/// The `S3_ENDPOINT` of functions: S3's API under the runner's URL, with a trailing slash, because
/// the Rust SDK appends the bucket of a path-style request to the endpoint's path as it is, without
/// a slash between them (`…/_local/s3` would give `…/_local/s3<bucket>/<key>`, awslabs/aws-sdk-rust#1387).
pub fn endpoint(runner_url: &str) -> String {
    format!("{}{PATH}/", runner_url.trim_end_matches('/'))
}

/// Whether `path` is S3's API ([`PATH`] and below).
pub fn serves(path: &str) -> bool {
    path.strip_prefix(PATH).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// An object S3 has just stored, as its event reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectCreated {
    pub bucket: String,
    /// The key as stored (decoded); events carry it URL-encoded.
    pub key: String,
    pub size: u64,
    /// Without the quotes of the `ETag` header, as events write it.
    pub etag: String,
    /// Hexadecimal, greater for a later event on the same key.
    pub sequencer: String,
    pub creation: Creation,
    /// S3's ids of the request that stored it (`x-amz-request-id`, `x-amz-id-2`).
    pub request_id: String,
    pub host_id: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Creation {
    Put,
    Copy,
}

impl Creation {
    pub fn event_name(self) -> &'static str {
        match self {
            Self::Put => "ObjectCreated:Put",
            Self::Copy => "ObjectCreated:Copy",
        }
    }
}

pub struct LocalS3 {
    moto: String,
    http: Client<HttpConnector, Full<Bytes>>,
    last_sequencer: AtomicU64,
}

impl LocalS3 {
    pub fn new(moto_endpoint: String) -> Self {
        let http = Client::builder(TokioExecutor::new()).build(HttpConnector::new());
        Self { moto: moto_endpoint.trim_end_matches('/').to_owned(), http, last_sequencer: AtomicU64::new(0) }
    }

    /// Forwards a request of S3's API ([`serves`]) to moto and answers with moto's answer,
    /// unchanged; with it, the object it created, if it stored one.
    pub async fn handle(&self, parts: &http::request::Parts, body: Bytes) -> (Response, Option<ObjectCreated>) {
        let path = parts.uri.path().strip_prefix(PATH).filter(|rest| !rest.is_empty()).unwrap_or("/");
        let target = match parts.uri.query() {
            Some(query) => format!("{}{path}?{query}", self.moto),
            None => format!("{}{path}", self.moto),
        };
        let creating = object_creation(&parts.method, path, parts.uri.query(), &parts.headers);
        let size = decoded_content_length(&parts.headers).unwrap_or(body.len() as u64);
        let mut request = http::Request::builder().method(parts.method.clone()).uri(target);
        for (name, value) in parts.headers.iter().filter(|(name, _)| forwarded(name)) {
            request = request.header(name, value);
        }
        let request = match request.body(Full::new(body)) {
            Ok(request) => request,
            Err(e) => return (s3_error(StatusCode::BAD_REQUEST, "InvalidURI", &e.to_string()), None),
        };
        let (answer, answer_body) = match self.exchange(request).await {
            Ok(answered) => answered,
            Err(e) => return (s3_error(StatusCode::SERVICE_UNAVAILABLE, "ServiceUnavailable", &e), None),
        };
        let created = match creating {
            Some(creating) if answer.status == StatusCode::OK => self.created(creating, path, size, &answer).await,
            _ => None,
        };
        let mut response = http::Response::builder().status(answer.status);
        for (name, value) in answer.headers.iter().filter(|(name, _)| !hop_by_hop(name)) {
            response = response.header(name, value);
        }
        let response = response.body(Full::new(answer_body)).expect("moto's status and headers are valid");
        (response, created)
    }

    /// What S3 reports of the object `creating` once it is stored: a put's size is what was sent
    /// and its ETag is in the answer; a copy's are the copied object's, so they are asked for.
    async fn created(
        &self,
        creating: Creating,
        path: &str,
        size: u64,
        answer: &http::response::Parts,
    ) -> Option<ObjectCreated> {
        let etag = header_text(&answer.headers, header::ETAG);
        let (size, etag) = match (creating.creation, etag) {
            (Creation::Put, Some(etag)) => (size, etag),
            _ => self.head(path).await?,
        };
        let request_id = header_text(&answer.headers, HeaderName::from_static("x-amz-request-id"))
            .or_else(|| header_text(&answer.headers, HeaderName::from_static("x-amzn-requestid")));
        let host_id = header_text(&answer.headers, HeaderName::from_static("x-amz-id-2"));
        let sequencer = self.next_sequencer();
        Some(ObjectCreated {
            bucket: creating.bucket,
            key: creating.key,
            size,
            etag: etag.trim_matches('"').to_owned(),
            creation: creating.creation,
            request_id: request_id.unwrap_or_else(|| sequencer[2..].to_owned()),
            host_id: host_id.unwrap_or_else(|| format!("local/{sequencer}")),
            sequencer,
        })
    }

    /// The size and ETag of the object at `path` (`/<bucket>/<encoded key>`).
    async fn head(&self, path: &str) -> Option<(u64, String)> {
        let request = self.as_owner(Method::HEAD, &format!("{}{path}", self.moto)).body(Full::default()).ok()?;
        let (answer, _) = self.exchange(request).await.ok()?;
        if answer.status != StatusCode::OK {
            return None;
        }
        let size = header_text(&answer.headers, header::CONTENT_LENGTH)?.parse().ok()?;
        Some((size, header_text(&answer.headers, header::ETAG)?))
    }

    /// Sequencers only grow, even when the wall clock steps back.
    fn next_sequencer(&self) -> String {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |since| u64::try_from(since.as_nanos()).unwrap_or(u64::MAX));
        let next = |last: u64| last.saturating_add(1).max(now);
        let last = self.last_sequencer.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |last| Some(next(last)));
        format!("{:018X}", next(last.unwrap_or_else(|last| last)))
    }

    /// Creates the bucket `name`; one that exists already is ours, which is fine.
    pub async fn create_bucket(&self, name: &str) -> Result<(), String> {
        if !valid_bucket_name(name) {
            return Err(format!("{name:?} is not a valid S3 bucket name"));
        }
        let request = self
            .as_owner(Method::PUT, &format!("{}/{name}", self.moto))
            .body(Full::default())
            .map_err(|e| format!("creating bucket {name}: {e}"))?;
        let (answer, body) = self.exchange(request).await.map_err(|e| format!("creating bucket {name}: {e}"))?;
        let body = String::from_utf8_lossy(&body);
        if answer.status.is_success() || body.contains("BucketAlreadyOwnedByYou") {
            Ok(())
        } else {
            Err(format!("creating bucket {name}: moto server answered {}: {body}", answer.status))
        }
    }

    /// `GET /_local/media/<path_rest>`: the object `<public_prefix><path_rest>` of `bucket`, with
    /// the content type and cache control it was stored with, as CloudFront serves it; 404 for
    /// anything else. `public_prefix` ends with `/`; `path_rest` is the raw (encoded) rest of the
    /// path, which may not climb out of the prefix.
    pub async fn serve_public(&self, bucket: &str, public_prefix: &str, path_rest: &str) -> Response {
        let Some(key) = public_key(public_prefix, path_rest) else {
            return not_found();
        };
        let uri = format!("{}/{bucket}/{}", self.moto, encode(&key, |b| b == b'/' || unreserved(b)));
        let Ok(request) = self.as_owner(Method::GET, &uri).body(Full::default()) else {
            return not_found();
        };
        let (answer, body) = match self.exchange(request).await {
            Ok(answered) => answered,
            Err(e) => {
                tracing::warn!(error = %e, "serving public media");
                return json_message(StatusCode::SERVICE_UNAVAILABLE, "Service Unavailable");
            }
        };
        if answer.status != StatusCode::OK {
            return not_found();
        }
        let mut response = http::Response::builder().status(StatusCode::OK);
        let kept = [header::CONTENT_TYPE, header::CACHE_CONTROL, header::ETAG, header::LAST_MODIFIED];
        for name in kept {
            if let Some(value) = answer.headers.get(&name) {
                response = response.header(name, value);
            }
        }
        response.body(Full::new(body)).expect("moto's headers are valid")
    }

    fn as_owner(&self, method: Method, uri: &str) -> http::request::Builder {
        http::Request::builder().method(method).uri(uri).header(header::AUTHORIZATION, OWNER_AUTHORIZATION)
    }

    async fn exchange(&self, request: http::Request<Full<Bytes>>) -> Result<(http::response::Parts, Bytes), String> {
        let uri = request.uri().clone();
        let exchange = async {
            let response = self.http.request(request).await.map_err(|e| format!("moto server, {uri}: {e}"))?;
            let (parts, body) = response.into_parts();
            let body = body.collect().await.map_err(|e| format!("moto server, {uri}: {e}"))?.to_bytes();
            Ok((parts, body))
        };
        tokio::time::timeout(Duration::from_secs(60), exchange)
            .await
            .unwrap_or_else(|_| Err(format!("moto server did not answer {uri} within 60 s")))
    }
}

/// The object a request stores if it succeeds.
#[derive(Debug, PartialEq, Eq)]
struct Creating {
    bucket: String,
    key: String,
    creation: Creation,
}

/// A `PUT` of `/<bucket>/<key>` stores an object, unless its query names a subresource
/// (`?tagging`, `?acl`, `?uploadId=…&partNumber=…`, …); the query of a presigned URL holds only
/// its `X-Amz-*` signature, and the SDK adds `x-id=PutObject` or `x-id=CopyObject`.
fn object_creation(method: &Method, path: &str, query: Option<&str>, headers: &HeaderMap) -> Option<Creating> {
    if method != Method::PUT {
        return None;
    }
    let (bucket, key) = path.strip_prefix('/')?.split_once('/')?;
    if bucket.is_empty() || key.is_empty() {
        return None;
    }
    let plain = query.unwrap_or_default().split('&').filter(|pair| !pair.is_empty()).all(|pair| {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let name = name.to_ascii_lowercase();
        name.starts_with("x-amz-") || (name == "x-id" && matches!(value, "PutObject" | "CopyObject"))
    });
    let creation = if headers.contains_key("x-amz-copy-source") { Creation::Copy } else { Creation::Put };
    plain.then(|| Creating { bucket: percent_decode(bucket), key: percent_decode(key), creation })
}

/// The size of the object an `aws-chunked` body carries (the SDK streams uploads that way,
/// with checksums in trailers); otherwise the body is the object.
fn decoded_content_length(headers: &HeaderMap) -> Option<u64> {
    header_text(headers, HeaderName::from_static("x-amz-decoded-content-length"))?.parse().ok()
}

fn header_text(headers: &HeaderMap, name: HeaderName) -> Option<String> {
    Some(headers.get(name)?.to_str().ok()?.to_owned())
}

/// Headers that belong to one connection, not to the message.
fn hop_by_hop(name: &HeaderName) -> bool {
    matches!(
        name.as_str(),
        "connection"
            | "keep-alive"
            | "proxy-authenticate"
            | "proxy-authorization"
            | "te"
            | "trailer"
            | "transfer-encoding"
            | "upgrade"
    )
}

/// What goes on to moto: the message's headers, but `Host` is moto's own, and the body is
/// already here in full, so there is nothing to `Expect: 100-continue` for.
fn forwarded(name: &HeaderName) -> bool {
    !hop_by_hop(name) && name != header::HOST && name != header::EXPECT
}

/// The key under `public_prefix` that `path_rest` names, if it names one: no empty, `.` or `..`
/// segments and no encoded slashes, so that nothing outside the prefix can be reached.
fn public_key(public_prefix: &str, path_rest: &str) -> Option<String> {
    let raw = path_rest.to_ascii_lowercase();
    if raw.contains("%2f") || raw.contains("%5c") {
        return None;
    }
    let rest = percent_decode(path_rest);
    let climbs = rest.split('/').any(|segment| matches!(segment, "" | "." | ".."));
    if climbs || rest.contains('\\') || rest.chars().any(char::is_control) {
        return None;
    }
    Some(format!("{public_prefix}{rest}"))
}

/// The S3 event S3 sends when `created` is stored (event structure version 2.1), at `at`.
pub fn object_created_event(created: &ObjectCreated, region: &str, at: time::OffsetDateTime) -> S3Event {
    let principal = || {
        let mut identity = S3UserIdentity::default();
        identity.principal_id = Some(LOCAL_PRINCIPAL.to_owned());
        identity
    };
    let mut bucket = S3Bucket::default();
    bucket.name = Some(created.bucket.clone());
    bucket.owner_identity = Some(principal());
    bucket.arn = Some(format!("arn:aws:s3:::{}", created.bucket));
    let mut object = S3Object::default();
    object.key = Some(event_key(&created.key));
    object.size = Some(i64::try_from(created.size).unwrap_or(i64::MAX));
    object.e_tag = Some(created.etag.clone());
    object.sequencer = Some(created.sequencer.clone());
    let mut s3 = S3Entity::default();
    s3.schema_version = Some("1.0".to_owned());
    s3.configuration_id = Some(CONFIGURATION_ID.to_owned());
    s3.bucket = bucket;
    s3.object = object;
    let mut request = S3RequestParameters::default();
    request.source_ip_address = Some("127.0.0.1".to_owned());
    let mut record = S3EventRecord::default();
    record.event_version = Some("2.1".to_owned());
    record.event_source = Some("aws:s3".to_owned());
    record.aws_region = Some(region.to_owned());
    // S3 writes event times to the millisecond.
    let millis = at.nanosecond() / 1_000_000 * 1_000_000;
    record.event_time = chrono::DateTime::from_timestamp(at.unix_timestamp(), millis).unwrap_or_default();
    record.event_name = Some(created.creation.event_name().to_owned());
    record.principal_id = principal();
    record.request_parameters = request;
    record.response_elements = [
        ("x-amz-request-id".to_owned(), created.request_id.clone()),
        ("x-amz-id-2".to_owned(), created.host_id.clone()),
    ]
    .into();
    record.s3 = s3;
    let mut event = S3Event::default();
    event.records = vec![record];
    event
}

/// Keys in S3 events are URL-encoded as form values are (`red flower.jpg` → `red+flower.jpg`),
/// but keep their slashes.
fn event_key(key: &str) -> String {
    encode(key, |b| b == b'/' || b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'*'))
        .replace("%20", "+")
}

fn unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~')
}

/// `text` with every byte that `keep` refuses written as `%XX`.
fn encode(text: &str, keep: impl Fn(u8) -> bool) -> String {
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        if keep(byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

/// The bucket the template's `logical_id` names locally: the runner's name prefix (which keeps
/// tests apart) and the logical id, as S3 allows bucket names (3–63 lowercase letters, digits and
/// single hyphens, a letter or digit at each end). Too long a name keeps its start and ends with
/// a hash of the whole, so that names stay apart.
pub fn local_bucket_name(table_prefix: &str, logical_id: &str) -> String {
    const MAX: usize = 63;
    let whole = format!("{table_prefix}{logical_id}").to_ascii_lowercase();
    let mut name = String::with_capacity(whole.len());
    for c in whole.chars() {
        let c = if c.is_ascii_lowercase() || c.is_ascii_digit() { c } else { '-' };
        if !(c == '-' && (name.is_empty() || name.ends_with('-'))) {
            name.push(c);
        }
    }
    let mut name = name.trim_end_matches('-').to_owned();
    if name.len() > MAX {
        let hash = format!("{:016x}", fnv1a(whole.as_bytes()));
        name.truncate(MAX - hash.len() - 1);
        name = format!("{}-{hash}", name.trim_end_matches('-'));
    }
    while name.len() < 3 {
        name = if name.is_empty() { "bucket".to_owned() } else { format!("{name}-bucket") };
    }
    name
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

fn valid_bucket_name(name: &str) -> bool {
    (3..=63).contains(&name.len())
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.ends_with(|c: char| c.is_ascii_alphanumeric())
}

fn not_found() -> Response {
    json_message(StatusCode::NOT_FOUND, "Not Found")
}

fn json_message(status: StatusCode, message: &str) -> Response {
    http::Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Full::new(Bytes::from(serde_json::json!({ "message": message }).to_string())))
        .expect("a JSON response always builds")
}

/// An error as S3 writes them, which the SDK reads (and retries, for a 503).
fn s3_error(status: StatusCode, code: &str, message: &str) -> Response {
    let message = message.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{message}</Message></Error>"
    );
    http::Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "application/xml")
        .body(Full::new(Bytes::from(body)))
        .expect("an XML response always builds")
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    fn put(path: &str, query: Option<&str>) -> Option<Creating> {
        object_creation(&Method::PUT, path, query, &HeaderMap::new())
    }

    #[test]
    fn only_puts_and_copies_of_objects_create_objects() {
        let stored = Creating { bucket: "media".into(), key: "quarantine/01J red.jpg".into(), creation: Creation::Put };
        assert_eq!(put("/media/quarantine/01J%20red.jpg", None), Some(stored));
        let presigned = "x-id=PutObject&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=ab";
        assert!(put("/media/quarantine/01J", Some(presigned)).is_some());
        assert_eq!(put("/media", None), None, "a bucket");
        assert_eq!(put("/media/", None), None, "a bucket");
        assert_eq!(put("/media/key", Some("tagging")), None);
        assert_eq!(put("/media/key", Some("acl=")), None);
        assert_eq!(put("/media/key", Some("partNumber=1&uploadId=u")), None);
        assert_eq!(put("/media/key", Some("x-id=UploadPart")), None);
        assert_eq!(object_creation(&Method::GET, "/media/key", None, &HeaderMap::new()), None);
        assert_eq!(object_creation(&Method::POST, "/media/key", None, &HeaderMap::new()), None);
        let mut copy = HeaderMap::new();
        copy.insert("x-amz-copy-source", "/media/quarantine/01J".parse().unwrap());
        let copied = object_creation(&Method::PUT, "/media/media/01J/320.jpg", Some("x-id=CopyObject"), &copy);
        assert_eq!(copied.map(|c| c.creation), Some(Creation::Copy));
    }

    #[test]
    fn s3_is_served_under_its_path_only() {
        assert!(serves("/_local/s3"));
        assert!(serves("/_local/s3/media/key"));
        assert!(!serves("/_local/s3media"));
        assert!(!serves("/_local/media/01J/320.jpg"));
        assert_eq!(endpoint("http://127.0.0.1:3000"), "http://127.0.0.1:3000/_local/s3/");
        assert_eq!(endpoint("http://127.0.0.1:3000/"), "http://127.0.0.1:3000/_local/s3/");
    }

    #[test]
    fn public_media_stays_under_its_prefix() {
        assert_eq!(public_key("media/", "01J/320.jpg").as_deref(), Some("media/01J/320.jpg"));
        assert_eq!(public_key("media/", "01J/red%20car.jpg").as_deref(), Some("media/01J/red car.jpg"));
        for climbing in [
            "../documents/01J.pdf",
            "%2e%2e/documents/01J.pdf",
            "01J/../../quarantine/01J",
            "..%2Fdocuments%2F01J.pdf",
            "01J%2f320.jpg",
            "..%5cdocuments",
            "./01J/320.jpg",
            "01J//320.jpg",
            "",
        ] {
            assert_eq!(public_key("media/", climbing), None, "{climbing}");
        }
    }

    #[test]
    fn bucket_names_are_valid_s3_names() {
        let prefix = "t01jd5x0k9m3q4r5s6t7v8w9yz_";
        let name = local_bucket_name(prefix, "MediaBucket");
        assert_eq!(name, "t01jd5x0k9m3q4r5s6t7v8w9yz-mediabucket");
        assert_eq!(local_bucket_name("", "MediaBucket"), "mediabucket");
        assert_eq!(local_bucket_name("Souk--dev.", "B"), "souk-dev-b");
        assert_eq!(local_bucket_name("", "B"), "b-bucket");
        let long = local_bucket_name(&"p".repeat(60), "MediaBucket");
        let other = local_bucket_name(&"p".repeat(60), "DocumentsBucket");
        assert_eq!(long.len(), 63);
        assert_ne!(long, other);
        for name in [name, long, other, local_bucket_name("_x_", "_")] {
            assert!(valid_bucket_name(&name), "{name}");
            assert!(!name.contains("--"), "{name}");
        }
    }

    #[test]
    fn event_keys_are_url_encoded_as_s3_writes_them() {
        assert_eq!(event_key("quarantine/01JD5X0K9M"), "quarantine/01JD5X0K9M");
        assert_eq!(event_key("red flower.jpg"), "red+flower.jpg");
        assert_eq!(event_key("a+b=c:d(1).jpg"), "a%2Bb%3Dc%3Ad%281%29.jpg");
        assert_eq!(event_key("صورة.jpg"), "%D8%B5%D9%88%D8%B1%D8%A9.jpg");
    }

    fn created() -> ObjectCreated {
        ObjectCreated {
            bucket: "souk-media".into(),
            key: "quarantine/01JD5X0K9M red.jpg".into(),
            size: 1024,
            etag: "0123456789abcdef0123456789abcdef".into(),
            sequencer: "0055AED6DCD90281E5".into(),
            creation: Creation::Put,
            request_id: "C3D13FE58DE4C810".into(),
            host_id: "FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD".into(),
        }
    }

    /// An object-created event shaped as in the S3 user guide's "Event message structure"
    /// (version 2.1), for an object of a bucket without versioning.
    fn documented_event() -> Value {
        json!({
            "Records": [{
                "eventVersion": "2.1",
                "eventSource": "aws:s3",
                "awsRegion": "us-west-2",
                "eventTime": "1970-01-01T00:00:00.000Z",
                "eventName": "ObjectCreated:Put",
                "userIdentity": { "principalId": "AWS:AIDAJDPLRKLG7UEXAMPLE" },
                "requestParameters": { "sourceIPAddress": "127.0.0.1" },
                "responseElements": {
                    "x-amz-request-id": "C3D13FE58DE4C810",
                    "x-amz-id-2": "FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD"
                },
                "s3": {
                    "s3SchemaVersion": "1.0",
                    "configurationId": "testConfigRule",
                    "bucket": {
                        "name": "amzn-s3-demo-bucket",
                        "ownerIdentity": { "principalId": "A3NL1KOZZKExample" },
                        "arn": "arn:aws:s3:::amzn-s3-demo-bucket"
                    },
                    "object": {
                        "key": "HappyFace.jpg",
                        "size": 1024,
                        "eTag": "d41d8cd98f00b204e9800998ecf8427e",
                        "sequencer": "0055AED6DCD90281E5"
                    }
                }
            }]
        })
    }

    /// Every field's path and JSON type; the fields the event crate writes as `null` when unset
    /// (`versionId`, `urlDecodedKey`) are absent from S3's events.
    fn shape(value: &Value, path: &str, into: &mut Vec<String>) {
        match value {
            Value::Object(fields) => {
                for (name, field) in fields {
                    shape(field, &format!("{path}.{name}"), into);
                }
            }
            Value::Array(items) => items.iter().for_each(|item| shape(item, &format!("{path}[]"), into)),
            Value::Null => {}
            Value::String(_) => into.push(format!("{path}: string")),
            Value::Number(_) => into.push(format!("{path}: number")),
            Value::Bool(_) => into.push(format!("{path}: bool")),
        }
    }

    #[test]
    fn object_created_events_are_shaped_as_s3s() {
        let at = time::macros::datetime!(2026-03-01 10:15:30.123_456_789 UTC);
        let event = serde_json::to_value(object_created_event(&created(), "eu-south-1", at)).unwrap();
        let (mut ours, mut documented) = (vec![], vec![]);
        shape(&event, "", &mut ours);
        shape(&documented_event(), "", &mut documented);
        ours.sort();
        documented.sort();
        assert_eq!(ours, documented);
        let record = &event["Records"][0];
        assert_eq!(record["eventVersion"], "2.1");
        assert_eq!(record["eventSource"], "aws:s3");
        assert_eq!(record["awsRegion"], "eu-south-1");
        assert_eq!(record["eventTime"], "2026-03-01T10:15:30.123Z");
        assert_eq!(record["eventName"], "ObjectCreated:Put");
        assert_eq!(record["s3"]["bucket"]["name"], "souk-media");
        assert_eq!(record["s3"]["bucket"]["arn"], "arn:aws:s3:::souk-media");
        assert_eq!(record["s3"]["object"]["key"], "quarantine/01JD5X0K9M+red.jpg");
        assert_eq!(record["s3"]["object"]["size"], 1024);
        assert_eq!(record["s3"]["object"]["eTag"], "0123456789abcdef0123456789abcdef");
        assert_eq!(record["s3"]["object"]["sequencer"], "0055AED6DCD90281E5");
        assert_eq!(record["responseElements"]["x-amz-request-id"], "C3D13FE58DE4C810");
        let copied = ObjectCreated { creation: Creation::Copy, ..created() };
        let event = serde_json::to_value(object_created_event(&copied, "eu-south-1", at)).unwrap();
        assert_eq!(event["Records"][0]["eventName"], "ObjectCreated:Copy");
        let read: S3Event = serde_json::from_value(documented_event()).unwrap();
        assert_eq!(read.records[0].s3.object.key.as_deref(), Some("HappyFace.jpg"));
    }

    #[test]
    fn sequencers_grow() {
        let s3 = LocalS3::new("http://127.0.0.1:9".into());
        let first = s3.next_sequencer();
        let second = s3.next_sequencer();
        assert_eq!(first.len(), 18);
        assert!(second > first, "{second} > {first}");
    }
}
