//! Vendors: customers apply, admins decide, approved applicants become vendors with a public profile.

pub mod application;
pub mod profile;
pub mod responses;

pub use application::{ApplicationStatus, BusinessType, Decision, VendorApplication};
pub use profile::VendorProfile;
