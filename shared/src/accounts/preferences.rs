//! What a user chose about how the marketplace speaks to them: the language of messages and the
//! channels they may arrive by. Accounts made before preferences existed read as the defaults
//! (Arabic, every channel on).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    Ar,
    En,
}

/// The delivery channels a user accepts messages on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Channels {
    pub email: bool,
    pub sms: bool,
    pub push: bool,
}

impl Default for Channels {
    fn default() -> Self {
        Self { email: true, sms: true, push: true }
    }
}

impl Channels {
    /// The names of the channels that are on, as delivery subscriptions filter on them.
    pub fn names(&self) -> Vec<&'static str> {
        [("email", self.email), ("sms", self.sms), ("push", self.push)]
            .into_iter()
            .filter_map(|(name, on)| on.then_some(name))
            .collect()
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Preferences {
    pub language: Language,
    pub notifications: Channels,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_arabic_and_every_channel() {
        let defaults = serde_json::to_value(Preferences::default()).unwrap();
        assert_eq!(
            defaults,
            serde_json::json!({"language": "ar", "notifications": {"email": true, "sms": true, "push": true}})
        );
        assert_eq!(Channels::default().names(), ["email", "sms", "push"]);
    }

    #[test]
    fn unknown_languages_and_fields_are_refused() {
        let parse = |v: serde_json::Value| serde_json::from_value::<Preferences>(v);
        assert!(
            parse(serde_json::json!({"language": "fr", "notifications": {"email": true, "sms": true, "push": true}}))
                .is_err()
        );
        assert!(parse(serde_json::json!({"language": "en", "notifications": {"email": true, "sms": false, "push": true, "fax": true}})).is_err());
        let chosen =
            parse(serde_json::json!({"language": "en", "notifications": {"email": true, "sms": false, "push": true}}))
                .unwrap();
        assert_eq!(chosen.notifications.names(), ["email", "push"]);
    }
}
