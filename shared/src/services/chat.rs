//! Buyers and sellers talking about a listing: starting the one conversation of a buyer about a
//! product, sending messages (once per `clientMessageId`, at most 30 a minute), reading them. The
//! function that stores a message also delivers it to the recipient's open connections at once
//! (the stream only turns messages to offline recipients into inbox notices). A message is stored
//! before it is pushed; when the push fails the sender is answered `unavailable`, and their retry
//! pushes it to the connections still owed it, so no open connection misses one or gets it twice.

use std::sync::Arc;

use crate::accounts::Caller;
use crate::clock::Clock;
use crate::config::ConfigError;
use crate::conversations::{ClientMessageId, Conversation, Message, MessageBody, Owed};
use crate::db::conversations::{Duty, Sent, Started};
use crate::db::rate_limits::MESSAGES_SENT;
use crate::db::{ConversationRepo, Database, ProductRepo, RateLimiter};
use crate::error::{ApiError, FieldError};
use crate::frames::ServerFrame;
use crate::ids::{ConversationId, MessageId, ProductId, UserId};
use crate::services::live::Live;

#[derive(Clone)]
pub struct Chat {
    conversations: ConversationRepo,
    limiter: RateLimiter,
    clock: Arc<dyn Clock>,
    live: Live,
}

/// A conversation started, or the existing one the message went to.
#[derive(Debug, Clone, PartialEq)]
pub struct Opened {
    pub conversation: Conversation,
    pub message: Message,
    pub created: bool,
}

/// A message stored now, or the one the same `clientMessageId` stored before.
#[derive(Debug, Clone, PartialEq)]
pub struct Posted {
    pub message: Message,
    pub repeated: bool,
}

impl Chat {
    pub fn new(db: &Database, live: Live) -> Result<Self, ConfigError> {
        Ok(Self { conversations: ConversationRepo::new(db)?, limiter: RateLimiter::new(db)?, clock: db.clock(), live })
    }

    /// The caller (a verified user, not the product's seller) asks about a product: the
    /// conversation is created, or the message joins the one they have.
    pub async fn start(
        &self,
        products: &ProductRepo,
        caller: &Caller,
        product: ProductId,
        body: MessageBody,
    ) -> Result<Opened, ApiError> {
        caller.require_verified_email()?;
        let product = products
            .get(product)
            .await?
            .filter(|p| p.is_visible())
            .ok_or_else(|| ApiError::Validation(vec![FieldError::new("productId", "no such product")]))?;
        let seller: UserId = product.vendor_id.parse().map_err(|_| ApiError::internal("a product's vendor id"))?;
        if seller == caller.user_id {
            return Err(ApiError::Forbidden);
        }
        self.limiter.acquire(&MESSAGES_SENT, &caller.user_id.to_string()).await?;
        let now = self.clock.now();
        let mut message = Message {
            id: MessageId::next_at(now),
            conversation_id: ConversationId::created_at(now),
            sender_id: caller.user_id,
            body,
            created_at: now,
            client_message_id: None,
        };
        let conversation = Conversation {
            id: message.conversation_id,
            product_id: product.id,
            product_title: product.title,
            buyer_id: caller.user_id,
            seller_id: seller,
            last_message_at: now,
            last_message_preview: message.preview(),
            unread_count: 0,
        };
        let created = match self.conversations.start(&conversation, &message).await? {
            Started::Created => true,
            Started::Exists(id) => {
                message.conversation_id = id;
                self.conversations.send(&message, seller).await?;
                false
            }
        };
        self.deliver_courtesy(&message, seller).await;
        let conversation = self.conversations.view(message.conversation_id, caller.user_id).await?;
        let conversation =
            conversation.ok_or_else(|| ApiError::internal("a started conversation without the buyer's view"))?;
        Ok(Opened { conversation, message, created })
    }

    /// `sender` posts in a conversation they are in (anyone else: 404).
    pub async fn send(
        &self,
        sender: UserId,
        conversation: ConversationId,
        body: MessageBody,
        client_message_id: ClientMessageId,
    ) -> Result<Posted, ApiError> {
        let view = self.conversations.view(conversation, sender).await?.ok_or(ApiError::NotFound)?;
        self.limiter.acquire(&MESSAGES_SENT, &sender.to_string()).await?;
        let now = self.clock.now();
        let message = Message {
            id: MessageId::next_at(now),
            conversation_id: conversation,
            sender_id: sender,
            body,
            created_at: now,
            client_message_id: Some(client_message_id),
        };
        let recipient = view.other_than(sender);
        // This attempt's own message id names its hold on the push.
        let attempt = message.id.to_string();
        let (posted, duty) = match self.conversations.send(&message, recipient).await? {
            // Stored holding the push, in the same write: a retry racing this attempt waits.
            Sent::Stored => (Posted { message, repeated: false }, Duty::Push(Owed::Everyone)),
            // The first attempt pushes it, or a retry of one that could not.
            Sent::Repeated(first) => {
                let duty = self.conversations.take_owed(&first, &attempt).await?;
                (Posted { message: first, repeated: true }, duty)
            }
        };
        match duty {
            Duty::Push(owed) => self.deliver(&posted.message, recipient, owed, &attempt).await?,
            Duty::Delivered => {}
            Duty::HeldElsewhere => return Err(ApiError::Unavailable { retry_after_secs: 1 }),
        }
        Ok(posted)
    }

    /// The stored `message` to the recipient's connections that are `owed` it. When a push fails,
    /// who is still owed it is recorded and the sender answered `unavailable`: their retry comes
    /// back here.
    async fn deliver(&self, message: &Message, recipient: UserId, owed: Owed, attempt: &str) -> Result<(), ApiError> {
        let frame = ServerFrame::Message { message: message.clone() };
        let pushed = match &owed {
            Owed::Everyone => self.live.push(recipient, &frame).await,
            Owed::Connections(connections) => Ok(self.live.push_to(connections, &frame).await),
        };
        let still_owed = match pushed {
            Ok(pushed) if pushed.missed.is_empty() => {
                // Everyone has it. Should recording that fail, the hold lapses and only a retry
                // (which a success does not bring) could push it again.
                if let Err(error) = self.conversations.settle_owed(message, attempt, None).await {
                    tracing::warn!(error = %error, "recording a message's delivery failed");
                }
                return Ok(());
            }
            Ok(pushed) => Owed::Connections(pushed.missed),
            Err(error) => {
                tracing::warn!(error = %error, "looking up a recipient's connections failed");
                owed
            }
        };
        // Should this fail too, the hold lapses and the retry pushes to everyone still listed.
        if let Err(error) = self.conversations.settle_owed(message, attempt, Some(&still_owed)).await {
            tracing::warn!(error = %error, "recording who still lacks a message failed");
        }
        Err(ApiError::Unavailable { retry_after_secs: 1 })
    }

    /// The question that starts or joins a conversation has no `clientMessageId` to retry it by:
    /// its live copy is a courtesy, logged when it fails.
    async fn deliver_courtesy(&self, message: &Message, recipient: UserId) {
        match self.live.push(recipient, &ServerFrame::Message { message: message.clone() }).await {
            Ok(pushed) if pushed.missed.is_empty() => {}
            Ok(pushed) => tracing::warn!(missed = pushed.missed.len(), "live delivery of a message missed connections"),
            Err(error) => tracing::warn!(error = %error, "live delivery of a message failed"),
        }
    }
}
