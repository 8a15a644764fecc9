//! Live updates over the WebSocket API, with real WebSocket clients against the runner: messages
//! both ways, typing and read receipts, exactly-once acks, presence, inbox notifications (order
//! updates) pushed live, strangers and bad tokens kept out, and dead connections forgotten.

use serde_json::{Value, json};
use shared::conversations::ConnectionId;
use shared::db::ConnectionRepo;
use souk_tests::accounts::Session;
use souk_tests::orders::Shop;
use souk_tests::{TestMarketplace, eventually};

/// A conversation the shop's buyer started about its product; its id.
async fn conversation(market: &TestMarketplace, shop: &Shop) -> String {
    let body = json!({ "productId": shop.product, "message": "هل السيارة متاحة؟" });
    let started = market.post_as(&shop.buyer.access_token, "/api/conversations", &body).await;
    assert_eq!(started.status, 201, "{}", String::from_utf8_lossy(&started.body));
    started.json()["conversation"]["id"].as_str().unwrap().to_owned()
}

fn send_frame(conversation: &str, body: &str, client_id: &str) -> Value {
    json!({ "action": "sendMessage", "conversationId": conversation, "body": body, "clientMessageId": client_id })
}

async fn post_message(
    market: &TestMarketplace,
    who: &Session,
    conversation: &str,
    body: &str,
    client_id: &str,
) -> Value {
    let path = format!("/api/conversations/{conversation}/messages");
    let posted = market.post_as(&who.access_token, &path, &json!({ "body": body, "clientMessageId": client_id })).await;
    assert_eq!(posted.status, 201, "{}", String::from_utf8_lossy(&posted.body));
    posted.json()
}

#[tokio::test]
async fn two_users_chat_live_both_ways_with_typing_and_read_receipts() {
    let market = TestMarketplace::spawn().await;
    let shop = market.shop("ws-chat", 1).await;
    let id = conversation(&market, &shop).await;
    let mut buyer = market.connect(&shop.buyer).await;
    let mut seller = market.connect(&shop.vendor).await;

    // Over the socket: the sender is acked with the stored message, the recipient gets it.
    buyer.send(&send_frame(&id, "بكام آخر سعر؟", "c-1")).await;
    let ack = buyer.next_of("ack").await;
    assert_eq!(ack["clientMessageId"], "c-1");
    assert_eq!(
        (ack["message"]["body"].as_str(), ack["message"]["senderId"].as_str()),
        (Some("بكام آخر سعر؟"), Some(shop.buyer.user_id()))
    );
    let received = seller.next_of("message").await;
    assert_eq!(received["message"], ack["message"], "the same stored message");

    // Over HTTP the other way.
    let reply = post_message(&market, &shop.vendor, &id, "٣٠٠ ألف", "r-1").await;
    assert_eq!(buyer.next_of("message").await["message"], reply);

    seller.send(&json!({ "action": "typing", "conversationId": id })).await;
    let typing = buyer.next_of("typing").await;
    assert_eq!(typing, json!({ "type": "typing", "conversationId": id, "userId": shop.vendor.user_id() }));

    let read = market.post_as(&shop.vendor.access_token, &format!("/api/conversations/{id}/read"), &json!({})).await;
    assert_eq!(read.status, 204);
    let receipt = buyer.next_of("read").await;
    assert_eq!(
        (receipt["conversationId"].as_str(), receipt["readerId"].as_str()),
        (Some(id.as_str()), Some(shop.vendor.user_id()))
    );

    let stored = market.get_as(&shop.buyer.access_token, &format!("/api/conversations/{id}/messages")).await.json();
    let bodies: Vec<&str> = stored["items"].as_array().unwrap().iter().map(|m| m["body"].as_str().unwrap()).collect();
    assert_eq!(bodies, ["٣٠٠ ألف", "بكام آخر سعر؟", "هل السيارة متاحة؟"]);
}

