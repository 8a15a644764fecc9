//! The runner's WebSocket API with a real WebSocket client and the `@connections` SDK client: each
//! test serves a `SocketGateway` on a loopback port of its own, as the runner does on its one port,
//! with closures standing in for the functions. They record the events they get and answer their
//! clients through the connections registry, as the functions do through `@connections`.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use aws_sdk_apigatewaymanagement::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_apigatewaymanagement::primitives::Blob;
use aws_smithy_runtime_api::client::interceptors::SharedInterceptor;
use bytes::Bytes;
use futures::future::BoxFuture;
use futures::{SinkExt, StreamExt};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use shared::sockets::{SocketEvent, SocketResponse};
use souk_local::access::{self, ConnectionsRecorder, OperationLog};
use souk_local::functions::SocketHandler;
use souk_local::sockets::{self, Connections, Limits, SocketGateway, SocketRoutes};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Client = WebSocketStream<MaybeTlsStream<TcpStream>>;

const WAIT: Duration = Duration::from_secs(5);

/// A gateway on a port of its own, and the events its routes got, in the order they got them.
struct Runner {
    url: String,
    gateway: SocketGateway,
    events: mpsc::UnboundedReceiver<SocketEvent>,
}

/// Routes standing in for the functions: `$connect` admits the query string's `token=good`
/// (401 otherwise), `sendMessage` acks each frame to its sender after a pause shorter for each
/// later frame (so that frames handled at once would be acked out of order), `$default` answers
/// what it got, `$disconnect` only records.
fn routes(connections: &Connections, events: mpsc::UnboundedSender<SocketEvent>) -> SocketRoutes {
    let handler = |answer: fn(Connections, SocketEvent) -> BoxFuture<'static, i64>| -> SocketHandler {
        let (connections, events) = (connections.clone(), events.clone());
        Arc::new(move |event: SocketEvent| {
            let _ = events.send(event.clone());
            let answered = answer(connections.clone(), event);
            Box::pin(async move {
                let mut response = SocketResponse::default();
                response.status_code = answered.await;
                response
            }) as BoxFuture<'static, SocketResponse>
        })
    };
    let mut routes = SocketRoutes::default();
    routes.add(
        sockets::CONNECT,
        handler(|_, event| {
            let admitted = event.query_string_parameters.first("token") == Some("good");
            Box::pin(async move { if admitted { 200 } else { 401 } })
        }),
    );
    routes.add(sockets::DISCONNECT, handler(|_, _| Box::pin(async { 200 })));
    routes.add(
        "sendMessage",
        handler(|connections, event| {
            Box::pin(async move {
                let body: serde_json::Value = serde_json::from_str(event.body.as_deref().unwrap()).unwrap();
                let n = body["n"].as_u64().unwrap();
                tokio::time::sleep(Duration::from_millis(50u64.saturating_sub(n * 10))).await;
                let id = event.request_context.connection_id.as_deref().unwrap();
                connections.post(id, format!("ack {n}")).await.expect("the sender is connected");
                200
            })
        }),
    );
    routes.add(
        sockets::DEFAULT,
        handler(|connections, event| {
            Box::pin(async move {
                let id = event.request_context.connection_id.as_deref().unwrap();
                let _ = connections.post(id, format!("default {}", event.body.unwrap_or_default())).await;
                200
            })
        }),
    );
    routes
}

async fn runner(limits: Limits) -> Runner {
    let (sender, events) = mpsc::unbounded_channel();
    let connections = Connections::default();
    let gateway = SocketGateway::new("v1", routes(&connections, sender), connections, limits);
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let served = gateway.clone();
    tokio::spawn(async move {
        loop {
            let (stream, source) = listener.accept().await.unwrap();
            let gateway = served.clone();
            let service = service_fn(move |request: hyper::Request<Incoming>| {
                let gateway = gateway.clone();
                async move { Ok::<_, std::convert::Infallible>(serve(&gateway, request, source).await) }
            });
            tokio::spawn(
                hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .with_upgrades(),
            );
        }
    });
    Runner { url, gateway, events }
}

