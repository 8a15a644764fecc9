//! Folding free text into the form it is compared in, so that matching is case-insensitive and
//! indifferent to the many ways one word is written.
//!
//! - Latin: lower case, accents removed (`Citroën` → `citroen`).
//! - Arabic: diacritics (tashkeel) and tatweel removed; alef forms (أ إ آ ٱ) → ا; taa marbuta
//!   (ة) → ه; alef maqsura (ى) → ي; hamza on waw/yaa (ؤ ئ) → و ي; Arabic-Indic digits → 0-9.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Case and whitespace only: how makes and models are compared ("  Land   CRUISER" = "land cruiser").
pub fn fold(s: &str) -> String {
    s.split_whitespace().map(str::to_lowercase).collect::<Vec<_>>().join(" ")
}

/// Everything a search ignores: case, accents, Arabic letter forms and marks.
pub fn normalize(s: &str) -> String {
    s.nfd()
        .filter(|c| !is_combining_mark(*c) && !matches!(c, '\u{0640}'))
        .map(|c| match c {
            'أ' | 'إ' | 'آ' | 'ٱ' => 'ا',
            'ة' => 'ه',
            'ى' => 'ي',
            'ؤ' => 'و',
            'ئ' => 'ي',
            '٠'..='٩' => char::from(b'0' + (c as u32 - '٠' as u32) as u8),
            '۰'..='۹' => char::from(b'0' + (c as u32 - '۰' as u32) as u8),
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect::<String>()
        .nfc()
        .collect()
}

/// The normalised words of `s`, in order.
pub fn words(s: &str) -> Vec<String> {
    normalize(s).split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_owned).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_and_whitespace() {
        assert_eq!(fold("  Land   CRUISER "), "land cruiser");
    }

    #[test]
    fn arabic_spellings_of_one_word_normalise_alike() {
        assert_eq!(normalize("تويوتا"), normalize("تـويـوتـا"), "tatweel");
        assert_eq!(normalize("سَيَّارَة"), normalize("سياره"), "diacritics and taa marbuta");
        assert_eq!(normalize("إطارات"), normalize("اطارات"), "alef with hamza below");
        assert_eq!(normalize("أحمد"), normalize("احمد"));
        assert_eq!(normalize("مستشفى"), normalize("مستشفي"), "alef maqsura");
        assert_eq!(normalize("٢٠١٩"), "2019");
    }

    #[test]
    fn latin_accents_and_case_fold() {
        assert_eq!(normalize("Citroën ÉLYSÉE"), "citroen elysee");
        assert_eq!(words("Toyota Corolla, 2019 - فابريكا!"), ["toyota", "corolla", "2019", "فابريكا"]);
    }
}
