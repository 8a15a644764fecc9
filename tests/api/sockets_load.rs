//! The socket API under load on the runner: 200 open sockets, 50 conversations exchanging
//! messages at once. Every message reaches every open connection of its recipient exactly once,
//! in the order it was sent in its conversation.

use std::collections::BTreeMap;

use serde_json::{Value, json};
use shared::accounts::Role;
use souk_tests::TestMarketplace;
use souk_tests::fixtures::car;
use souk_tests::sockets::Socket;

const VENDORS: usize = 10;
const CONVERSATIONS_PER_VENDOR: usize = 5;
const VENDOR_SOCKETS: usize = 10;
const BUYER_SOCKETS: usize = 2;
/// Each way, per conversation.
const ROUNDS: usize = 5;

struct Party {
    token: String,
    sockets: Vec<Socket>,
}

/// Reads `socket` until it has seen `sentinels` typing frames; the message frames before them, by
/// conversation, as (sender, body), in the order they came.
async fn messages_until(socket: &mut Socket, sentinels: usize) -> BTreeMap<String, Vec<String>> {
    let mut seen = BTreeMap::<String, Vec<String>>::new();
    let mut typings = 0;
    while typings < sentinels {
        let frame = socket.next().await;
        match frame["type"].as_str() {
            Some("message") => {
                let message = &frame["message"];
                let conversation = message["conversationId"].as_str().unwrap().to_owned();
                seen.entry(conversation).or_default().push(message["body"].as_str().unwrap().to_owned());
            }
            Some("typing") => typings += 1,
            _ => {}
        }
    }
    seen
}