async fn serve(
    gateway: &SocketGateway,
    request: hyper::Request<Incoming>,
    source: SocketAddr,
) -> http::Response<Full<Bytes>> {
    if request.uri().path() == sockets::PATH {
        gateway.upgrade(request, source).await
    } else if sockets::serves_connections(request.uri().path()) {
        gateway.manage(request).await
    } else {
        http::Response::builder().status(404).body(Full::default()).unwrap()
    }
}

impl Runner {
    async fn connect(&self, token: &str) -> Result<Client, WsError> {
        let address = format!("{}{}?token={token}", self.url.replace("http://", "ws://"), sockets::PATH);
        let mut request = address.into_client_request().unwrap();
        request.headers_mut().insert("user-agent", "souk-test".parse().unwrap());
        tokio_tungstenite::connect_async(request).await.map(|(client, _)| client)
    }

    /// A connected client and its connection id, from the `$connect` event.
    async fn connected(&mut self) -> (Client, String) {
        let client = self.connect("good").await.expect("the connection is accepted");
        let connect = self.event().await;
        assert_eq!(connect.request_context.route_key.as_deref(), Some("$connect"));
        (client, connect.request_context.connection_id.unwrap())
    }

    async fn event(&mut self) -> SocketEvent {
        tokio::time::timeout(WAIT, self.events.recv()).await.expect("an event comes").expect("the routes live")
    }

    /// Nothing more is invoked for a while.
    async fn no_more_events(&mut self) {
        let more = tokio::time::timeout(Duration::from_millis(300), self.events.recv()).await;
        assert!(more.is_err(), "unexpected event {more:?}");
    }

    /// An `@connections` client as a function builds one, recording what it does into `log`.
    fn management(&self, log: &Arc<OperationLog>) -> aws_sdk_apigatewaymanagement::Client {
        let recorder = ConnectionsRecorder { log: Arc::clone(log), api: "SocketApi".into(), stage: "v1".into() };
        let config = aws_sdk_apigatewaymanagement::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .http_client(shared::app::https_client())
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new("local", "local", None, None, "test"))
            .endpoint_url(sockets::endpoint(&self.url))
            .interceptor(SharedInterceptor::new(recorder))
            .build();
        aws_sdk_apigatewaymanagement::Client::from_conf(config)
    }
}

async fn text(client: &mut Client) -> String {
    match tokio::time::timeout(WAIT, client.next()).await.expect("a frame comes") {
        Some(Ok(Message::Text(text))) => text.to_string(),
        other => panic!("expected a text frame, got {other:?}"),
    }
}

/// The close frame the gateway sent, once the client has answered it and the stream has ended.
async fn closed(client: &mut Client) -> Option<CloseFrame> {
    let frame = loop {
        match tokio::time::timeout(WAIT, client.next()).await.expect("the connection closes") {
            Some(Ok(Message::Close(frame))) => break frame,
            Some(Ok(_)) => continue,
            other => panic!("expected a close frame, got {other:?}"),
        }
    };
    // Reading on sends the answer.
    while let Some(Ok(_)) = tokio::time::timeout(WAIT, client.next()).await.expect("the stream ends") {}
    frame
}