#[tokio::test]
async fn a_retried_client_message_id_is_acked_with_the_first_message_and_delivered_once() {
    let market = TestMarketplace::spawn().await;
    let shop = market.shop("ws-retry", 1).await;
    let id = conversation(&market, &shop).await;
    let mut buyer = market.connect(&shop.buyer).await;
    let mut seller = market.connect(&shop.vendor).await;

    for _ in 0..3 {
        buyer.send(&send_frame(&id, "once", "same-id")).await;
    }
    let acks = [buyer.next_of("ack").await, buyer.next_of("ack").await, buyer.next_of("ack").await];
    assert!(acks.iter().all(|a| a["message"] == acks[0]["message"]), "every ack names the first message");
    // A typing signal after the retries: the messages the seller gets before it are all the
    // retries made (besides them, their inbox notice of the first question may come late).
    buyer.send(&json!({ "action": "typing", "conversationId": id })).await;
    let delivered = messages_before_typing(&mut seller).await;
    assert_eq!(delivered, [acks[0]["message"].clone()], "the message once, no second copy");
}

/// The message frames `socket` gets before the typing frame the other party sends next.
async fn messages_before_typing(socket: &mut souk_tests::sockets::Socket) -> Vec<Value> {
    let mut delivered = Vec::new();
    loop {
        let frame = socket.next().await;
        match frame["type"].as_str() {
            Some("typing") => return delivered,
            Some("message") => delivered.push(frame["message"].clone()),
            _ => {}
        }
    }
}

#[tokio::test]
async fn a_push_that_failed_is_made_good_by_the_retry_and_only_where_it_failed() {
    let market = TestMarketplace::spawn().await;
    let shop = market.shop("ws-owed", 1).await;
    let id = conversation(&market, &shop).await;
    let connections = ConnectionRepo::new(&market.app().database()).unwrap();
    let seller_id = shop.vendor.user_id().parse().unwrap();
    let mut phone = market.connect(&shop.vendor).await;
    let [phone_id]: [ConnectionId; 1] =
        connections.of_user(seller_id, market.clock_now()).await.unwrap().try_into().unwrap();
    let mut laptop = market.connect(&shop.vendor).await;
    let laptop_id = connections
        .of_user(seller_id, market.clock_now())
        .await
        .unwrap()
        .into_iter()
        .find(|c| *c != phone_id)
        .expect("the second connection");
    let mut buyer = market.connect(&shop.buyer).await;

    // `@connections` fails for the laptop: the message is stored, the sender told to retry.
    let gateway = market.marketplace.sockets.connections();
    gateway.fail_posts_to(laptop_id.as_str());
    let path = format!("/api/conversations/{id}/messages");
    let body = json!({ "body": "still available?", "clientMessageId": "owed-1" });
    let failed = market.post_as(&shop.buyer.access_token, &path, &body).await;
    assert_eq!(failed.status, 503, "{}", String::from_utf8_lossy(&failed.body));
    assert_eq!(failed.json()["code"], "unavailable");
    assert!(failed.header("retry-after").is_some());

    gateway.heal(laptop_id.as_str());
    let retried = market.post_as(&shop.buyer.access_token, &path, &body).await;
    assert!(retried.status.is_success(), "{}", String::from_utf8_lossy(&retried.body));
    let message = retried.json();
    let again = market.post_as(&shop.buyer.access_token, &path, &body).await;
    assert_eq!(again.json(), message, "the same message each time");

    buyer.send(&json!({ "action": "typing", "conversationId": id })).await;
    assert_eq!(messages_before_typing(&mut phone).await, vec![message.clone()], "the phone had it at once, and once");
    assert_eq!(messages_before_typing(&mut laptop).await, vec![message], "the laptop got it on the retry, once");
    let listed = market.get_as(&shop.vendor.access_token, &path).await.json();
    let stored = listed["items"].as_array().unwrap().iter().filter(|m| m["clientMessageId"] == "owed-1").count();
    assert_eq!(stored, 1, "stored once");
}

