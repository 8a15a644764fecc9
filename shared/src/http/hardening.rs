//! The headers every API response carries so that a browser treats it as data and nothing else,
//! as OWASP's REST security guidance lists them: never sniffed into script, never framed, only
//! over HTTPS, and not stored by caches unless the endpoint said it may be (public catalog reads
//! set their own `Cache-Control`).

use http::header::{self, HeaderMap, HeaderValue};

const FIXED: [(header::HeaderName, &str); 4] = [
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::X_FRAME_OPTIONS, "DENY"),
    (header::CONTENT_SECURITY_POLICY, "default-src 'none'; frame-ancestors 'none'"),
    (header::STRICT_TRANSPORT_SECURITY, "max-age=31536000; includeSubDomains"),
];

/// Adds the hardening headers to a response's `headers`.
pub fn harden(headers: &mut HeaderMap) {
    for (name, value) in FIXED {
        headers.insert(name, HeaderValue::from_static(value));
    }
    headers.entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static("no-store"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn responses_are_not_stored_unless_the_endpoint_allowed_it() {
        let mut private = HeaderMap::new();
        harden(&mut private);
        assert_eq!(private[header::CACHE_CONTROL], "no-store");
        assert_eq!(private[header::X_CONTENT_TYPE_OPTIONS], "nosniff");

        let mut public = HeaderMap::new();
        public.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=60"));
        harden(&mut public);
        assert_eq!(public[header::CACHE_CONTROL], "public, max-age=60");
    }
}
