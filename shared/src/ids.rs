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

impl MessageId {
    /// A new id minted at `at`, greater than every id this process minted before: messages one
    /// sender sends within a millisecond keep the order they were sent in.
    pub fn next_at(at: crate::clock::Timestamp) -> Self {
        static GENERATOR: std::sync::Mutex<ulid::Generator> = std::sync::Mutex::new(ulid::Generator::new());
        let time = std::time::UNIX_EPOCH + std::time::Duration::from_millis(at.unix_millis().max(0) as u64);
        let mut generator = GENERATOR.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        // Overflow needs 2^80 ids in one millisecond; a fresh id is then as good.
        generator.generate_from_datetime(time).map(Self).unwrap_or_else(|_| Self::created_at(at))
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Timestamp;

    #[test]
    fn messages_minted_in_one_millisecond_keep_their_order() {
        let at = Timestamp::from_unix_millis(1_790_000_000_000);
        let ids: Vec<MessageId> = (0..100).map(|_| MessageId::next_at(at)).collect();
        assert!(ids.windows(2).all(|pair| pair[0] < pair[1]));
        assert!(MessageId::next_at(Timestamp::from_unix_millis(1_790_000_000_001)) > ids[99]);
    }
}