#[tokio::test]
async fn bad_frames_get_an_error_frame_with_the_code_http_would_give() {
    let market = TestMarketplace::spawn().await;
    let shop = market.shop("ws-bad", 1).await;
    let id = conversation(&market, &shop).await;
    let mut buyer = market.connect(&shop.buyer).await;

    buyer.send(&send_frame(&id, "   ", "c-empty")).await;
    let empty = buyer.next().await;
    assert_eq!(
        (empty["type"].as_str(), empty["code"].as_str(), empty["clientMessageId"].as_str()),
        (Some("error"), Some("validation_failed"), Some("c-empty"))
    );
    assert!(empty["detail"].as_str().unwrap().contains("body"));
    buyer.send(&json!({ "action": "dance" })).await;
    let unknown = buyer.next().await;
    assert_eq!((unknown["type"].as_str(), unknown["code"].as_str()), (Some("error"), Some("validation_failed")));
    assert!(unknown["detail"].as_str().unwrap().contains("sendMessage"));
    buyer.send_text("not json at all").await;
    assert_eq!(buyer.next().await["code"], "validation_failed");
    let missing = ulid::Ulid::new().to_string();
    buyer.send(&send_frame(&missing, "hello?", "c-missing")).await;
    assert_eq!(buyer.next().await["code"], "not_found");
}

#[tokio::test]
async fn a_stranger_can_neither_read_nor_post_nor_open_a_socket_without_a_valid_token() {
    let market = TestMarketplace::spawn().await;
    let shop = market.shop("ws-stranger", 1).await;
    let id = conversation(&market, &shop).await;
    let stranger = market.verified_customer("ws-stranger-3rd@example.com").await;

    assert_eq!(market.connect_with("").await.err(), Some(401), "no token");
    assert_eq!(market.connect_with("?token=forged.token.value").await.err(), Some(401));
    let mut tampered = shop.buyer.access_token.clone();
    tampered.pop();
    tampered.push('x');
    assert_eq!(market.connect_with(&format!("?token={tampered}")).await.err(), Some(401));
    market.clock.advance(std::time::Duration::from_secs(3600));
    assert_eq!(market.connect_with(&format!("?token={}", shop.buyer.access_token)).await.err(), Some(401), "expired");
    let stranger = market.refreshed(&stranger).await;
    let shop =
        Shop { buyer: market.refreshed(&shop.buyer).await, vendor: market.refreshed(&shop.vendor).await, ..shop };

    let mut intruder = market.connect(&stranger).await;
    let mut seller = market.connect(&shop.vendor).await;
    intruder.send(&send_frame(&id, "let me in", "i-1")).await;
    assert_eq!(intruder.next().await["code"], "not_found");
    intruder.send(&json!({ "action": "typing", "conversationId": id })).await;
    assert_eq!(intruder.next().await["code"], "not_found");
    // The seller got nothing from either: the first message or typing they see is the buyer's
    // (their inbox notice of the first question may come before it).
    post_message(&market, &shop.buyer, &id, "still here", "b-1").await;
    let first = loop {
        let frame = seller.next().await;
        if frame["type"] != "notification" {
            break frame;
        }
    };
    assert_eq!((first["type"].as_str(), first["message"]["body"].as_str()), (Some("message"), Some("still here")));
    let messages = market.get_as(&shop.vendor.access_token, &format!("/api/conversations/{id}/messages")).await.json();
    assert_eq!(messages["items"].as_array().unwrap().len(), 2, "nothing of the stranger's was stored");
}

#[tokio::test]
async fn an_order_status_change_reaches_the_buyers_socket() {
    let market = TestMarketplace::spawn().await;
    let shop = market.shop("ws-order", 2).await;
    let mut buyer = market.connect(&shop.buyer).await;
    let order = market.place_order(&shop.buyer, &[(&shop.product, 1)]).await;
    assert_eq!(market.set_status(&shop.vendor, &order, "confirmed").await.status, 200);
    loop {
        let frame = buyer.next_of("notification").await;
        if frame["notification"]["type"] == "order_status_changed" {
            assert_eq!(frame["notification"]["data"]["orderId"], order.as_str(), "{frame}");
            assert_eq!(frame["notification"]["read"], false);
            break;
        }
    }
}

