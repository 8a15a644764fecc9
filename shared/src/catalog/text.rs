//! Folding free text into the form it is compared in, so that matching is case-insensitive and
//! indifferent to stray whitespace ("  Land   Cruiser" and "land cruiser" are one model).

pub fn fold(s: &str) -> String {
    s.split_whitespace().map(str::to_lowercase).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn folds_case_and_whitespace() {
        assert_eq!(super::fold("  Land   CRUISER "), "land cruiser");
    }
}
