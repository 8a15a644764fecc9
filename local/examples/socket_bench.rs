//! The WebSocket API of the local runner: delivery latency with many conversations at once, and
//! the runner's memory per open connection.
//!
//! - `socket_bench latency ENDPOINT [--rounds 20] [--vendors 50] [--conversations 50] [--pace-ms 2000]`:
//!   starts a marketplace in-process over DynamoDB at ENDPOINT (fresh tables), puts one product
//!   per conversation (its vendor's: conversation `c` is about a product of vendor `c % vendors`),
//!   starts each conversation over HTTP as its buyer, opens one socket per vendor and one per
//!   buyer, then runs every conversation at once: in each round the buyer sends a `sendMessage`
//!   frame, and once its seller's socket has the `message` frame, the seller answers over its
//!   socket. One sample is the time from writing a frame to the other party's socket reading its
//!   `message` frame; the sender's `ack` is timed too. With `--pace-ms P` conversation `c` starts
//!   round `r` at `c * P / conversations + r * P` (each user sends one message every P ms);
//!   with 0, each round starts as soon as the last one's answer arrived.
//! - `socket_bench memory ENDPOINT [--connections 500,1000,2000] [--rounds 3]`: runs the
//!   marketplace in a child process (`socket_bench serve`), opens that many idle authenticated
//!   sockets to it, one user each, step by step, and reads the child's `VmRSS` from
//!   `/proc/<pid>/status` at each step and after all are closed; then opens and closes the largest
//!   number again until it has done so `--rounds` times, reading it each time.
//! - `socket_bench serve ENDPOINT`: the child. Its key pair and table prefix come from the
//!   environment; it prints `listening ADDR`, answers each `count` line on its standard input with
//!   how many connections are open, and stops when its standard input closes.
//!
//! Users are made only in access tokens signed with the run's own key: the socket and
//! conversation routes read no account. Every run is bounded: a fixed number of messages or
//! connections, and a deadline on every frame awaited.

use std::collections::HashMap;
use std::io::Write as _;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use clap::{Parser, Subcommand};
use futures::stream::{SplitSink, SplitStream};
use futures::{SinkExt, StreamExt};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::{Value, json};
use shared::accounts::tokens::{KeyPair, TokenIssuer};
use shared::accounts::{Email, PersonName, Role, User};
use shared::catalog::product::{Location, Vehicle};
use shared::catalog::{Condition, Governorate, Product, ProductId, ProductStatus};
use shared::clock::Timestamp;
use shared::db::ProductRepo;
use shared::ids::UserId;
use shared::money::Money;
use souk_local::{Marketplace, Options};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::sync::oneshot;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Error = Box<dyn std::error::Error + Send + Sync>;
type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Longer than any frame takes on a loaded machine: one that has not come by then is counted lost.
const PATIENCE: Duration = Duration::from_secs(15);
/// Sockets opened (or closed) at a time.
const CONNECTING: usize = 32;
/// Conversations started over HTTP at a time.
const STARTING: usize = 8;
/// Messages a user may send per minute (`MESSAGES_SENT`, HTTP and socket together).
const MESSAGES_PER_MINUTE: usize = 30;
/// How long the runner is left alone before its memory is read.
const SETTLE: Duration = Duration::from_secs(3);
/// Sockets opened and closed before the first reading, so that what is made once (the
/// functions' clients, the pools of connections to DynamoDB) is not counted per connection.
const WARM_UP: usize = 64;

const KEY_VARIABLE: &str = "SOCKET_BENCH_PRIVATE_KEY";
const PUBLIC_KEY_VARIABLE: &str = "SOCKET_BENCH_PUBLIC_KEY";
const PREFIX_VARIABLE: &str = "SOCKET_BENCH_TABLE_PREFIX";

#[derive(Parser)]
struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Send → receive latency with many conversations at once (runner and clients in one process).
    Latency {
        endpoint: String,
        /// Messages each way per conversation.
        #[arg(long, default_value_t = 20)]
        rounds: usize,
        #[arg(long, default_value_t = 50)]
        vendors: usize,
        #[arg(long, default_value_t = 50)]
        conversations: usize,
        /// Each user sends one message every this many milliseconds; 0: as soon as the answer came.
        #[arg(long, default_value_t = 2000)]
        pace_ms: u64,
    },
    /// The runner's resident memory with idle connections open (runner in a child process).
    Memory {
        endpoint: String,
        /// Open connections at each step, increasing.
        #[arg(long, value_delimiter = ',', default_value = "500,1000,2000")]
        connections: Vec<usize>,
        /// Times the largest number of connections is opened and closed in all.
        #[arg(long, default_value_t = 3)]
        rounds: usize,
    },
    /// The child of `memory`.
    Serve { endpoint: String },
}