#[tokio::test]
async fn two_hundred_sockets_and_fifty_conversations_get_every_message_once_and_in_order() {
    let _turn = souk_tests::heavy_turn().await;
    let market = TestMarketplace::spawn().await;
    let vendors: Vec<_> = (0..VENDORS).map(|_| market.token_for(Role::Vendor)).collect();
    let mut products = Vec::new();
    for (v, (vendor, _)) in vendors.iter().enumerate() {
        for c in 0..CONVERSATIONS_PER_VENDOR {
            let mut product = car("Hyundai", "Elantra", 2018, 90_000, 400_000, (v * 10 + c) as i64);
            product.vendor_id = vendor.to_string();
            products.push(product);
        }
    }
    market.list(&products).await;

    // Each buyer asks about one product: 50 conversations, 5 per vendor.
    let buyers: Vec<_> = products.iter().map(|_| market.token_for(Role::Customer)).collect();
    let starts = products.iter().zip(&buyers).map(|(product, (_, token))| {
        let market = &market;
        async move {
            let body = json!({ "productId": product.id, "message": "hello" });
            // A retry after a 503 may find the conversation its first attempt made (200).
            let started = market.post_as_retrying(token, "/api/conversations", &body).await;
            assert!([200, 201].contains(&started.status.as_u16()), "{}", String::from_utf8_lossy(&started.body));
            started.json()["conversation"]["id"].as_str().unwrap().to_owned()
        }
    });
    let conversations: Vec<String> = futures::future::join_all(starts).await;

    let mut vendor_parties = Vec::new();
    for (_, token) in &vendors {
        let sockets = futures::future::join_all((0..VENDOR_SOCKETS).map(|_| market.connect_token(token))).await;
        vendor_parties.push(Party { token: token.clone(), sockets });
    }
    let mut buyer_parties = Vec::new();
    for (_, token) in &buyers {
        let sockets = futures::future::join_all((0..BUYER_SOCKETS).map(|_| market.connect_token(token))).await;
        buyer_parties.push(Party { token: token.clone(), sockets });
    }
    let open: usize = vendor_parties.iter().chain(&buyer_parties).map(|p| p.sockets.len()).sum();
    assert_eq!(open, 200);

    // Every conversation at once: the buyer sends over its first socket and waits for the ack,
    // the seller answers over HTTP; five rounds each.
    let exchanges = buyer_parties.iter_mut().enumerate().map(|(i, buyer)| {
        let (market, conversation) = (&market, &conversations[i]);
        let seller = vendors[i / CONVERSATIONS_PER_VENDOR].0;
        async move {
            for round in 0..ROUNDS {
                let socket = &mut buyer.sockets[0];
                let client_id = format!("b{round}");
                let frame = json!({ "action": "sendMessage", "conversationId": conversation, "body": format!("b{round}"), "clientMessageId": client_id });
                socket.send(&frame).await;
                // Frames before the ack (the seller's answers, presence) are read again below from the other socket.
                // An `unavailable` error, or no answer for a while, is answered as the README tells
                // clients: the same frame again. An answer to an earlier round's repeat is skipped.
                let mut retries = 0;
                loop {
                    let Some(answer) = socket.next_within(std::time::Duration::from_secs(10)).await else {
                        assert!(retries < 20, "no answer to {client_id}");
                        retries += 1;
                        socket.send(&frame).await;
                        continue;
                    };
                    if ["ack", "error"].contains(&answer["type"].as_str().unwrap_or_default())
                        && answer["clientMessageId"] != client_id.as_str()
                    {
                        continue;
                    }
                    if answer["type"] == "ack" {
                        break;
                    }
                    if answer["type"] == "error" && answer["code"] == "unavailable" && retries < 20 {
                        retries += 1;
                        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                        socket.send(&frame).await;
                        continue;
                    }
                    // Retries count against the 30 messages a minute: the next minute comes.
                    if answer["type"] == "error" && answer["code"] == "rate_limited" && retries < 20 {
                        retries += 1;
                        market.clock.advance(std::time::Duration::from_secs(60));
                        socket.send(&frame).await;
                        continue;
                    }
                    assert_ne!(answer["type"], "error", "{answer}");
                }
                let path = format!("/api/conversations/{conversation}/messages");
                let body = json!({ "body": format!("s{round}"), "clientMessageId": format!("s{round}") });
                // The clock moves a minute at each rate limit, past a token's 15 minutes under a
                // slow machine's retries: the seller's app would refresh its token, so each post
                // carries one issued now.
                let mut answered = market.post_as_retrying(&market.token_again(seller, Role::Vendor), &path, &body).await;
                for _ in 0..5 {
                    if answered.status != 429 {
                        break;
                    }
                    // Retries count against the 30 messages a minute: the next minute comes.
                    let wait = answered.header("retry-after").and_then(|s| s.parse().ok()).unwrap_or(60);
                    market.clock.advance(std::time::Duration::from_secs(wait));
                    answered = market.post_as_retrying(&market.token_again(seller, Role::Vendor), &path, &body).await;
                }
                assert!(answered.status.is_success(), "{}", String::from_utf8_lossy(&answered.body));
            }
        }
    });
    futures::future::join_all(exchanges).await;

    // Sentinels: everything pushed before a typing frame was sent before it.
    for (i, buyer) in buyer_parties.iter_mut().enumerate() {
        buyer.sockets[0].send(&json!({ "action": "typing", "conversationId": conversations[i] })).await;
    }
    for (v, vendor) in vendor_parties.iter_mut().enumerate() {
        for conversation in &conversations[v * CONVERSATIONS_PER_VENDOR..(v + 1) * CONVERSATIONS_PER_VENDOR] {
            vendor.sockets[0].send(&json!({ "action": "typing", "conversationId": conversation })).await;
        }
    }

    let expected = |prefix: &str| -> Vec<String> { (0..ROUNDS).map(|r| format!("{prefix}{r}")).collect() };
    let vendor_reads = vendor_parties.iter_mut().enumerate().flat_map(|(v, vendor)| {
        let mine = &conversations[v * CONVERSATIONS_PER_VENDOR..(v + 1) * CONVERSATIONS_PER_VENDOR];
        let token = vendor.token.clone();
        vendor.sockets.iter_mut().map(move |socket| {
            let token = token.clone();
            async move {
                let seen = messages_until(socket, CONVERSATIONS_PER_VENDOR).await;
                assert_eq!(
                    seen.keys().collect::<Vec<_>>(),
                    {
                        let mut m: Vec<_> = mine.iter().collect();
                        m.sort();
                        m
                    },
                    "{token}"
                );
                for conversation in mine {
                    assert_eq!(seen[conversation], expected("b"), "each buyer's messages once, in order");
                }
            }
        })
    });
    futures::future::join_all(vendor_reads).await;
    let buyer_reads = buyer_parties.iter_mut().enumerate().flat_map(|(i, buyer)| {
        let conversation = conversations[i].clone();
        // The first socket read its frames up to each ack: the answers it holds are checked on the second.
        buyer.sockets.iter_mut().skip(1).map(move |socket| {
            let conversation = conversation.clone();
            async move {
                let seen = messages_until(socket, 1).await;
                let expect: Value = json!({ conversation.clone(): expected("s") });
                assert_eq!(json!(seen), expect, "the seller's answers once, in order");
            }
        })
    });
    futures::future::join_all(buyer_reads).await;
}
