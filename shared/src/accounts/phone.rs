//! Egyptian mobile numbers, kept in E.164 form (`+201XXXXXXXXX`).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String);

impl Phone {
    /// Accepts `01XXXXXXXXX`, `+201XXXXXXXXX` or `00201XXXXXXXXX`, with spaces or dashes.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let digits: String = raw.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        let national = digits
            .strip_prefix("+20")
            .or_else(|| digits.strip_prefix("0020"))
            .map(|rest| format!("0{rest}"))
            .unwrap_or(digits);
        let valid = national.len() == 11
            && national.starts_with("01")
            && matches!(national.as_bytes()[2], b'0' | b'1' | b'2' | b'5')
            && national.bytes().all(|b| b.is_ascii_digit());
        if valid {
            Ok(Self(format!("+20{}", &national[1..])))
        } else {
            Err("must be an Egyptian mobile number, e.g. 01012345678".to_owned())
        }
    }
}

impl TryFrom<String> for Phone {
    type Error = String;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<Phone> for String {
    fn from(phone: Phone) -> Self {
        phone.0
    }
}

#[cfg(test)]
mod tests {
    use super::Phone;

    #[test]
    fn normalises_to_e164() {
        for raw in ["01012345678", "+20 101 234 5678", "00201012345678", "010-1234-5678"] {
            assert_eq!(String::from(Phone::parse(raw).unwrap()), "+201012345678", "{raw}");
        }
        for bad in ["0101234567", "01312345678", "+2001012345678", "phone"] {
            assert!(Phone::parse(bad).is_err(), "{bad}");
        }
    }
}
