//! Lists of the contract: the page a client asks for (`limit`, `cursor`) and the envelope it gets,
//! `{ "items": [...], "nextCursor": "<opaque>" | null }`.

use serde::Serialize;

use crate::error::{ApiError, FieldErrors};
use crate::http::{Request, query};
use crate::params::{DEFAULT_LIMIT, MAX_LIMIT, Params, int_in};

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

/// The page a client asked for: how many items, and the cursor it was given for the next page
/// (still sealed: only the list that made it opens it, see [`crate::cursor::ListCursors`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageAsked {
    pub limit: i32,
    pub cursor: Option<String>,
}

impl PageAsked {
    /// `limit` and `cursor` of `params`; a bad limit joins `errors`, beside the list's other fields.
    pub fn of(params: &Params, errors: &mut FieldErrors) -> Self {
        let limit = errors.take(params.get("limit", int_in(1, MAX_LIMIT))).flatten().unwrap_or(DEFAULT_LIMIT);
        Self { limit: i32::from(limit), cursor: params.raw("cursor").map(str::to_owned) }
    }

    /// The page asked of a list that takes no other query parameter (any other is refused).
    pub fn of_request(req: &Request) -> Result<Self, ApiError> {
        let params = query::parse(req, &["limit", "cursor"])?;
        let mut errors = FieldErrors::default();
        let asked = Self::of(&params, &mut errors);
        errors.finish(|| asked)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn asked(pairs: &[(&str, &str)]) -> Result<PageAsked, crate::ApiError> {
        let params =
            Params::new(pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect::<BTreeMap<_, _>>());
        let mut errors = FieldErrors::default();
        let page = PageAsked::of(&params, &mut errors);
        errors.finish(|| page)
    }

    #[test]
    fn a_page_holds_twenty_items_unless_the_client_asks_for_one_to_a_hundred() {
        assert_eq!(asked(&[]).unwrap(), PageAsked { limit: 20, cursor: None });
        assert_eq!(
            asked(&[("limit", "100"), ("cursor", "c")]).unwrap(),
            PageAsked { limit: 100, cursor: Some("c".into()) }
        );
        for bad in ["0", "101", "-1", "ten", ""] {
            assert!(asked(&[("limit", bad)]).is_err(), "limit={bad}");
        }
    }

    #[test]
    fn a_list_of_no_other_parameter_refuses_any_other() {
        use lambda_http::RequestExt;
        let request = |pairs: &[(&str, &str)]| {
            let query: std::collections::HashMap<String, String> =
                pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
            Request::default().with_query_string_parameters(query)
        };
        assert_eq!(
            PageAsked::of_request(&request(&[("limit", "5"), ("cursor", "c")])).unwrap(),
            PageAsked { limit: 5, cursor: Some("c".into()) }
        );
        for refused in [&[("sort", "newest")][..], &[("limit", "0")], &[("limit", "5"), ("q", "x")]] {
            let error = PageAsked::of_request(&request(refused)).unwrap_err();
            assert!(matches!(error, ApiError::Validation(_)), "{refused:?}: {error:?}");
        }
    }
}
