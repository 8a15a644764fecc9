//! The bodies of the conversation requests, parsed whole: every field's error at once.

use serde::Deserialize;

use super::{ClientMessageId, MessageBody};
use crate::error::{ApiError, FieldError, FieldErrors};
use crate::ids::ProductId;

/// `POST /api/conversations`.
#[derive(Debug, Clone, PartialEq)]
pub struct StartConversation {
    pub product_id: ProductId,
    pub message: MessageBody,
}

/// `POST /api/conversations/{id}/messages`.
#[derive(Debug, Clone, PartialEq)]
pub struct NewMessage {
    pub body: MessageBody,
    pub client_message_id: ClientMessageId,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RawStartConversation {
    product_id: String,
    message: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RawNewMessage {
    body: String,
    client_message_id: String,
}

impl StartConversation {
    pub fn parse(raw: RawStartConversation) -> Result<Self, ApiError> {
        let mut errors = FieldErrors::default();
        let product_id =
            errors.take(raw.product_id.parse().map_err(|_| FieldError::new("productId", "must be a product id")));
        let message = errors.take(MessageBody::parse(&raw.message).map_err(|e| FieldError::new("message", e.message)));
        errors.finish(|| ())?;
        Ok(Self { product_id: product_id.expect("checked"), message: message.expect("checked") })
    }
}

impl NewMessage {
    pub fn parse(raw: RawNewMessage) -> Result<Self, ApiError> {
        let mut errors = FieldErrors::default();
        let body = errors.take(MessageBody::parse(&raw.body));
        let client_message_id = errors.take(ClientMessageId::parse(&raw.client_message_id));
        errors.finish(|| ())?;
        Ok(Self { body: body.expect("checked"), client_message_id: client_message_id.expect("checked") })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let raw = RawStartConversation { product_id: "nope".into(), message: " ".into() };
        let Err(ApiError::Validation(errors)) = StartConversation::parse(raw) else { panic!("refused") };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["productId", "message"]);
    }
}
