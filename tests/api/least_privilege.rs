//! Least privilege, checked against what the functions really do: the marketplace is driven through
//! every function (including the paths that undo or release on failure), the local runner records
//! each AWS operation each function makes, and every operation must be granted by that function's
//! policy in template.yaml, while every grant must be used. A new function is covered as soon as
//! this flow reaches it.

use aws_sdk_dynamodb::types::AttributeValue;
use serde_json::json;
use shared::conversations::ConnectionId;
use shared::db::ConnectionRepo;
use shared::ids::UserId;
use souk_local::access::Operation;
use souk_local::policies::{Statement, glob};
use souk_local::template::{EnvValue, Function, Template};
use souk_tests::accounts::PASSWORD;
use souk_tests::images::{jpeg_with_gps, pdf};
use souk_tests::orders::basket;
use souk_tests::payments::online_basket;
use souk_tests::products::car_body;
use souk_tests::vendors::application;
use souk_tests::{TestMarketplace, eventually};

/// Grants no test reaches, each with why it is still needed: (function, action, resource, reason).
const UNEXERCISED: &[(&str, &str, &str, &str)] = &[
    (
        "RefundPaymentFunction",
        "dynamodb:PutItem",
        "AuditLogTable",
        "a refund the gateway refuses is audited; the simulator refuses only refunds above what was paid, which \
     the marketplace never asks for",
    ),
    (
        "OnProductCreatedFunction",
        "dynamodb:DeleteItem",
        "ProductListingsTable",
        "a rebuild overtaken by a newer one while writing removes the entries the newer one does not want; only a race \
     between the two products consumers reaches it (tests/api/product_triggers.rs drives it directly)",
    ),
    (
        "LoginFunction",
        "sns:Publish",
        "NotificationsTopic",
        "the owner of an email locked by 100 failures from everywhere is told; tests/api/accounts_lockout.rs \
     drives it from 25 addresses, too much for this flow",
    ),
    (
        "ChangePasswordFunction",
        "sns:Publish",
        "NotificationsTopic",
        "a wrong current password counts as a failed login, and the lock that follows tells the owner; \
     as for LoginFunction",
    ),
    (
        "DeleteMeFunction",
        "sns:Publish",
        "NotificationsTopic",
        "a wrong password counts as a failed login, and the lock that follows tells the owner; as for LoginFunction",
    ),
    (
        "OnAnnouncementCreatedFunction",
        "dynamodb:UpdateItem",
        "AnnouncementsTable",
        "recording where delivery goes on happens only for a role of more than one page (200 users)",
    ),
];

