//! A minimal Lambda Runtime API on loopback that measures cold starts.
//!
//! For each run and each function (interleaved), it spawns the binary with
//! `AWS_LAMBDA_RUNTIME_API` pointing here and a clean environment, serves it one event, and
//! records: init (spawn to the first `GET /2018-06-01/runtime/invocation/next`), the first response
//! (spawn to `POST .../invocation/{id}/response`) and the peak RSS (`VmHWM` of
//! `/proc/<pid>/status`, read when the function asks for its second event, so after everything the
//! first one made it do). Then it kills the process and starts the next one.
//!
//! Every other request (anything not under `/2018-06-01/`) is answered as DynamoDB would answer a
//! `GetItem` of a key that does not exist, `{}`: point `DYNAMODB_ENDPOINT` here and the
//! function's first response makes a real SDK round trip (signing, connection, deserialisation)
//! without a database.
//!
//! In `--env KEY=VALUE`, `{api}` stands for this server's address (`127.0.0.1:PORT`).
//!
//! ```text
//! runtime-api [--runs N] [--event FILE] [--env KEY=VALUE]... [--baseline NAME]
//!             [--max-init-ratio R] [--max-rss-ratio R] NAME=BINARY...
//! ```
//!
//! Prints a markdown table of medians. With a baseline and a ratio limit, exits 1 when the median
//! of a function divided by the baseline's exceeds the limit.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::process::{ExitCode, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::mpsc;

const API: &str = "/2018-06-01/runtime";
/// How long one run may take before it counts as failed.
const RUN_TIMEOUT: Duration = Duration::from_secs(20);

/// What the function did, in the order it happened.
#[derive(Debug)]
enum Seen {
    Next(Instant),
    Response(Instant, Bytes),
    Error(String),
}

struct Shared {
    event: Bytes,
    run: Mutex<Option<Run>>,
}

/// The run in progress: its request id, where to report what the function does, and whether its
/// one event was served.
#[derive(Clone)]
struct Run {
    request_id: String,
    tx: mpsc::UnboundedSender<Seen>,
    served: bool,
}

#[derive(Default)]
struct Samples {
    init_ms: Vec<f64>,
    response_ms: Vec<f64>,
    rss_kib: Vec<u64>,
    anon_kib: Vec<u64>,
    file_kib: Vec<u64>,
    status: BTreeMap<String, usize>,
}

struct Args {
    runs: usize,
    event: String,
    env: Vec<(String, String)>,
    baseline: Option<String>,
    max_init_ratio: Option<f64>,
    max_rss_ratio: Option<f64>,
    functions: Vec<(String, String)>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        runs: 20,
        event: "events/get-product.json".into(),
        env: Vec::new(),
        baseline: None,
        max_init_ratio: None,
        max_rss_ratio: None,
        functions: Vec::new(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--runs" => args.runs = value("--runs")?.parse().map_err(|e| format!("--runs: {e}"))?,
            "--event" => args.event = value("--event")?,
            "--env" => args.env.push(split_pair(&value("--env")?)?),
            "--baseline" => args.baseline = Some(value("--baseline")?),
            "--max-init-ratio" => args.max_init_ratio = Some(parse_ratio(&value("--max-init-ratio")?)?),
            "--max-rss-ratio" => args.max_rss_ratio = Some(parse_ratio(&value("--max-rss-ratio")?)?),
            _ if arg.starts_with("--") => return Err(format!("unknown option {arg}")),
            _ => args.functions.push(split_pair(&arg)?),
        }
    }
    if args.functions.is_empty() || args.runs == 0 {
        return Err("usage: runtime-api [--runs N] [--event FILE] [--env KEY=VALUE]... [--baseline NAME] \
                    [--max-init-ratio R] [--max-rss-ratio R] NAME=BINARY..."
            .into());
    }
    if let Some(baseline) = &args.baseline
        && !args.functions.iter().any(|(name, _)| name == baseline)
    {
        return Err(format!("baseline {baseline} is not one of the functions"));
    }
    Ok(args)
}

fn split_pair(s: &str) -> Result<(String, String), String> {
    s.split_once('=').map(|(k, v)| (k.to_owned(), v.to_owned())).ok_or(format!("{s}: expected NAME=VALUE"))
}

