//! Words a guesser tries first: the ranked list of `common_words.txt` and the user's own words,
//! found anywhere in the password, in any case, reversed, or with look-alike symbols (`p@ssw0rd`).
//! A word costs its rank, times the variants of its capitals and symbols.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::{Pattern, variants};

/// Symbols and digits people write for letters, and the letters they stand for.
const LOOK_ALIKES: &[(char, &[char])] = &[
    ('4', &['a']),
    ('@', &['a']),
    ('8', &['b']),
    ('(', &['c']),
    ('{', &['c']),
    ('[', &['c']),
    ('<', &['c']),
    ('3', &['e']),
    ('6', &['g']),
    ('9', &['g']),
    ('1', &['i', 'l']),
    ('!', &['i']),
    ('|', &['i', 'l']),
    ('7', &['l', 't']),
    ('0', &['o']),
    ('$', &['s']),
    ('5', &['s']),
    ('+', &['t']),
    ('%', &['x']),
    ('2', &['z']),
];

/// Readings with look-alikes tried per password, at most (each ambiguous symbol doubles them).
const MOST_READINGS: usize = 32;

pub(super) fn words(chars: &[char], known: &[&str]) -> Vec<Pattern> {
    let lists = Lists { common: common_words(), known: known_ranks(known) };
    let lower: Vec<char> = chars.iter().map(|c| lower(*c)).collect();
    let mut found = Vec::new();
    lists.find(&lower, |start, end, rank| {
        found.push(Pattern { start, end, guesses: rank * capitals(&chars[start..end]) });
    });
    let reversed: Vec<char> = lower.iter().rev().copied().collect();
    lists.find(&reversed, |start, end, rank| {
        let (start, end) = (chars.len() - end, chars.len() - start);
        if end - start > 1 && lower[start..end].iter().ne(lower[start..end].iter().rev()) {
            found.push(Pattern { start, end, guesses: 2.0 * rank * capitals(&chars[start..end]) });
        }
    });
    for meaning in look_alike_readings(&lower) {
        let read: Vec<char> = lower.iter().map(|c| meaning.get(c).copied().unwrap_or(*c)).collect();
        lists.find(&read, |start, end, rank| {
            let token = &lower[start..end];
            if end - start > 1 && token.iter().any(|c| meaning.contains_key(c)) {
                let symbols = look_alike_variants(token, &meaning);
                found.push(Pattern { start, end, guesses: rank * capitals(&chars[start..end]) * symbols });
            }
        });
    }
    found
}

struct Lists {
    common: &'static Ranked,
    known: HashMap<String, f64>,
}

impl Lists {
    /// Calls `on_word(start, end, rank)` for every stretch of `chars` that is a listed word.
    fn find(&self, chars: &[char], mut on_word: impl FnMut(usize, usize, f64)) {
        let longest = self.known.keys().map(|word| word.chars().count()).fold(self.common.longest, usize::max);
        let mut token = String::new();
        for start in 0..chars.len() {
            token.clear();
            for (end, c) in chars.iter().enumerate().skip(start).take(longest) {
                token.push(*c);
                let common = self.common.ranks.get(token.as_str()).copied();
                if let Some(rank) = [common, self.known.get(&token).copied()].into_iter().flatten().reduce(f64::min) {
                    on_word(start, end + 1, rank);
                }
            }
        }
    }
}

/// The user's words, in lower case, ranked in the order given.
fn known_ranks(known: &[&str]) -> HashMap<String, f64> {
    let mut ranks = HashMap::new();
    for (rank, word) in known.iter().enumerate() {
        let word: String = word.chars().map(lower).collect();
        ranks.entry(word).or_insert(rank as f64 + 1.0);
    }
    ranks
}

struct Ranked {
    ranks: HashMap<&'static str, f64>,
    longest: usize,
}

/// The list, inflated and indexed at its first use (once per instance, a few milliseconds).
fn common_words() -> &'static Ranked {
    static RANKED: OnceLock<Ranked> = OnceLock::new();
    RANKED.get_or_init(|| {
        const COMPRESSED: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/common_words.zlib"));
        let bytes = miniz_oxide::inflate::decompress_to_vec_zlib(COMPRESSED).expect("the built-in word list inflates");
        let text: &'static str = String::leak(String::from_utf8(bytes).expect("the built-in word list is UTF-8"));
        parse_ranked(text)
    })
}

