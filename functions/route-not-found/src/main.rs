//! Lambda entry point: see `shared::lambda`.

fn main() -> Result<(), shared::lambda::Error> {
    shared::lambda::serve_http(route_not_found::RouteNotFound::new)
}