fn table_prefix() -> String {
    format!("bench{}_", ulid::Ulid::new().to_string().to_lowercase())
}

fn user(role: Role) -> User {
    let id = UserId::new();
    User {
        id,
        email: Email::parse(&format!("{}@bench.test", id.to_string().to_lowercase())).expect("an email"),
        name: PersonName::parse("Bench User").expect("a name"),
        phone: None,
        role,
        email_verified: true,
        preferences: Default::default(),
        created_at: Timestamp::now(),
    }
}

fn product(vendor: UserId) -> Product {
    let now = Timestamp::now();
    Product {
        id: ProductId::new(),
        vendor_id: vendor.to_string(),
        category_id: "cars".into(),
        title: "Hyundai Elantra 2018".into(),
        description: String::new(),
        price: Money::egp(40_000_000),
        condition: Condition::Used,
        stock: 1,
        status: ProductStatus::Active,
        images: vec!["https://images.souk-el-sayarat.com/p/1.jpg".into()],
        thumbnails: vec![],
        location: Location { governorate: Governorate::Cairo, city: "Nasr City".into() },
        vehicle: Some(Vehicle::new("Hyundai", "Elantra", 2018, 1)),
        part: None,
        created_at: now,
        updated_at: now,
        version: 1,
    }
}

async fn connect(addr: &str, token: &str) -> Result<Ws, Error> {
    let (socket, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/ws?token={token}")).await?;
    Ok(socket)
}

/// Closes `socket` and reads until the server's answer (or the end).
async fn close(mut socket: Ws) {
    let _ = socket.close(None).await;
    let _ = tokio::time::timeout(PATIENCE, async { while let Some(Ok(_)) = socket.next().await {} }).await;
}

// ---------------------------------------------------------------------------------------------
// Latency

/// When a frame was read, or the `error` frame that came instead.
type Arrival = Result<Instant, String>;

/// Who waits for which frame: (`message` or `ack`, clientMessageId) → the time its frame was read.
#[derive(Default)]
struct Receipts {
    waiting: Mutex<HashMap<(&'static str, String), oneshot::Sender<Arrival>>>,
}

impl Receipts {
    fn expect(&self, kind: &'static str, id: &str) -> oneshot::Receiver<Arrival> {
        let (tx, rx) = oneshot::channel();
        self.waiting.lock().unwrap().insert((kind, id.to_owned()), tx);
        rx
    }

    fn arrived(&self, kind: &'static str, id: &str, at: Arrival) {
        if let Some(tx) = self.waiting.lock().unwrap().remove(&(kind, id.to_owned())) {
            let _ = tx.send(at);
        }
    }
}

/// A client's socket: frames are written through `sink`; a task reads every frame as it comes
/// and hands its arrival time to whoever waits for it.
struct Socket {
    sink: tokio::sync::Mutex<SplitSink<Ws, Message>>,
    reader: tokio::task::JoinHandle<()>,
}

impl Socket {
    async fn open(addr: &str, token: &str, receipts: Arc<Receipts>) -> Result<Self, Error> {
        let (sink, frames) = connect(addr, token).await?.split();
        Ok(Self { sink: tokio::sync::Mutex::new(sink), reader: tokio::spawn(read(frames, receipts)) })
    }

    async fn close(self) {
        let _ = self.sink.lock().await.close().await;
        let _ = tokio::time::timeout(PATIENCE, self.reader).await;
    }
}

async fn read(mut frames: SplitStream<Ws>, receipts: Arc<Receipts>) {
    while let Some(Ok(frame)) = frames.next().await {
        let Message::Text(text) = frame else { continue };
        let at = Instant::now();
        let Ok(frame) = serde_json::from_str::<Value>(&text) else { continue };
        match frame["type"].as_str() {
            Some("message") => {
                // The question that started the conversation has none.
                if let Some(id) = frame["message"]["clientMessageId"].as_str() {
                    receipts.arrived("message", id, Ok(at));
                }
            }
            Some("ack") => {
                if let Some(id) = frame["clientMessageId"].as_str() {
                    receipts.arrived("ack", id, Ok(at));
                }
            }
            Some("error") => match frame["clientMessageId"].as_str() {
                Some(id) => {
                    receipts.arrived("ack", id, Err(frame.to_string()));
                    receipts.arrived("message", id, Err(frame.to_string()));
                }
                None => eprintln!("an error frame: {frame}"),
            },
            _ => {}
        }
    }
}

/// One message: written by `from`; how long until the recipient read its `message` frame, and
/// until `from` read its `ack`.
async fn exchange(
    from: &Socket,
    receipts: &Receipts,
    conversation: &str,
    id: &str,
) -> Result<(Duration, Duration), String> {
    let delivered = receipts.expect("message", id);
    let acked = receipts.expect("ack", id);
    let frame = json!({ "action": "sendMessage", "conversationId": conversation, "body": format!("رسالة {id}"), "clientMessageId": id });
    let sent = {
        let mut sink = from.sink.lock().await;
        let at = Instant::now();
        sink.send(Message::text(frame.to_string())).await.map_err(|e| format!("{id}: not sent: {e}"))?;
        at
    };
    let wait = |rx: oneshot::Receiver<Arrival>, what: &'static str| async move {
        match tokio::time::timeout(PATIENCE, rx).await {
            Ok(Ok(Ok(at))) => Ok(at.duration_since(sent)),
            Ok(Ok(Err(error))) => Err(format!("{id}: {error}")),
            Ok(Err(_)) => Err(format!("{id}: no {what}")),
            Err(_) => Err(format!("{id}: no {what} within {PATIENCE:?}")),
        }
    };
    let (delivered, acked) = tokio::join!(wait(delivered, "message frame"), wait(acked, "ack"));
    Ok((delivered?, acked?))
}

#[derive(Default)]
struct Samples {
    to_seller: Vec<Duration>,
    to_buyer: Vec<Duration>,
    acks: Vec<Duration>,
    sent: usize,
    failures: Vec<String>,
}

impl Samples {
    fn add(&mut self, other: Samples) {
        self.to_seller.extend(other.to_seller);
        self.to_buyer.extend(other.to_buyer);
        self.acks.extend(other.acks);
        self.sent += other.sent;
        self.failures.extend(other.failures);
    }
}

/// Milliseconds at quantile `q` of `sorted` (nearest rank).
fn quantile(sorted: &[Duration], q: f64) -> f64 {
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1].as_secs_f64() * 1000.0
}

