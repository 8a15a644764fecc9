//! Free-text request fields: trimmed, of a bounded length, and visible — no control characters
//! (a newline is allowed, for descriptions), no invisible or bidi formatting characters (a
//! zero-width title, or one whose right-to-left override makes it read other than it sorts and
//! searches). One rule for every text a client sends.

use crate::error::FieldError;

/// `raw` trimmed, if it is `min..=max` visible characters; else an error on `field`.
pub fn text(field: &str, raw: &str, min: usize, max: usize) -> Result<String, FieldError> {
    let value = raw.trim();
    if value.chars().any(is_invisible) {
        return Err(FieldError::new(field, "must not contain invisible or text-direction characters"));
    }
    let chars = value.chars().count();
    if (min..=max).contains(&chars) && !value.chars().any(|c| c.is_control() && c != '\n') {
        Ok(value.to_owned())
    } else {
        Err(FieldError::new(field, format!("must be {min} to {max} characters")))
    }
}

/// Characters that take no space or silently reorder the text around them: zero-width spaces and
/// joiners, bidi embeddings, overrides, isolates and marks, the byte-order mark, soft hyphens,
/// fillers, variation selectors and tag characters.
pub fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}'
        | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}' | '\u{FFF9}'..='\u{FFFB}'
        | '\u{1BCA0}'..='\u{1BCA3}' | '\u{1D173}'..='\u{1D17A}' | '\u{E0000}'..='\u{E0FFF}')
}

/// `raw` without spaces and dashes, if it is `min..=max` ASCII digits.
pub fn digits(field: &str, raw: &str, min: usize, max: usize) -> Result<String, FieldError> {
    let value: String = raw.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    if (min..=max).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_digit()) {
        Ok(value)
    } else {
        let count = if min == max { min.to_string() } else { format!("{min} to {max}") };
        Err(FieldError::new(field, format!("must be {count} digits")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visible_text_in_any_script_is_kept_trimmed() {
        assert_eq!(text("t", "  تويوتا كورولا ٢٠١٩ ", 1, 50).unwrap(), "تويوتا كورولا ٢٠١٩");
        assert_eq!(text("t", "Citroën C-Elysée\nfull options", 1, 50).unwrap(), "Citroën C-Elysée\nfull options");
    }

    #[test]
    fn invisible_and_direction_characters_are_refused_wherever_they_stand() {
        for raw in
            ["\u{200B}\u{200B}\u{200B}", "Toyota \u{202E}alorroC", "a\u{2067}b\u{2069}", "\u{FEFF}Kia", "x\u{200F}y"]
        {
            let error = text("title", raw, 1, 50).unwrap_err();
            assert_eq!((error.field.as_str(), error.message.contains("invisible")), ("title", true), "{raw:?}");
        }
    }

    #[test]
    fn lengths_and_control_characters_are_checked() {
        assert!(text("t", "ab", 3, 10).is_err());
        assert!(text("t", "a\u{0007}bc", 1, 10).is_err());
    }
}
