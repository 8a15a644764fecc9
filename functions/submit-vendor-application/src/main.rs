//! Lambda entry point: see `shared::lambda`.

fn main() -> Result<(), shared::lambda::Error> {
    shared::lambda::serve_http(submit_vendor_application::SubmitVendorApplication::new)
}
