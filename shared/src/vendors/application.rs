//! A vendor application and its state machine: `pending → approved | rejected`, nothing else.

use serde::{Deserialize, Serialize};

use crate::accounts::Phone;
use crate::catalog::governorate::Governorate;
use crate::clock::Timestamp;
use crate::error::{ApiError, FieldError, FieldErrors};
use crate::fields::{digits, text};
use crate::ids::{ApplicationId, UploadId, UserId};
use crate::media::upload::{UploadUse, upload_reference};

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
    /// The applicant's documents (the commercial register, a tax card): checked uploads, read
    /// through `GET /api/vendor-applications/{id}/documents/{uploadId}`.
    #[serde(default)]
    pub documents: Vec<UploadId>,
    pub status: ApplicationStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<DecisionRecord>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl VendorApplication {
    /// The uploads the application uses, for the write that claims them.
    pub fn document_uses(&self) -> Vec<UploadUse> {
        let documents = self.documents.iter().enumerate();
        documents.map(|(i, id)| UploadUse { field: format!("documents[{i}]"), id: *id }).collect()
    }
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
    #[serde(default)]
    documents: Vec<String>,
}

/// At most this many documents per application.
pub const MAX_DOCUMENTS: usize = 5;

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
        let documents = documents(&self.documents, &mut errors);
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
            documents,
            status: ApplicationStatus::Pending,
            decision: None,
            created_at: now,
            updated_at: now,
        })
    }
}

/// `documents` as sent: at most [`MAX_DOCUMENTS`] distinct `upload:<id>`.
fn documents(entries: &[String], errors: &mut FieldErrors) -> Vec<UploadId> {
    if entries.len() > MAX_DOCUMENTS {
        errors.push("documents", format!("must hold at most {MAX_DOCUMENTS} documents"));
    }
    let mut ids = Vec::with_capacity(entries.len());
    for (i, entry) in entries.iter().enumerate() {
        match upload_reference(entry) {
            Some(id) if !ids.contains(&id) => ids.push(id),
            Some(_) => errors.push(format!("documents[{i}]"), "names a document already listed"),
            None => errors.push(format!("documents[{i}]"), "must be `upload:<id>`"),
        }
    }
    ids
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