fn parse_ratio(s: &str) -> Result<f64, String> {
    s.parse().map_err(|e| format!("{s}: {e}"))
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let event = match std::fs::read(&args.event) {
        Ok(event) => Bytes::from(event),
        Err(e) => {
            eprintln!("{}: {e}", args.event);
            return ExitCode::from(2);
        }
    };
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind a loopback port");
    let addr = listener.local_addr().expect("local address");
    let shared = Arc::new(Shared { event, run: Mutex::new(None) });
    tokio::spawn(accept(listener, Arc::clone(&shared)));

    let mut samples: Vec<Samples> = args.functions.iter().map(|_| Samples::default()).collect();
    let mut failures = 0;
    for run in 0..args.runs {
        // Alternate the order so that neither side always runs right after the other.
        let mut order: Vec<usize> = (0..args.functions.len()).collect();
        if run % 2 == 1 {
            order.reverse();
        }
        for i in order {
            let (name, binary) = &args.functions[i];
            match measure(&shared, addr, name, binary, &args.env, run).await {
                Ok(s) => {
                    samples[i].init_ms.push(s.init_ms);
                    samples[i].response_ms.push(s.response_ms);
                    samples[i].rss_kib.push(s.rss_kib);
                    samples[i].anon_kib.push(s.anon_kib);
                    samples[i].file_kib.push(s.file_kib);
                    *samples[i].status.entry(s.status).or_default() += 1;
                }
                Err(e) => {
                    eprintln!("{name}, run {run}: {e}");
                    failures += 1;
                }
            }
        }
    }

    println!(
        "| binary | init ms (median) | init ms (min – max) | first response ms (median) | peak RSS MiB (median) \
         | resident after: anon / file MiB | first response status |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: | --- |");
    for ((name, _), s) in args.functions.iter().zip(&mut samples) {
        if s.init_ms.is_empty() {
            println!("| {name} | - | - | - | - | - | no run succeeded |");
            continue;
        }
        let (lo, hi) = min_max(&s.init_ms);
        let status: Vec<String> = s.status.iter().map(|(k, n)| format!("{k} × {n}")).collect();
        println!(
            "| {name} | {:.1} | {lo:.1} – {hi:.1} | {:.1} | {:.1} | {:.1} / {:.1} | {} |",
            median(&mut s.init_ms),
            median(&mut s.response_ms),
            median_u64(&mut s.rss_kib) as f64 / 1024.0,
            median_u64(&mut s.anon_kib) as f64 / 1024.0,
            median_u64(&mut s.file_kib) as f64 / 1024.0,
            status.join(", ")
        );
    }
    if failures > 0 {
        eprintln!("{failures} run(s) failed");
        return ExitCode::FAILURE;
    }
    match check(&args, &mut samples) {
        true => ExitCode::SUCCESS,
        false => ExitCode::FAILURE,
    }
}

/// Compares each function's medians with the baseline's, printing one line per ratio.
fn check(args: &Args, samples: &mut [Samples]) -> bool {
    let Some(baseline) = &args.baseline else { return true };
    let b = args.functions.iter().position(|(name, _)| name == baseline).expect("checked in parse_args");
    let base_init = median(&mut samples[b].init_ms);
    let base_rss = median_u64(&mut samples[b].rss_kib) as f64;
    let mut ok = true;
    println!();
    for (i, (name, _)) in args.functions.iter().enumerate().filter(|&(i, _)| i != b) {
        let init = median(&mut samples[i].init_ms) / base_init;
        let rss = median_u64(&mut samples[i].rss_kib) as f64 / base_rss;
        for (what, ratio, limit) in [("init", init, args.max_init_ratio), ("peak RSS", rss, args.max_rss_ratio)] {
            let verdict = match limit {
                Some(limit) if ratio > limit => {
                    ok = false;
                    format!("OVER the limit of {limit} ×")
                }
                Some(limit) => format!("within the limit of {limit} ×"),
                None => "no limit".to_owned(),
            };
            println!("{name}: {what} {ratio:.2} × {baseline}, {verdict}");
        }
    }
    ok
}

