//! Lambda entry point: see `shared::lambda`.

fn main() -> Result<(), shared::lambda::Error> {
    shared::lambda::serve_objects(on_upload_received::OnUploadReceived::new)
}
