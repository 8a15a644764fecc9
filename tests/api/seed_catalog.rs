//! The `StandardCategories` custom resource, driven by its real CloudFormation events, answering
//! to a stand-in for CloudFormation's pre-signed response URL.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use aws_lambda_events::event::cloudformation::CloudFormationCustomResourceRequest;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use seed_catalog::SeedCatalog;
use shared::App;
use shared::config::Config;
use souk_local::template::Template;
use souk_tests::{TestMarketplace, database, unique_prefix};

/// Records what is PUT to it, as S3 would for CloudFormation.
async fn response_url_stand_in() -> (String, Arc<Mutex<Vec<(String, serde_json::Value)>>>) {
    let received = Arc::new(Mutex::new(Vec::new()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/cloudformation-response?X-Amz-Signature=abc", listener.local_addr().unwrap());
    let sink = Arc::clone(&received);
    tokio::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            let sink = Arc::clone(&sink);
            tokio::spawn(async move {
                let service = service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                    let sink = Arc::clone(&sink);
                    async move {
                        let method = req.method().to_string();
                        let body = req.into_body().collect().await.unwrap().to_bytes();
                        sink.lock().unwrap().push((method, serde_json::from_slice(&body).unwrap()));
                        Ok::<_, std::convert::Infallible>(hyper::Response::new(Full::new(Bytes::new())))
                    }
                });
                let _ =
                    hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
            });
        }
    });
    (url, received)
}

fn event(request_type: &str, response_url: &str) -> CloudFormationCustomResourceRequest {
    let mut event: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../events/seed-catalog.json")).unwrap(),
    )
    .unwrap();
    event["RequestType"] = request_type.into();
    event["ResponseURL"] = response_url.into();
    if request_type != "Create" {
        event["PhysicalResourceId"] = "standard-categories".into();
    }
    if request_type == "Update" {
        event["OldResourceProperties"] = serde_json::json!({ "Revision": "0" });
    }
    serde_json::from_value(event).unwrap()
}

#[tokio::test]
async fn a_deployment_seeds_the_categories_once_answers_cloudformation_and_a_delete_keeps_them() {
    // Fresh tables that nothing has seeded yet.
    let prefix = unique_prefix();
    let endpoint = database::endpoint().await;
    let runner = App::new(Config::local(&endpoint, &prefix, &[0; 32])).await;
    souk_local::tables::create_all(&runner.dynamodb, &Template::project().unwrap(), &prefix).await.unwrap();
    let vars = HashMap::from([
        ("DYNAMODB_ENDPOINT", endpoint.clone()),
        ("CATEGORIES_TABLE", format!("{prefix}CategoriesTable")),
    ]);
    let seed = SeedCatalog::new(&App::new(Config::from_vars(|n| vars.get(n).cloned())).await).unwrap();
    let (url, received) = response_url_stand_in().await;

    for (request_type, written) in [("Create", Some("10")), ("Update", Some("0")), ("Delete", None)] {
        let request = event(request_type, &url);
        let response = seed.handle(&request).await;
        seed_catalog::send_reply(seed_catalog::response_url(&request).unwrap(), &response).await.unwrap();

        let (method, answer) = received.lock().unwrap().pop().expect("CloudFormation got an answer");
        assert_eq!(method, "PUT");
        assert_eq!(answer["Status"], "SUCCESS", "{request_type}: {answer}");
        assert_eq!(answer["PhysicalResourceId"], "standard-categories");
        assert_eq!(answer["RequestId"], "b9a1e2c4-5d6f-4a8b-9c0d-1e2f3a4b5c6d");
        assert_eq!(answer["LogicalResourceId"], "StandardCategories");
        assert!(answer["StackId"].as_str().unwrap().starts_with("arn:aws:cloudformation:"));
        assert_eq!(answer["Data"]["Written"].as_str(), written, "{request_type}: seeding is idempotent");
    }

    let market = TestMarketplace::spawn_with_prefix(&prefix).await;
    let categories = market.get("/api/categories").await.json();
    assert_eq!(categories["items"].as_array().unwrap().len(), 10, "a delete leaves the data");
}

#[tokio::test]
async fn a_failed_seed_is_reported_to_cloudformation_as_failed() {
    let vars = HashMap::from([
        ("DYNAMODB_ENDPOINT", database::endpoint().await),
        ("CATEGORIES_TABLE", "no-such-table".to_owned()),
    ]);
    let seed = SeedCatalog::new(&App::new(Config::from_vars(|n| vars.get(n).cloned())).await).unwrap();
    let response = seed.handle(&event("Create", "http://127.0.0.1:9/unused")).await;
    let answer = serde_json::to_value(&response).unwrap();
    assert_eq!(answer["Status"], "FAILED");
    assert!(answer["Reason"].as_str().unwrap().contains("seeding failed"));
}
