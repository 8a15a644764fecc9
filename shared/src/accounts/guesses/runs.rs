//! Runs: characters in an even step (`abcd`, `13579`, `zyx`) and blocks said again (`aaaa`,
//! `abcabc`, `hassanhassan`). A step run costs its start and length; a repeat costs its block's
//! guesses times how often it is said.

use super::Pattern;

/// Steps of up to this many code points between neighbours make a run (`acegi` is one).
const LARGEST_STEP: i64 = 5;

/// Maximal stretches whose characters go up or down in one step; two characters only for a step
/// of one (`ab`, `98`).
pub(super) fn sequences(chars: &[char]) -> Vec<Pattern> {
    let mut found = Vec::new();
    let step = |k: usize| chars[k] as i64 - chars[k - 1] as i64;
    let mut start = 0;
    for k in 2..=chars.len() {
        let ends = k == chars.len() || step(k) != step(start + 1);
        if !ends {
            continue;
        }
        let (end, delta) = (k, step(start + 1));
        if (end - start > 2 || delta.abs() == 1) && (1..=LARGEST_STEP).contains(&delta.abs()) {
            found.push(Pattern { start, end, guesses: sequence_guesses(&chars[start..end], delta > 0) });
        }
        start = k - 1;
    }
    found
}

/// The start's guesses (a run from the ends of the alphabet or of the digits is tried first),
/// doubled for a descending run, times the length.
fn sequence_guesses(run: &[char], ascending: bool) -> f64 {
    let first = run[0];
    let starts = match first {
        'a' | 'A' | 'z' | 'Z' | '0' | '1' | '9' => 4.0,
        _ if first.is_ascii_digit() => 10.0,
        _ => 26.0,
    };
    let direction = if ascending { 1.0 } else { 2.0 };
    starts * direction * run.len() as f64
}

/// Repeated blocks, left to right without overlapping: at the first place a block is said again,
/// the longest stretch of repeats there, priced by its shortest block.
pub(super) fn repeats(chars: &[char], block_guesses: impl Fn(&[char]) -> f64) -> Vec<Pattern> {
    let mut found = Vec::new();
    let mut start = 0;
    while start < chars.len() {
        let Some(length) = longest_repeat_at(&chars[start..]) else {
            start += 1;
            continue;
        };
        let stretch = &chars[start..start + length];
        let block = shortest_period(stretch);
        let times = (length / block) as f64;
        found.push(Pattern { start, end: start + length, guesses: block_guesses(&stretch[..block]) * times });
        start += length;
    }
    found
}

/// The length of the longest stretch at the start of `chars` that is a block said twice or more.
fn longest_repeat_at(chars: &[char]) -> Option<usize> {
    (1..=chars.len() / 2)
        .filter(|block| chars[..*block] == chars[*block..2 * block])
        .map(|block| block * times_said(chars, block))
        .max()
}

fn times_said(chars: &[char], block: usize) -> usize {
    chars.chunks_exact(block).take_while(|chunk| *chunk == &chars[..block]).count()
}

/// The shortest block that, said again and again, makes the whole stretch.
fn shortest_period(stretch: &[char]) -> usize {
    (1..=stretch.len()).find(|block| times_said(stretch, *block) * block == stretch.len()).unwrap_or(stretch.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    fn stretches(found: Vec<Pattern>) -> Vec<(usize, usize, f64)> {
        found.iter().map(|p| (p.start, p.end, p.guesses)).collect()
    }

    #[test]
    fn even_steps_make_runs_priced_by_start_direction_and_length() {
        assert_eq!(stretches(sequences(&chars("abcdef"))), [(0, 6, 24.0)]);
        assert_eq!(stretches(sequences(&chars("97531"))), [(0, 5, 40.0)]);
        assert_eq!(stretches(sequences(&chars("xx3456"))), [(2, 6, 40.0)]);
        assert_eq!(stretches(sequences(&chars("ab"))), [(0, 2, 8.0)]);
        assert!(sequences(&chars("aq")).is_empty());
        assert!(sequences(&chars("a")).is_empty());
    }

    #[test]
    fn repeats_are_priced_by_their_shortest_block() {
        let per_char = |block: &[char]| 10f64.powi(block.len() as i32);
        assert_eq!(stretches(repeats(&chars("aaaa"), per_char)), [(0, 4, 40.0)]);
        assert_eq!(stretches(repeats(&chars("abababab"), per_char)), [(0, 8, 400.0)]);
        assert_eq!(stretches(repeats(&chars("xyabcabcz"), per_char)), [(2, 8, 2000.0)]);
        assert!(repeats(&chars("abcdef"), per_char).is_empty());
    }
}
