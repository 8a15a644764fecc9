//! Response bodies of the vendor endpoints.

use serde::Serialize;

use crate::vendors::VendorApplication;

/// `{ "application": Application }`
#[derive(Serialize)]
pub struct ApplicationResponse {
    pub application: VendorApplication,
}
