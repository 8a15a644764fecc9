//! WebSocket routes: API Gateway invokes a function per route (`$connect`, `$disconnect`, an
//! action, `$default`) with the connection's id. The answer's status matters only to `$connect`,
//! where anything but 2xx refuses the connection with that status; every frame a client receives
//! goes through `@connections` (acks and errors to the sender too), so no route response is set.

use std::future::Future;

use aws_lambda_events::encodings::Body;
pub use aws_lambda_events::event::apigw::{
    ApiGatewayProxyResponse as SocketResponse, ApiGatewayWebsocketProxyRequest as SocketEvent,
};

use crate::error::ApiError;

pub trait SocketRoute: Send + Sync + 'static {
    fn handle(&self, event: &SocketEvent) -> impl Future<Output = Result<(), ApiError>> + Send;
}

/// Runs `route` for one event: 200, or the status of its error (logged once here).
pub async fn process<R: SocketRoute>(route: &R, event: &SocketEvent) -> SocketResponse {
    let status = match route.handle(event).await {
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
pub fn connection_id(event: &SocketEvent) -> Result<&str, ApiError> {
    event.request_context.connection_id.as_deref().ok_or_else(|| ApiError::internal("socket event without a connection id"))
}
