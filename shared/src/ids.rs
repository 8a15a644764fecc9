//! Identifiers: opaque, time-sortable ULIDs in their canonical (upper-case) spelling, one type per
//! kind of thing so a user id can never be passed where a product id is expected.

macro_rules! ulid_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(ulid::Ulid);

        impl $name {
            pub fn new() -> Self {
                Self(ulid::Ulid::new())
            }

            /// An id minted at `at`: tests and data loaders use it to control `newest` order.
            pub fn created_at(at: crate::clock::Timestamp) -> Self {
                Self(ulid::Ulid::from_parts(at.unix_millis() as u64, ulid::Ulid::new().random()))
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = ulid::DecodeError;

            /// Canonical spelling only, so one thing has exactly one id string.
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let id = ulid::Ulid::from_string(s)?;
                if id.to_string() == s { Ok(Self(id)) } else { Err(ulid::DecodeError::InvalidChar) }
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                <String as serde::Deserialize>::deserialize(d)?.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

ulid_id!(
    /// A product; `newest` order is id order.
    ProductId
);
ulid_id!(
    /// A user account (customer, vendor or admin); a vendor's id is their user id.
    UserId
);
ulid_id!(
    /// A refresh-token family: every token rotated from one login.
    SessionId
);
ulid_id!(
    /// A vendor application.
    ApplicationId
);
ulid_id!(
    /// An order (one vendor's part of a checkout).
    OrderId
);
ulid_id!(
    /// A checkout: the orders one basket became.
    CheckoutId
);
ulid_id!(
    /// A notification in a user's inbox.
    NotificationId
);
ulid_id!(
    /// A request to recompute the analytics.
    RefreshId
);
ulid_id!(
    /// A file a user uploads (a product photo, a vendor's document).
    UploadId
);

impl NotificationId {
    /// The same id for the same `key` at the same time, so a notification retried after a failure
    /// lands on the same inbox entry; still ordered by time.
    pub fn derived(key: &str, at: crate::clock::Timestamp) -> Self {
        use sha2::{Digest, Sha256};
        let digest = Sha256::digest(key.as_bytes());
        let random = u128::from_be_bytes(digest[..16].try_into().expect("16 bytes")) >> 48;
        Self(ulid::Ulid::from_parts(at.unix_millis() as u64, random))
    }
}
ulid_id!(
    /// A conversation between a buyer and the seller of a product.
    ConversationId
);
ulid_id!(
    /// A message in a conversation; a conversation's messages are in id order.
    MessageId
);
