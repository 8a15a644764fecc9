//! The conversations table. Under `pk = conv#<id>`: each participant's view (`sk = view#<userId>`:
//! the conversation as they list it, with their unread count; a user is a participant exactly
//! when their view exists), the messages (`sk = msg#<messageId>`) and each sender's
//! `clientMessageId` claims (`sk = client#<userId>#<clientMessageId>`, with `liveOwed`: who still
//! lacks the message's live copy, everyone until a push takes it). `pk = pair#<buyer>#<product>`
//! holds the one conversation of a buyer about a product; `pk = link#<userId>#<userId>` (the
//! smaller id first) says two users share a conversation (who may see a customer's presence). A message, its claim and both views
//! change in one transaction, so a list never shows a message that is not there, or misses one.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::{AttributeValue, Put, ReturnValue, TransactWriteItem, Update};
use serde::{Deserialize, Serialize};

use crate::clock::Timestamp;
use crate::config::ConfigError;
use crate::conversations::{ClientMessageId, Conversation, Message, Owed};
use crate::db::Database;
use crate::db::attributes::{Item, get_s, n, s};
use crate::db::error::{applied, is_condition_failure};
use crate::db::index_page::{Position, checked_start, newest_first};
use crate::db::read::get_consistent;
use crate::db::transaction;
use crate::error::ApiError;
use crate::ids::{ConversationId, MessageId, ProductId, UserId};
use crate::tables::Table;

const BY_PARTICIPANT: &str = "ByParticipant";

#[derive(Clone, Debug)]
pub struct ConversationRepo {
    client: aws_sdk_dynamodb::Client,
    table: String,
}

/// What starting a conversation did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Started {
    Created,
    /// The buyer already has a conversation about the product: this one.
    Exists(ConversationId),
}

/// What sending a message did.
#[derive(Debug, Clone, PartialEq)]
pub enum Sent {
    /// Stored now; with a `clientMessageId`, this attempt holds the duty to push it.
    Stored,
    /// The sender sent this `clientMessageId` before: the message it made then.
    Repeated(Message),
}

const LIVE_OWED: &str = "liveOwed";
/// The attempt that holds the duty to push a message live, and until when (real time, millis).
const LIVE_HOLDER: &str = "liveHolder";
const LIVE_HELD_UNTIL: &str = "liveHeldUntil";
/// How long an attempt holds the duty to push a message: longer than a function may run (10 s).
const HOLD: std::time::Duration = std::time::Duration::from_secs(15);

/// What an attempt to send a message must do about its live copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Duty {
    /// Push it to these, then settle.
    Push(Owed),
    /// Everyone has it.
    Delivered,
    /// Another attempt is pushing it now: try again shortly.
    HeldElsewhere,
}

/// A hold bounds how long a function runs, which is real time, not the marketplace's clock.
fn real_time_millis() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |since| since.as_millis() as i64)
}

fn owed_value(owed: &Owed) -> AttributeValue {
    match owed {
        Owed::Everyone => AttributeValue::Bool(true),
        Owed::Connections(ids) => AttributeValue::Ss(ids.iter().map(ToString::to_string).collect()),
    }
}

fn owed_of(value: &AttributeValue) -> Owed {
    match value {
        AttributeValue::Ss(ids) => Owed::Connections(ids.iter().filter_map(|id| id.parse().ok()).collect()),
        _ => Owed::Everyone,
    }
}

fn key(pk: String, sk: String) -> Item {
    HashMap::from([("pk".to_owned(), s(pk)), ("sk".to_owned(), s(sk))])
}

fn conversation_pk(id: ConversationId) -> String {
    format!("conv#{id}")
}

fn view_key(id: ConversationId, user: UserId) -> Item {
    key(conversation_pk(id), format!("view#{user}"))
}

fn claim_key(id: ConversationId, sender: UserId, client: &ClientMessageId) -> Item {
    key(conversation_pk(id), format!("client#{sender}#{}", client.as_str()))
}

fn pair_key(buyer: UserId, product: ProductId) -> Item {
    key(format!("pair#{buyer}#{product}"), "pair".into())
}

fn link_key(a: UserId, b: UserId) -> Item {
    let (first, second) = if a < b { (a, b) } else { (b, a) };
    key(format!("link#{first}#{second}"), "link".into())
}

#[derive(Serialize, Deserialize)]
struct StoredView {
    pk: String,
    sk: String,
    participant: UserId,
    /// The id of the latest message: ULIDs sort by time, so the index lists by latest activity.
    activity: MessageId,
    #[serde(flatten)]
    conversation: Conversation,
}

