//! The routes of the WebSocket API and the route selection `$request.body.action`: a text frame
//! that is a JSON object whose `action` is a route key goes to that route; anything else (another
//! action, no action, not JSON) to `$default`.

use std::collections::HashMap;

use shared::sockets::{SocketEvent, SocketResponse};

use super::events::DEFAULT;
use crate::functions::SocketHandler;

#[derive(Clone, Default)]
pub struct SocketRoutes {
    by_key: HashMap<String, SocketHandler>,
}

impl SocketRoutes {
    /// Serves route `key` (`$connect`, `sendMessage`) by `handler`.
    pub fn add(&mut self, key: impl Into<String>, handler: SocketHandler) {
        self.by_key.insert(key.into(), handler);
    }

    pub fn get(&self, key: &str) -> Option<&SocketHandler> {
        self.by_key.get(key)
    }

    pub fn is_empty(&self) -> bool {
        self.by_key.is_empty()
    }

    /// The route key and handler of the text frame `text`; `None` if no route serves it.
    pub fn select(&self, text: &str) -> Option<(&str, &SocketHandler)> {
        let frame = serde_json::from_str::<serde_json::Value>(text).ok();
        let action = frame.as_ref().and_then(|frame| frame.get("action")?.as_str());
        // The predefined routes are not actions a client can name.
        let chosen = action.filter(|key| !key.starts_with('$')).and_then(|key| self.by_key.get_key_value(key));
        chosen.or_else(|| self.by_key.get_key_value(DEFAULT)).map(|(key, handler)| (key.as_str(), handler))
    }
}

/// Invokes `handler` as Lambda would, in a task of its own: a handler that panics has failed, and
/// API Gateway reports a failed integration as 502.
pub async fn invoke(handler: &SocketHandler, event: SocketEvent) -> SocketResponse {
    tokio::spawn(handler(event)).await.unwrap_or_else(|_| {
        let mut failed = SocketResponse::default();
        failed.status_code = 502;
        failed
    })
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn routes(keys: &[&str]) -> SocketRoutes {
        let mut routes = SocketRoutes::default();
        for key in keys {
            routes.add(*key, Arc::new(|_| Box::pin(async { SocketResponse::default() })));
        }
        routes
    }

    fn selected<'a>(routes: &'a SocketRoutes, text: &str) -> Option<&'a str> {
        routes.select(text).map(|(key, _)| key)
    }

    #[test]
    fn a_frame_goes_to_its_actions_route_or_else_to_default() {
        let routes = routes(&["$connect", "$default", "sendMessage"]);
        assert_eq!(selected(&routes, r#"{"action":"sendMessage","text":"hi"}"#), Some("sendMessage"));
        assert_eq!(selected(&routes, r#"{"text":"hi","action":"sendMessage"}"#), Some("sendMessage"));
        assert_eq!(selected(&routes, r#"{"action":"typing"}"#), Some("$default"));
        assert_eq!(selected(&routes, r#"{"action":"$connect"}"#), Some("$default"));
        assert_eq!(selected(&routes, r#"{"action":7}"#), Some("$default"));
        assert_eq!(selected(&routes, r#"["sendMessage"]"#), Some("$default"));
        assert_eq!(selected(&routes, "sendMessage"), Some("$default"));
    }

    #[test]
    fn without_a_default_route_an_unknown_action_has_none() {
        let routes = routes(&["sendMessage"]);
        assert_eq!(selected(&routes, r#"{"action":"typing"}"#), None);
        assert_eq!(selected(&routes, r#"{"action":"sendMessage"}"#), Some("sendMessage"));
    }
}
