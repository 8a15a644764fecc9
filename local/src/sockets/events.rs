//! The events API Gateway's WebSocket API sends its Lambda integrations: `CONNECT` with the
//! upgrade request's headers and query string, `MESSAGE` with a frame's text, `DISCONNECT` with
//! how the connection closed.

use std::collections::HashMap;

use aws_lambda_events::apigw::ApiGatewayWebsocketProxyRequestContext;
use aws_lambda_events::query_map::QueryMap;
use shared::sockets::SocketEvent;

use super::connections::{ConnectionInfo, now_ms};
use super::ids::random_id;
use crate::router::percent_decode;

/// What every event of one API carries.
#[derive(Debug, Clone)]
pub struct Api {
    /// The stage name (`v1`).
    pub stage: String,
}

pub const CONNECT: &str = "$connect";
pub const DISCONNECT: &str = "$disconnect";
pub const DEFAULT: &str = "$default";

/// The `$connect` event of the upgrade request `parts`.
pub fn connect(api: &Api, connection: &ConnectionInfo, parts: &http::request::Parts) -> SocketEvent {
    let mut event = SocketEvent::default();
    event.headers = parts.headers.clone();
    event.multi_value_headers = parts.headers.clone();
    let query = query_parameters(parts.uri.query().unwrap_or_default());
    event.query_string_parameters = query.clone();
    event.multi_value_query_string_parameters = query;
    event.request_context = context(api, connection, CONNECT, "CONNECT");
    event
}

/// The event of a text frame `body` the route `route_key` serves.
pub fn message(api: &Api, connection: &ConnectionInfo, route_key: &str, body: String) -> SocketEvent {
    let mut event = SocketEvent::default();
    event.body = Some(body);
    event.request_context = context(api, connection, route_key, "MESSAGE");
    event.request_context.message_id = Some(random_id());
    event
}

/// The `$disconnect` event of a connection closed with `code` and `reason`.
pub fn disconnect(api: &Api, connection: &ConnectionInfo, code: u16, reason: &str) -> SocketEvent {
    let mut event = SocketEvent::default();
    event.request_context = context(api, connection, DISCONNECT, "DISCONNECT");
    event.request_context.disconnect_status_code = Some(i64::from(code));
    event.request_context.disconnect_reason = Some(reason.to_owned());
    event
}

fn context(
    api: &Api,
    connection: &ConnectionInfo,
    route_key: &str,
    event_type: &str,
) -> ApiGatewayWebsocketProxyRequestContext {
    let now = now_ms();
    let mut context = ApiGatewayWebsocketProxyRequestContext::default();
    context.account_id = Some("000000000000".into());
    context.stage = Some(api.stage.clone());
    context.request_id = Some(random_id());
    context.extended_request_id = context.request_id.clone();
    context.apiid = Some("local".into());
    context.connected_at = connection.connected_at;
    context.connection_id = Some(connection.id.clone());
    context.domain_name = connection.domain_name.clone();
    context.event_type = Some(event_type.into());
    context.message_direction = Some("IN".into());
    context.request_time = Some(request_time(now));
    context.request_time_epoch = now;
    context.route_key = Some(route_key.into());
    context.identity.source_ip = Some(connection.source_ip.clone());
    context.identity.user_agent = connection.user_agent.clone();
    context
}

/// `13/Dec/2020:10:17:47 +0000`, as API Gateway writes `requestTime`.
fn request_time(epoch_ms: i64) -> String {
    let format = time::macros::format_description!("[day]/[month repr:short]/[year]:[hour]:[minute]:[second] +0000");
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(epoch_ms) * 1_000_000)
        .ok()
        .and_then(|at| at.format(&format).ok())
        .unwrap_or_default()
}

/// The query string's parameters, decoded, every value of each kept in order.
fn query_parameters(query: &str) -> QueryMap {
    let mut parameters: HashMap<String, Vec<String>> = HashMap::new();
    for pair in query.split('&').filter(|pair| !pair.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let decode = |text: &str| percent_decode(&text.replace('+', " "));
        parameters.entry(decode(name)).or_default().push(decode(value));
    }
    QueryMap::from(parameters)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn connection() -> ConnectionInfo {
        ConnectionInfo::new(
            "L0SM9cOFvHcCIhw=".into(),
            "127.0.0.1".into(),
            Some("test".into()),
            Some("localhost".into()),
        )
    }

    #[test]
    fn connect_carries_the_upgrade_requests_query_string_and_headers() {
        let request =
            http::Request::get("/ws?token=a%2Bb%3D&x=1&x=2&flag").header("host", "localhost:3000").body(()).unwrap();
        let (parts, ()) = request.into_parts();
        let event = connect(&Api { stage: "v1".into() }, &connection(), &parts);
        assert_eq!(event.query_string_parameters.first("token"), Some("a+b="));
        assert_eq!(event.multi_value_query_string_parameters.all("x"), Some(vec!["1", "2"]));
        assert_eq!(event.query_string_parameters.first("flag"), Some(""));
        assert_eq!(event.headers.get("host").unwrap(), "localhost:3000");
        let context = &event.request_context;
        assert_eq!(context.route_key.as_deref(), Some("$connect"));
        assert_eq!(context.event_type.as_deref(), Some("CONNECT"));
        assert_eq!(context.connection_id.as_deref(), Some("L0SM9cOFvHcCIhw="));
        assert_eq!(context.stage.as_deref(), Some("v1"));
        assert_eq!(context.identity.source_ip.as_deref(), Some("127.0.0.1"));
    }

    #[test]
    fn disconnect_says_how_the_connection_closed() {
        let event = disconnect(&Api { stage: "v1".into() }, &connection(), 1001, "Going away");
        assert_eq!(event.request_context.event_type.as_deref(), Some("DISCONNECT"));
        assert_eq!(event.request_context.disconnect_status_code, Some(1001));
        assert_eq!(event.request_context.disconnect_reason.as_deref(), Some("Going away"));
    }

    #[test]
    fn request_time_is_written_as_api_gateway_writes_it() {
        assert_eq!(request_time(1_607_854_667_186), "13/Dec/2020:10:17:47 +0000");
    }
}
