//! Matches a request to a route of template.yaml, the way API Gateway HTTP APIs do: exact
//! segments, `{name}` capturing one segment, and the `$default` route for whatever else.

use std::collections::HashMap;

use crate::template::Route;

pub struct Router<T> {
    routes: Vec<(Route, Vec<Segment>, T)>,
    default: Option<(Route, T)>,
}

enum Segment {
    Literal(String),
    Param(String),
}

pub struct Match<'a, T> {
    pub route: &'a Route,
    pub params: HashMap<String, String>,
    pub target: &'a T,
}

impl<T> Default for Router<T> {
    fn default() -> Self {
        Self { routes: Vec::new(), default: None }
    }
}

impl<T> Router<T> {
    pub fn add(&mut self, route: Route, target: T) {
        if route.is_default() {
            self.default = Some((route, target));
            return;
        }
        let segments = route
            .path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(name) => Segment::Param(name.to_owned()),
                None => Segment::Literal(s.to_owned()),
            })
            .collect();
        self.routes.push((route, segments, target));
    }

    /// The route for `method` and `path`; literal segments win over parameters, as in API Gateway,
    /// and the `$default` route (if any) takes what no other route serves.
    pub fn find(&self, method: &str, path: &str) -> Option<Match<'_, T>> {
        let parts: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        self.routes
            .iter()
            .filter(|(route, segments, _)| route.method == method && segments.len() == parts.len())
            .filter_map(|(route, segments, target)| {
                let mut params = HashMap::new();
                let mut literals = 0;
                for (segment, part) in segments.iter().zip(&parts) {
                    match segment {
                        Segment::Literal(l) if l == part => literals += 1,
                        Segment::Literal(_) => return None,
                        Segment::Param(name) => {
                            params.insert(name.clone(), percent_decode(part));
                        }
                    }
                }
                Some((literals, Match { route, params, target }))
            })
            .max_by_key(|(literals, _)| *literals)
            .map(|(_, m)| m)
            .or_else(|| self.default.as_ref().map(|(route, target)| Match { route, params: HashMap::new(), target }))
    }
}

/// Path parameters arrive decoded in API Gateway events.
pub(crate) fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Some(b) = s.get(i + 1..i + 3).and_then(|hex| u8::from_str_radix(hex, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route(method: &str, path: &str) -> Route {
        Route { method: method.into(), path: path.into() }
    }

    #[test]
    fn captures_parameters_and_prefers_literals() {
        let mut router = Router::default();
        router.add(route("GET", "/api/products/{id}"), 1);
        router.add(route("GET", "/api/products/featured"), 2);
        let m = router.find("GET", "/api/products/01ABC").unwrap();
        assert_eq!((*m.target, m.params["id"].as_str()), (1, "01ABC"));
        assert_eq!(*router.find("GET", "/api/products/featured").unwrap().target, 2);
        assert!(router.find("POST", "/api/products/01ABC").is_none());
        assert!(router.find("GET", "/api/products/a/b").is_none());
        assert_eq!(router.find("GET", "/api/products/a%20b").unwrap().params["id"], "a b");
    }
}
