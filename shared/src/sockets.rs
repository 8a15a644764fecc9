//! WebSocket routes: API Gateway invokes a function per route (`$connect`, `$disconnect`, an
//! action, `$default`) with the connection's id. The answer's status matters only to `$connect`,
//! where anything but 2xx refuses the connection with that status; every frame a client receives
//! goes through `@connections` (acks and errors to the sender too), so no route response is set.

use std::future::Future;

use aws_lambda_events::encodings::Body;
pub use aws_lambda_events::event::apigw::{
    ApiGatewayProxyResponse as SocketResponse, ApiGatewayWebsocketProxyRequest as SocketEvent,
};

use crate::conversations::ConnectionId;
use crate::error::ApiError;
use crate::frames::ServerFrame;

pub trait SocketRoute: Send + Sync + 'static {
    fn handle(&self, event: &SocketEvent) -> impl Future<Output = Result<(), ApiError>> + Send;
}

/// Runs `route` for one event: 200, or the status of its error (logged once here).
pub async fn process<R: SocketRoute>(route: &R, event: &SocketEvent) -> SocketResponse {
    // Boxed (and type-erased) so a route's deep future does not nest inside the runtime's.
    let handled: std::pin::Pin<Box<dyn Future<Output = Result<(), ApiError>> + Send + '_>> =
        Box::pin(route.handle(event));
    let status = match handled.await {
        Ok(()) => 200,
        Err(error) => {
            let status = error.status().as_u16();
            if status >= 500 {
                tracing::error!(error = %error, cause = ?std::error::Error::source(&error).map(ToString::to_string), route = ?event.request_context.route_key, "socket route failed");
            } else {
                tracing::info!(code = error.code(), route = ?event.request_context.route_key, "socket route refused");
            }
            status
        }
    };
    let mut response = SocketResponse::default();
    response.status_code = i64::from(status);
    response.body = Some(Body::Empty);
    response
}

/// The id of the connection an event is about.
pub fn connection_id(event: &SocketEvent) -> Result<ConnectionId, ApiError> {
    let id = event.request_context.connection_id.as_deref().unwrap_or_default();
    id.parse().map_err(|_| ApiError::internal("a socket event without a connection id"))
}

/// The text of the frame a MESSAGE event carries.
pub fn frame(event: &SocketEvent) -> &str {
    event.body.as_deref().unwrap_or_default()
}

/// The error frame that answers a client frame that failed with `error`: the `code` an HTTP
/// request would have got, and its message (never internals: a 500's says only that it failed).
pub fn refusal(client_message_id: Option<String>, error: &ApiError) -> ServerFrame {
    let detail = match error {
        ApiError::Validation(errors) => {
            errors.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("; ")
        }
        other => other.to_string(),
    };
    ServerFrame::Error { client_message_id, code: error.code().to_owned(), detail }
}