struct Sample {
    init_ms: f64,
    response_ms: f64,
    rss_kib: u64,
    anon_kib: u64,
    file_kib: u64,
    status: String,
}

async fn measure(
    shared: &Shared,
    addr: SocketAddr,
    name: &str,
    binary: &str,
    env: &[(String, String)],
    run: usize,
) -> Result<Sample, String> {
    let request_id = format!("00000000-0000-4000-8000-{run:012}");
    let (tx, mut rx) = mpsc::unbounded_channel();
    *shared.run.lock().expect("run lock") = Some(Run { request_id, tx, served: false });

    let mut command = tokio::process::Command::new(binary);
    command
        .env_clear()
        .envs(lambda_environment(name, addr))
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.replace("{api}", &addr.to_string()))))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true);
    let started = Instant::now();
    let mut child = command.spawn().map_err(|e| format!("{binary}: {e}"))?;
    let pid = child.id().ok_or("no pid")?;

    let outcome = tokio::time::timeout(RUN_TIMEOUT, async {
        let mut init = None;
        let mut response = None;
        loop {
            tokio::select! {
                seen = rx.recv() => match seen.ok_or("channel closed")? {
                    Seen::Next(at) if init.is_none() => init = Some(at),
                    // The second `next`: the first event is done with.
                    Seen::Next(_) => break,
                    Seen::Response(at, body) => response = Some((at, body)),
                    Seen::Error(e) => return Err(e),
                },
                status = child.wait() => return Err(format!("exited early: {status:?}")),
            }
        }
        let (rss_kib, anon_kib, file_kib) = peak_rss_kib(pid)?;
        let (init, (responded, body)) = (init.ok_or("no next")?, response.ok_or("no response")?);
        Ok(Sample {
            init_ms: ms(init - started),
            response_ms: ms(responded - started),
            rss_kib,
            anon_kib,
            file_kib,
            status: response_status(&body),
        })
    })
    .await
    .map_err(|_| format!("no response within {RUN_TIMEOUT:?}"))
    .and_then(|r: Result<Sample, String>| r);
    let _ = child.kill().await;
    *shared.run.lock().expect("run lock") = None;
    outcome
}

/// What Lambda gives every function, with fake credentials, besides its name and the API address.
const LAMBDA_ENVIRONMENT: &[(&str, &str)] = &[
    ("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST"),
    ("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256"),
    ("AWS_LAMBDA_LOG_STREAM_NAME", "2026/12/02/[$LATEST]0123456789abcdef"),
    ("AWS_LAMBDA_LOG_FORMAT", "JSON"),
    ("AWS_LAMBDA_LOG_LEVEL", "INFO"),
    ("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand"),
    ("AWS_REGION", "us-east-1"),
    ("AWS_DEFAULT_REGION", "us-east-1"),
    ("AWS_ACCESS_KEY_ID", "AKIDCOLDSTARTBENCH00"),
    ("AWS_SECRET_ACCESS_KEY", "cold-start-bench-secret"),
    ("AWS_SESSION_TOKEN", "cold-start-bench-token"),
    ("_HANDLER", "bootstrap"),
    ("LANG", "en_US.UTF-8"),
    ("TZ", ":UTC"),
    ("PATH", "/usr/local/bin:/usr/bin:/bin"),
];

fn lambda_environment(name: &str, addr: SocketAddr) -> Vec<(&'static str, String)> {
    let mut env = vec![
        ("AWS_LAMBDA_RUNTIME_API", addr.to_string()),
        ("AWS_LAMBDA_FUNCTION_NAME", name.to_owned()),
        ("AWS_LAMBDA_LOG_GROUP_NAME", format!("/aws/lambda/{name}")),
    ];
    env.extend(LAMBDA_ENVIRONMENT.iter().map(|&(k, v)| (k, v.to_owned())));
    env
}

/// `VmHWM` (peak resident set size) of a live process, and what is resident now, split into
/// anonymous memory and mapped files (the binary, libc), all in KiB.
fn peak_rss_kib(pid: u32) -> Result<(u64, u64, u64), String> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).map_err(|e| format!("status: {e}"))?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .ok_or_else(|| format!("no {name}"))
    };
    Ok((field("VmHWM:")?, field("RssAnon:")?, field("RssFile:")?))
}

