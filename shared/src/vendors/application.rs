//! A vendor application and its state machine: `pending → approved | rejected`, nothing else.

use serde::{Deserialize, Serialize};

use crate::accounts::Phone;
use crate::catalog::governorate::Governorate;
use crate::clock::Timestamp;
use crate::error::{ApiError, FieldError, FieldErrors};
use crate::fields::{digits, text};
use crate::ids::{ApplicationId, UserId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BusinessType {
    Dealer,
    PartsShop,
    Individual,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationStatus {
    Pending,
    Approved,
    Rejected,
}

impl ApplicationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
        }
    }
}

impl std::str::FromStr for ApplicationStatus {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "pending" => Ok(Self::Pending),
            "approved" => Ok(Self::Approved),
            "rejected" => Ok(Self::Rejected),
            _ => Err("must be pending, approved or rejected".into()),
        }
    }
}

/// An admin's decision, as recorded on the application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DecisionRecord {
    pub decision: Decision,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub decided_by: UserId,
    pub decided_at: Timestamp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Approve,
    Reject,
}

impl Decision {
    pub fn outcome(self) -> ApplicationStatus {
        match self {
            Self::Approve => ApplicationStatus::Approved,
            Self::Reject => ApplicationStatus::Rejected,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VendorApplication {
    pub id: ApplicationId,
    pub applicant_id: UserId,
    pub business_name: String,
    pub business_type: BusinessType,
    pub phone: Phone,
    pub governorate: Governorate,
    pub city: String,
    pub address: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commercial_register: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub status: ApplicationStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<DecisionRecord>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// `POST /api/vendor-applications`, as sent.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ApplicationRequest {
    business_name: String,
    business_type: BusinessType,
    phone: String,
    governorate: Governorate,
    city: String,
    address: String,
    #[serde(default)]
    commercial_register: Option<String>,
    #[serde(default)]
    tax_id: Option<String>,
    #[serde(default)]
    description: Option<String>,
}

impl ApplicationRequest {
    /// The application `applicant` submits, checked field by field.
    pub fn into_application(self, applicant: UserId, now: Timestamp) -> Result<VendorApplication, ApiError> {
        let mut errors = FieldErrors::default();
        let business_name = errors.take(text("businessName", &self.business_name, 2, 100));
        let phone = errors.take(Phone::parse(&self.phone).map_err(|m| FieldError::new("phone", m)));
        let city = errors.take(text("city", &self.city, 2, 60));
        let address = errors.take(text("address", &self.address, 5, 200));
        let commercial_register =
            self.commercial_register.map(|r| errors.take(digits("commercialRegister", &r, 1, 10)));
        // Egyptian tax registration numbers have nine digits (often written 123-456-789).
        let tax_id = self.tax_id.map(|t| errors.take(digits("taxId", &t, 9, 9)));
        let description = self.description.map(|d| errors.take(text("description", &d, 1, 2000)));
        if !errors.is_empty() {
            return errors.finish(|| unreachable!());
        }
        Ok(VendorApplication {
            id: ApplicationId::new(),
            applicant_id: applicant,
            business_name: business_name.expect("checked"),
            business_type: self.business_type,
            phone: phone.expect("checked"),
            governorate: self.governorate,
            city: city.expect("checked"),
            address: address.expect("checked"),
            commercial_register: commercial_register.flatten(),
            tax_id: tax_id.flatten(),
            description: description.flatten(),
            status: ApplicationStatus::Pending,
            decision: None,
            created_at: now,
            updated_at: now,
        })
    }
}

/// `POST /api/vendor-applications/{id}/decision`, as sent.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionRequest {
    decision: Decision,
    #[serde(default)]
    reason: Option<String>,
}

impl DecisionRequest {
    /// A rejection must say why (the applicant is told); an approval may.
    pub fn parse(self) -> Result<(Decision, Option<String>), ApiError> {
        let reason =
            self.reason.map(|r| text("reason", &r, 1, 500)).transpose().map_err(|e| ApiError::Validation(vec![e]))?;
        match (self.decision, reason) {
            (Decision::Reject, None) => Err(ApiError::validation("reason", "is required to reject")),
            (decision, reason) => Ok((decision, reason)),
        }
    }
}
