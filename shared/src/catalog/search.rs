//! `POST /api/search`: free text plus every filter and sort of the listing. The text is
//! normalised (see [`crate::catalog::text`]); each word must start a word of a product's title,
//! make or model, or match a description word (whole, or its first six letters).

use std::collections::BTreeMap;

use serde_json::Value;

use crate::catalog::listing::{self, ListingQuery};
use crate::catalog::text::words;
use crate::error::{ApiError, FieldErrors};
use crate::params::Params;

pub const MAX_WORDS: usize = 8;
pub const MAX_QUERY_CHARS: usize = 100;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    pub words: Vec<String>,
    pub listing: ListingQuery,
}

impl SearchQuery {
    /// The JSON body: `q` and the listing's parameters, as strings or numbers.
    pub fn from_body(body: serde_json::Map<String, Value>) -> Result<Self, ApiError> {
        let mut errors = FieldErrors::default();
        let mut pairs = BTreeMap::new();
        // None: not given; Some(None): given, but not a string (already reported).
        let mut q: Option<Option<String>> = None;
        for (name, value) in body {
            if name == "q" {
                q = Some(match value {
                    Value::String(text) => Some(text),
                    _ => {
                        errors.push("q", "must be a string");
                        None
                    }
                });
            } else if !listing::PARAMS.contains(&name.as_str()) {
                errors.push(name, "unknown field");
            } else {
                match value {
                    Value::String(text) => {
                        pairs.insert(name, text);
                    }
                    Value::Number(n) => {
                        pairs.insert(name, n.to_string());
                    }
                    Value::Null => {}
                    _ => errors.push(name, "must be a string or a number"),
                }
            }
        }
        let words = match q {
            None => {
                errors.push("q", "is required");
                Vec::new()
            }
            Some(None) => Vec::new(),
            Some(Some(text)) if text.chars().count() > MAX_QUERY_CHARS => {
                errors.push("q", format!("must be at most {MAX_QUERY_CHARS} characters"));
                Vec::new()
            }
            Some(Some(text)) => {
                let mut found: Vec<String> = Vec::new();
                for word in words(&text) {
                    if !found.contains(&word) {
                        found.push(word);
                    }
                }
                if found.is_empty() {
                    errors.push("q", "must contain a word");
                } else if found.len() > MAX_WORDS {
                    errors.push("q", format!("must have at most {MAX_WORDS} words"));
                }
                found
            }
        };
        let listing = ListingQuery::from_params(&Params::new(pairs));
        match (errors.is_empty(), listing) {
            (true, Ok(listing)) => Ok(Self { words, listing }),
            (true, Err(e)) => Err(e),
            (false, Err(ApiError::Validation(more))) => {
                for e in more {
                    errors.push(e.field, e.message);
                }
                errors.finish(|| unreachable!())
            }
            (false, _) => errors.finish(|| unreachable!()),
        }
    }

    /// What a cursor is bound to: the words and the listing's scope.
    pub fn scope(&self) -> String {
        format!("search|{}|{}", self.words.join(" "), self.listing.scope())
    }
}
