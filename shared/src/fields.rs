//! Free-text request fields: trimmed, of a bounded length, without control characters (a newline
//! is allowed, for descriptions). One rule for every text a client sends.

use crate::error::FieldError;

/// `raw` trimmed, if it is `min..=max` characters; else an error on `field`.
pub fn text(field: &str, raw: &str, min: usize, max: usize) -> Result<String, FieldError> {
    let value = raw.trim();
    let chars = value.chars().count();
    if (min..=max).contains(&chars) && !value.chars().any(|c| c.is_control() && c != '\n') {
        Ok(value.to_owned())
    } else {
        Err(FieldError::new(field, format!("must be {min} to {max} characters")))
    }
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
