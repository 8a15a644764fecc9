//! AWS Signature Version 4 for the direct DynamoDB calls' one request shape: `POST /`, no query
//! string, a JSON body.
//!
//! The SDK's general signer builds a canonical request for any HTTP request and costs about 10 µs
//! per call. Here the canonical request and the string to sign are fed straight into their hashes,
//! and the signing key is derived once a day, not once a call. The tests check every signature
//! against `aws-sigv4`'s.

use std::fmt;
use std::sync::{Mutex, PoisonError};
use std::time::SystemTime;

use aws_sdk_dynamodb::config::Credentials;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

/// The `content-type` every signed call sends, and signs.
pub const CONTENT_TYPE: &str = "application/x-amz-json-1.0";

const SERVICE: &str = "dynamodb";
const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// Signs DynamoDB calls of one region.
pub struct Signer {
    region: String,
    day_key: Mutex<Option<DayKey>>,
}

/// A signing key and what it was derived from: it holds for one UTC day and one set of credentials.
struct DayKey {
    date: String,
    access_key_id: String,
    secret_access_key: String,
    key: [u8; 32],
}

/// The headers a signed call carries besides host, content-type and x-amz-target.
pub struct Signature {
    /// `x-amz-date`: `YYYYMMDDTHHMMSSZ`.
    pub amz_date: String,
    /// `authorization`.
    pub authorization: String,
}

// By hand, so that the cached key and the secret it was derived from can never be printed.
impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer").field("region", &self.region).finish_non_exhaustive()
    }
}

impl Signer {
    pub fn new(region: impl Into<String>) -> Self {
        Self { region: region.into(), day_key: Mutex::new(None) }
    }

    /// Signs `POST /` to `host` with `x-amz-target: target` and `body`, at `at`.
    /// Signed headers, in this order: content-type (always [`CONTENT_TYPE`]), host, x-amz-date,
    /// x-amz-security-token (only when the credentials have a session token; the caller sends it
    /// as a header too), x-amz-target.
    pub fn sign(&self, credentials: &Credentials, host: &str, target: &str, body: &[u8], at: SystemTime) -> Signature {
        let at = OffsetDateTime::from(at);
        let amz_date = format!(
            "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
            at.year(),
            u8::from(at.month()),
            at.day(),
            at.hour(),
            at.minute(),
            at.second()
        );
        let date = &amz_date[..8];
        let session_token = credentials.session_token();
        let signed_headers = if session_token.is_some() {
            "content-type;host;x-amz-date;x-amz-security-token;x-amz-target"
        } else {
            "content-type;host;x-amz-date;x-amz-target"
        };

        let mut canonical_request = Sha256::new();
        for part in ["POST\n/\n\ncontent-type:", CONTENT_TYPE, "\nhost:", host, "\nx-amz-date:", &amz_date, "\n"] {
            canonical_request.update(part);
        }
        if let Some(token) = session_token {
            for part in ["x-amz-security-token:", token, "\n"] {
                canonical_request.update(part);
            }
        }
        for part in ["x-amz-target:", target, "\n\n", signed_headers, "\n"] {
            canonical_request.update(part);
        }
        canonical_request.update(hex(&Sha256::digest(body).into()));

        let mut string_to_sign = hmac(&self.signing_key(date, credentials));
        for part in [ALGORITHM, "\n", &amz_date, "\n", date, "/", &self.region, "/", SERVICE, "/aws4_request\n"] {
            string_to_sign.update(part.as_bytes());
        }
        string_to_sign.update(&hex(&canonical_request.finalize().into()));
        let signature = hex(&string_to_sign.finalize().into_bytes().into());

        let authorization = [
            ALGORITHM,
            " Credential=",
            credentials.access_key_id(),
            "/",
            date,
            "/",
            &self.region,
            "/",
            SERVICE,
            "/aws4_request, SignedHeaders=",
            signed_headers,
            ", Signature=",
            std::str::from_utf8(&signature).expect("hex digits are ASCII"),
        ]
        .concat();
        Signature { amz_date, authorization }
    }

