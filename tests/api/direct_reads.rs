//! The hottest reads (a product, a batch of products, a listing page) reach DynamoDB Local
//! without the SDK, and through the SDK whenever the direct attempt is not answered: a refused
//! connection, a server that never answers, an error answer. A throttled direct attempt is the
//! SDK's first: a throttled table sees no more calls than the SDK alone would send.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use aws_sdk_dynamodb::config::interceptors::BeforeSerializationInterceptorContextRef;
use aws_sdk_dynamodb::config::{ConfigBag, Credentials, Intercept, SharedCredentialsProvider};
use aws_smithy_types::retry::RetryConfig;
use aws_smithy_types::timeout::TimeoutConfig;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use shared::app::SdkHttpClient;
use shared::catalog::listing::{Filters, Range, Sort};
use shared::catalog::listing_index;
use shared::catalog::product::{Product, ProductId};
use shared::db::direct::reads::DirectReads;
use shared::db::direct::wire::Wire;
use shared::db::{ListingRepo, ProductRepo};
use shared::{ApiError, App};
use souk_tests::TestMarketplace;
use souk_tests::fixtures::car;

/// Counts the calls the SDK makes.
#[derive(Debug, Default)]
struct SdkCalls(AtomicUsize);

#[derive(Debug)]
struct Counting(Arc<SdkCalls>);

impl Intercept for Counting {
    fn name(&self) -> &'static str {
        "SDK call counter"
    }

    fn read_before_execution(
        &self,
        _: &BeforeSerializationInterceptorContextRef<'_>,
        _: &mut ConfigBag,
    ) -> Result<(), aws_smithy_runtime_api::box_error::BoxError> {
        self.0.0.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }
}

impl SdkCalls {
    fn made(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

/// The marketplace's clients, with the calls their SDK client makes counted.
fn counted(app: &App) -> (App, Arc<SdkCalls>) {
    let calls = Arc::new(SdkCalls::default());
    let mut app = app.clone();
    let config = app.dynamodb.config().to_builder().interceptor(Counting(Arc::clone(&calls))).build();
    app.dynamodb = aws_sdk_dynamodb::Client::from_conf(config);
    (app, calls)
}

/// Direct reads sent to `endpoint`, each attempt given `attempt` to answer, with the marketplace's
/// retries.
fn direct_to(endpoint: &str, attempt: Duration) -> DirectReads {
    direct_retried(endpoint, attempt, RetryConfig::standard().with_max_attempts(2))
}

fn direct_retried(endpoint: &str, attempt: Duration, retries: RetryConfig) -> DirectReads {
    let credentials = SharedCredentialsProvider::new(Credentials::new("local", "local", None, None, "test"));
    let connector = SdkHttpClient::new().connector(Some(Duration::from_secs(1)), None);
    let wire = Wire::new(Some(endpoint), "us-east-1", credentials, connector, attempt);
    let timeouts = TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(1))
        .operation_attempt_timeout(Duration::from_secs(3))
        .operation_timeout(Duration::from_secs(8))
        .build();
    DirectReads::new(wire, timeouts, retries)
}

/// A stand-in for DynamoDB on a loopback port of its own, answering each request's headers and
/// body with `answer`'s status and JSON body; its endpoint.
async fn stand_in<F, A>(answer: F) -> String
where
    F: Fn(hyper::HeaderMap, Bytes) -> A + Clone + Send + Sync + 'static,
    A: Future<Output = (u16, String)> + Send,
{
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let answer = answer.clone();
            tokio::spawn(async move {
                let service = service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                    let answer = answer.clone();
                    async move {
                        let (parts, body) = req.into_parts();
                        let (status, body) = answer(parts.headers, body.collect().await.unwrap().to_bytes()).await;
                        let response = hyper::Response::builder()
                            .status(status)
                            .header("content-type", "application/x-amz-json-1.0")
                            .body(Full::new(Bytes::from(body)))
                            .unwrap();
                        Ok::<_, std::convert::Infallible>(response)
                    }
                });
                let _ =
                    hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
            });
        }
    });
    endpoint
}

/// A DynamoDB that throttles every call (as DynamoDB answers one), and how many it was sent.
async fn throttling() -> (String, Arc<AtomicUsize>) {
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&calls);
    let endpoint = stand_in(move |_, _| {
        counted.fetch_add(1, Ordering::SeqCst);
        let body = r#"{"__type":"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException","message":"The level of configured provisioned throughput for the table was exceeded."}"#;
        std::future::ready((400, body.to_owned()))
    })
    .await;
    (endpoint, calls)
}

