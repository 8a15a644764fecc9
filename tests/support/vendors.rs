//! Vendor onboarding as a client does it: apply, have an admin decide, and the approved vendor that
//! comes out of it.

use serde_json::{Value, json};

use crate::accounts::Session;
use crate::{TestMarketplace, TestResponse, eventually};

/// A complete, valid vendor application of a Giza car dealer.
pub fn application() -> Value {
    json!({
        "businessName": "معرض النيل للسيارات",
        "businessType": "dealer",
        "phone": "01012345678",
        "governorate": "giza",
        "city": "Dokki",
        "address": "12 Tahrir St, Dokki",
        "commercialRegister": "123456",
        "taxId": "123-456-789",
        "description": "Used cars since 1998"
    })
}

impl TestMarketplace {
    /// `POST /api/vendor-applications` of `body` as `applicant`.
    pub async fn apply(&self, applicant: &Session, body: &Value) -> TestResponse {
        self.post_as(&applicant.access_token, "/api/vendor-applications", body).await
    }

    /// Submits the standard [`application`] as `applicant`; returns the new application's id.
    pub async fn submit_application(&self, applicant: &Session) -> String {
        self.apply(applicant, &application()).await.json()["application"]["id"].as_str().unwrap().to_owned()
    }

    /// `POST /api/vendor-applications/{id}/decision` of `body` as `admin`.
    pub async fn decide(&self, admin: &Session, id: &str, body: &Value) -> TestResponse {
        self.post_as(&admin.access_token, &format!("/api/vendor-applications/{id}/decision"), body).await
    }

    /// A customer made a vendor through the whole flow (verified, applied, approved by the admin,
    /// vendor profile written by the trigger), with a refreshed token that says so.
    pub async fn approved_vendor(&self, email: &str) -> Session {
        let customer = self.verified_customer(email).await;
        let id = self.submit_application(&customer).await;
        assert_eq!(self.decide(&self.admin().await, &id, &json!({ "decision": "approve" })).await.status, 200);
        let vendor_url = format!("/api/vendors/{}", customer.user_id());
        eventually("the vendor profile exists", || async { self.get(&vendor_url).await.status == 200 }).await;
        self.refreshed(&customer).await
    }
}
