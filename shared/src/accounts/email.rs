//! Email addresses, trimmed and lower-cased so one mailbox is one account.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let email = raw.trim().to_lowercase();
        let invalid = || "must be a valid email address".to_owned();
        if email.len() > 254 {
            return Err(invalid());
        }
        let (local, domain) = email.split_once('@').ok_or_else(invalid)?;
        let local_ok = (1..=64).contains(&local.len())
            && local.bytes().all(|b| b.is_ascii_graphic() && !b"\"(),:;<>@[\\]".contains(&b))
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..");
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && labels.iter().all(|l| {
                (1..=63).contains(&l.len())
                    && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                    && !l.starts_with('-')
                    && !l.ends_with('-')
            });
        if local_ok && domain_ok { Ok(Self(email)) } else { Err(invalid()) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A stable pseudonym for keys and audit records that must not hold the address itself.
    pub fn digest(&self) -> String {
        use sha2::{Digest, Sha256};
        Sha256::digest(self.0.as_bytes())[..16].iter().map(|b| format!("{b:02x}")).collect()
    }
}

impl TryFrom<String> for Email {
    type Error = String;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<Email> for String {
    fn from(email: Email) -> Self {
        email.0
    }
}

impl std::fmt::Display for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::Email;

    #[test]
    fn normalises_case_and_whitespace() {
        assert_eq!(Email::parse("  Mona.Hassan@Example.COM ").unwrap().as_str(), "mona.hassan@example.com");
    }

    #[test]
    fn rejects_what_cannot_be_an_address() {
        for bad in [
            "",
            "mona",
            "mona@",
            "@example.com",
            "mona@example",
            "mo na@example.com",
            "a@b@c.com",
            "mona@-x.com",
            "mona..h@example.com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }
}
