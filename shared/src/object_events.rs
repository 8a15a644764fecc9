//! S3 object-created triggers: S3 invokes the function asynchronously with a batch of records;
//! a failure fails the whole invocation, which Lambda retries and finally hands to the function's
//! failure destination. Triggers must be idempotent: S3 delivers an event at least once.

use std::future::Future;

pub use aws_lambda_events::event::s3::{S3Event as ObjectEvent, S3EventRecord as ObjectRecord};

use crate::error::ApiError;

pub trait ObjectTrigger: Send + Sync + 'static {
    /// Handles the object `key` (decoded) that arrived in `bucket`.
    fn handle(&self, bucket: &str, key: &str) -> impl Future<Output = Result<(), ApiError>> + Send;
}

/// Runs `trigger` over every record; the first failure fails the invocation, after the others
/// had their turn (a retry repeats the ones that succeeded, which changes nothing).
pub async fn process<T: ObjectTrigger>(trigger: &T, event: &ObjectEvent) -> Result<(), ApiError> {
    let mut first_failure = None;
    for record in &event.records {
        let (Some(bucket), Some(key)) = (record.s3.bucket.name.as_deref(), record.s3.object.key.as_deref()) else {
            tracing::warn!("object event without a bucket or key");
            continue;
        };
        // Boxed (and type-erased) so a trigger's deep future does not nest inside the batch's.
        let key = decoded_key(key);
        let handled: std::pin::Pin<Box<dyn Future<Output = Result<(), ApiError>> + Send + '_>> =
            Box::pin(trigger.handle(bucket, &key));
        if let Err(error) = handled.await {
            tracing::error!(error = %error, cause = ?std::error::Error::source(&error).map(ToString::to_string), "object record failed");
            first_failure.get_or_insert(error);
        }
    }
    first_failure.map_or(Ok(()), Err)
}

/// S3 event keys are URL-encoded, with `+` for a space.
pub fn decoded_key(encoded: &str) -> String {
    let bytes = encoded.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match std::str::from_utf8(&bytes[i + 1..i + 3]).ok().and_then(|hex| u8::from_str_radix(hex, 16).ok()) {
                    Some(byte) => {
                        out.push(byte);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_decoded_as_s3_encodes_them() {
        assert_eq!(decoded_key("quarantine/01J0ABC"), "quarantine/01J0ABC");
        assert_eq!(decoded_key("a+b%2Fc%3D"), "a b/c=");
        assert_eq!(decoded_key("50%"), "50%");
    }
}
