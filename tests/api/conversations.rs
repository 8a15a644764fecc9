//! Conversations over HTTP: a buyer asks about a listing, the seller answers, each lists their
//! conversations with exact unread counts; one conversation per buyer and product and one message
//! per `clientMessageId`, however many requests race; nobody else reads or posts; offline
//! recipients hear of a burst of messages once in their inbox.

use std::time::Duration;

use serde_json::{Value, json};
use shared::clock::Clock;
use shared::conversations::{ClientMessageId, Message, MessageBody, Owed};
use shared::db::ConversationRepo;
use shared::db::conversations::{Duty, Sent};
use shared::ids::{MessageId, UserId};
use souk_tests::{TestMarketplace, eventually};

async fn start(
    market: &TestMarketplace,
    buyer: &souk_tests::accounts::Session,
    product: &str,
    message: &str,
) -> souk_tests::client::TestResponse {
    market
        .post_as(&buyer.access_token, "/api/conversations", &json!({ "productId": product, "message": message }))
        .await
}

/// The id of the conversation the shop's buyer starts about its product with `message`.
async fn started(market: &TestMarketplace, shop: &souk_tests::orders::Shop, message: &str) -> String {
    let answer = start(market, &shop.buyer, &shop.product, message).await;
    answer.json()["conversation"]["id"].as_str().unwrap().to_owned()
}

async fn send(
    market: &TestMarketplace,
    who: &souk_tests::accounts::Session,
    conversation: &str,
    body: &str,
    client_id: &str,
) -> souk_tests::client::TestResponse {
    let path = format!("/api/conversations/{conversation}/messages");
    market.post_as(&who.access_token, &path, &json!({ "body": body, "clientMessageId": client_id })).await
}

