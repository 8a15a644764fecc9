//! Ids in API Gateway's shape: 11 random bytes in standard base64, 16 characters ending in `=`
//! (`L0SM9cOFvHcCIhw=`). Connection ids carry `/`, `+` and `=`, so a function that does not
//! percent-encode one in an `@connections` path fails here as it would in AWS.

use base64::Engine;

pub fn random_id() -> String {
    base64::engine::general_purpose::STANDARD.encode(rand::random::<[u8; 11]>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_look_like_api_gateways() {
        let id = random_id();
        assert_eq!(id.len(), 16);
        assert!(id.ends_with('='), "{id}");
        assert_ne!(random_id(), id);
    }
}
