//! Vendor onboarding through HTTP, with the stream triggers running as in AWS.

use serde_json::{Value, json};
use souk_tests::accounts::claims;
use souk_tests::vendors::application;
use souk_tests::{TestMarketplace, eventually};

#[tokio::test]
async fn a_customer_applies_the_admin_approves_and_the_applicant_becomes_a_vendor() {
    let market = TestMarketplace::spawn().await;
    let admin = market.admin().await;
    let customer = market.verified_customer("dealer@example.com").await;

    let submitted = market.apply(&customer, &application()).await;
    assert_eq!(submitted.status, 201, "{}", String::from_utf8_lossy(&submitted.body));
    let submitted = submitted.json()["application"].clone();
    assert_eq!(submitted["status"], "pending");
    assert_eq!(submitted["applicantId"], customer.user_id());
    assert_eq!(submitted["taxId"], "123456789");
    assert_eq!(submitted["phone"], "+201012345678");
    let id = submitted["id"].as_str().unwrap().to_owned();

    // The admin hears of it, once.
    eventually("the admin is notified", || async {
        market
            .outbox(admin.user_id())
            .await
            .iter()
            .any(|n| n["type"] == "vendor_application_submitted" && n["data"]["applicationId"] == id)
    })
    .await;
    let pending = market.get_as(&admin.access_token, "/api/vendor-applications?status=pending").await.json();
    assert_eq!(pending["items"][0]["id"], id.as_str());

    let decided = market.decide(&admin, &id, &json!({ "decision": "approve" })).await;
    assert_eq!(decided.status, 200);
    assert_eq!(decided.json()["application"]["status"], "approved");
    assert_eq!(decided.json()["application"]["decision"]["decidedBy"], admin.user_id());

    let vendor_url = format!("/api/vendors/{}", customer.user_id());
    eventually("the vendor profile exists", || async { market.get(&vendor_url).await.status == 200 }).await;
    let profile = market.get(&vendor_url).await.json();
    assert_eq!(
        profile,
        json!({
            "id": customer.user_id(), "businessName": "معرض النيل للسيارات", "businessType": "dealer",
            "governorate": "giza", "city": "Dokki", "createdAt": profile["createdAt"]
        })
    );
    eventually("the applicant is notified", || async {
        market
            .outbox(customer.user_id())
            .await
            .iter()
            .any(|n| n["type"] == "vendor_application_decided" && n["data"]["status"] == "approved")
    })
    .await;

    // Still holding a customer token, the new vendor cannot apply again.
    market.apply(&customer, &application()).await.assert_problem(409, "application_exists");
    // The role is in effect from the next refresh.
    assert_eq!(claims(&customer.access_token)["role"], "customer");
    let refreshed = market.refreshed(&customer).await;
    assert_eq!(claims(&refreshed.access_token)["role"], "vendor");
    market.apply(&refreshed, &application()).await.assert_problem(409, "application_exists");
    assert_eq!(market.outbox_of_type(admin.user_id(), "vendor_application_submitted").await.len(), 1);
}

#[tokio::test]
async fn one_open_application_per_customer_even_when_submitted_concurrently() {
    let market = TestMarketplace::spawn().await;
    let customer = market.verified_customer("eager@example.com").await;
    let body = application();
    let responses = futures::future::join_all((0..6).map(|_| market.apply(&customer, &body))).await;
    assert_eq!(responses.iter().filter(|r| r.status == 201).count(), 1);
    for response in responses.iter().filter(|r| r.status != 201) {
        response.assert_problem(409, "application_exists");
    }
}

#[tokio::test]
async fn only_verified_customers_may_apply_and_bad_fields_are_named() {
    let market = TestMarketplace::spawn().await;
    let unverified = market.unverified_customer("unverified@example.com").await;
    market.apply(&unverified, &application()).await.assert_problem(403, "email_not_verified");
    market.apply(&market.admin().await, &application()).await.assert_problem(403, "forbidden");
    market.post("/api/vendor-applications", &application()).await.assert_problem(401, "unauthorized");

    let customer = market.verified_customer("sloppy@example.com").await;
    let cases: &[(Value, &[&str])] = &[
        (json!({ "businessType": "bakery" }), &["businessType"]),
        (json!({ "governorate": "atlantis" }), &["governorate"]),
        (json!({ "phone": "123" }), &["phone"]),
        (json!({ "businessName": "x", "city": "", "taxId": "12" }), &["businessName", "city", "taxId"]),
        (json!({ "status": "approved" }), &["status"]),
    ];
    for (change, fields) in cases {
        let mut body = application();
        body.as_object_mut().unwrap().extend(change.as_object().unwrap().clone());
        let mut got = market.apply(&customer, &body).await.error_fields();
        got.sort();
        assert_eq!(got, *fields, "{change}");
    }
}