fn row(label: &str, samples: &[Duration]) {
    let mut sorted = samples.to_vec();
    sorted.sort();
    if sorted.is_empty() {
        println!("| {label} | 0 | – | – | – | – |");
        return;
    }
    println!(
        "| {label} | {} | {:.1} | {:.1} | {:.1} | {:.1} |",
        sorted.len(),
        quantile(&sorted, 0.50),
        quantile(&sorted, 0.95),
        quantile(&sorted, 0.99),
        sorted.last().unwrap().as_secs_f64() * 1000.0
    );
}

async fn latency(
    endpoint: String,
    rounds: usize,
    vendors: usize,
    conversations: usize,
    pace: Duration,
) -> Result<(), Error> {
    if vendors == 0 || conversations < vendors {
        return Err("at least one vendor, and a conversation for each".into());
    }
    let per_vendor = conversations.div_ceil(vendors);
    // Fixed windows of a minute: a user who sends at most 30 in the whole run is never limited.
    if rounds + 1 > MESSAGES_PER_MINUTE || rounds * per_vendor > MESSAGES_PER_MINUTE {
        return Err(format!(
            "a buyer would send {} messages and a vendor {}: more than the {MESSAGES_PER_MINUTE} a minute a user may; lower --rounds",
            rounds + 1,
            rounds * per_vendor
        )
        .into());
    }
    let keys = KeyPair::generate();
    let market = Marketplace::start(Options::benchmark(endpoint, table_prefix(), &keys)).await?;
    let issuer = TokenIssuer::from_private_base64("key", &keys.private_pkcs8_base64)?;
    let products = ProductRepo::new(&market.app.database())?;
    let addr = market.addr.to_string();

    let sellers: Vec<User> = (0..vendors).map(|_| user(Role::Vendor)).collect();
    let seller_tokens: Vec<String> = sellers.iter().map(|u| issuer.issue(u, Timestamp::now()).token).collect();
    let buyers: Vec<User> = (0..conversations).map(|_| user(Role::Customer)).collect();
    let buyer_tokens: Vec<String> = buyers.iter().map(|u| issuer.issue(u, Timestamp::now()).token).collect();
    let mut listed = Vec::new();
    for c in 0..conversations {
        let p = product(sellers[c % vendors].id);
        products.put(&p).await.map_err(|e| e.to_string())?;
        listed.push(p.id);
    }

    // Each buyer asks about its product over HTTP (before any socket is open: nothing is pushed).
    let client: Client<_, Full<Bytes>> = Client::builder(TokioExecutor::new()).build_http();
    let url = format!("{}/api/conversations", market.url());
    let started: Vec<Result<String, Error>> = futures::stream::iter(listed.iter().zip(&buyer_tokens))
        .map(|(product, token)| {
            let (client, url) = (client.clone(), url.clone());
            async move {
                let body = json!({ "productId": product, "message": "السلام عليكم، العربية لسه متاحة؟" }).to_string();
                let request = http::Request::post(url)
                    .header("content-type", "application/json")
                    .header("authorization", format!("Bearer {token}"))
                    .body(Full::new(Bytes::from(body)))?;
                let response = client.request(request).await?;
                let status = response.status().as_u16();
                let body = response.into_body().collect().await?.to_bytes();
                if status != 201 {
                    return Err(format!("starting a conversation: {status} {}", String::from_utf8_lossy(&body)).into());
                }
                let started: Value = serde_json::from_slice(&body)?;
                Ok(started["conversation"]["id"].as_str().ok_or("a conversation id")?.to_owned())
            }
        })
        .buffered(STARTING)
        .collect()
        .await;
    let conversation_ids: Vec<String> = started.into_iter().collect::<Result<_, _>>()?;

    let receipts = Arc::new(Receipts::default());
    let open = |token: &String| {
        let (addr, token, receipts) = (addr.clone(), token.clone(), Arc::clone(&receipts));
        async move { Socket::open(&addr, &token, receipts).await }
    };
    let seller_sockets: Vec<Socket> = futures::stream::iter(seller_tokens.iter().map(open))
        .buffered(CONNECTING)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<Result<_, _>>()?;
    let buyer_sockets: Vec<Socket> = futures::stream::iter(buyer_tokens.iter().map(open))
        .buffered(CONNECTING)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<Result<_, _>>()?;
    // The presence frames of the sockets just opened go out before the first message.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let open_during = market.sockets.open_connections();

    let pace_label = if pace.is_zero() {
        "each round as soon as the last answer arrived".to_owned()
    } else {
        format!("each user sends one message every {} ms", pace.as_millis())
    };
    println!(
        "{conversations} conversations at once ({vendors} vendors, {conversations} buyers, {open_during} open sockets), \
         {rounds} rounds each way; {pace_label}"
    );
    let began = tokio::time::Instant::now();
    let runs = (0..conversations).map(|c| {
        let (buyer, seller, receipts) = (&buyer_sockets[c], &seller_sockets[c % vendors], &receipts);
        let conversation = &conversation_ids[c];
        let offset = pace.mul_f64(c as f64 / conversations as f64);
        async move {
            let mut samples = Samples::default();
            for round in 0..rounds {
                if !pace.is_zero() {
                    tokio::time::sleep_until(began + offset + pace * round as u32).await;
                }
                samples.sent += 2;
                match exchange(buyer, receipts, conversation, &format!("b{c}-{round}")).await {
                    Ok((delivered, acked)) => {
                        samples.to_seller.push(delivered);
                        samples.acks.push(acked);
                    }
                    Err(failure) => samples.failures.push(failure),
                }
                match exchange(seller, receipts, conversation, &format!("s{c}-{round}")).await {
                    Ok((delivered, acked)) => {
                        samples.to_buyer.push(delivered);
                        samples.acks.push(acked);
                    }
                    Err(failure) => samples.failures.push(failure),
                }
            }
            samples
        }
    });
    let mut all = Samples::default();
    for samples in futures::future::join_all(runs).await {
        all.add(samples);
    }
    let elapsed = began.elapsed();

    println!();
    println!("| frame | samples | p50 ms | p95 ms | p99 ms | max ms |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    row("buyer → seller: `message` at the seller's socket", &all.to_seller);
    row("seller → buyer: `message` at the buyer's socket", &all.to_buyer);
    let both: Vec<Duration> = all.to_seller.iter().chain(&all.to_buyer).copied().collect();
    row("**both ways**", &both);
    row("`ack` at the sender's socket", &all.acks);
    println!();
    println!(
        "{} messages sent in {:.1} s ({:.0} messages/s), {} delivered, {} failed",
        all.sent,
        elapsed.as_secs_f64(),
        all.sent as f64 / elapsed.as_secs_f64(),
        both.len(),
        all.failures.len()
    );
    for failure in all.failures.iter().take(10) {
        println!("  failed: {failure}");
    }

    futures::stream::iter(seller_sockets.into_iter().chain(buyer_sockets))
        .for_each_concurrent(CONNECTING, Socket::close)
        .await;
    market.stop().await;
    if all.failures.is_empty() { Ok(()) } else { Err("some messages were not delivered".into()) }
}

// ---------------------------------------------------------------------------------------------
// Memory

/// The child running the marketplace.
struct Runner {
    child: tokio::process::Child,
    pid: u32,
    addr: String,
    commands: tokio::process::ChildStdin,
    answers: tokio::io::Lines<BufReader<tokio::process::ChildStdout>>,
}

impl Runner {
    async fn start(endpoint: &str, keys: &KeyPair) -> Result<Self, Error> {
        let mut child = tokio::process::Command::new(std::env::current_exe()?)
            .arg("serve")
            .arg(endpoint)
            .env(KEY_VARIABLE, &keys.private_pkcs8_base64)
            .env(PUBLIC_KEY_VARIABLE, &keys.public_base64)
            .env(PREFIX_VARIABLE, table_prefix())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn()?;
        let pid = child.id().ok_or("the runner's pid")?;
        let commands = child.stdin.take().ok_or("the runner's stdin")?;
        let mut answers = BufReader::new(child.stdout.take().ok_or("the runner's stdout")?).lines();
        let line = tokio::time::timeout(Duration::from_secs(120), answers.next_line())
            .await
            .map_err(|_| "the runner did not start in 2 minutes")??
            .ok_or("the runner ended before it listened")?;
        let addr = line.strip_prefix("listening ").ok_or_else(|| format!("unexpected: {line}"))?.to_owned();
        Ok(Self { child, pid, addr, commands, answers })
    }

    /// How many connections the runner has open.
    async fn open_connections(&mut self) -> Result<usize, Error> {
        self.ask("count").await
    }

    /// How many distinct operations the runner has recorded for its least-privilege checks.
    async fn operations_recorded(&mut self) -> Result<usize, Error> {
        self.ask("operations").await
    }

    async fn ask(&mut self, question: &str) -> Result<usize, Error> {
        self.commands.write_all(format!("{question}\n").as_bytes()).await?;
        self.commands.flush().await?;
        let line = tokio::time::timeout(PATIENCE, self.answers.next_line())
            .await
            .map_err(|_| "the runner did not answer")??
            .ok_or("the runner ended")?;
        Ok(line.trim().parse()?)
    }

    /// Waits until exactly `n` connections are open.
    async fn until_open(&mut self, n: usize) -> Result<(), Error> {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let open = self.open_connections().await?;
            if open == n {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!("{open} connections open, not {n}").into());
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// The runner's resident set, in KiB, once it has been left alone for a moment.
    async fn rss_kib(&self) -> Result<u64, Error> {
        tokio::time::sleep(SETTLE).await;
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid))?;
        let line = status.lines().find(|l| l.starts_with("VmRSS:")).ok_or("no VmRSS")?;
        Ok(line.trim_start_matches("VmRSS:").trim().trim_end_matches("kB").trim().parse()?)
    }

    async fn stop(mut self) {
        drop(self.commands);
        if tokio::time::timeout(Duration::from_secs(30), self.child.wait()).await.is_err() {
            let _ = self.child.kill().await;
        }
    }
}

