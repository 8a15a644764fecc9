//! Calendar days in Egypt's time zone, `Africa/Cairo`, the days the business counts by. Cairo
//! keeps daylight saving time, so one day a year lasts 23 hours (the last Friday of April, whose
//! midnight does not exist: it starts at 01:00) and one lasts 25 (the last Thursday of October,
//! whose last hour happens twice). The zone's rules are compiled in (`jiff::tz::get!`): Lambda's
//! `provided.al2023` has no tz database to read.

use std::fmt;
use std::str::FromStr;

use jiff::Timestamp as Instant;
use jiff::civil::Date;
use jiff::tz::TimeZone;

use crate::clock::Timestamp;

static CAIRO: TimeZone = jiff::tz::get!("Africa/Cairo");

/// A calendar day in Cairo, written `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CairoDate(Date);

impl CairoDate {
    /// The day in Cairo during which `at` happened.
    pub fn of(at: Timestamp) -> Self {
        Self(instant(at).to_zoned_datetime(CAIRO.clone()).date())
    }

    /// The first instant of the day (01:00 on the day daylight saving time starts).
    pub fn start(self) -> Timestamp {
        let zoned =
            self.0.to_zoned_datetime(CAIRO.clone()).expect("every day of the supported years has a start in Cairo");
        timestamp(zoned.timestamp())
    }

    /// The first instant of the next day: a day is `[start, end)`.
    pub fn end(self) -> Timestamp {
        self.next().start()
    }

    pub fn next(self) -> Self {
        Self(self.0.tomorrow().expect("a day before the end of the calendar"))
    }

    pub fn previous(self) -> Self {
        Self(self.0.yesterday().expect("a day after the start of the calendar"))
    }

    /// The days from `self` to `other`, inclusive: 1 for the same day.
    pub fn days_through(self, other: Self) -> i64 {
        i64::from((other.0 - self.0).get_days()) + 1
    }
}

impl FromStr for CairoDate {
    type Err = InvalidDate;

    /// `YYYY-MM-DD` exactly, a real date of the years 1970 to 9998.
    fn from_str(s: &str) -> Result<Self, InvalidDate> {
        let well_formed = s.len() == 10
            && s.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
        let date: Date = if well_formed { s.parse().map_err(|_| InvalidDate)? } else { return Err(InvalidDate) };
        if !(1970..=9998).contains(&date.year()) {
            return Err(InvalidDate);
        }
        Ok(Self(date))
    }
}

impl fmt::Display for CairoDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl serde::Serialize for CairoDate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for CairoDate {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("must be a date written YYYY-MM-DD")]
pub struct InvalidDate;

fn instant(at: Timestamp) -> Instant {
    Instant::from_millisecond(at.unix_millis()).expect("a timestamp of the domain is in jiff's range")
}

fn timestamp(at: Instant) -> Timestamp {
    Timestamp::from_unix_millis(at.as_millisecond())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> CairoDate {
        s.parse().unwrap()
    }

    fn at(rfc3339: &str) -> Timestamp {
        timestamp(rfc3339.parse().unwrap())
    }

    fn hours(day: CairoDate) -> i64 {
        (day.end().unix_millis() - day.start().unix_millis()) / 3_600_000
    }

    #[test]
    fn an_ordinary_day_is_24_hours_from_cairo_midnight() {
        let day = date("2025-01-15");
        assert_eq!(day.start(), at("2025-01-14T22:00:00Z"), "UTC+2 in winter");
        assert_eq!(hours(day), 24);
        assert_eq!(hours(date("2025-07-15")), 24);
        assert_eq!(date("2025-07-15").start(), at("2025-07-14T21:00:00Z"), "UTC+3 in summer");
    }

    #[test]
    fn the_day_daylight_saving_time_starts_is_23_hours_and_starts_at_one() {
        // 2025: the last Friday of April, 00:00 became 01:00.
        let day = date("2025-04-25");
        assert_eq!(hours(day), 23);
        assert_eq!(day.start(), at("2025-04-24T22:00:00Z"), "01:00 EEST is 22:00 UTC, as 00:00 EET would have been");
        assert_eq!(CairoDate::of(at("2025-04-24T21:59:59.999Z")), date("2025-04-24"));
        assert_eq!(CairoDate::of(at("2025-04-24T22:00:00Z")), date("2025-04-25"));
        assert_eq!(CairoDate::of(at("2025-04-25T20:59:59.999Z")), date("2025-04-25"), "23:59:59 EEST");
        assert_eq!(CairoDate::of(at("2025-04-25T21:00:00Z")), date("2025-04-26"));
    }

    #[test]
    fn the_day_daylight_saving_time_ends_is_25_hours() {
        // 2025: the last Thursday of October, 24:00 became 23:00 again.
        let day = date("2025-10-30");
        assert_eq!(hours(day), 25);
        assert_eq!(day.start(), at("2025-10-29T21:00:00Z"));
        assert_eq!(day.end(), at("2025-10-30T22:00:00Z"));
        // Both passes through 23:30 are the same day.
        assert_eq!(CairoDate::of(at("2025-10-30T20:30:00Z")), day, "23:30 EEST");
        assert_eq!(CairoDate::of(at("2025-10-30T21:30:00Z")), day, "23:30 EET");
        assert_eq!(CairoDate::of(at("2025-10-30T22:00:00Z")), date("2025-10-31"));
    }

    #[test]
    fn a_year_of_days_covers_every_instant_once() {
        let mut day = date("2025-01-01");
        let mut total_hours = 0;
        while day != date("2026-01-01") {
            assert_eq!(day.end(), day.next().start());
            total_hours += hours(day);
            day = day.next();
        }
        assert_eq!(total_hours, 365 * 24);
    }

    #[test]
    fn dates_parse_in_one_spelling_only() {
        assert_eq!(date("2026-02-28").to_string(), "2026-02-28");
        for bad in
            ["2026-02-29", "2026-2-28", "20260228", "2026-02-28T00:00", " 2026-02-28", "1969-12-31", "+02026-02-28", ""]
        {
            assert_eq!(bad.parse::<CairoDate>(), Err(InvalidDate), "{bad:?}");
        }
        assert_eq!(date("2024-01-01").days_through(date("2024-12-31")), 366);
        assert_eq!(date("2024-01-01").days_through(date("2024-01-01")), 1);
    }
}
