//! Years and dates: `1987`, `2024`, `19081987`, `19/8/87`, `1987-08-19`. A year costs how far it
//! is from this one (at least twenty years); a date, that times the days of a year, and four times
//! more with a separator.

use std::time::{SystemTime, UNIX_EPOCH};

use super::Pattern;

/// Years this close to now are all tried first.
const LEAST_YEARS: f64 = 20.0;
const SEPARATORS: &[char] = &[' ', '-', '/', '\\', '_', '.'];

pub(super) fn years_and_dates(chars: &[char]) -> Vec<Pattern> {
    let now = this_year();
    let mut found = Vec::new();
    for start in 0..chars.len() {
        for end in start + 4..=chars.len().min(start + 10) {
            let token = &chars[start..end];
            let guesses = match token.len() {
                4 => year(token).map(|year| spread(year, now)),
                _ => None,
            };
            let guesses = guesses.or_else(|| date(token).map(|(year, separated)| date_guesses(year, separated, now)));
            if let Some(guesses) = guesses {
                found.push(Pattern { start, end, guesses });
            }
        }
    }
    found
}

fn spread(year: i64, now: i64) -> f64 {
    ((year - now).abs() as f64).max(LEAST_YEARS)
}

fn date_guesses(year: i64, separated: bool, now: i64) -> f64 {
    spread(year, now) * 365.0 * if separated { 4.0 } else { 1.0 }
}

/// Four digits from 1900 to 2039.
fn year(token: &[char]) -> Option<i64> {
    let year = number(token)?;
    (1900..=2039).contains(&year).then_some(year)
}

/// A day, month and year in some order, all digits (four to eight of them) or split by one
/// separator used twice; the year of the likeliest reading, and whether it was separated.
fn date(token: &[char]) -> Option<(i64, bool)> {
    if token.iter().all(char::is_ascii_digit) {
        return (4..=8).contains(&token.len()).then(|| digits_date(token)).flatten().map(|year| (year, false));
    }
    let separator = *token.iter().find(|c| !c.is_ascii_digit())?;
    if !SEPARATORS.contains(&separator) {
        return None;
    }
    let parts: Vec<&[char]> = token.split(|c| *c == separator).collect();
    let [first, second, third] = parts[..] else { return None };
    let fits = |part: &[char], most: usize| (1..=most).contains(&part.len());
    if !(fits(first, 4) && fits(second, 2) && fits(third, 4)) {
        return None;
    }
    date_of([number(first)?, number(second)?, number(third)?]).map(|year| (year, true))
}

/// Digits without separators: every split into three numbers a date could be written as; the
/// year closest to now.
fn digits_date(token: &[char]) -> Option<i64> {
    let splits: &[(usize, usize)] = match token.len() {
        4 => &[(1, 2), (2, 3)],
        5 => &[(1, 3), (2, 3)],
        6 => &[(1, 2), (2, 4), (4, 5)],
        7 => &[(1, 3), (2, 3), (4, 5), (4, 6)],
        _ => &[(2, 4), (4, 6)],
    };
    let now = this_year();
    splits
        .iter()
        .filter_map(|(a, b)| date_of([number(&token[..*a])?, number(&token[*a..*b])?, number(&token[*b..])?]))
        .min_by_key(|year| (year - now).abs())
}

/// The year of three numbers read as day, month and year (the year first or last), if they can
/// be one; two-digit years are 1951–2050.
fn date_of(numbers: [i64; 3]) -> Option<i64> {
    if numbers[1] < 1 || numbers[1] > 31 {
        return None;
    }
    let (mut over_12, mut over_31, mut under_1) = (0, 0, 0);
    for n in numbers {
        if (100..1000).contains(&n) || n > 2050 {
            return None;
        }
        over_31 += usize::from(n > 31);
        over_12 += usize::from(n > 12);
        under_1 += usize::from(n < 1);
    }
    if over_31 >= 2 || over_12 == 3 || under_1 >= 2 {
        return None;
    }
    let readings = [(numbers[2], [numbers[0], numbers[1]]), (numbers[0], [numbers[1], numbers[2]])];
    for (year, rest) in readings {
        if (1000..=2050).contains(&year) {
            return day_and_month(rest).then_some(year);
        }
    }
    readings.into_iter().find(|(_, rest)| day_and_month(*rest)).map(|(year, _)| match year {
        100.. => year,
        51..=99 => 1900 + year,
        _ => 2000 + year,
    })
}

fn day_and_month([a, b]: [i64; 2]) -> bool {
    let fits = |day: i64, month: i64| (1..=31).contains(&day) && (1..=12).contains(&month);
    fits(a, b) || fits(b, a)
}

fn number(digits: &[char]) -> Option<i64> {
    if digits.is_empty() || !digits.iter().all(char::is_ascii_digit) {
        return None;
    }
    digits.iter().collect::<String>().parse().ok()
}

fn this_year() -> i64 {
    let seconds = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |since| since.as_secs());
    1970 + (seconds as f64 / (365.2425 * 86_400.0)) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(password: &str) -> Vec<(usize, usize)> {
        let chars: Vec<char> = password.chars().collect();
        years_and_dates(&chars).iter().map(|p| (p.start, p.end)).collect()
    }

    #[test]
    fn years_are_found_and_priced_by_their_distance() {
        assert_eq!(found("ab1987"), [(2, 6)]);
        assert_eq!(year(&['1', '8', '5', '0']), None);
        assert_eq!(year(&['2', '0', '2', '4']), Some(2024));
        assert_eq!(spread(1987, 2026), 39.0);
        assert_eq!(spread(2024, 2026), LEAST_YEARS);
    }

    #[test]
    fn dates_with_and_without_separators() {
        assert!(found("19081987").contains(&(0, 8)));
        assert!(found("19/8/87").contains(&(0, 7)));
        assert!(found("1987-08-19").contains(&(0, 10)));
        assert!(!found("1987-08/19").contains(&(0, 10)));
        assert!(!found("45/45/45").contains(&(0, 8)));
        assert_eq!(date_of([19, 8, 87]), Some(1987));
        assert_eq!(date_of([1, 2, 24]), Some(2024));
        assert_eq!(date_of([31, 31, 1999]), None);
    }
}