/// A DynamoDB in front of `dynamodb` that leaves the last key of the first `BatchGetItem`
/// unprocessed (as a throttled table does) and passes everything else on; with the bodies of the
/// requests it was sent.
async fn leaving_a_key_unprocessed(dynamodb: String) -> (String, Arc<std::sync::Mutex<Vec<Value>>>) {
    let sent = Arc::new(std::sync::Mutex::new(Vec::new()));
    let recorded = Arc::clone(&sent);
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new()).build_http();
    let endpoint = stand_in(move |headers: hyper::HeaderMap, body: Bytes| {
        let (recorded, client, dynamodb) = (Arc::clone(&recorded), client.clone(), dynamodb.clone());
        async move {
            let mut request: Value = serde_json::from_slice(&body).unwrap();
            let first = {
                let mut recorded = recorded.lock().unwrap();
                recorded.push(request.clone());
                recorded.len() == 1
            };
            let mut left = None;
            if first {
                let tables = request["RequestItems"].as_object_mut().unwrap();
                let (table, keys) = tables.iter_mut().next().unwrap();
                let last = keys["Keys"].as_array_mut().unwrap().pop().unwrap();
                left = Some((table.clone(), json!({ "Keys": [last], "ConsistentRead": keys["ConsistentRead"] })));
            }
            let mut forwarded = hyper::Request::post(&dynamodb);
            for name in ["content-type", "x-amz-target", "x-amz-date", "authorization"] {
                forwarded = forwarded.header(name, headers[name].clone());
            }
            let forwarded = forwarded.body(Full::new(Bytes::from(request.to_string()))).unwrap();
            let answer = client.request(forwarded).await.unwrap();
            let mut answer: Value =
                serde_json::from_slice(&answer.into_body().collect().await.unwrap().to_bytes()).unwrap();
            if let Some((table, keys)) = left {
                answer["UnprocessedKeys"] = json!({ table: keys });
            }
            (200, answer.to_string())
        }
    })
    .await;
    (endpoint, sent)
}

fn three_cars() -> [Product; 3] {
    [
        car("Toyota", "Corolla", 2019, 80_000, 950_000, 0),
        car("Kia", "Cerato", 2020, 40_000, 1_100_000, 1),
        car("Hyundai", "Elantra", 2018, 120_000, 700_000, 2),
    ]
}

#[tokio::test]
async fn products_and_listing_pages_are_read_without_the_sdk() {
    let market = TestMarketplace::spawn().await;
    let cars = three_cars();
    market.list(&cars).await;
    let (app, sdk) = counted(market.app());
    let products = ProductRepo::new(&app.database()).unwrap();
    let listings = ListingRepo::new(&app.database()).unwrap();

    assert_eq!(products.get(cars[1].id).await.unwrap().as_ref(), Some(&cars[1]));
    let never_listed = ProductId::created_at(shared::clock::Timestamp::now());
    assert_eq!(products.get(never_listed).await.unwrap(), None);
    let ids: Vec<_> = cars.iter().rev().map(|c| c.id).collect();
    let read = products.get_many(&ids).await.unwrap();
    assert_eq!(read.iter().map(|p| p.id).collect::<Vec<_>>(), ids, "in the order asked");
    assert_eq!(read[0], cars[2]);

    let plan = listing_index::plan(&Filters::default(), Sort::Newest);
    let first = listings.page(&plan, 2, None).await.unwrap();
    assert_eq!(first.product_ids, [cars[2].id, cars[1].id], "newest first");
    let rest = listings.page(&plan, 2, first.next).await.unwrap();
    assert_eq!(rest.product_ids, [cars[0].id]);
    assert!(rest.next.is_none());
    assert_eq!(sdk.made(), 0, "every read went directly");
}

#[tokio::test]
async fn a_refused_connection_or_a_silent_server_leaves_the_read_to_the_sdk() {
    let market = TestMarketplace::spawn().await;
    let corolla = car("Toyota", "Corolla", 2019, 80_000, 950_000, 0);
    market.list(std::slice::from_ref(&corolla)).await;
    let (app, sdk) = counted(market.app());

    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let refused = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let db = app.database().with_direct_reads(direct_to(&refused, Duration::from_secs(3)));
    let read = ProductRepo::new(&db).unwrap().get(corolla.id).await.unwrap();
    assert_eq!(read.as_ref(), Some(&corolla));
    assert_eq!(sdk.made(), 1, "the SDK read it once the connection was refused");

    // Accepts and reads, never answers.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let endpoint = format!("http://{}", silent.local_addr().unwrap());
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = silent.accept().await {
            held.push(socket);
        }
    });
    let db = app.database().with_direct_reads(direct_to(&endpoint, Duration::from_millis(300)));
    let read = ProductRepo::new(&db).unwrap().get_many(&[corolla.id]).await.unwrap();
    assert_eq!(read, std::slice::from_ref(&corolla));
    assert_eq!(sdk.made(), 2, "the SDK read it once the attempt timed out");
}

