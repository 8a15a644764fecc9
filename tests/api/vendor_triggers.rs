//! The vendor triggers fed real stream records directly: duplicated and out of order, the effects
//! happen once.

use std::sync::Arc;

use shared::clock::Timestamp;
use shared::ids::{ApplicationId, UserId};
use shared::streams::{StreamRecord, process};
use shared::vendors::application::{ApplicationStatus, BusinessType, Decision, DecisionRecord, VendorApplication};
use souk_tests::TestMarketplace;
use souk_tests::streams::{batch, image};

/// A change of an application as the vendor applications table's stream carries it (`None`: no
/// image on that side).
fn record(
    event_name: &str,
    sequence: u32,
    old: Option<&VendorApplication>,
    new: Option<&VendorApplication>,
) -> StreamRecord {
    let image = |a: Option<&VendorApplication>| {
        a.map(|a| image(a, &[("pk", format!("application#{}", a.id)), ("kind", "application".to_owned())]))
            .unwrap_or_default()
    };
    souk_tests::streams::record(event_name, sequence, image(old), image(new))
}

fn application(applicant: UserId) -> VendorApplication {
    let now = Timestamp::now();
    VendorApplication {
        id: ApplicationId::new(),
        applicant_id: applicant,
        business_name: "قطع غيار الحرية".into(),
        business_type: BusinessType::PartsShop,
        phone: shared::accounts::Phone::parse("01112345678").unwrap(),
        governorate: shared::catalog::Governorate::Alexandria,
        city: "Sidi Gaber".into(),
        address: "5 Horreya Rd".into(),
        commercial_register: None,
        tax_id: None,
        description: None,
        documents: vec![],
        status: ApplicationStatus::Pending,
        decision: None,
        created_at: now,
        updated_at: now,
    }
}

#[tokio::test]
async fn a_re_delivered_approval_makes_one_vendor_and_one_notification() {
    let market = TestMarketplace::spawn().await;
    let customer = market.verified_customer("twice-approved@example.com").await;
    let admin = market.admin().await;
    let pending = application(customer.user_id().parse().unwrap());
    let approved = VendorApplication {
        status: ApplicationStatus::Approved,
        decision: Some(DecisionRecord {
            decision: Decision::Approve,
            reason: None,
            decided_by: admin.user_id().parse().unwrap(),
            decided_at: Timestamp::now(),
        }),
        ..pending.clone()
    };
    let trigger = on_vendor_application_updated::OnVendorApplicationUpdated::new(&market.trigger_app()).unwrap();
    let modify = record("MODIFY", 2, Some(&pending), Some(&approved));

    // Delivered three times, across two batches.
    let first = process(&trigger, &batch(vec![modify.clone(), modify.clone()])).await;
    let again = process(&trigger, &batch(vec![modify])).await;
    assert!(first.batch_item_failures.is_empty() && again.batch_item_failures.is_empty());

    let decided = market.outbox_of_type(customer.user_id(), "vendor_application_decided").await;
    assert_eq!(decided.len(), 1, "notified once");
    let profile = market.get(&format!("/api/vendors/{}", customer.user_id())).await;
    assert_eq!(profile.json()["businessName"], "قطع غيار الحرية");
    let me = market.refreshed(&customer).await;
    assert_eq!(me.user["role"], "vendor");
    let audit = market.audit_entries(&format!("user#{}", customer.user_id())).await;
    let role_changes = audit.iter().filter(|i| i["action"].as_s().unwrap() == "role_changed").count();
    assert_eq!(role_changes, 1, "the role changed once");
}

#[tokio::test]
async fn records_out_of_order_or_not_about_a_decision_change_nothing() {
    let market = TestMarketplace::spawn().await;
    let customer = market.verified_customer("out-of-order@example.com").await;
    let pending = application(customer.user_id().parse().unwrap());
    let rejected = VendorApplication {
        status: ApplicationStatus::Rejected,
        decision: Some(DecisionRecord {
            decision: Decision::Reject,
            reason: Some("No".into()),
            decided_by: UserId::new(),
            decided_at: Timestamp::now(),
        }),
        ..pending.clone()
    };
    let updated = on_vendor_application_updated::OnVendorApplicationUpdated::new(&market.trigger_app()).unwrap();
    let created = on_vendor_application_created::OnVendorApplicationCreated::new(&market.trigger_app()).unwrap();

    // The decision arrives before the creation, and the creation twice.
    let insert = record("INSERT", 1, None, Some(&pending));
    let modify = record("MODIFY", 2, Some(&pending), Some(&rejected));
    let not_a_decision = record("MODIFY", 3, Some(&rejected), Some(&rejected));
    for response in [
        process(&updated, &batch(vec![modify.clone(), not_a_decision])).await,
        process(&created, &batch(vec![insert.clone(), insert])).await,
        process(&updated, &batch(vec![modify])).await,
    ] {
        assert!(response.batch_item_failures.is_empty());
    }
    let admin = market.admin().await;
    let submitted = market.outbox_of_type(admin.user_id(), "vendor_application_submitted").await.len();
    assert_eq!(submitted, 1);
    let decided = market.outbox_of_type(customer.user_id(), "vendor_application_decided").await.len();
    assert_eq!(decided, 1);
    assert_eq!(
        market.get(&format!("/api/vendors/{}", customer.user_id())).await.status,
        404,
        "a rejection makes no vendor"
    );
}

/// A notifications channel that is down, then up.
struct Flaky(std::sync::atomic::AtomicBool);

impl shared::notify::Publisher for Flaky {
    fn publish<'a>(
        &'a self,
        _: &'a shared::notify::Notification,
    ) -> futures::future::BoxFuture<'a, Result<(), shared::ApiError>> {
        let up = self.0.load(std::sync::atomic::Ordering::SeqCst);
        Box::pin(async move { if up { Ok(()) } else { Err(shared::ApiError::Unavailable { retry_after_secs: 1 }) } })
    }
}

#[tokio::test]
async fn a_failing_record_is_reported_and_the_records_after_it_wait_for_the_retry() {
    let market = TestMarketplace::spawn().await;
    market.admin().await;
    let flaky = Arc::new(Flaky(std::sync::atomic::AtomicBool::new(false)));
    let app = market.app().clone().with_publisher(flaky.clone() as Arc<dyn shared::notify::Publisher>);
    let created = on_vendor_application_created::OnVendorApplicationCreated::new(&app).unwrap();
    let records: Vec<StreamRecord> =
        (1..=3).map(|i| record("INSERT", i, None, Some(&application(UserId::new())))).collect();

    let response = process(&created, &batch(records.clone())).await;
    let failed: Vec<_> = response.batch_item_failures.iter().map(|f| f.item_identifier.clone().unwrap()).collect();
    assert_eq!(
        failed,
        [records[0].change.sequence_number.clone().unwrap()],
        "the first failure is reported, and only it"
    );

    flaky.0.store(true, std::sync::atomic::Ordering::SeqCst);
    assert!(process(&created, &batch(records)).await.batch_item_failures.is_empty(), "the retry goes through");
}