async fn open_sockets(addr: &str, tokens: &[String]) -> Result<Vec<Ws>, Error> {
    futures::stream::iter(tokens)
        .map(|token| connect(addr, token))
        .buffer_unordered(CONNECTING)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect()
}

async fn close_sockets(sockets: Vec<Ws>) {
    futures::stream::iter(sockets).for_each_concurrent(CONNECTING, close).await;
}

async fn memory(endpoint: String, steps: Vec<usize>, rounds: usize) -> Result<(), Error> {
    if steps.is_empty() || steps.windows(2).any(|w| w[0] >= w[1]) {
        return Err("--connections: increasing numbers".into());
    }
    let keys = KeyPair::generate();
    let issuer = TokenIssuer::from_private_base64("key", &keys.private_pkcs8_base64)?;
    let most = *steps.last().unwrap();
    // One user per connection, as when that many people are online.
    let tokens: Vec<String> =
        (0..most + WARM_UP).map(|_| issuer.issue(&user(Role::Customer), Timestamp::now()).token).collect();
    let (warm_up, tokens) = tokens.split_at(WARM_UP);

    let mut runner = Runner::start(&endpoint, &keys).await?;
    let started = runner.rss_kib().await?;
    let sockets = open_sockets(&runner.addr, warm_up).await?;
    runner.until_open(WARM_UP).await?;
    close_sockets(sockets).await;
    runner.until_open(0).await?;
    let base = runner.rss_kib().await?;

    println!(
        "Runner (child process {}) at {}: VmRSS {started} KiB when started, {base} KiB after {WARM_UP} sockets opened and closed",
        runner.pid, runner.addr
    );
    println!();
    println!(
        "| open connections | VmRSS of the runner, KiB | more than with 0, KiB | KiB per connection | opening this step took | operations recorded |"
    );
    println!("| ---: | ---: | ---: | ---: | ---: | ---: |");
    println!("| 0 | {base} | – | – | – | {} |", runner.operations_recorded().await?);
    let mut sockets = Vec::new();
    for &n in &steps {
        let began = Instant::now();
        sockets.extend(open_sockets(&runner.addr, &tokens[sockets.len()..n]).await?);
        let took = began.elapsed();
        runner.until_open(n).await?;
        let rss = runner.rss_kib().await?;
        let growth = rss as i64 - base as i64;
        println!(
            "| {n} | {rss} | {growth} | {:.1} | {:.1} s | {} |",
            growth as f64 / n as f64,
            took.as_secs_f64(),
            runner.operations_recorded().await?
        );
    }
    let began = Instant::now();
    close_sockets(sockets).await;
    runner.until_open(0).await?;
    let took = began.elapsed();
    let rss = runner.rss_kib().await?;
    println!(
        "| 0, after closing all {most} | {rss} | {} | – | closing took {:.1} s | {} |",
        rss as i64 - base as i64,
        took.as_secs_f64(),
        runner.operations_recorded().await?
    );
    // The same users again: what a first round leaves behind is either kept for reuse (the same
    // figures after each round) or lost (growing with every round).
    for round in 2..=rounds {
        let sockets = open_sockets(&runner.addr, &tokens[..most]).await?;
        runner.until_open(most).await?;
        let open = runner.rss_kib().await?;
        close_sockets(sockets).await;
        runner.until_open(0).await?;
        let rss = runner.rss_kib().await?;
        println!(
            "| {most} again (round {round}), then 0 | {open}, then {rss} | {} | – | – | {} |",
            rss as i64 - base as i64,
            runner.operations_recorded().await?
        );
    }
    runner.stop().await;
    Ok(())
}