#[derive(Serialize, Deserialize)]
struct StoredMessage {
    pk: String,
    sk: String,
    #[serde(flatten)]
    message: Message,
}

impl ConversationRepo {
    pub fn new(db: &Database) -> Result<Self, ConfigError> {
        Ok(Self { client: db.client(), table: db.table(Table::Conversations)? })
    }

    fn put(&self, item: Item, condition: Option<&str>) -> Result<TransactWriteItem, ApiError> {
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(item))
            .set_condition_expression(condition.map(str::to_owned));
        Ok(TransactWriteItem::builder().put(put.build().map_err(ApiError::internal)?).build())
    }

    fn view_item(
        &self,
        conversation: &Conversation,
        participant: UserId,
        activity: MessageId,
    ) -> Result<Item, ApiError> {
        Ok(serde_dynamo::to_item(StoredView {
            pk: conversation_pk(conversation.id),
            sk: format!("view#{participant}"),
            participant,
            activity,
            conversation: conversation.clone(),
        })?)
    }

    fn message_item(&self, message: &Message) -> Result<Item, ApiError> {
        Ok(serde_dynamo::to_item(StoredMessage {
            pk: conversation_pk(message.conversation_id),
            sk: format!("msg#{}", message.id),
            message: message.clone(),
        })?)
    }

    /// Moves `participant`'s view of the conversation to `message`; the recipient's gains an unread.
    fn touch_view(&self, message: &Message, participant: UserId) -> Result<TransactWriteItem, ApiError> {
        let mut update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(view_key(message.conversation_id, participant)))
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_names("#at", "lastMessageAt")
            .expression_attribute_names("#preview", "lastMessagePreview")
            .expression_attribute_names("#activity", "activity")
            .expression_attribute_values(":at", s(message.created_at))
            .expression_attribute_values(":preview", s(message.preview()))
            .expression_attribute_values(":activity", s(message.id));
        update = if participant == message.sender_id {
            update.update_expression("SET #at = :at, #preview = :preview, #activity = :activity")
        } else {
            update
                .update_expression("SET #at = :at, #preview = :preview, #activity = :activity ADD #unread :one")
                .expression_attribute_names("#unread", "unreadCount")
                .expression_attribute_values(":one", n(1))
        };
        Ok(TransactWriteItem::builder().update(update.build().map_err(ApiError::internal)?).build())
    }

    /// Starts the buyer's conversation about a product with `first` (sent by the buyer), unless
    /// they have one already. `conversation` is as the buyer sees it (no unread).
    pub async fn start(&self, conversation: &Conversation, first: &Message) -> Result<Started, ApiError> {
        let mut pair = pair_key(conversation.buyer_id, conversation.product_id);
        pair.insert("conversationId".into(), s(conversation.id));
        let seller_view = Conversation { unread_count: 1, ..conversation.clone() };
        let items = vec![
            self.put(pair, Some("attribute_not_exists(pk)"))?,
            self.put(self.view_item(conversation, conversation.buyer_id, first.id)?, None)?,
            self.put(self.view_item(&seller_view, conversation.seller_id, first.id)?, None)?,
            self.put(self.message_item(first)?, Some("attribute_not_exists(pk)"))?,
            self.put(link_key(conversation.buyer_id, conversation.seller_id), None)?,
        ];
        match transaction::write(&self.client, items).await {
            Ok(()) => Ok(Started::Created),
            Err(e) if e.failed_at(0) => {
                let pair = pair_key(conversation.buyer_id, conversation.product_id);
                let out = self
                    .client
                    .get_item()
                    .table_name(&self.table)
                    .set_key(Some(pair))
                    .consistent_read(true)
                    .send()
                    .await?;
                let existing = out.item.and_then(|item| get_s(&item, "conversationId"));
                existing
                    .map(Started::Exists)
                    .ok_or_else(|| ApiError::internal("a conversation pair without its conversation"))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Whether `a` and `b` are the two participants of some conversation.
    pub async fn share_a_conversation(&self, a: UserId, b: UserId) -> Result<bool, ApiError> {
        let out = self.client.get_item().table_name(&self.table).set_key(Some(link_key(a, b))).send().await?;
        Ok(out.item.is_some())
    }

    /// `user`'s view of a conversation; `None` when it does not exist or they are not in it.
    pub async fn view(&self, id: ConversationId, user: UserId) -> Result<Option<Conversation>, ApiError> {
        let stored: Option<StoredView> = get_consistent(&self.client, &self.table, view_key(id, user)).await?;
        Ok(stored.map(|stored| stored.conversation))
    }

    /// Stores `message` in its conversation, between `message.sender_id` and `recipient`, once per
    /// `clientMessageId`. Stored with one, the message is owed to everyone and its push is held
    /// (see [`Self::take_owed`]) by the attempt named by `message.id`: each attempt mints its own.
    pub async fn send(&self, message: &Message, recipient: UserId) -> Result<Sent, ApiError> {
        let mut items = vec![self.put(self.message_item(message)?, Some("attribute_not_exists(pk)"))?];
        if let Some(client) = &message.client_message_id {
            let mut claim = claim_key(message.conversation_id, message.sender_id, client);
            claim.insert("messageId".into(), s(message.id));
            claim.insert(LIVE_OWED.into(), owed_value(&Owed::Everyone));
            // The attempt that stores the message holds its push from the same write, so a retry
            // racing it cannot take the duty first and leave the storing attempt nothing to do.
            claim.insert(LIVE_HOLDER.into(), s(message.id));
            claim.insert(LIVE_HELD_UNTIL.into(), n(real_time_millis() + HOLD.as_millis() as i64));
            items.push(self.put(claim, Some("attribute_not_exists(pk)"))?);
        }
        items.push(self.touch_view(message, message.sender_id)?);
        items.push(self.touch_view(message, recipient)?);
        match transaction::write(&self.client, items).await {
            Ok(()) => Ok(Sent::Stored),
            Err(e) if message.client_message_id.is_some() && e.failed_at(1) => {
                let client = message.client_message_id.as_ref().expect("checked above");
                self.claimed(message.conversation_id, message.sender_id, client).await.map(Sent::Repeated)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// The message a sender's `clientMessageId` claimed.
    async fn claimed(&self, id: ConversationId, sender: UserId, client: &ClientMessageId) -> Result<Message, ApiError> {
        let claim = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(claim_key(id, sender, client)))
            .consistent_read(true)
            .send()
            .await?;
        let message_id: MessageId = claim
            .item
            .and_then(|item| get_s(&item, "messageId"))
            .ok_or_else(|| ApiError::internal("a clientMessageId claim without its message"))?;
        let stored: Option<StoredMessage> =
            get_consistent(&self.client, &self.table, key(conversation_pk(id), format!("msg#{message_id}"))).await?;
        stored.map(|stored| stored.message).ok_or_else(|| ApiError::internal("a claimed message is missing"))
    }

    /// Takes the duty to push `message` live for `attempt` (an id of the caller's choosing): who
    /// is owed it. One attempt at a time holds the duty, for [`HOLD`]; the same attempt asking
    /// again (the SDK repeating a call whose answer came too late) gets it again, and a holder
    /// that died leaves it to the next retry once its hold has lapsed.
    pub async fn take_owed(&self, message: &Message, attempt: &str) -> Result<Duty, ApiError> {
        let Some(key) = self.claim_of(message) else { return Ok(Duty::Delivered) };
        let now = real_time_millis();
        let taken = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key.clone()))
            .update_expression("SET #holder = :me, #until = :until")
            .condition_expression(
                "attribute_exists(#owed) AND (attribute_not_exists(#until) OR #until < :now OR #holder = :me)",
            )
            .expression_attribute_names("#owed", LIVE_OWED)
            .expression_attribute_names("#holder", LIVE_HOLDER)
            .expression_attribute_names("#until", LIVE_HELD_UNTIL)
            .expression_attribute_values(":me", s(attempt))
            .expression_attribute_values(":now", n(now))
            .expression_attribute_values(":until", n(now + HOLD.as_millis() as i64))
            .return_values(ReturnValue::AllNew)
            .send()
            .await;
        match taken {
            Ok(out) => Ok(Duty::Push(
                out.attributes.as_ref().and_then(|new| new.get(LIVE_OWED)).map_or(Owed::Everyone, owed_of),
            )),
            Err(e) if is_condition_failure(&e) => {
                let claim = self
                    .client
                    .get_item()
                    .table_name(&self.table)
                    .set_key(Some(key))
                    .consistent_read(true)
                    .send()
                    .await?;
                let owed = claim.item.as_ref().is_some_and(|item| item.contains_key(LIVE_OWED));
                Ok(if owed { Duty::HeldElsewhere } else { Duty::Delivered })
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Ends `attempt`'s duty: `still_owed` lack the message (`None`: everyone has it).
    pub async fn settle_owed(
        &self,
        message: &Message,
        attempt: &str,
        still_owed: Option<&Owed>,
    ) -> Result<(), ApiError> {
        let Some(key) = self.claim_of(message) else { return Ok(()) };
        let update = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key))
            .condition_expression("#holder = :me")
            .expression_attribute_names("#owed", LIVE_OWED)
            .expression_attribute_names("#holder", LIVE_HOLDER)
            .expression_attribute_names("#until", LIVE_HELD_UNTIL)
            .expression_attribute_values(":me", s(attempt));
        let update = match still_owed {
            None => update.update_expression("REMOVE #owed, #holder, #until"),
            Some(owed) => update
                .update_expression("SET #owed = :owed REMOVE #holder, #until")
                .expression_attribute_values(":owed", owed_value(owed)),
        };
        // Not the holder any more: its hold lapsed and another attempt took the duty over.
        applied(update.send().await).map(|_| ())
    }

    fn claim_of(&self, message: &Message) -> Option<Item> {
        let client = message.client_message_id.as_ref()?;
        Some(claim_key(message.conversation_id, message.sender_id, client))
    }

    /// A page of a conversation's messages, newest first.
    pub async fn messages(
        &self,
        id: ConversationId,
        limit: i32,
        start: Option<Position>,
    ) -> Result<(Vec<Message>, Option<Position>), ApiError> {
        let partition = conversation_pk(id);
        let start = checked_start(start, &["pk", "sk"], ("pk", &partition))?;
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk AND begins_with(sk, :msg)")
            .expression_attribute_values(":pk", s(&partition))
            .expression_attribute_values(":msg", s("msg#"));
        let (stored, next) = newest_first::<StoredMessage>(query, limit, start).await?;
        Ok((stored.into_iter().map(|m| m.message).collect(), next))
    }

    /// A page of `user`'s conversations, latest activity first.
    pub async fn page_for(
        &self,
        user: UserId,
        limit: i32,
        start: Option<Position>,
    ) -> Result<(Vec<Conversation>, Option<Position>), ApiError> {
        let participant = user.to_string();
        let start = checked_start(start, &["pk", "sk", "participant", "activity"], ("participant", &participant))?;
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(BY_PARTICIPANT)
            .key_condition_expression("participant = :user")
            .expression_attribute_values(":user", s(&participant));
        let (stored, next) = newest_first::<StoredView>(query, limit, start).await?;
        Ok((stored.into_iter().map(|v| v.conversation).collect(), next))
    }

    /// The other participants of `user`'s `limit` most recently active conversations.
    pub async fn partners(&self, user: UserId, limit: i32) -> Result<Vec<UserId>, ApiError> {
        let (views, _) = self.page_for(user, limit, None).await?;
        let mut partners: Vec<UserId> = views.iter().map(|c| c.other_than(user)).collect();
        partners.sort();
        partners.dedup();
        Ok(partners)
    }

    /// Marks the conversation read by `user`: their unread count drops to zero. `false`: they are
    /// not in it.
    pub async fn mark_read(&self, id: ConversationId, user: UserId) -> Result<bool, ApiError> {
        applied(
            self.client
                .update_item()
                .table_name(&self.table)
                .set_key(Some(view_key(id, user)))
                .update_expression("SET #unread = :zero")
                .condition_expression("attribute_exists(pk)")
                .expression_attribute_names("#unread", "unreadCount")
                .expression_attribute_values(":zero", n(0))
                .send()
                .await,
        )
    }

    /// Takes the recipient's inbox-notice window of a conversation for `message` until `until`:
    /// `true` when no other message holds it at the time `message` was sent (message time, not
    /// the trigger's: a record handled late decides as one handled at once; the same message again
    /// keeps it: a redelivered record notifies as the first delivery would have).
    pub async fn claim_inbox_notice(
        &self,
        message: &Message,
        recipient: UserId,
        until: Timestamp,
    ) -> Result<bool, ApiError> {
        applied(
            self.client
                .update_item()
                .table_name(&self.table)
                .set_key(Some(view_key(message.conversation_id, recipient)))
                .update_expression("SET #until = :until, #by = :message")
                .condition_expression(
                    "attribute_exists(pk) AND (attribute_not_exists(#until) OR #until <= :sent OR #by = :message)",
                )
                .expression_attribute_names("#until", "noticeUntil")
                .expression_attribute_names("#by", "noticeBy")
                .expression_attribute_values(":until", n(until.unix_millis()))
                .expression_attribute_values(":sent", n(message.created_at.unix_millis()))
                .expression_attribute_values(":message", AttributeValue::S(message.id.to_string()))
                .send()
                .await,
        )
    }
}