    /// The day's signing key, derived again when the day or the credentials change. The lock is not
    /// held while deriving, so a caller never waits on another's four HMACs.
    fn signing_key(&self, date: &str, credentials: &Credentials) -> [u8; 32] {
        let (access_key_id, secret_access_key) = (credentials.access_key_id(), credentials.secret_access_key());
        if let Some(cached) = self.day_key.lock().unwrap_or_else(PoisonError::into_inner).as_ref()
            && cached.date == date
            && cached.access_key_id == access_key_id
            && cached.secret_access_key == secret_access_key
        {
            return cached.key;
        }
        let mut key = [b"AWS4", secret_access_key.as_bytes()].concat();
        for part in [date, &self.region, SERVICE, "aws4_request"] {
            let mut mac = hmac(&key);
            mac.update(part.as_bytes());
            key = mac.finalize().into_bytes().to_vec();
        }
        let key: [u8; 32] = key.try_into().expect("HMAC-SHA256 gives 32 bytes");
        *self.day_key.lock().unwrap_or_else(PoisonError::into_inner) = Some(DayKey {
            date: date.to_owned(),
            access_key_id: access_key_id.to_owned(),
            secret_access_key: secret_access_key.to_owned(),
            key,
        });
        key
    }
}

fn hmac(key: &[u8]) -> Hmac<Sha256> {
    Hmac::new_from_slice(key).expect("HMAC takes a key of any length")
}