/// The child: a marketplace until its standard input closes.
async fn serve(endpoint: String) -> Result<(), Error> {
    let keys = KeyPair {
        private_pkcs8_base64: std::env::var(KEY_VARIABLE)?,
        public_base64: std::env::var(PUBLIC_KEY_VARIABLE)?,
    };
    let market = Marketplace::start(Options::benchmark(endpoint, std::env::var(PREFIX_VARIABLE)?, &keys)).await?;
    let (lines_tx, mut lines) = tokio::sync::mpsc::unbounded_channel();
    std::thread::spawn(move || {
        for line in std::io::stdin().lines() {
            let Ok(line) = line else { break };
            if lines_tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut out = std::io::stdout();
    writeln!(out, "listening {}", market.addr)?;
    out.flush()?;
    while let Some(line) = lines.recv().await {
        match line.trim() {
            "count" => writeln!(out, "{}", market.sockets.open_connections())?,
            "operations" => writeln!(out, "{}", market.operations.operations().len())?,
            _ => continue,
        }
        out.flush()?;
    }
    market.stop().await;
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    match Args::parse().command {
        Command::Latency { endpoint, rounds, vendors, conversations, pace_ms } => {
            latency(endpoint, rounds, vendors, conversations, Duration::from_millis(pace_ms)).await
        }
        Command::Memory { endpoint, connections, rounds } => memory(endpoint, connections, rounds).await,
        Command::Serve { endpoint } => serve(endpoint).await,
    }
}
