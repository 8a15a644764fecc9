//! The routes of the HTTP API as a table of (method, path template), for answering what API
//! Gateway routes to its `$default` route: an unknown path, or a known path with a method it does
//! not serve.

/// The methods `routes` serve at `path` (templates match `{name}` to any one segment), sorted;
/// empty when no route has this path.
pub fn methods_at(routes: &[(&'static str, &'static str)], path: &str) -> Vec<&'static str> {
    let parts: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let mut methods: Vec<&'static str> = routes
        .iter()
        .filter(|(_, template)| {
            let segments: Vec<&str> = template.split('/').filter(|s| !s.is_empty()).collect();
            segments.len() == parts.len()
                && segments.iter().zip(&parts).all(|(segment, part)| segment.starts_with('{') || segment == part)
        })
        .map(|(method, _)| *method)
        .collect();
    methods.sort_unstable();
    methods.dedup();
    methods
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROUTES: &[(&str, &str)] = &[
        ("GET", "/api/products"),
        ("POST", "/api/products"),
        ("GET", "/api/products/{id}"),
        ("PATCH", "/api/products/{id}"),
        ("DELETE", "/api/products/{id}"),
    ];

    #[test]
    fn a_path_is_known_by_any_route_that_matches_it() {
        assert_eq!(methods_at(ROUTES, "/api/products/01J9ZQ8K3M7RX2V5T4N6PBWD8C"), ["DELETE", "GET", "PATCH"]);
        assert_eq!(methods_at(ROUTES, "/api/products/"), ["GET", "POST"]);
        assert!(methods_at(ROUTES, "/api/products/x/y").is_empty());
        assert!(methods_at(ROUTES, "/api/nothing").is_empty());
    }
}