#[tokio::test]
async fn presence_flips_online_with_the_first_connection_and_offline_with_the_last() {
    let market = TestMarketplace::spawn().await;
    let shop = market.shop("ws-presence", 1).await;
    conversation(&market, &shop).await;
    let presence = format!("/api/users/{}/presence", shop.buyer.user_id());
    let mut seller = market.connect(&shop.vendor).await;

    let first = market.connect(&shop.buyer).await;
    let online = seller.next_of("presence").await;
    assert_eq!(
        online,
        json!({ "type": "presence", "userId": shop.buyer.user_id(), "online": true, "lastSeenAt": null })
    );
    assert_eq!(market.get_as(&shop.vendor.access_token, &presence).await.json()["online"], true);

    // A second device: no news; closing one of two: no news; closing the last: offline.
    let second = market.connect(&shop.buyer).await;
    first.close().await;
    second.close().await;
    let offline = seller.next_of("presence").await;
    assert_eq!(
        (offline["userId"].as_str(), offline["online"].as_bool()),
        (Some(shop.buyer.user_id()), Some(false)),
        "{offline}"
    );
    assert!(offline["lastSeenAt"].is_string());
    let now = market.get_as(&shop.vendor.access_token, &presence).await.json();
    assert_eq!((now["online"].as_bool(), now["lastSeenAt"].clone()), (Some(false), offline["lastSeenAt"].clone()));
}

#[tokio::test]
async fn a_dead_connection_is_forgotten_after_one_410_and_the_live_ones_still_get_their_frames() {
    let market = TestMarketplace::spawn().await;
    let shop = market.shop("ws-gone", 1).await;
    let id = conversation(&market, &shop).await;
    let mut seller = market.connect(&shop.vendor).await;
    let mut buyer = market.connect(&shop.buyer).await;
    // A connection the seller's phone had when it lost its network: API Gateway no longer knows it.
    let connections = ConnectionRepo::new(&market.app().database()).unwrap();
    let dead: ConnectionId = "DeadPhoneConn0=".parse().unwrap();
    let seller_id = shop.vendor.user_id().parse().unwrap();
    // Opened a minute ago: a younger one may still be opening, and is not forgotten.
    let opened = shared::clock::Timestamp::from_unix_millis(market.clock_now().unix_millis() - 60_000);
    connections.open(&dead, seller_id, opened).await.unwrap();

    // And one that is still opening (its `$connect` running): API Gateway answers 410 for it too.
    let opening: ConnectionId = "OpeningConn000=".parse().unwrap();
    connections.open(&opening, seller_id, market.clock_now()).await.unwrap();

    buyer.send(&send_frame(&id, "first", "g-1")).await;
    assert_eq!(
        buyer.next_of("ack").await["clientMessageId"],
        "g-1",
        "the sender's connection is not the one forgotten"
    );
    let kept = connections.user_of(&opening, market.clock_now()).await.unwrap();
    assert_eq!(kept, Some(seller_id), "a connection still opening is not forgotten");
    connections.close(&opening, market.clock_now()).await.unwrap();
    assert_eq!(seller.next_of("message").await["message"]["body"], "first");
    eventually("the dead connection is forgotten", || async {
        connections.user_of(&dead, market.clock_now()).await.unwrap().is_none()
    })
    .await;
    let gone_before = market.marketplace.sockets.connections().gone_posts();
    post_message(&market, &shop.buyer, &id, "second", "g-2").await;
    assert_eq!(seller.next_of("message").await["message"]["body"], "second");
    assert_eq!(market.marketplace.sockets.connections().gone_posts(), gone_before, "never tried again");
    assert_eq!(
        market
            .get_as(&shop.vendor.access_token, &format!("/api/users/{}/presence", shop.vendor.user_id()))
            .await
            .json()["online"],
        true
    );
}

#[tokio::test]
async fn an_online_recipient_gets_the_message_live_and_no_inbox_notice() {
    let market = TestMarketplace::spawn().await;
    let shop = market.shop("ws-online", 1).await;
    let mut seller = market.connect(&shop.vendor).await;
    let id = conversation(&market, &shop).await;
    assert_eq!(seller.next_of("message").await["message"]["conversationId"], id.as_str());
    seller.close().await;
    market.clock.advance(std::time::Duration::from_secs(1));
    post_message(&market, &shop.buyer, &id, "are you there?", "o-1").await;
    let notices = || async {
        let inbox = market.inbox(&shop.vendor).await;
        inbox["items"].as_array().unwrap().iter().filter(|n| n["type"] == "chat_message").cloned().collect::<Vec<_>>()
    };
    eventually("the seller, offline now, is told", || async { !notices().await.is_empty() }).await;
    let told = notices().await;
    // Messages of a conversation reach the trigger in order: the first was handled already.
    assert_eq!(told.len(), 1, "only for the message sent while offline");
    assert_eq!(told[0]["body"], "are you there?");
}