#[tokio::test]
async fn an_error_answer_is_the_sdks_to_retry_and_name() {
    let market = TestMarketplace::spawn().await;
    market.list(&[car("Kia", "Rio", 2020, 1, 300_000, 0), car("Kia", "Rio", 2021, 1, 400_000, 1)]).await;
    let (app, sdk) = counted(market.app());
    let listings = ListingRepo::new(&app.database()).unwrap();
    let filters = Filters { price: Range { min: Some(20_000_000), max: Some(50_000_000) }, ..Filters::default() };
    let plan = listing_index::plan(&filters, Sort::PriceAsc);
    let mut start = listings.page(&plan, 1, None).await.unwrap().next.expect("a second page");
    assert_eq!(sdk.made(), 0);
    // Shaped as the index's keys, but below the price range the key condition reads: only
    // DynamoDB can tell, and it answers 400.
    let below = start["byPrice"].replace("000000030000000#", "000000000000001#");
    start.insert("byPrice".into(), below);
    let refused = listings.page(&plan, 1, Some(start)).await.unwrap_err();
    assert_eq!(sdk.made(), 1, "the SDK sent the call DynamoDB refused");
    assert!(matches!(refused, ApiError::InvalidCursor), "{refused:?}");
}

#[tokio::test]
async fn a_throttled_direct_attempt_is_the_first_of_the_sdks_attempts() {
    let market = TestMarketplace::spawn().await;
    let (endpoint, calls) = throttling().await;
    // Three attempts, the SDK's default, with a short backoff to keep the test quick.
    let retries = RetryConfig::standard().with_max_attempts(3).with_initial_backoff(Duration::from_millis(10));
    let (mut app, sdk) = counted(market.app());
    let config = app.dynamodb.config().to_builder().endpoint_url(&endpoint).retry_config(retries.clone()).build();
    app.dynamodb = aws_sdk_dynamodb::Client::from_conf(config);
    let db = app.database().with_direct_reads(direct_retried(&endpoint, Duration::from_secs(3), retries));

    let read = ProductRepo::new(&db).unwrap().get(ProductId::created_at(shared::clock::Timestamp::now())).await;
    assert!(matches!(read, Err(ApiError::Unavailable { retry_after_secs: 1 })), "{read:?}");
    assert_eq!(sdk.made(), 1, "the SDK made the call");
    assert_eq!(calls.load(Ordering::SeqCst), 3, "one direct attempt and two of the SDK's: three, as the SDK alone");
}

#[tokio::test]
async fn a_batch_asks_again_for_only_the_keys_left_unprocessed() {
    let market = TestMarketplace::spawn().await;
    let cars = three_cars();
    market.list(&cars).await;
    let (app, sdk) = counted(market.app());
    let dynamodb = app.config.dynamodb_endpoint().unwrap().to_owned();
    let (endpoint, sent) = leaving_a_key_unprocessed(dynamodb).await;
    let db = app.database().with_direct_reads(direct_to(&endpoint, Duration::from_secs(3)));

    let ids: Vec<_> = cars.iter().map(|c| c.id).collect();
    let read = ProductRepo::new(&db).unwrap().get_many(&ids).await.unwrap();
    assert_eq!(read, cars, "every product, in the order asked");
    assert_eq!(sdk.made(), 0, "both calls went directly");
    let sent = sent.lock().unwrap();
    let asked = |call: &Value| -> Vec<String> {
        let keys = call["RequestItems"].as_object().unwrap().values().next().unwrap()["Keys"].as_array().unwrap();
        keys.iter().map(|key| key["id"]["S"].as_str().unwrap().to_owned()).collect()
    };
    assert_eq!(sent.len(), 2);
    assert_eq!(asked(&sent[0]).len(), 3);
    let left = asked(&sent[0]).pop().unwrap();
    assert_eq!(asked(&sent[1]), [left], "the second call asks for the key left, and only that one");
}
