//! Lambda entry point: see `shared::lambda`.

fn main() -> Result<(), shared::lambda::Error> {
    shared::lambda::serve_stream(on_order_created::OnOrderCreated::new)
}