#[tokio::test]
async fn a_connect_route_that_refuses_fails_the_handshake_with_its_status() {
    let mut runner = runner(Limits::default()).await;
    match runner.connect("bad").await {
        Err(WsError::Http(response)) => {
            assert_eq!(response.status(), 401);
            assert_eq!(response.body().as_deref(), Some(br#"{"message":"Unauthorized"}"#.as_slice()));
        }
        other => panic!("expected a refused handshake, got {:?}", other.map(|_| ())),
    }
    let connect = runner.event().await;
    assert_eq!(connect.request_context.event_type.as_deref(), Some("CONNECT"));
    assert_eq!(connect.query_string_parameters.first("token"), Some("bad"));
    assert_eq!(connect.headers.get("user-agent").unwrap(), "souk-test");
    assert_eq!(connect.request_context.stage.as_deref(), Some("v1"));
    assert_eq!(connect.request_context.identity.source_ip.as_deref(), Some("127.0.0.1"));
    runner.no_more_events().await;
    assert_eq!(runner.gateway.open_connections(), 0);
}

#[tokio::test]
async fn frames_go_to_the_route_their_action_names_one_at_a_time_and_the_rest_to_default() {
    let mut runner = runner(Limits::default()).await;
    let (mut client, id) = runner.connected().await;
    assert_eq!(runner.gateway.open_connections(), 1);
    for n in 1..=5 {
        client.send(Message::text(format!(r#"{{"action":"sendMessage","n":{n}}}"#))).await.unwrap();
    }
    client.send(Message::text(r#"{"action":"typing"}"#)).await.unwrap();
    client.send(Message::text("hello")).await.unwrap();
    for n in 1..=5 {
        assert_eq!(text(&mut client).await, format!("ack {n}"));
    }
    assert_eq!(text(&mut client).await, r#"default {"action":"typing"}"#);
    assert_eq!(text(&mut client).await, "default hello");

    let mut routed = Vec::new();
    for _ in 0..7 {
        let event = runner.event().await;
        let context = &event.request_context;
        assert_eq!(context.event_type.as_deref(), Some("MESSAGE"));
        assert_eq!(context.connection_id.as_deref(), Some(id.as_str()));
        assert!(context.message_id.is_some());
        routed.push((context.route_key.clone().unwrap(), event.body.clone().unwrap()));
    }
    let routes: Vec<&str> = routed.iter().map(|(route, _)| route.as_str()).collect();
    assert_eq!(
        routes,
        ["sendMessage", "sendMessage", "sendMessage", "sendMessage", "sendMessage", "$default", "$default"]
    );
    assert_eq!(routed[2].1, r#"{"action":"sendMessage","n":3}"#);
    assert_eq!(routed[6].1, "hello");
}

#[tokio::test]
async fn connections_posts_describes_and_deletes_and_a_gone_connection_is_gone_for_the_sdk() {
    let mut runner = runner(Limits::default()).await;
    let (mut client, id) = runner.connected().await;
    let log = Arc::new(OperationLog::new("", BTreeMap::new()));
    let management = runner.management(&log);

    access::as_function("WsSendMessageFunction".into(), async {
        for text in ["first", "second"] {
            management.post_to_connection().connection_id(&id).data(Blob::new(text)).send().await.unwrap();
        }
    })
    .await;
    assert_eq!(text(&mut client).await, "first");
    assert_eq!(text(&mut client).await, "second");

    let described = management.get_connection().connection_id(&id).send().await.unwrap();
    let identity = described.identity().unwrap();
    assert_eq!(identity.source_ip(), Some("127.0.0.1"));
    assert_eq!(identity.user_agent(), Some("souk-test"));
    assert!(described.connected_at().unwrap() <= described.last_active_at().unwrap());

    management.delete_connection().connection_id(&id).send().await.unwrap();
    let frame = closed(&mut client).await.expect("a close frame with a code");
    assert_eq!(frame.code, CloseCode::Normal);
    let disconnect = runner.event().await;
    assert_eq!(disconnect.request_context.route_key.as_deref(), Some("$disconnect"));
    assert_eq!(disconnect.request_context.event_type.as_deref(), Some("DISCONNECT"));
    assert_eq!(disconnect.request_context.connection_id.as_deref(), Some(id.as_str()));
    assert_eq!(disconnect.request_context.disconnect_status_code, Some(1000));
    runner.no_more_events().await;
    assert_eq!(runner.gateway.open_connections(), 0);

    for gone in [id.as_str(), "L0SM9cOFvHcCIhw="] {
        let error = management.post_to_connection().connection_id(gone).data(Blob::new("late")).send().await;
        let error = error.expect_err("the connection is gone");
        assert_eq!(error.as_service_error().map(|e| e.is_gone_exception()), Some(true), "{error:?}");
        let error = management.get_connection().connection_id(gone).send().await.expect_err("gone");
        assert_eq!(error.as_service_error().map(|e| e.is_gone_exception()), Some(true), "{error:?}");
        let error = management.delete_connection().connection_id(gone).send().await.expect_err("gone");
        assert_eq!(error.as_service_error().map(|e| e.is_gone_exception()), Some(true), "{error:?}");
    }

    let recorded: Vec<(String, String, String)> =
        log.operations().into_iter().map(|o| (o.function, o.action, o.resource)).collect();
    let post = (
        "WsSendMessageFunction".into(),
        "execute-api:ManageConnections".into(),
        "SocketApi/v1/POST/@connections/*".into(),
    );
    assert_eq!(recorded, [post], "only calls made as a function are recorded");
}

#[tokio::test]
async fn a_client_closing_fires_disconnect_once_with_its_code_and_reason() {
    let mut runner = runner(Limits::default()).await;
    let (mut client, id) = runner.connected().await;
    client.close(Some(CloseFrame { code: CloseCode::Away, reason: "bye".into() })).await.unwrap();
    while let Some(Ok(_)) = tokio::time::timeout(WAIT, client.next()).await.expect("the close is answered") {}
    let disconnect = runner.event().await;
    assert_eq!(disconnect.request_context.connection_id.as_deref(), Some(id.as_str()));
    assert_eq!(disconnect.request_context.disconnect_status_code, Some(1001));
    assert_eq!(disconnect.request_context.disconnect_reason.as_deref(), Some("bye"));
    runner.no_more_events().await;
    assert_eq!(runner.gateway.open_connections(), 0);
    assert_eq!(runner.gateway.connections().post(&id, "late").await, Err(sockets::Gone));
}

#[tokio::test]
async fn binary_frames_too_big_frames_and_idle_connections_are_closed_as_api_gateway_closes_them() {
    let limits = Limits { idle_timeout: Duration::from_millis(300), max_message_bytes: 1024, ..Limits::default() };
    let mut runner = runner(limits).await;

    let (mut client, _) = runner.connected().await;
    client.send(Message::binary(vec![1, 2, 3])).await.unwrap();
    assert_eq!(closed(&mut client).await.unwrap().code, CloseCode::Unsupported);
    assert_eq!(runner.event().await.request_context.disconnect_status_code, Some(1003));

    let (mut client, _) = runner.connected().await;
    client.send(Message::text("x".repeat(1025))).await.unwrap();
    assert_eq!(closed(&mut client).await.unwrap().code, CloseCode::Size);
    assert_eq!(runner.event().await.request_context.disconnect_status_code, Some(1009));

    let (mut client, _) = runner.connected().await;
    assert_eq!(closed(&mut client).await.unwrap().code, CloseCode::Away);
    let disconnect = runner.event().await;
    assert_eq!(disconnect.request_context.disconnect_status_code, Some(1001));
    assert_eq!(disconnect.request_context.disconnect_reason.as_deref(), Some("Going away"));
    assert_eq!(runner.gateway.open_connections(), 0);
}

#[tokio::test]
async fn stopping_the_gateway_closes_every_connection() {
    let mut runner = runner(Limits::default()).await;
    let (mut first, _) = runner.connected().await;
    let (mut second, _) = runner.connected().await;
    assert_eq!(runner.gateway.open_connections(), 2);
    runner.gateway.stop();
    assert_eq!(closed(&mut first).await.unwrap().code, CloseCode::Away);
    assert_eq!(closed(&mut second).await.unwrap().code, CloseCode::Away);
    for _ in 0..2 {
        assert_eq!(runner.event().await.request_context.route_key.as_deref(), Some("$disconnect"));
    }
    assert_eq!(runner.gateway.open_connections(), 0);
}
