//! The cheapest reading of a password as a row of patterns, found position by position: the best
//! readings of each prefix, by how many patterns they use, extended by every pattern that starts
//! where the prefix ends, or by characters guessed one by one.

use std::collections::BTreeMap;

use super::Pattern;

/// A guesser tries rows of few patterns before rows of many: each pattern after the first
/// multiplies the guesses spent on shorter rows by this.
const GUESSES_BEFORE_A_LONGER_ROW: f64 = 10_000.0;

/// Guesses for characters no pattern explains: ten choices for each (a guesser of random
/// characters, discounted for how people pick them).
const CHOICES_PER_CHARACTER: f64 = 10.0;

/// The best reading found of a prefix in a given number of patterns.
#[derive(Debug, Clone, Copy)]
struct Reading {
    /// The product of its patterns' guesses.
    product: f64,
    /// Whether its last pattern is characters guessed one by one (two such stretches in a row are
    /// one stretch, read as such).
    ends_guessed: bool,
}

pub(super) fn cheapest(len: usize, patterns: &[Pattern]) -> f64 {
    if len == 0 {
        return 1.0;
    }
    let mut ending_at: Vec<Vec<Pattern>> = vec![Vec::new(); len];
    for pattern in patterns {
        ending_at[pattern.end - 1].push(*pattern);
    }
    // best[k]: the best readings of the first k + 1 characters, by their number of patterns.
    let mut best: Vec<BTreeMap<usize, Reading>> = vec![BTreeMap::new(); len];
    for (last, ending) in ending_at.iter().enumerate() {
        for pattern in ending {
            let guesses = pattern.guesses.max(least_guesses(pattern.end - pattern.start, len));
            extend(&mut best, pattern.start, last, guesses, false);
        }
        for start in 0..=last {
            extend(&mut best, start, last, guessed_one_by_one(last + 1 - start), true);
        }
    }
    best[len - 1].iter().map(|(count, reading)| total(*count, reading.product)).fold(f64::INFINITY, f64::min)
}

fn extend(best: &mut [BTreeMap<usize, Reading>], start: usize, last: usize, guesses: f64, guessed: bool) {
    if start == 0 {
        offer(&mut best[last], 1, Reading { product: guesses, ends_guessed: guessed });
        return;
    }
    let before: Vec<(usize, Reading)> = best[start - 1].iter().map(|(count, reading)| (*count, *reading)).collect();
    for (count, reading) in before {
        if guessed && reading.ends_guessed {
            continue;
        }
        offer(&mut best[last], count + 1, Reading { product: reading.product * guesses, ends_guessed: guessed });
    }
}

/// Keeps `reading` unless a reading of the same prefix in as many patterns or fewer costs no more.
fn offer(readings: &mut BTreeMap<usize, Reading>, count: usize, reading: Reading) {
    let cost = total(count, reading.product);
    if readings.range(..=count).any(|(fewer, known)| total(*fewer, known.product) <= cost) {
        return;
    }
    readings.insert(count, reading);
}

/// The guesses for a row: its patterns in any order, after every shorter row.
fn total(count: usize, product: f64) -> f64 {
    let orders: f64 = (1..=count).map(|k| k as f64).product();
    let shorter_rows = if count > 1 { GUESSES_BEFORE_A_LONGER_ROW.powi(count as i32 - 1) } else { 0.0 };
    orders * product + shorter_rows
}

/// A pattern that is only part of the password costs at least what guessing a character or two
/// costs, so that a row of tiny patterns cannot undercut plain guessing.
fn least_guesses(chars: usize, password_chars: usize) -> f64 {
    match (chars == password_chars, chars) {
        (true, _) => 1.0,
        (false, 1) => 10.0,
        (false, _) => 50.0,
    }
}

/// One more than the least a pattern of the same length may cost, so that a pattern over the same
/// characters wins a tie.
fn guessed_one_by_one(chars: usize) -> f64 {
    let least = if chars == 1 { 11.0 } else { 51.0 };
    CHOICES_PER_CHARACTER.powi(chars as i32).max(least)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_no_pattern_explains_cost_ten_guesses_each() {
        assert_eq!(cheapest(7, &[]), 1e7);
    }

    #[test]
    fn a_pattern_over_the_whole_password_is_its_guesses() {
        assert_eq!(cheapest(8, &[Pattern { start: 0, end: 8, guesses: 2.0 }]), 2.0);
    }

    #[test]
    fn a_row_costs_its_product_in_any_order_after_the_shorter_rows() {
        // "password" then four characters: 2 guesses at least 50, then 10^4, two orders.
        let row = cheapest(12, &[Pattern { start: 0, end: 8, guesses: 2.0 }]);
        assert_eq!(row, 2.0 * 50.0 * 1e4 + 1e4);
    }
}