/// Drives every function once along its main path and its failure paths.
async fn drive(market: &TestMarketplace) {
    assert_eq!(market.get("/api/health").await.status, 200);
    assert_eq!(market.get("/api/categories").await.status, 200);

    // A registration whose verification message cannot be sent is rolled back.
    market.refuse_next_message("lost@example.com");
    assert_eq!(market.register("lost@example.com", PASSWORD, "Lost").await.status, 503);
    let customer = market.verified_customer("mona@example.com").await;
    assert_eq!(market.get_as(&customer.access_token, "/api/me").await.status, 200);
    let refreshed = market.refreshed(&customer).await;
    let logout = market.post("/api/auth/logout", &json!({ "refreshToken": refreshed.refresh_token })).await;
    assert_eq!(logout.status, 204);
    assert_eq!(market.refresh(&customer.refresh_token).await.status, 401, "a reused refresh token");
    let customer = souk_tests::accounts::Session::from_response(&market.login("mona@example.com", PASSWORD).await);

    // Vendor onboarding; each trigger's first message fails once, and the retry publishes it.
    let admin = market.admin().await;
    let applicant = market.verified_customer("dealer@example.com").await;
    market.refuse_next_message(admin.user_id());
    let application = market.submit_application(&applicant).await;
    eventually("admins hear of the application", || async {
        !market.outbox_of_type(admin.user_id(), "vendor_application_submitted").await.is_empty()
    })
    .await;
    assert_eq!(market.get_as(&admin.access_token, "/api/vendor-applications").await.status, 200);
    let pending = "/api/vendor-applications?status=pending";
    assert_eq!(market.get_as(&admin.access_token, pending).await.status, 200);
    assert_eq!(market.get_as(&applicant.access_token, "/api/vendor-applications").await.status, 200);
    let one = format!("/api/vendor-applications/{application}");
    assert_eq!(market.get_as(&applicant.access_token, &one).await.status, 200);
    market.refuse_next_message(applicant.user_id());
    assert_eq!(market.decide(&admin, &application, &json!({ "decision": "approve" })).await.status, 200);
    let vendor_url = format!("/api/vendors/{}", applicant.user_id());
    eventually("the vendor exists", || async { market.get(&vendor_url).await.status == 200 }).await;
    let vendor = market.refreshed(&applicant).await;
    let rejected = market.verified_customer("hopeful@example.com").await;
    let hopeful = market.submit_application(&rejected).await;
    let no = json!({ "decision": "reject", "reason": "Commercial register not readable" });
    assert_eq!(market.decide(&admin, &hopeful, &no).await.status, 200);

    // Products, their listing entries and search.
    let product = market.new_product(&vendor, "Kia Rio 2020 فبريكا", 5, 450_000).await;
    let patched = market.patch_product(&vendor, &product, &json!({ "title": "Kia Rio 2020 - فحص كامل" }), None).await;
    assert_eq!(patched.status, 200, "{}", String::from_utf8_lossy(&patched.body));
    let listed =
        || async { market.get("/api/products").await.json()["items"][0]["title"] == "Kia Rio 2020 - فحص كامل" };
    eventually("the listing follows the change", listed).await;
    assert_eq!(market.get(&format!("/api/products/{product}")).await.status, 200);
    assert_eq!(market.get("/api/products?sort=price_asc").await.status, 200);
    // The search entries have a trigger of their own: a search that finds it reads the product too.
    let found = || async {
        let page = market.post("/api/search", &json!({ "q": "Kia", "sort": "newest" })).await.json();
        page["items"].as_array().is_some_and(|items| !items.is_empty())
    };
    eventually("search finds the product", found).await;
    assert_eq!(market.post("/api/search", &json!({ "q": "Kia", "sort": "price_asc" })).await.status, 200);
    // Listed first, so archiving it has entries to remove.
    let archived = market.new_product(&vendor, "Kia Rio 2019", 1, 400_000).await;
    let listed = || async { market.get("/api/products").await.json()["items"][0]["id"] == archived.as_str() };
    eventually("the product to archive is listed", listed).await;
    assert_eq!(market.delete_product(&vendor, &archived).await.status, 204);

    // Orders: a checkout and its replay, its reads, a cancellation that returns the stock.
    market.refuse_next_message(customer.user_id());
    let placed = market.checkout(&customer, &basket(&[(&product, 1)]), Some("checkout-1")).await;
    assert_eq!(placed.status, 201, "{}", String::from_utf8_lossy(&placed.body));
    let replayed = market.checkout(&customer, &basket(&[(&product, 1)]), Some("checkout-1")).await;
    assert_eq!(replayed.header("idempotent-replayed"), Some("true"));
    let order = placed.json()["orders"][0]["id"].as_str().unwrap().to_owned();
    eventually("the customer hears of the order", || async {
        !market.outbox_of_type(customer.user_id(), "order_created").await.is_empty()
    })
    .await;
    assert_eq!(market.get_as(&customer.access_token, "/api/orders").await.status, 200);
    assert_eq!(market.get_as(&vendor.access_token, &format!("/api/orders/{order}")).await.status, 200);
    market.refuse_next_message(customer.user_id());
    assert_eq!(market.set_status(&customer, &order, "cancelled").await.status, 200);
    eventually("the stock comes back", || async {
        market.get(&format!("/api/products/{product}")).await.json()["stock"] == 5
    })
    .await;
    // The refused message is published on the retry before the next refusal is set.
    eventually("the customer hears of the cancellation", || async {
        !market.outbox_of_type(customer.user_id(), "order_status_changed").await.is_empty()
    })
    .await;

    // Analytics: the figures the triggers keep, read by an admin and by the seller, and a recount
    // of the last week (the default range) that repairs a counter set wrong.
    let today = shared::calendar::CairoDate::of(market.clock_now()).to_string();
    let figures = format!("/api/analytics?from={today}&to={today}");
    eventually("the cancelled order is counted", || async {
        market.get_as(&admin.access_token, &figures).await.json()["totals"]["cancelledOrders"] == 1
    })
    .await;
    eventually("the verified users are counted", || async {
        market.get_as(&admin.access_token, &figures).await.json()["totals"]["newUsers"].as_u64() >= Some(2)
    })
    .await;
    assert_eq!(market.get_as(&vendor.access_token, &figures).await.status, 200);
    let counter = market
        .app()
        .dynamodb
        .update_item()
        .table_name(format!("{}AnalyticsTable", market.table_prefix))
        .key("pk", AttributeValue::S("days#all".into()))
        .key("sk", AttributeValue::S(today.clone()))
        .update_expression("SET orders = :wrong")
        .expression_attribute_values(":wrong", AttributeValue::N("99".into()));
    counter.send().await.unwrap();
    let refresh = market.send_as(http::Method::POST, &admin.access_token, "/api/analytics/refresh", None, &[]);
    assert_eq!(refresh.await.status, 202);
    eventually("the recount repairs the day", || async {
        market.get_as(&admin.access_token, &figures).await.json()["totals"]["orders"] == 1
    })
    .await;

    // The inbox: announcements are queued, then delivered (the first delivery refused once), and
    // a retried send with its key is replayed from the announcements table.
    market.refuse_next_message(customer.user_id());
    let to_user = json!({ "audience": { "userId": customer.user_id() }, "title": "مرحباً", "body": "Welcome" });
    let headers = [("idempotency-key", "welcome-1")];
    for _ in 0..2 {
        let sent =
            market.send_as(http::Method::POST, &admin.access_token, "/api/notifications", Some(&to_user), &headers);
        assert_eq!(sent.await.status, 202);
    }
    let to_role = json!({ "audience": { "role": "customer" }, "title": "Maintenance", "body": "Tonight" });
    assert_eq!(market.post_as(&admin.access_token, "/api/notifications", &to_role).await.status, 202);
    eventually("both announcements reach the customer", || async {
        market.outbox_of_type(customer.user_id(), "announcement").await.len() == 2
    })
    .await;
    let inbox = market.inbox(&customer).await;
    let first = inbox["items"][0]["id"].as_str().unwrap();
    let read = market.post_as(&customer.access_token, &format!("/api/notifications/{first}/read"), &json!({})).await;
    assert_eq!(read.status, 204);
    let unknown = format!("/api/notifications/{}/read", ulid::Ulid::new());
    assert_eq!(market.post_as(&customer.access_token, &unknown, &json!({})).await.status, 404);

    // Account features, last: a reset and a change end sessions used above.
    assert_eq!(market.register("pending@example.com", PASSWORD, "Pending").await.status, 201);
    assert_eq!(market.resend_verification("pending@example.com").await.status, 202);
    assert_eq!(market.forgot_password("mona@example.com").await.status, 202);
    let token = market.reset_token("mona@example.com").await;
    let reset = "Nile-Corniche-Sunset-42";
    assert_eq!(market.reset_password(&token, reset).await.status, 204);
    let mona = souk_tests::accounts::Session::from_response(&market.login("mona@example.com", reset).await);
    assert_eq!(market.change_password(&mona, reset, PASSWORD).await.status, 204);
    assert_eq!(market.update_me(&mona, &json!({ "name": "Mona H." })).await.status, 200);
    assert_eq!(market.update_me(&mona, &json!({})).await.status, 200, "an empty patch reads the account");
    // The vendor, whose only order was cancelled, closes their account: their products are archived.
    assert_eq!(market.delete_me(&vendor, PASSWORD).await.status, 204);
    assert_eq!(market.get(&format!("/api/products/{product}")).await.status, 404);

    drive_media(market).await;
    drive_conversations(market).await;
    drive_payments(market).await;
}