fn bodies(page: &Value) -> Vec<String> {
    page["items"].as_array().unwrap().iter().map(|m| m["body"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn a_buyer_asks_the_seller_answers_and_each_sees_what_is_unread() {
    let market = TestMarketplace::spawn().await;
    let shop = market.shop("chat-basic", 1).await;

    let started = start(&market, &shop.buyer, &shop.product, "  هل السيارة متاحة؟  ").await;
    assert_eq!(started.status, 201, "{}", String::from_utf8_lossy(&started.body));
    let conversation = started.json()["conversation"].clone();
    let id = conversation["id"].as_str().unwrap().to_owned();
    assert_eq!(conversation["productId"], shop.product.as_str());
    assert_eq!(conversation["productTitle"], "Brake pads");
    assert_eq!(conversation["buyerId"], shop.buyer.user_id());
    assert_eq!(conversation["sellerId"], shop.vendor.user_id());
    assert_eq!(conversation["lastMessagePreview"], "هل السيارة متاحة؟", "trimmed");
    assert_eq!(conversation["unreadCount"], 0, "the buyer's own message is not unread for them");
    let first = started.json()["message"].clone();
    assert_eq!((first["senderId"].as_str(), first["clientMessageId"].is_null()), (Some(shop.buyer.user_id()), true));

    let sellers = market.get_as(&shop.vendor.access_token, "/api/conversations").await;
    assert_eq!(sellers.status, 200);
    assert_eq!(sellers.json()["items"][0]["id"], id.as_str());
    assert_eq!(sellers.json()["items"][0]["unreadCount"], 1);

    market.clock.advance(Duration::from_secs(5));
    let reply = send(&market, &shop.vendor, &id, "نعم، متاحة", "reply-1").await;
    assert_eq!(reply.status, 201, "{}", String::from_utf8_lossy(&reply.body));
    assert_eq!(reply.json()["clientMessageId"], "reply-1");
    let messages = market.get_as(&shop.buyer.access_token, &format!("/api/conversations/{id}/messages")).await;
    assert_eq!(messages.status, 200);
    assert_eq!(bodies(&messages.json()), ["نعم، متاحة", "هل السيارة متاحة؟"], "newest first");
    let buyers = market.get_as(&shop.buyer.access_token, "/api/conversations").await.json();
    assert_eq!(
        (buyers["items"][0]["unreadCount"].as_u64(), buyers["items"][0]["lastMessagePreview"].as_str()),
        (Some(1), Some("نعم، متاحة"))
    );

    let read = market.post_as(&shop.buyer.access_token, &format!("/api/conversations/{id}/read"), &json!({})).await;
    assert_eq!(read.status, 204);
    let buyers = market.get_as(&shop.buyer.access_token, "/api/conversations").await.json();
    assert_eq!(buyers["items"][0]["unreadCount"], 0);
    let sellers = market.get_as(&shop.vendor.access_token, "/api/conversations").await.json();
    assert_eq!(sellers["items"][0]["unreadCount"], 1, "the seller has not read the question yet");
}

#[tokio::test]
async fn conversations_are_listed_by_latest_activity_and_paged_with_the_callers_own_cursor() {
    let market = TestMarketplace::spawn().await;
    let shop = market.shop("chat-list", 1).await;
    let other = market.new_product(&shop.vendor, "Oil filter", 3, 200).await;
    let third = market.new_product(&shop.vendor, "Wipers", 3, 150).await;
    let mut ids = Vec::new();
    for product in [&shop.product, &other, &third] {
        market.clock.advance(Duration::from_secs(1));
        ids.push(
            start(&market, &shop.buyer, product, "available?").await.json()["conversation"]["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    market.clock.advance(Duration::from_secs(1));
    assert_eq!(send(&market, &shop.vendor, &ids[0], "yes", "a").await.status, 201);

    let page = market.get_as(&shop.buyer.access_token, "/api/conversations?limit=2").await.json();
    let listed: Vec<&str> = page["items"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(listed, [ids[0].as_str(), ids[2].as_str()], "the one just answered comes first");
    let cursor = page["nextCursor"].as_str().expect("a next page");
    let rest =
        market.get_as(&shop.buyer.access_token, &format!("/api/conversations?limit=2&cursor={cursor}")).await.json();
    assert_eq!(rest["items"][0]["id"], ids[1].as_str());
    let foreign = market.get_as(&shop.vendor.access_token, &format!("/api/conversations?cursor={cursor}")).await;
    foreign.assert_problem(400, "invalid_cursor");
}

#[tokio::test]
async fn asking_again_joins_the_one_conversation_of_a_buyer_about_a_product_even_when_racing() {
    let market = TestMarketplace::spawn().await;
    let shop = market.shop("chat-pair", 1).await;
    let asks = (0..8).map(|i| {
        let (market, shop) = (&market, &shop);
        async move { start(market, &shop.buyer, &shop.product, &format!("question {i}")).await }
    });
    let answers = futures::future::join_all(asks).await;
    let statuses: Vec<u16> = answers.iter().map(|a| a.status.as_u16()).collect();
    assert_eq!(statuses.iter().filter(|&&s| s == 201).count(), 1, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|&&s| s == 200).count(), 7, "{statuses:?}");
    let ids: std::collections::BTreeSet<String> =
        answers.iter().map(|a| a.json()["conversation"]["id"].as_str().unwrap().to_owned()).collect();
    assert_eq!(ids.len(), 1, "one conversation");
    let id = ids.into_iter().next().unwrap();
    let messages =
        market.get_as(&shop.vendor.access_token, &format!("/api/conversations/{id}/messages?limit=100")).await.json();
    assert_eq!(messages["items"].as_array().unwrap().len(), 8, "every question is in it");
    let list = market.get_as(&shop.vendor.access_token, "/api/conversations").await.json();
    assert_eq!((list["items"].as_array().unwrap().len(), list["items"][0]["unreadCount"].as_u64()), (1, Some(8)));
}

#[tokio::test]
async fn a_retried_client_message_id_makes_no_duplicate_however_the_retries_race() {
    let market = TestMarketplace::spawn().await;
    let shop = market.shop("chat-retry", 1).await;
    let id = started(&market, &shop, "hello").await;

    let retries = (0..10).map(|_| {
        let (market, shop, id) = (&market, &shop, &id);
        async move {
            send(market, &shop.buyer, id, "is the price negotiable?", "0b7c2e5e-6a39-4f0e-9d63-6f8a2f3c1d2a").await
        }
    });
    let answers = futures::future::join_all(retries).await;
    let created = answers.iter().filter(|a| a.status == 201).count();
    let first = answers.iter().find(|a| a.status == 201).expect("one stores it").json();
    // A retry that meets the first still pushing the message is asked to come back a moment later.
    let (waited, mut replayed): (Vec<_>, Vec<_>) =
        answers.into_iter().filter(|a| a.status != 201).partition(|a| a.status == 503);
    for asked_to_wait in &waited {
        asked_to_wait.assert_problem(503, "unavailable");
        assert_eq!(asked_to_wait.header("retry-after"), Some("1"));
    }
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    for _ in &waited {
        replayed.push(
            send(&market, &shop.buyer, &id, "is the price negotiable?", "0b7c2e5e-6a39-4f0e-9d63-6f8a2f3c1d2a").await,
        );
    }
    assert_eq!((created, replayed.len()), (1, 9));
    for again in replayed {
        assert_eq!(again.json(), first, "the same message");
        assert_eq!(again.header("idempotent-replayed"), Some("true"));
    }
    let messages = market.get_as(&shop.vendor.access_token, &format!("/api/conversations/{id}/messages")).await.json();
    assert_eq!(bodies(&messages), ["is the price negotiable?", "hello"]);
    let list = market.get_as(&shop.vendor.access_token, "/api/conversations").await.json();
    assert_eq!(list["items"][0]["unreadCount"], 2, "counted once");

    // The same id from the other participant is theirs: a different message.
    assert_eq!(send(&market, &shop.vendor, &id, "yes", "0b7c2e5e-6a39-4f0e-9d63-6f8a2f3c1d2a").await.status, 201);
}

#[tokio::test]
async fn the_attempt_that_stores_a_message_holds_its_push_so_a_retry_racing_it_waits() {
    let market = TestMarketplace::spawn().await;
    let shop = market.shop("chat-hold", 1).await;
    let id = started(&market, &shop, "hello").await;
    let conversations = ConversationRepo::new(&market.app().database()).unwrap();
    let seller: UserId = shop.vendor.user_id().parse().unwrap();
    // Two attempts of one send, each with the id it mints, as the function builds them.
    let attempt = || {
        let now = market.clock.now();
        Message {
            id: MessageId::next_at(now),
            conversation_id: id.parse().unwrap(),
            sender_id: shop.buyer.user_id().parse().unwrap(),
            body: MessageBody::parse("is the price negotiable?").unwrap(),
            created_at: now,
            client_message_id: Some(ClientMessageId::parse("6f1c0e0a-held").unwrap()),
        }
    };
    let (first, retry) = (attempt(), attempt());
    assert_eq!(conversations.send(&first, seller).await.unwrap(), Sent::Stored);
    let stored = match conversations.send(&retry, seller).await.unwrap() {
        Sent::Repeated(stored) => stored,
        Sent::Stored => panic!("a clientMessageId stores one message"),
    };
    assert_eq!(stored, first);

    // The retry asks for the push before the attempt that stored the message does.
    let duty = conversations.take_owed(&stored, &retry.id.to_string()).await.unwrap();
    assert_eq!(duty, Duty::HeldElsewhere, "the storing attempt holds it");
    let duty = conversations.take_owed(&stored, &first.id.to_string()).await.unwrap();
    assert_eq!(duty, Duty::Push(Owed::Everyone));
    conversations.settle_owed(&stored, &first.id.to_string(), None).await.unwrap();
    let duty = conversations.take_owed(&stored, &retry.id.to_string()).await.unwrap();
    assert_eq!(duty, Duty::Delivered);
}

#[tokio::test]
async fn nobody_else_reads_posts_or_marks_a_conversation_and_it_is_not_leaked() {
    let market = TestMarketplace::spawn().await;
    let shop = market.shop("chat-stranger", 1).await;
    let stranger = market.verified_customer("chat-stranger-3rd@example.com").await;
    let admin = market.admin().await;
    let id = started(&market, &shop, "hello").await;

    for who in [&stranger, &admin] {
        let messages = market.get_as(&who.access_token, &format!("/api/conversations/{id}/messages")).await;
        messages.assert_problem(404, "not_found");
        send(&market, who, &id, "let me in", "x-1").await.assert_problem(404, "not_found");
        let read = market.post_as(&who.access_token, &format!("/api/conversations/{id}/read"), &json!({})).await;
        read.assert_problem(404, "not_found");
        let list = market.get_as(&who.access_token, "/api/conversations").await.json();
        assert_eq!(list["items"], json!([]));
    }
    let unknown = ulid::Ulid::new().to_string();
    let missing = market.get_as(&shop.buyer.access_token, &format!("/api/conversations/{unknown}/messages")).await;
    missing.assert_problem(404, "not_found");
    let anonymous = market.get(&format!("/api/conversations/{id}/messages")).await;
    anonymous.assert_problem(401, "unauthorized");
    let messages = market.get_as(&shop.vendor.access_token, &format!("/api/conversations/{id}/messages")).await.json();
    assert_eq!(bodies(&messages), ["hello"], "nothing was posted");
}

#[tokio::test]
async fn bad_questions_are_refused_with_what_is_wrong_and_nothing_is_written() {
    let market = TestMarketplace::spawn().await;
    let shop = market.shop("chat-bad", 1).await;
    let unverified = market.unverified_customer("chat-bad-unverified@example.com").await;

    let empty = start(&market, &shop.buyer, &shop.product, "   ").await;
    empty.assert_problem(400, "validation_failed");
    assert_eq!(empty.error_fields(), ["message"]);
    let long = start(&market, &shop.buyer, &shop.product, &"ب".repeat(2001)).await;
    assert_eq!(long.error_fields(), ["message"]);
    let hidden = start(&market, &shop.buyer, &shop.product, "pay here\u{202E}moc.live").await;
    assert_eq!(hidden.error_fields(), ["message"]);
    let unknown = start(&market, &shop.buyer, &ulid::Ulid::new().to_string(), "hello").await;
    unknown.assert_problem(400, "validation_failed");
    assert_eq!(unknown.error_fields(), ["productId"]);
    let extra = market
        .post_as(
            &shop.buyer.access_token,
            "/api/conversations",
            &json!({ "productId": shop.product, "message": "hi", "sellerId": "x" }),
        )
        .await;
    extra.assert_problem(400, "validation_failed");
    start(&market, &shop.vendor, &shop.product, "talking to myself").await.assert_problem(403, "forbidden");
    start(&market, &unverified, &shop.product, "hello").await.assert_problem(403, "email_not_verified");

    for who in [&shop.buyer, &shop.vendor] {
        assert_eq!(market.get_as(&who.access_token, "/api/conversations").await.json()["items"], json!([]));
    }
    let id = started(&market, &shop, "hello").await;
    let bad = send(&market, &shop.buyer, &id, "", "has space").await;
    bad.assert_problem(400, "validation_failed");
    assert_eq!(bad.error_fields(), ["body", "clientMessageId"]);
}

#[tokio::test]
async fn thirty_messages_a_minute_then_429_with_retry_after() {
    let market = TestMarketplace::spawn().await;
    let shop = market.shop("chat-flood", 1).await;
    let id = started(&market, &shop, "1").await;
    for i in 2..=30 {
        assert_eq!(send(&market, &shop.buyer, &id, &i.to_string(), &format!("m{i}")).await.status, 201, "message {i}");
    }
    let flood = send(&market, &shop.buyer, &id, "31", "m31").await;
    flood.assert_problem(429, "rate_limited");
    assert!(flood.header("retry-after").is_some_and(|s| s.parse::<u64>().is_ok_and(|s| (1..=60).contains(&s))));
    market.clock.advance(Duration::from_secs(61));
    assert_eq!(send(&market, &shop.buyer, &id, "31", "m31").await.status, 201, "a new minute");
}

#[tokio::test]
async fn presence_of_a_vendor_is_public_and_of_a_customer_only_to_their_partners() {
    let market = TestMarketplace::spawn().await;
    let shop = market.shop("chat-presence", 1).await;
    let stranger = market.verified_customer("chat-presence-3rd@example.com").await;
    let path = |who: &souk_tests::accounts::Session| format!("/api/users/{}/presence", who.user_id());

    let vendor = market.get_as(&stranger.access_token, &path(&shop.vendor)).await;
    assert_eq!(vendor.status, 200);
    assert_eq!(vendor.json(), json!({ "online": false, "lastSeenAt": null }));
    market.get_as(&stranger.access_token, &path(&shop.buyer)).await.assert_problem(404, "not_found");
    market.get_as(&shop.vendor.access_token, &path(&shop.buyer)).await.assert_problem(404, "not_found");
    assert_eq!(market.get_as(&shop.buyer.access_token, &path(&shop.buyer)).await.status, 200, "one's own");
    let nobody = format!("/api/users/{}/presence", ulid::Ulid::new());
    market.get_as(&stranger.access_token, &nobody).await.assert_problem(404, "not_found");

    start(&market, &shop.buyer, &shop.product, "hello").await;
    assert_eq!(market.get_as(&shop.vendor.access_token, &path(&shop.buyer)).await.status, 200, "now partners");
    market.get_as(&stranger.access_token, &path(&shop.buyer)).await.assert_problem(404, "not_found");
}

#[tokio::test]
async fn an_offline_recipient_gets_one_inbox_notice_for_a_burst_and_another_after_ten_minutes() {
    let market = TestMarketplace::spawn().await;
    let shop = market.shop("chat-offline", 1).await;
    let id = started(&market, &shop, "first").await;
    for i in 0..4 {
        market.clock.advance(Duration::from_secs(10));
        assert_eq!(send(&market, &shop.buyer, &id, &format!("more {i}"), &format!("b{i}")).await.status, 201);
    }
    let notices = || async {
        let inbox = market.inbox(&shop.vendor).await;
        inbox["items"].as_array().unwrap().iter().filter(|n| n["type"] == "chat_message").cloned().collect::<Vec<_>>()
    };
    eventually("the seller is told once", || async { notices().await.len() == 1 }).await;
    let notice = &notices().await[0];
    assert_eq!(notice["data"]["conversationId"], id.as_str());
    assert_eq!(notice["body"], "first");
    eventually("and it is published", || async {
        !market.outbox_of_type(shop.vendor.user_id(), "chat_message").await.is_empty()
    })
    .await;
    market.clock.advance(Duration::from_secs(10 * 60));
    assert_eq!(send(&market, &shop.buyer, &id, "still there?", "later").await.status, 201);
    eventually("a new window, a new notice", || async { notices().await.len() >= 2 }).await;
    // A conversation's messages reach the trigger in order: the burst was handled before this one.
    assert_eq!(notices().await.len(), 2, "the rest of the burst told nobody");
    assert!(
        market.inbox(&shop.buyer).await["items"].as_array().unwrap().iter().all(|n| n["type"] != "chat_message"),
        "never the sender"
    );
}
