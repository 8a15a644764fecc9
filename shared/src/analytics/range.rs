//! The days a report or a recomputation covers: `from` to `to` inclusive, Cairo days, at most a
//! year and a day (366) long.

use crate::calendar::CairoDate;
use crate::clock::Timestamp;
use crate::error::{ApiError, FieldErrors};
use crate::params::Params;

pub const MAX_DAYS: i64 = 366;

/// Orders are mostly cancelled within days of being placed; older days are kept right by the
/// triggers and can be recomputed on request.
pub const RECENT_DAYS: u32 = 7;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayRange {
    from: CairoDate,
    to: CairoDate,
}

impl DayRange {
    /// `from..=to`; 400 naming `to` when it comes before `from` or the range is over 366 days.
    pub fn new(from: CairoDate, to: CairoDate) -> Result<Self, ApiError> {
        let mut errors = FieldErrors::default();
        if to < from {
            errors.push("to", "must not be before from");
        } else if from.days_through(to) > MAX_DAYS {
            errors.push("to", format!("must be at most {MAX_DAYS} days from from"));
        }
        errors.finish(|| Self { from, to })
    }

    /// The range the parameters `from` and `to` name; both are required.
    pub fn required(params: &Params) -> Result<Self, ApiError> {
        Self::from_params(params, false)?.ok_or_else(|| ApiError::validation("from", "is required"))
    }

    /// The range the parameters `from` and `to` name, if any: both or neither.
    pub fn optional(params: &Params) -> Result<Option<Self>, ApiError> {
        Self::from_params(params, true)
    }

    /// The days a recomputation covers unless told otherwise: the last week, ending on `now`'s day.
    pub fn recent(now: Timestamp) -> Self {
        Self::ending(CairoDate::of(now), RECENT_DAYS)
    }

    fn from_params(params: &Params, optional: bool) -> Result<Option<Self>, ApiError> {
        let mut errors = FieldErrors::default();
        let date = |raw: &str| raw.parse::<CairoDate>().map_err(|e| e.to_string());
        let from = errors.take(params.get("from", date)).flatten();
        let to = errors.take(params.get("to", date)).flatten();
        let given = (params.raw("from").is_some(), params.raw("to").is_some());
        if given != (false, false) || !optional {
            for (name, is_given) in [("from", given.0), ("to", given.1)] {
                if !is_given {
                    errors.push(
                        name,
                        if optional { "must be given with the other end of the range" } else { "is required" },
                    );
                }
            }
        }
        errors.finish(|| ())?;
        from.zip(to).map(|(from, to)| Self::new(from, to)).transpose()
    }

    /// The `days` days that end with `last`.
    pub fn ending(last: CairoDate, days: u32) -> Self {
        let mut from = last;
        for _ in 1..days.max(1) {
            from = from.previous();
        }
        Self { from, to: last }
    }

    pub fn from(self) -> CairoDate {
        self.from
    }

    pub fn to(self) -> CairoDate {
        self.to
    }

    /// The range cut into consecutive stretches of at most `days` days, in order.
    pub fn stretches(self, days: u32) -> impl Iterator<Item = DayRange> {
        let mut next = Some(self.from);
        std::iter::from_fn(move || {
            let from = next?;
            let mut to = from;
            for _ in 1..days.max(1) {
                if to == self.to {
                    break;
                }
                to = to.next();
            }
            next = (to < self.to).then(|| to.next());
            Some(DayRange { from, to })
        })
    }

    /// Every day of the range, in order.
    pub fn days(self) -> impl Iterator<Item = CairoDate> {
        std::iter::successors(Some(self.from), move |day| Some(day.next()).filter(|next| *next <= self.to))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> CairoDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_range_holds_its_days_in_order_both_ends_included() {
        let range = DayRange::new(day("2026-02-27"), day("2026-03-02")).unwrap();
        let days: Vec<String> = range.days().map(|d| d.to_string()).collect();
        assert_eq!(days, ["2026-02-27", "2026-02-28", "2026-03-01", "2026-03-02"]);
    }

    #[test]
    fn a_reversed_range_or_one_over_366_days_is_refused_naming_to() {
        for (from, to) in [("2026-03-02", "2026-03-01"), ("2024-01-01", "2025-01-01")] {
            let Err(ApiError::Validation(errors)) = DayRange::new(day(from), day(to)) else { panic!("{from}..{to}") };
            assert_eq!(errors[0].field, "to");
        }
        assert_eq!(DayRange::new(day("2024-01-01"), day("2024-12-31")).unwrap().days().count(), 366);
    }

    fn params(pairs: &[(&str, &str)]) -> Params {
        Params::new(pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect())
    }

    #[test]
    fn a_range_is_read_from_both_ends_or_neither_when_optional() {
        let both = params(&[("from", "2026-01-01"), ("to", "2026-01-31")]);
        assert_eq!(DayRange::required(&both).unwrap().days().count(), 31);
        assert_eq!(DayRange::optional(&params(&[])).unwrap(), None);
        for (given, optional, field) in [
            (params(&[]), false, "from"),
            (params(&[("from", "2026-01-01")]), true, "to"),
            (params(&[("from", "2026-1-1"), ("to", "2026-01-31")]), false, "from"),
            (params(&[("from", "2026-02-30"), ("to", "2026-03-01")]), false, "from"),
        ] {
            let Err(ApiError::Validation(errors)) = DayRange::from_params(&given, optional) else {
                panic!("{given:?}")
            };
            assert_eq!(errors[0].field, field);
        }
    }

    #[test]
    fn stretches_cover_the_range_once_in_order() {
        let year = DayRange::new(day("2024-01-01"), day("2024-12-31")).unwrap();
        let stretches: Vec<DayRange> = year.stretches(31).collect();
        assert_eq!(stretches.len(), 12, "366 days in stretches of 31");
        assert_eq!(stretches[0], DayRange::new(day("2024-01-01"), day("2024-01-31")).unwrap());
        assert_eq!(stretches[11].to(), day("2024-12-31"));
        let days: Vec<CairoDate> = stretches.iter().flat_map(|s| s.days()).collect();
        assert_eq!(days, year.days().collect::<Vec<_>>());
        let one = DayRange::new(day("2024-03-01"), day("2024-03-01")).unwrap();
        assert_eq!(one.stretches(31).collect::<Vec<_>>(), vec![one]);
    }

    #[test]
    fn the_days_ending_on_a_day_count_back_from_it() {
        let range = DayRange::ending(day("2026-03-01"), 3);
        assert_eq!((range.from().to_string(), range.to().to_string()), ("2026-02-27".into(), "2026-03-01".into()));
    }
}