/// Photos and documents: a photo checked, published and used by a product and a change of one, a
/// file rejected, a document used by an application and read, the pending-upload limit reached,
/// and an unused upload removed (as TTL does) with its files.
async fn drive_media(market: &TestMarketplace) {
    let vendor = market.approved_vendor("photos@example.com").await;
    let photo = market.uploaded(&vendor, "product_image", "image/jpeg", &jpeg_with_gps(400, 300)).await;
    let reference = json!([format!("upload:{}", photo["id"].as_str().unwrap())]);
    let mut car = car_body("Hyundai Elantra", "Hyundai", "Elantra", 2021, 700_000);
    car["images"] = reference.clone();
    let product = market.create_product(&vendor, &car).await.json()["id"].as_str().unwrap().to_owned();
    assert_eq!(market.patch_product(&vendor, &product, &json!({ "images": reference }), None).await.status, 200);
    let rejected = market.uploaded(&vendor, "product_image", "image/png", b"plain text, not a picture").await;
    assert_eq!(rejected["status"], "rejected");

    let applicant = market.verified_customer("papers@example.com").await;
    let document = market.uploaded(&applicant, "application_document", "application/pdf", &pdf()).await;
    let document = document["id"].as_str().unwrap().to_owned();
    let mut body = application();
    body["documents"] = json!([format!("upload:{document}")]);
    let applied = market.apply(&applicant, &body).await.json()["application"]["id"].as_str().unwrap().to_owned();
    let path = format!("/api/vendor-applications/{applied}/documents/{document}");
    assert_eq!(market.get_as(&applicant.access_token, &path).await.status, 302);

    let unused = market.uploaded(&vendor, "product_image", "image/jpeg", &jpeg_with_gps(64, 48)).await;
    let url = unused["urls"]["320"].as_str().unwrap().to_owned();
    market.remove_upload_item(unused["id"].as_str().unwrap()).await;
    eventually("the unused upload's files deleted", || async { market.fetch(&url).await.status == 404 }).await;

    // As a client does, each request is repeated while it answers 503 (a busy counter).
    let request = || async {
        loop {
            let answer = market.request_upload(&applicant, "application_document", "application/pdf", 10).await;
            if answer.status != 503 {
                return answer;
            }
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
    };
    let answers = futures::future::join_all((0..101).map(|_| request())).await;
    assert_eq!(answers.iter().filter(|a| a.status == 429).count(), 1);
}

/// Conversations over HTTP and the socket, with a dead connection (one API Gateway no longer
/// knows) put in the way of every function that pushes, so each forgets one; the recipient
/// offline, so a message becomes an inbox notice.
async fn drive_conversations(market: &TestMarketplace) {
    let shop = market.shop("privilege-chat", 1).await;
    let connections = ConnectionRepo::new(&market.app().database()).unwrap();
    let seller_id: UserId = shop.vendor.user_id().parse().unwrap();
    let buyer_id: UserId = shop.buyer.user_id().parse().unwrap();
    let dead = |user: UserId, name: &str| {
        let connections = connections.clone();
        let id: ConnectionId = name.parse().unwrap();
        async move {
            // Opened a minute ago: a younger one may still be opening, and is not forgotten.
            let opened = shared::clock::Timestamp::from_unix_millis(market.clock_now().unix_millis() - 60_000);
            connections.open(&id, user, opened).await.unwrap();
            id
        }
    };
    let forgotten = |id: ConnectionId| {
        let connections = connections.clone();
        async move {
            eventually("the dead connection is forgotten", || async {
                connections.user_of(&id, market.clock_now()).await.unwrap().is_none()
            })
            .await
        }
    };

    // The seller offline: a message becomes an inbox notice.
    let body = json!({ "productId": shop.product, "message": "available?" });
    let started = market.post_as(&shop.buyer.access_token, "/api/conversations", &body).await;
    assert_eq!(started.status, 201);
    let id = started.json()["conversation"]["id"].as_str().unwrap().to_owned();
    eventually("the offline seller is told in their inbox", || async {
        market.inbox(&shop.vendor).await["items"].as_array().unwrap().iter().any(|n| n["type"] == "chat_message")
    })
    .await;
    // Every notification of the seller's pushed before the dead connections are put in the way:
    // a user's notifications reach the trigger in order, so one that arrives comes after the rest.
    let admin = market.admin().await;
    let mut seller_socket = market.connect(&shop.vendor).await;
    let sync = json!({ "audience": { "userId": shop.vendor.user_id() }, "title": "sync", "body": "sync" });
    assert_eq!(market.post_as(&admin.access_token, "/api/notifications", &sync).await.status, 202);
    while seller_socket.next_of("notification").await["notification"]["title"] != "sync" {}

    let gone = dead(seller_id, "DeadA=").await;
    assert_eq!(market.post_as(&shop.buyer.access_token, "/api/conversations", &body).await.status, 200);
    forgotten(gone).await;
    let gone = dead(seller_id, "DeadB=").await;
    let path = format!("/api/conversations/{id}/messages");
    let sent =
        market.post_as(&shop.buyer.access_token, &path, &json!({ "body": "hi", "clientMessageId": "p-1" })).await;
    assert_eq!(sent.status, 201);
    forgotten(gone).await;
    let gone = dead(buyer_id, "DeadC=").await;
    let read = market.post_as(&shop.vendor.access_token, &format!("/api/conversations/{id}/read"), &json!({})).await;
    assert_eq!(read.status, 204);
    forgotten(gone).await;
    assert_eq!(market.get_as(&shop.vendor.access_token, "/api/conversations").await.status, 200);
    assert_eq!(market.get_as(&shop.vendor.access_token, &path).await.status, 200);
    let presence = format!("/api/users/{}/presence", shop.buyer.user_id());
    assert_eq!(market.get_as(&shop.vendor.access_token, &presence).await.status, 200);

    let gone = dead(seller_id, "DeadD=").await;
    let mut socket = market.connect(&shop.buyer).await;
    forgotten(gone).await;
    let gone = dead(seller_id, "DeadE=").await;
    socket
        .send(&json!({ "action": "sendMessage", "conversationId": id, "body": "live", "clientMessageId": "p-3" }))
        .await;
    assert_eq!(socket.next_of("ack").await["clientMessageId"], "p-3");
    forgotten(gone).await;
    let gone = dead(seller_id, "DeadF=").await;
    socket.send(&json!({ "action": "typing", "conversationId": id })).await;
    forgotten(gone).await;
    socket.send(&json!({ "action": "dance" })).await;
    assert_eq!(socket.next_of("error").await["code"], "validation_failed");
    let gone = dead(buyer_id, "DeadG=").await;
    let notice = json!({ "audience": { "userId": shop.buyer.user_id() }, "title": "Hello", "body": "Live" });
    assert_eq!(market.post_as(&admin.access_token, "/api/notifications", &notice).await.status, 202);
    assert_eq!(socket.next_of("notification").await["notification"]["title"], "Hello");
    forgotten(gone).await;
    let gone = dead(seller_id, "DeadH=").await;
    socket.close().await;
    forgotten(gone).await;
    seller_socket.close().await;
}

/// Online payments, last (the expiry moves the clock past every access token above): a forged
/// callback, a payment of the wrong amount, a card checkout paid and then cancelled (refunded), a
/// wallet checkout declined, and one left unpaid until it expires.
async fn drive_payments(market: &TestMarketplace) {
    let shop = market.shop("privilege-pay", 10).await;
    let card = online_basket(&[(&shop.product, 1)], "card");
    let paid = market.checkout(&shop.buyer, &card, None).await.json();
    let paid_checkout = paid["checkoutId"].as_str().unwrap();
    let forged = market.pay(paid_checkout, &json!({ "outcome": "success", "deliver": false })).await.json();
    assert_eq!(market.deliver_callback(&forged["callback"], Some(&"0".repeat(128))).await.status, 401);
    let short = market.pay(paid_checkout, &json!({ "outcome": "success", "amountCents": 1 })).await.json();
    eventually("the short payment refunded", || async { market.refunds_of(&short["transactionId"]).await.len() == 1 })
        .await;
    market.pay(paid_checkout, &json!({ "outcome": "success" })).await;
    let order = paid["orders"][0]["id"].as_str().unwrap().to_owned();
    eventually("paid", || async { market.order(&shop.buyer, &order).await["paymentStatus"] == "paid" }).await;
    assert_eq!(market.set_status(&shop.buyer, &order, "cancelled").await.status, 200);
    eventually("refunded", || async { market.order(&shop.buyer, &order).await["paymentStatus"] == "refunded" }).await;

    let wallet = online_basket(&[(&shop.product, 1)], "wallet");
    let declined = market.checkout(&shop.buyer, &wallet, None).await.json();
    market.pay(declined["checkoutId"].as_str().unwrap(), &json!({ "outcome": "decline" })).await;
    let order = declined["orders"][0]["id"].as_str().unwrap().to_owned();
    eventually("declined", || async { market.order(&shop.buyer, &order).await["paymentStatus"] == "failed" }).await;

    let unpaid = market.checkout(&shop.buyer, &card, None).await.json();
    market.clock.advance(std::time::Duration::from_secs(31 * 60));
    market.sweep_unpaid_checkouts().await;
    let order = unpaid["orders"][0]["id"].as_str().unwrap().to_owned();
    let buyer = market.refreshed(&shop.buyer).await;
    eventually("expired", || async { market.order(&buyer, &order).await["paymentStatus"] == "failed" }).await;
}

/// Grants Lambda itself uses rather than the function's code: reading the function's own streams
/// (the event source mapping), sending a record it gave up on to the dead-letter queue, reading the
/// SSM parameters its environment names (at cold start, which locally takes values inline).
fn used_by_lambda(template: &Template, function: &Function, action: &str, resource: &str) -> bool {
    let own_stream =
        resource.strip_suffix("/stream").is_some_and(|table| function.streams.iter().any(|s| s.table == table));
    let stream_read =
        ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"];
    let named_parameter = resource
        .strip_prefix("parameter:")
        .is_some_and(|parameter| function.environment.values().any(|v| *v == EnvValue::Ref(parameter.to_owned())));
    let triggered = !function.streams.is_empty() || !function.objects.is_empty();
    let dead_letters = triggered && template.resource_types.get(resource).is_some_and(|t| t == "AWS::SQS::Queue");
    (own_stream && stream_read.contains(&action))
        || (named_parameter && action == "ssm:GetParameter")
        || (dead_letters && action == "sqs:SendMessage")
}

fn granted(statements: &[Statement], operation: &Operation) -> bool {
    statements.iter().any(|s| s.allows(operation))
}

#[tokio::test]
async fn every_function_is_granted_exactly_what_it_does() {
    let market = TestMarketplace::spawn().await;
    drive(&market).await;
    let template = Template::project().unwrap();
    let operations = market.marketplace.operations.operations();
    let mut problems = Vec::new();
    for operation in &operations {
        let function = template.functions.iter().find(|f| f.logical_id == operation.function).unwrap();
        if !granted(&function.permissions.statements, operation) {
            let Operation { function, action, resource, leading_key } = operation;
            problems.push(format!("{function} does {action} on {resource} (key {leading_key:?}) without a grant"));
        }
    }
    for function in &template.functions {
        for statement in &function.permissions.statements {
            for action in &statement.actions {
                for resource in &statement.resources {
                    let used = operations.iter().any(|o| {
                        o.function == function.logical_id && glob(action, &o.action) && glob(resource, &o.resource)
                    });
                    let excused = UNEXERCISED
                        .iter()
                        .any(|(f, a, r, _)| *f == function.logical_id && a == action && r == resource);
                    if !used && !excused && !used_by_lambda(&template, function, action, resource) {
                        problems.push(format!(
                            "{} is granted {action} on {resource} but never uses it",
                            function.logical_id
                        ));
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "least privilege:\n{}", problems.join("\n"));
}

/// The managed policies a trigger's explicit role may carry: logs and traces, nothing on data.
const TRIGGER_MANAGED_POLICIES: &[&str] = &[
    "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
    "arn:${AWS::Partition}:iam::aws:policy/AWSXRayDaemonWriteAccess",
];

#[test]
fn stream_triggers_read_only_their_own_table_streams() {
    let template = Template::project().unwrap();
    let stream_read =
        ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"];
    for function in template.functions.iter().filter(|f| !f.streams.is_empty()) {
        let id = &function.logical_id;
        // With Policies, SAM attaches AWSLambdaDynamoDBExecutionRole: every stream of the account.
        assert!(function.permissions.role.is_some(), "{id} needs an explicit Role");
        for managed in &function.permissions.managed_policies {
            assert!(TRIGGER_MANAGED_POLICIES.contains(&managed.as_str()), "{id}: managed policy {managed}");
        }
        for subscription in &function.streams {
            let stream = format!("{}/stream", subscription.table);
            for action in stream_read {
                let operation = Operation {
                    function: id.clone(),
                    action: action.into(),
                    resource: stream.clone(),
                    leading_key: None,
                };
                assert!(granted(&function.permissions.statements, &operation), "{id} cannot {action} on {stream}");
            }
        }
    }
}
