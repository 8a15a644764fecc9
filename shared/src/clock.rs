//! Time as the domain sees it: RFC 3339 UTC timestamps with millisecond precision.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::{OffsetDateTime, format_description::well_known::Rfc3339, macros::format_description};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(OffsetDateTime);

impl Timestamp {
    pub fn now() -> Self {
        Self::from(OffsetDateTime::now_utc())
    }

    pub fn from_unix_millis(ms: i64) -> Self {
        Self::from(
            OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
                .expect("milliseconds since 1970 fit in a timestamp"),
        )
    }

    pub fn unix_millis(self) -> i64 {
        (self.0.unix_timestamp_nanos() / 1_000_000) as i64
    }

    pub fn as_offset_date_time(self) -> OffsetDateTime {
        self.0
    }
}

impl From<OffsetDateTime> for Timestamp {
    /// Normalised to UTC and whole milliseconds, so a value survives a round trip through JSON.
    fn from(t: OffsetDateTime) -> Self {
        let t = t.to_offset(time::UtcOffset::UTC);
        let ms = t.millisecond();
        Self(t.replace_nanosecond(u32::from(ms) * 1_000_000).expect("whole milliseconds are valid"))
    }
}

impl std::fmt::Display for Timestamp {
    /// `2023-11-14T22:13:20.123Z`. Written digit by digit: every product and order a response
    /// carries has two of these, and the general formatter took a few per cent of a listing.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let t = self.0;
        // Four digits, as RFC 3339 has them; any other year the general formatter writes.
        let Some(year) = u16::try_from(t.year()).ok().filter(|year| *year <= 9999) else {
            let format = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");
            return f.write_str(&t.format(&format).map_err(|_| std::fmt::Error)?);
        };
        let mut text = *b"0000-00-00T00:00:00.000Z";
        let mut digits = |at: usize, width: usize, mut value: u16| {
            for place in (at..at + width).rev() {
                text[place] = b'0' + (value % 10) as u8;
                value /= 10;
            }
        };
        digits(0, 4, year);
        digits(5, 2, u16::from(u8::from(t.month())));
        digits(8, 2, u16::from(t.day()));
        digits(11, 2, u16::from(t.hour()));
        digits(14, 2, u16::from(t.minute()));
        digits(17, 2, u16::from(t.second()));
        digits(20, 3, t.millisecond());
        f.write_str(std::str::from_utf8(&text).map_err(|_| std::fmt::Error)?)
    }
}

impl std::str::FromStr for Timestamp {
    type Err = time::error::Parse;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        OffsetDateTime::parse(s, &Rfc3339).map(Self::from)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Text;
        impl serde::de::Visitor<'_> for Text {
            type Value = Timestamp;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an RFC 3339 timestamp")
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Timestamp, E> {
                text.parse().map_err(E::custom)
            }
        }
        d.deserialize_str(Text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_as_rfc3339_utc_with_milliseconds() {
        let t = Timestamp::from_unix_millis(1_700_000_000_123);
        assert_eq!(t.to_string(), "2023-11-14T22:13:20.123Z");
        assert_eq!("2023-11-15T00:13:20.123+02:00".parse::<Timestamp>().unwrap(), t);
        assert_eq!(serde_json::from_str::<Timestamp>(r#""2023-11-14T22:13:20.123Z""#).unwrap(), t);
        assert_eq!(Timestamp::from_unix_millis(0).to_string(), "1970-01-01T00:00:00.000Z");
    }

    #[test]
    fn is_written_as_the_general_formatter_writes_it() {
        let format = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");
        // From 1970 to past 2100, steps that move every field.
        for ms in (0..4_200_000_000_000_i64).step_by(7_777_777_777) {
            let t = Timestamp::from_unix_millis(ms + ms % 1000);
            assert_eq!(t.to_string(), t.0.format(&format).unwrap());
        }
    }
}

/// Where "now" comes from: the system clock in production, a hand-moved one in tests (rate-limit
/// windows and token expiry are tested without sleeping).
pub trait Clock: Send + Sync + std::fmt::Debug {
    fn now(&self) -> Timestamp;
}

#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// A clock that stands still until moved.
#[derive(Debug)]
pub struct ManualClock(std::sync::Mutex<Timestamp>);

impl ManualClock {
    pub fn new(at: Timestamp) -> Self {
        Self(std::sync::Mutex::new(at))
    }

    pub fn set(&self, at: Timestamp) {
        *self.0.lock().expect("clock lock") = at;
    }

    pub fn advance(&self, by: std::time::Duration) {
        let mut now = self.0.lock().expect("clock lock");
        *now = Timestamp::from_unix_millis(now.unix_millis() + by.as_millis() as i64);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        *self.0.lock().expect("clock lock")
    }
}

impl Timestamp {
    pub fn plus(self, by: std::time::Duration) -> Self {
        Self::from_unix_millis(self.unix_millis() + by.as_millis() as i64)
    }

    pub fn unix_seconds(self) -> i64 {
        self.unix_millis().div_euclid(1000)
    }
}
