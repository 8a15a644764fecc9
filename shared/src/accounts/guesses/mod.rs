//! How many guesses an attacker who knows how people choose passwords needs to find one.
//!
//! The password is read as a row of patterns a guesser tries: common words and the user's own
//! words (also reversed, capitalised or with `@` for `a` and the like), keyboard walks, repeats,
//! alphabetical or numeric runs, years and dates, and, between them, characters guessed one by
//! one. Each pattern costs the guesses its kind needs (a word's rank in the lists, a walk's
//! length and turns, ...), a row of them costs the product times the orders they could come in,
//! and the cheapest reading is the password's figure. This is the model of zxcvbn (D. L. Wheeler,
//! USENIX Security 2016), with its constants; the word list is `common_words.txt`.

mod dictionary;
mod keyboard;
mod runs;
mod search;
mod years;

/// A stretch `start..end` of the password's characters read as one pattern, and the guesses that
/// pattern needs.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Pattern {
    start: usize,
    end: usize,
    guesses: f64,
}

/// The guesses needed for `password`; `known` are words a guesser would try first because they
/// are the user's (email, name).
pub fn guesses(password: &str, known: &[&str]) -> f64 {
    let chars: Vec<char> = password.chars().collect();
    guesses_of(&chars, known)
}

fn guesses_of(chars: &[char], known: &[&str]) -> f64 {
    let mut patterns = dictionary::words(chars, known);
    patterns.extend(keyboard::walks(chars));
    patterns.extend(runs::sequences(chars));
    patterns.extend(runs::repeats(chars, |block| guesses_of(block, known)));
    patterns.extend(years::years_and_dates(chars));
    search::cheapest(chars.len(), &patterns)
}

/// The ways to choose at least one and at most half of `n` positions: how many variants a
/// guesser tries when some of a pattern's characters are changed (capitals, `@` for `a`, ...).
fn variants(changed: usize, unchanged: usize) -> f64 {
    if changed == 0 || unchanged == 0 {
        return 2.0;
    }
    (1..=changed.min(unchanged)).map(|k| choose(changed + unchanged, k)).sum()
}

fn choose(n: usize, k: usize) -> f64 {
    (0..k).fold(1.0, |acc, i| acc * (n - i) as f64 / (i + 1) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log10(password: &str) -> f64 {
        guesses(password, &[]).log10()
    }

    #[test]
    fn common_passwords_and_their_variants_take_few_guesses() {
        for weak in ["password", "Password1", "P@ssw0rd", "drowssap", "iloveyou", "dragon123", "letmein!"] {
            assert!(log10(weak) < 6.0, "{weak}: 10^{:.1}", log10(weak));
        }
    }

    #[test]
    fn patterns_take_few_guesses() {
        for weak in [
            "qwertyuiop",
            "asdfghjkl;",
            "1q2w3e4r5t",
            "abcdefghij",
            "9876543210",
            "aaaaaaaaaaaa",
            "abcabcabcabc",
            "1987-08-19",
            "19081987",
        ] {
            assert!(log10(weak) < 6.0, "{weak}: 10^{:.1}", log10(weak));
        }
    }

    #[test]
    fn words_of_this_market_take_few_guesses() {
        for weak in ["zamalek2024", "Ahly1907", "mohamed123", "toyota2020", "soukelsayarat"] {
            assert!(log10(weak) < 6.0, "{weak}: 10^{:.1}", log10(weak));
        }
    }

    #[test]
    fn the_users_own_words_take_few_guesses() {
        assert!(guesses("hassan2024", &["mona.hassan@example.com", "mona", "hassan"]).log10() < 6.0);
        assert!(guesses("hassan2024", &[]).log10() < guesses("xqzvtw2024", &[]).log10());
    }

    #[test]
    fn phrases_and_random_strings_take_many_guesses() {
        for strong in [
            "Corolla-Nasr-City-1987!",
            "Kh@lid-Corolla-2019",
            "correct horse battery staple",
            "tr4K-9vq!Lm",
            "مرسيدس-الزمالك-٢٠١٩",
        ] {
            assert!(log10(strong) >= 6.0, "{strong}: 10^{:.1}", log10(strong));
        }
    }

    #[test]
    fn more_of_the_same_adds_little_and_something_new_adds_much() {
        assert!(log10("abcabcabcabcabc") < log10("abcabc") + 1.0);
        assert!(log10("password") + 2.0 < log10("password-tahrir"));
    }

    #[test]
    fn an_empty_password_is_one_guess() {
        assert_eq!(guesses("", &[]), 1.0);
    }

    #[test]
    fn variants_count_the_ways_to_change_some_characters() {
        assert_eq!(variants(0, 5), 2.0);
        assert_eq!(variants(1, 3), 4.0);
        assert_eq!(variants(2, 2), 4.0 + 6.0);
    }
}
