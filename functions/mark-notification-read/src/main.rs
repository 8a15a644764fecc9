//! Lambda entry point: see `shared::lambda`.

fn main() -> Result<(), shared::lambda::Error> {
    shared::lambda::serve_http(mark_notification_read::MarkNotificationRead::new)
}
