//! The public face of a vendor: what buyers see next to a listing. Nothing private (no phone,
//! address or registration numbers).

use serde::{Deserialize, Serialize};

use crate::catalog::governorate::Governorate;
use crate::clock::Timestamp;
use crate::ids::UserId;
use crate::vendors::application::{BusinessType, VendorApplication};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VendorProfile {
    /// The vendor's user id.
    pub id: UserId,
    pub business_name: String,
    pub business_type: BusinessType,
    pub governorate: Governorate,
    pub city: String,
    pub created_at: Timestamp,
}

impl VendorProfile {
    pub fn from_approved(application: &VendorApplication, at: Timestamp) -> Self {
        Self {
            id: application.applicant_id,
            business_name: application.business_name.clone(),
            business_type: application.business_type,
            governorate: application.governorate,
            city: application.city.clone(),
            created_at: at,
        }
    }
}
