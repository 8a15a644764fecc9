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

/// A way a message reaches a user; delivery subscriptions filter on its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    Email,
    Sms,
    Push,
}

impl Channel {
    pub const ALL: [Self; 3] = [Self::Email, Self::Sms, Self::Push];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Sms => "sms",
            Self::Push => "push",
        }
    }
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
    pub fn allows(&self, channel: Channel) -> bool {
        match channel {
            Channel::Email => self.email,
            Channel::Sms => self.sms,
            Channel::Push => self.push,
        }
    }

    /// The names of the channels that are on, as delivery subscriptions filter on them.
    pub fn names(&self) -> Vec<&'static str> {
        Channel::ALL.into_iter().filter(|c| self.allows(*c)).map(Channel::as_str).collect()
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
        let names: Vec<String> = Channel::ALL.iter().map(|c| serde_json::to_value(c).unwrap().to_string()).collect();
        assert_eq!(names, [r#""email""#, r#""sms""#, r#""push""#], "serialized as their names");
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