/// The `statusCode` of an API Gateway response, or what the body was.
fn response_status(body: &[u8]) -> String {
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(v) => v.get("statusCode").map_or_else(|| "no statusCode".to_owned(), |s| s.to_string()),
        Err(_) => "not JSON".to_owned(),
    }
}

async fn accept(listener: TcpListener, shared: Arc<Shared>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else { continue };
        let shared = Arc::clone(&shared);
        tokio::spawn(async move {
            let service = service_fn(move |req| handle(Arc::clone(&shared), req));
            let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
        });
    }
}

async fn handle(shared: Arc<Shared>, req: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let at = Instant::now();
    let path = req.uri().path().to_owned();
    let is_get = req.method() == hyper::Method::GET;
    let body = req.into_body().collect().await.map(|b| b.to_bytes()).unwrap_or_default();
    let (run, first_next) = {
        let mut current = shared.run.lock().expect("run lock");
        let first_next = current.as_ref().is_some_and(|run| !run.served) && is_get && path.ends_with("/next");
        if first_next && let Some(run) = current.as_mut() {
            run.served = true;
        }
        (current.clone(), first_next)
    };
    let Some(Run { request_id, tx, .. }) = run else {
        return Ok(reply(StatusCode::GONE, Bytes::new()));
    };
    let Some(rest) = path.strip_prefix(API) else {
        // The database: every GetItem finds nothing.
        return Ok(reply(StatusCode::OK, Bytes::from_static(b"{}")));
    };
    match rest {
        "/invocation/next" if is_get => {
            let _ = tx.send(Seen::Next(at));
            if !first_next {
                // One event per process: hold the second request until the process is killed.
                tokio::time::sleep(RUN_TIMEOUT).await;
                return Ok(reply(StatusCode::GONE, Bytes::new()));
            }
            let deadline = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default() + Duration::from_secs(10);
            let mut response = reply(StatusCode::OK, shared.event.clone());
            let headers = response.headers_mut();
            headers.insert("lambda-runtime-aws-request-id", request_id.parse().expect("header value"));
            headers.insert("lambda-runtime-deadline-ms", deadline.as_millis().to_string().parse().expect("header"));
            headers.insert(
                "lambda-runtime-invoked-function-arn",
                "arn:aws:lambda:us-east-1:123456789012:function:cold-start".parse().expect("header value"),
            );
            headers.insert(
                "lambda-runtime-trace-id",
                "Root=1-67890abc-0123456789abcdef01234567;Parent=0123456789abcdef;Sampled=0".parse().expect("header"),
            );
            Ok(response)
        }
        "/init/error" => {
            let _ = tx.send(Seen::Error(format!("init error: {}", String::from_utf8_lossy(&body))));
            Ok(reply(StatusCode::ACCEPTED, Bytes::new()))
        }
        _ => match rest.strip_prefix("/invocation/").and_then(|r| r.split_once('/')) {
            Some((id, "response")) if id == request_id => {
                let _ = tx.send(Seen::Response(at, body));
                Ok(reply(StatusCode::ACCEPTED, Bytes::new()))
            }
            Some((id, "error")) if id == request_id => {
                let _ = tx.send(Seen::Error(format!("invocation error: {}", String::from_utf8_lossy(&body))));
                Ok(reply(StatusCode::ACCEPTED, Bytes::new()))
            }
            _ => Ok(reply(StatusCode::NOT_FOUND, Bytes::new())),
        },
    }
}

fn reply(status: StatusCode, body: Bytes) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(body));
    *response.status_mut() = status;
    response.headers_mut().insert("content-type", "application/json".parse().expect("header value"));
    response
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 { v[n / 2] } else { (v[n / 2 - 1] + v[n / 2]) / 2.0 }
}

fn median_u64(v: &mut [u64]) -> u64 {
    v.sort_unstable();
    let n = v.len();
    if n % 2 == 1 { v[n / 2] } else { (v[n / 2 - 1] + v[n / 2]) / 2 }
}

fn min_max(v: &[f64]) -> (f64, f64) {
    v.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| (lo.min(x), hi.max(x)))
}