#[tokio::test]
async fn two_admins_deciding_at_once_exactly_one_decision_sticks() {
    let market = TestMarketplace::spawn().await;
    let first_admin = market.admin().await;
    let other = market.verified_customer("second-admin@example.com").await;
    market.promote_to_admin(&other).await;
    let second_admin = market.refreshed(&other).await;

    let customer = market.verified_customer("contested@example.com").await;
    let id = market.submit_application(&customer).await;
    let approve = json!({ "decision": "approve" });
    let reject = json!({ "decision": "reject", "reason": "Incomplete documents" });
    let (a, b) = tokio::join!(market.decide(&first_admin, &id, &approve), market.decide(&second_admin, &id, &reject));
    let statuses = [a.status.as_u16(), b.status.as_u16()];
    assert!(statuses.contains(&200) && statuses.contains(&409), "{statuses:?}");
    let loser = if a.status == 409 { &a } else { &b };
    loser.assert_problem(409, "invalid_transition");

    let stored = market.get_as(&customer.access_token, &format!("/api/vendor-applications/{id}")).await.json();
    let winner = if a.status == 200 { a.json() } else { b.json() };
    assert_eq!(stored["application"]["status"], winner["application"]["status"]);
}

#[tokio::test]
async fn a_rejection_needs_a_reason_is_told_to_the_applicant_and_allows_a_new_application() {
    let market = TestMarketplace::spawn().await;
    let admin = market.admin().await;
    let customer = market.verified_customer("rejected@example.com").await;
    let id = market.submit_application(&customer).await;

    market.decide(&admin, &id, &json!({ "decision": "reject" })).await.error_fields();
    market
        .decide(&admin, &id, &json!({ "decision": "maybe", "reason": "x" }))
        .await
        .assert_problem(400, "validation_failed");
    market.decide(&customer, &id, &json!({ "decision": "approve" })).await.assert_problem(403, "forbidden");
    let rejected =
        market.decide(&admin, &id, &json!({ "decision": "reject", "reason": "السجل التجاري غير واضح" })).await;
    assert_eq!(rejected.json()["application"]["decision"]["reason"], "السجل التجاري غير واضح");
    market.decide(&admin, &id, &json!({ "decision": "approve" })).await.assert_problem(409, "invalid_transition");

    eventually("the applicant is told why", || async {
        market
            .outbox(customer.user_id())
            .await
            .iter()
            .any(|n| n["type"] == "vendor_application_decided" && n["data"]["reason"] == "السجل التجاري غير واضح")
    })
    .await;
    assert_eq!(market.get(&format!("/api/vendors/{}", customer.user_id())).await.status, 404, "no vendor profile");
    assert_eq!(market.apply(&customer, &application()).await.status, 201, "a new application is possible");
}

#[tokio::test]
async fn applicants_see_their_own_applications_and_nobody_else_s() {
    let market = TestMarketplace::spawn().await;
    let admin = market.admin().await;
    let alice = market.verified_customer("alice@example.com").await;
    let bob = market.verified_customer("bob@example.com").await;
    let alice_app = market.submit_application(&alice).await;
    let bob_app = market.submit_application(&bob).await;

    let mine = market.get_as(&alice.access_token, "/api/vendor-applications").await.json();
    let ids: Vec<&str> = mine["items"].as_array().unwrap().iter().map(|a| a["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [alice_app.as_str()]);
    market
        .get_as(&alice.access_token, &format!("/api/vendor-applications/{bob_app}"))
        .await
        .assert_problem(404, "not_found");
    market.get_as(&alice.access_token, "/api/vendor-applications/garbage").await.assert_problem(404, "not_found");

    let first_page = market.get_as(&admin.access_token, "/api/vendor-applications?limit=1").await.json();
    assert_eq!(first_page["items"][0]["id"], bob_app.as_str(), "newest first");
    let cursor = first_page["nextCursor"].as_str().unwrap();
    let second_page =
        market.get_as(&admin.access_token, &format!("/api/vendor-applications?limit=1&cursor={cursor}")).await.json();
    assert_eq!(second_page["items"][0]["id"], alice_app.as_str());
    market
        .get_as(&admin.access_token, &format!("/api/vendor-applications?status=pending&cursor={cursor}"))
        .await
        .assert_problem(400, "invalid_cursor");
    market
        .get_as(&admin.access_token, "/api/vendor-applications?status=maybe")
        .await
        .assert_problem(400, "validation_failed");
    market.get("/api/vendor-applications").await.assert_problem(401, "unauthorized");
}
