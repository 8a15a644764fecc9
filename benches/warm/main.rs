//! Warm handler cost: the CPU time one request costs the main HTTP functions once warm, with the
//! database's own time left out.
//!
//! `cargo bench --profile release -p souk-benches --bench warm`
//!
//! The release profile is the one the functions are built with for Lambda (whole-program
//! optimisation, one codegen unit), so the figure is the code Lambda runs; the workspace's `bench`
//! profile, quicker to build, gives higher figures (BENCHMARKS.md section 7).
//!
//! Each scenario of `benches/fixtures/warm/` runs in-process as Lambda runs it (see
//! [`invocation`]), built with the function's own constructor from an [`App`] whose DynamoDB
//! calls are answered with the recorded answers ([`canned_dynamodb`]), twice: in the group
//! `in-process` the DynamoDB client is handed the answer without a socket (the handler's own cost, the figure
//! the budgets are for), in the group `loopback` through the functions' HTTP client from a server
//! on 127.0.0.1 (that plus hyper and the kernel's socket work). The handler runs on a
//! single-threaded tokio runtime on the benchmark thread, so everything it does (its SDK calls
//! included) is on that thread, and the figure is that thread's CPU time ([`thread_cpu`]): the
//! server's thread and the rest of the machine do not count.

mod canned_dynamodb;
mod fixture;
mod invocation;
mod thread_cpu;

use std::time::Duration;

use criterion::{BenchmarkGroup, Criterion, criterion_group, criterion_main, measurement::WallTime};
use lambda_http::request::LambdaRequest;
use lambda_http::{LambdaEvent, Service};
use serde::Serialize;
use shared::App;
use shared::accounts::tokens::{KeyPair, TokenIssuer};
use shared::clock::Timestamp;
use shared::config::{Config, vars};
use tokio::runtime::Runtime;

use crate::canned_dynamodb::Recording;
use crate::fixture::Fixture;
use crate::invocation::Invocation;

/// The local runner's cursor key; cursors are only signed here, never checked.
const CURSOR_SECRET: &[u8] = b"benchmark-cursor-secret-of-32-bytes!!";

fn warm(c: &mut Criterion) {
    // One JSON log line per request, formatted as in Lambda but not printed.
    shared::telemetry::init_writing_to(std::io::sink);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    let keys = KeyPair::generate();
    let issuer = TokenIssuer::from_private_base64("key", &keys.private_pkcs8_base64).expect("a signing key");
    let fixtures = fixture::all();
    for way in [Way::InProcess, Way::Loopback] {
        let mut group = c.benchmark_group(way.name());
        group.warm_up_time(Duration::from_secs(2)).measurement_time(Duration::from_secs(8));
        for (name, fixture) in &fixtures {
            let app = runtime.block_on(way.app(&keys.public_base64, Recording::of(&fixture.exchanges)));
            let token = fixture.request.caller.as_ref().map(|caller| issuer.issue(caller, Timestamp::now()).token);
            let event = invocation::event(&fixture.function, &fixture.request, token.as_deref());
            let scenario = Scenario { name, fixture, event: &event, runtime: &runtime };
            match fixture.function.as_str() {
                "get-product" => scenario.measure(&mut group, get_product::GetProduct::new(&app)),
                "get-products" => scenario.measure(&mut group, get_products::GetProducts::new(&app)),
                "search-products" => scenario.measure(&mut group, search_products::SearchProducts::new(&app)),
                "create-order" => scenario.measure(&mut group, create_order::CreateOrder::new(&app)),
                other => panic!("{name}: no function {other} in this bench"),
            }
        }
        group.finish();
    }
}

/// How the recorded answers reach the SDK.
#[derive(Clone, Copy)]
enum Way {
    InProcess,
    Loopback,
}

impl Way {
    fn name(self) -> &'static str {
        match self {
            Self::InProcess => "in-process",
            Self::Loopback => "loopback",
        }
    }

    /// The functions' `App`, built by `App::new` as the runner builds it, with DynamoDB answered
    /// from `recording` this way.
    async fn app(self, public_key: &str, recording: Recording) -> App {
        let endpoint = match self {
            // Never dialled: the SDK's HTTP client is replaced below.
            Self::InProcess => "http://127.0.0.1:9".to_owned(),
            Self::Loopback => recording.serve_on_loopback(),
        };
        let config = Config::local(&endpoint, "", CURSOR_SECRET)
            .with(vars::JWT_PUBLIC_KEY, public_key)
            // The checkouts are paid in cash: the gateway is configured, as in Lambda, never called.
            .with(vars::PAYMOB_BASE_URL, "http://127.0.0.1:9/")
            .with(vars::PAYMOB_SECRET_KEY, "sk_test_unused")
            .with(vars::PAYMOB_PUBLIC_KEY, "egy_pk_test_unused")
            .with(vars::PAYMOB_CARD_INTEGRATION_ID, "1")
            .with(vars::PAYMOB_WALLET_INTEGRATION_ID, "2")
            .with(vars::PAYMOB_NOTIFICATION_URL, "http://127.0.0.1:9/hook");
        let app = App::new(config).await;
        match self {
            Self::InProcess => app.with_dynamodb_connector(recording.in_process()),
            Self::Loopback => app,
        }
    }
}

struct Scenario<'a> {
    name: &'a str,
    fixture: &'a Fixture,
    event: &'a [u8],
    runtime: &'a Runtime,
}

impl Scenario<'_> {
    fn measure<E: shared::http::Endpoint, C: std::fmt::Debug>(
        &self,
        group: &mut BenchmarkGroup<'_, WallTime>,
        endpoint: Result<E, C>,
    ) {
        let mut invocation = invocation::of(endpoint.unwrap_or_else(|e| panic!("{}: {e:?}", self.name)));
        self.check(&mut invocation);
        group.bench_function(self.name, |b| {
            b.iter_custom(|iters| {
                self.runtime.block_on(async {
                    let started = thread_cpu::used();
                    for _ in 0..iters {
                        let (status, _) = invocation.invoke(self.event).await;
                        assert_eq!(status, self.fixture.status, "{}: the status recorded", self.name);
                    }
                    thread_cpu::used() - started
                })
            })
        });
    }

    /// The first invocation answers as recorded, with a body, before anything is measured.
    fn check<S>(&self, invocation: &mut Invocation<S>)
    where
        S: Service<LambdaEvent<LambdaRequest>, Error = std::convert::Infallible>,
        S::Response: Serialize,
    {
        let (status, json) = self.runtime.block_on(invocation.invoke(self.event));
        let response: serde_json::Value = serde_json::from_slice(&json).expect("JSON");
        assert_eq!(status, self.fixture.status, "{}: {response}", self.name);
        eprintln!(
            "{}: {status}, {} bytes of JSON to Lambda, {} DynamoDB calls",
            self.name,
            json.len(),
            self.fixture.exchanges.len()
        );
    }
}

criterion_group!(benches, warm);
criterion_main!(benches);