/// Lowercase hex of a SHA-256 digest.
fn hex(digest: &[u8; 32]) -> [u8; 64] {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = [0; 64];
    for (i, byte) in digest.iter().enumerate() {
        out[2 * i] = DIGITS[usize::from(byte >> 4)];
        out[2 * i + 1] = DIGITS[usize::from(byte & 0xf)];
    }
    out
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
    use aws_smithy_runtime_api::client::identity::Identity;

    use super::*;

    const REGION: &str = "eu-west-1";
    const HOST: &str = "dynamodb.eu-west-1.amazonaws.com";
    const TARGET: &str = "DynamoDB_20120810.GetItem";
    const BODY: &[u8] = br#"{"TableName":"products","Key":{"pk":{"S":"PRODUCT#01J"}}}"#;
    /// 2024-03-09T23:59:58.75Z: the next day is two seconds away, and the fraction must be dropped.
    const LATE_EVENING: Duration = Duration::new(1_710_028_798, 750_000_000);

    fn credentials(access_key_id: &str, secret: &str, session_token: Option<&str>) -> Credentials {
        Credentials::new(access_key_id, secret, session_token.map(str::to_owned), None, "test")
    }

    fn plain() -> Credentials {
        credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None)
    }

    /// What aws-sigv4 signs the same call with: `x-amz-date`, `authorization`, and the
    /// `x-amz-security-token` it tells the caller to send.
    fn oracle(credentials: &Credentials, host: &str, body: &[u8], at: SystemTime) -> (String, String, Option<String>) {
        let identity = Identity::from(credentials.clone());
        let params = aws_sigv4::sign::v4::SigningParams::builder()
            .identity(&identity)
            .region(REGION)
            .name("dynamodb")
            .time(at)
            .settings(SigningSettings::default())
            .build()
            .unwrap()
            .into();
        let headers = [("content-type", CONTENT_TYPE), ("host", host), ("x-amz-target", TARGET)];
        let request =
            SignableRequest::new("POST", format!("https://{host}/"), headers.into_iter(), SignableBody::Bytes(body))
                .unwrap();
        let (instructions, _) = sign(request, &params).unwrap().into_parts();
        let header =
            |name: &str| instructions.headers().find(|(key, _)| *key == name).map(|(_, value)| value.to_owned());
        (header("x-amz-date").unwrap(), header("authorization").unwrap(), header("x-amz-security-token"))
    }

    fn assert_signs_like_aws_sigv4(
        signer: &Signer,
        credentials: &Credentials,
        host: &str,
        body: &[u8],
        at: SystemTime,
    ) {
        let ours = signer.sign(credentials, host, TARGET, body, at);
        let (amz_date, authorization, _) = oracle(credentials, host, body, at);
        assert_eq!(ours.amz_date, amz_date);
        assert_eq!(ours.authorization, authorization);
    }

    #[test]
    fn signs_like_aws_sigv4_without_a_session_token() {
        let at = UNIX_EPOCH + LATE_EVENING;
        let signature = Signer::new(REGION).sign(&plain(), HOST, TARGET, BODY, at);
        assert_eq!(signature.amz_date, "20240309T235958Z");
        assert!(signature.authorization.contains("SignedHeaders=content-type;host;x-amz-date;x-amz-target,"));
        assert_signs_like_aws_sigv4(&Signer::new(REGION), &plain(), HOST, BODY, at);
        assert_signs_like_aws_sigv4(&Signer::new(REGION), &plain(), "127.0.0.1:8000", BODY, at);
    }

    #[test]
    fn signs_like_aws_sigv4_with_a_session_token() {
        let token = "IQoJb3JpZ2luX2VjEXAMPLE//////////wEaCWV1LXdlc3QtMSJHMEUCIQ+token/with=signs==";
        let with_token = credentials("ASIAEXAMPLE", "secret/key+with=signs", Some(token));
        let at = UNIX_EPOCH + LATE_EVENING;
        let signature = Signer::new(REGION).sign(&with_token, HOST, TARGET, BODY, at);
        assert!(
            signature
                .authorization
                .contains("SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target,")
        );
        assert_signs_like_aws_sigv4(&Signer::new(REGION), &with_token, HOST, BODY, at);
        // aws-sigv4 signs the token and also hands it back as a header to send, unchanged.
        assert_eq!(oracle(&with_token, HOST, BODY, at).2.as_deref(), Some(token));
    }

    #[test]
    fn signs_arabic_and_escaped_json_like_aws_sigv4() {
        let body = r#"{"Item":{"title":{"S":"قهوة عربية \"أصيلة\"\n\\ \u00e9"}}}"#.as_bytes();
        assert_signs_like_aws_sigv4(&Signer::new(REGION), &plain(), HOST, body, UNIX_EPOCH + LATE_EVENING);
    }

    #[test]
    fn same_day_signings_reuse_the_key() {
        let signer = Signer::new(REGION);
        let evening = UNIX_EPOCH + LATE_EVENING;
        assert_signs_like_aws_sigv4(&signer, &plain(), HOST, BODY, evening - Duration::from_secs(12 * 3600));
        assert_signs_like_aws_sigv4(&signer, &plain(), HOST, b"{}", evening);
        // A spoiled cached key spoils the next signature: it was reused, not derived again.
        signer.day_key.lock().unwrap().as_mut().unwrap().key[0] ^= 1;
        let spoiled = signer.sign(&plain(), HOST, TARGET, BODY, evening);
        assert_ne!(spoiled.authorization, oracle(&plain(), HOST, BODY, evening).1);
    }

    #[test]
    fn a_new_day_or_new_credentials_derive_a_new_key() {
        let signer = Signer::new(REGION);
        let evening = UNIX_EPOCH + LATE_EVENING;
        assert_signs_like_aws_sigv4(&signer, &plain(), HOST, BODY, evening);
        let next_day = evening + Duration::from_secs(2);
        assert_eq!(signer.sign(&plain(), HOST, TARGET, BODY, next_day).amz_date, "20240310T000000Z");
        assert_signs_like_aws_sigv4(&signer, &plain(), HOST, BODY, next_day);
        let other_key_id = credentials("AKIDOTHER", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None);
        assert_signs_like_aws_sigv4(&signer, &other_key_id, HOST, BODY, next_day);
        let other_secret = credentials("AKIDOTHER", "rotated-secret", None);
        assert_signs_like_aws_sigv4(&signer, &other_secret, HOST, BODY, next_day);
    }
}
