//! Keyboard walks: three or more keys each next to the one before (`qwerty`, `zxcvb`, `1qaz`,
//! `7896`), on the QWERTY layout and on the numeric keypad. A walk costs its start, its length
//! and how often it turns, times the variants of its shifted keys.

use super::{Pattern, choose, variants};

/// A layout: its rows of keys (each key its character and its shifted one) and where each row
/// starts: further right row by row on a typewriter keyboard, straight under the row above on a
/// keypad (whose diagonal neighbours then count too).
struct Layout {
    rows: &'static [&'static [(char, char)]],
    /// Where each row starts, in key widths.
    offsets: &'static [f64],
}

const QWERTY: Layout = Layout {
    rows: &[
        &[
            ('`', '~'),
            ('1', '!'),
            ('2', '@'),
            ('3', '#'),
            ('4', '$'),
            ('5', '%'),
            ('6', '^'),
            ('7', '&'),
            ('8', '*'),
            ('9', '('),
            ('0', ')'),
            ('-', '_'),
            ('=', '+'),
        ],
        &[
            ('q', 'Q'),
            ('w', 'W'),
            ('e', 'E'),
            ('r', 'R'),
            ('t', 'T'),
            ('y', 'Y'),
            ('u', 'U'),
            ('i', 'I'),
            ('o', 'O'),
            ('p', 'P'),
            ('[', '{'),
            (']', '}'),
            ('\\', '|'),
        ],
        &[
            ('a', 'A'),
            ('s', 'S'),
            ('d', 'D'),
            ('f', 'F'),
            ('g', 'G'),
            ('h', 'H'),
            ('j', 'J'),
            ('k', 'K'),
            ('l', 'L'),
            (';', ':'),
            ('\'', '"'),
        ],
        &[
            ('z', 'Z'),
            ('x', 'X'),
            ('c', 'C'),
            ('v', 'V'),
            ('b', 'B'),
            ('n', 'N'),
            ('m', 'M'),
            (',', '<'),
            ('.', '>'),
            ('/', '?'),
        ],
    ],
    offsets: &[0.0, 1.5, 1.75, 2.25],
};

const KEYPAD: Layout = Layout {
    rows: &[
        &[(' ', ' '), ('/', '/'), ('*', '*'), ('-', '-')],
        &[('7', '7'), ('8', '8'), ('9', '9'), ('+', '+')],
        &[('4', '4'), ('5', '5'), ('6', '6')],
        &[('1', '1'), ('2', '2'), ('3', '3')],
        &[(' ', ' '), ('0', '0'), ('.', '.')],
    ],
    offsets: &[0.0, 0.0, 0.0, 0.0, 0.0],
};

pub(super) fn walks(chars: &[char]) -> Vec<Pattern> {
    [&QWERTY, &KEYPAD].into_iter().flat_map(|layout| layout.walks(chars)).collect()
}

/// A key's place: its row and where it sits in the row, in key widths.
#[derive(Clone, Copy, PartialEq)]
struct Key {
    row: usize,
    at: f64,
}

impl Layout {
    /// Walks that do not overlap, each as long as it goes, left to right.
    fn walks(&self, chars: &[char]) -> Vec<Pattern> {
        let (starts, degree) = self.starts_and_degree();
        let mut found = Vec::new();
        let mut start = 0;
        while start + 1 < chars.len() {
            let mut end = start + 1;
            let mut turns = 0;
            let mut last_direction = None;
            while end < chars.len() {
                let Some(direction) = self.direction(chars[end - 1], chars[end]) else { break };
                if last_direction != Some(direction) {
                    turns += 1;
                    last_direction = Some(direction);
                }
                end += 1;
            }
            if end - start > 2 {
                let shifted = chars[start..end].iter().filter(|c| self.is_shifted(**c)).count();
                let guesses =
                    walk_guesses(end - start, turns, starts, degree) * shifted_variants(shifted, end - start - shifted);
                found.push(Pattern { start, end, guesses });
            }
            start = end;
        }
        found
    }

