//! The WebSocket API's `@connections` endpoint: one frame posted to one connection. A connection
//! API Gateway no longer has answers 410 `GoneException`, which is an answer here, not an error.

use aws_sdk_apigatewaymanagement::primitives::Blob;

use crate::conversations::ConnectionId;
use crate::error::ApiError;

#[derive(Clone, Debug)]
pub struct ConnectionsApi {
    client: aws_sdk_apigatewaymanagement::Client,
}

/// What posting a frame did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    Sent,
    /// The connection is closed: forget it, never retry it.
    Gone,
}

impl ConnectionsApi {
    pub fn new(client: aws_sdk_apigatewaymanagement::Client) -> Self {
        Self { client }
    }

    pub async fn post(&self, connection: &ConnectionId, frame: &str) -> Result<Delivery, ApiError> {
        let sent = self
            .client
            .post_to_connection()
            .connection_id(connection.as_str())
            .data(Blob::new(frame.as_bytes()))
            .send()
            .await;
        match sent {
            Ok(_) => Ok(Delivery::Sent),
            Err(e) if e.as_service_error().is_some_and(|e| e.is_gone_exception()) => Ok(Delivery::Gone),
            Err(e) => Err(e.into()),
        }
    }
}