/// `@k` starts the words ranked from 2^k; a word counts at the lowest rank of its group, so that
/// it is never credited with more guesses than its list gives.
fn parse_ranked(text: &'static str) -> Ranked {
    let mut ranks = HashMap::with_capacity(80_000);
    let mut rank = 1.0;
    let mut longest = 0;
    for line in text.lines() {
        match line.strip_prefix('@').and_then(|k| k.parse::<i32>().ok()) {
            Some(k) => rank = 2f64.powi(k),
            None => {
                longest = longest.max(line.chars().count());
                ranks.insert(line, rank);
            }
        }
    }
    Ranked { ranks, longest }
}

/// Variants of a word's capitals: none, the first, the last or all cost two; others, the ways to
/// place that many capitals.
fn capitals(token: &[char]) -> f64 {
    let upper = token.iter().filter(|c| c.is_uppercase()).count();
    let lowered = token.iter().filter(|c| c.is_lowercase()).count();
    let first_only = token.first().is_some_and(|c| c.is_uppercase()) && upper == 1;
    let last_only = token.last().is_some_and(|c| c.is_uppercase()) && upper == 1;
    match upper {
        0 => 1.0,
        _ if first_only || last_only || lowered == 0 => 2.0,
        _ => variants(upper, lowered),
    }
}

/// Variants of a word's look-alikes: for each symbol used, the ways to place as many of it among
/// the letters it stands for.
fn look_alike_variants(token: &[char], meaning: &HashMap<char, char>) -> f64 {
    meaning
        .iter()
        .filter(|(symbol, _)| token.contains(symbol))
        .map(|(symbol, letter)| {
            let symbols = token.iter().filter(|c| *c == symbol).count();
            let letters = token.iter().filter(|c| *c == letter).count();
            variants(symbols, letters)
        })
        .product()
}

/// Every way to read the look-alike symbols present (`1` as `i` or as `l`, ...), as maps from
/// symbol to letter.
fn look_alike_readings(lower: &[char]) -> Vec<HashMap<char, char>> {
    let mut readings = vec![HashMap::new()];
    for (symbol, letters) in LOOK_ALIKES.iter().filter(|(symbol, _)| lower.contains(symbol)) {
        if readings.len() * letters.len() > MOST_READINGS {
            break;
        }
        readings = readings
            .into_iter()
            .flat_map(|reading| {
                letters.iter().map(move |letter| {
                    let mut reading = reading.clone();
                    reading.insert(*symbol, *letter);
                    reading
                })
            })
            .collect();
    }
    readings.retain(|reading| !reading.is_empty());
    readings
}

/// Lower case, one character for one, so that positions stay the same.
fn lower(c: char) -> char {
    let mut lowered = c.to_lowercase();
    match (lowered.next(), lowered.next()) {
        (Some(one), None) => one,
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn best(password: &str, known: &[&str]) -> Option<f64> {
        let chars: Vec<char> = password.chars().collect();
        words(&chars, known).iter().filter(|p| p.start == 0 && p.end == chars.len()).map(|p| p.guesses).reduce(f64::min)
    }

    #[test]
    fn the_list_ranks_the_commonest_first() {
        assert_eq!(best("123456", &[]), Some(1.0));
        assert_eq!(best("password", &[]), Some(2.0));
        let football = best("football", &[]).unwrap();
        assert!((8.0..16.0).contains(&football), "{football}");
        assert!(common_words().ranks.len() > 90_000);
    }

    #[test]
    fn capitals_reversals_and_look_alikes_cost_their_variants() {
        assert_eq!(best("Password", &[]), Some(4.0));
        assert_eq!(best("PASSWORD", &[]), Some(4.0));
        assert_eq!(best("drowssap", &[]), Some(4.0));
        assert_eq!(best("p@ssword", &[]), Some(4.0));
        assert_eq!(best("p@ssw0rd", &[]), Some(8.0));
        assert_eq!(best("PasSword", &[]), Some(2.0 * variants(2, 6)));
    }

    #[test]
    fn the_users_words_rank_first_in_the_order_given() {
        assert_eq!(best("hassan", &["mona", "hassan"]), Some(2.0));
        assert_eq!(best("Mona", &["mona", "hassan"]), Some(2.0));
        assert_eq!(best("xqzvtw", &[]), None);
    }

    #[test]
    fn words_are_found_inside_the_password() {
        let chars: Vec<char> = "xxdragonxx".chars().collect();
        assert!(words(&chars, &[]).iter().any(|p| (p.start, p.end) == (2, 8)));
    }
}