    /// The direction from one key to the next when they are neighbours: rows down, and left or
    /// right.
    fn direction(&self, from: char, to: char) -> Option<(isize, isize)> {
        let (from, to) = (self.key(from)?, self.key(to)?);
        let rows = to.row as isize - from.row as isize;
        let across = to.at - from.at;
        let neighbours = match rows {
            0 => (across.abs() - 1.0).abs() < 1e-9,
            -1 | 1 => across.abs() < 1.0 - 1e-9 || (self.is_grid() && across.abs() <= 1.0 + 1e-9),
            _ => false,
        };
        neighbours.then_some((rows, across.signum() as isize * (across.abs() > 1e-9) as isize))
    }

    fn key(&self, c: char) -> Option<Key> {
        if c == ' ' {
            return None;
        }
        self.rows.iter().enumerate().find_map(|(row, keys)| {
            let column = keys.iter().position(|(plain, shifted)| *plain == c || *shifted == c)?;
            Some(Key { row, at: self.offsets[row] + column as f64 })
        })
    }

    fn is_shifted(&self, c: char) -> bool {
        self.rows.iter().flat_map(|keys| keys.iter()).any(|(plain, shifted)| *shifted == c && *plain != c)
    }

    /// A keypad's keys are straight under each other, so diagonals are neighbours too.
    fn is_grid(&self) -> bool {
        self.offsets.iter().all(|offset| *offset == 0.0)
    }

    /// How many characters a walk can start from, and the average number of neighbours of a key.
    fn starts_and_degree(&self) -> (f64, f64) {
        let keys: Vec<char> =
            self.rows.iter().flat_map(|keys| keys.iter().map(|(plain, _)| *plain)).filter(|c| *c != ' ').collect();
        let neighbours: usize =
            keys.iter().map(|from| keys.iter().filter(|to| self.direction(*from, **to).is_some()).count()).sum();
        let shifts = if self.is_grid() { 1.0 } else { 2.0 };
        (keys.len() as f64 * shifts, neighbours as f64 / keys.len() as f64)
    }
}

/// Every walk of this length with at most this many turns, from every start, where each turn picks
/// among the average number of neighbours.
fn walk_guesses(length: usize, turns: usize, starts: f64, degree: f64) -> f64 {
    let mut guesses = 0.0;
    for keys in 2..=length {
        for turned in 1..=turns.min(keys - 1) {
            guesses += choose(keys - 1, turned - 1) * starts * degree.powi(turned as i32);
        }
    }
    guesses
}

fn shifted_variants(shifted: usize, plain: usize) -> f64 {
    if shifted == 0 { 1.0 } else { variants(shifted, plain) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn walk(password: &str) -> Vec<(usize, usize)> {
        let chars: Vec<char> = password.chars().collect();
        walks(&chars).iter().map(|p| (p.start, p.end)).collect()
    }

    #[test]
    fn rows_columns_and_diagonals_are_walks() {
        assert_eq!(walk("qwerty"), [(0, 6)]);
        assert_eq!(walk("1qaz2wsx"), [(0, 4), (4, 8)]);
        assert_eq!(walk("zxcvbnm,./"), [(0, 10)]);
        // 789 is a row of both layouts; 6 is under 9 only on the keypad.
        assert_eq!(walk("7896"), [(0, 3), (0, 4)]);
        assert_eq!(walk("QWErty"), [(0, 6)]);
    }

    #[test]
    fn keys_apart_are_not_walks() {
        assert!(walk("qetuo").is_empty());
        assert!(walk("1793").is_empty());
        assert_eq!(walk("ab"), []);
    }

    #[test]
    fn turns_and_shifts_cost_guesses() {
        let chars = |s: &str| s.chars().collect::<Vec<_>>();
        let cost = |s: &str| QWERTY.walks(&chars(s))[0].guesses;
        assert!(cost("qwerty") < cost("qwsxcv"));
        assert!(cost("qwerty") < cost("qWerty"));
        let (starts, degree) = QWERTY.starts_and_degree();
        assert_eq!(starts, 94.0);
        assert!((4.0..5.0).contains(&degree), "{degree}");
    }
}
