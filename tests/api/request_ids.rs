use souk_tests::TestMarketplace;

#[tokio::test]
async fn every_response_carries_a_request_id_and_a_valid_incoming_one_is_echoed() {
    let market = TestMarketplace::spawn().await;

    let generated = market.get("/api/categories").await;
    let id = generated.header("x-request-id").expect("a generated request id").to_owned();
    assert!(!id.is_empty());
    let another = market.get("/api/categories").await;
    assert_ne!(another.header("x-request-id"), Some(id.as_str()), "ids are unique per request");

    let echoed = market.get_with("/api/health", &[("x-request-id", "client-abc.123:7")]).await;
    assert_eq!(echoed.header("x-request-id"), Some("client-abc.123:7"));

    // An id a log line could be forged with is replaced, on errors too.
    let error = market.get_with("/api/products?sort=bogus", &[("x-request-id", "bad id\twith spaces")]).await;
    let problem = error.assert_problem(400, "validation_failed");
    assert_ne!(error.header("x-request-id"), Some("bad id\twith spaces"));
    assert_eq!(problem["requestId"].as_str(), error.header("x-request-id"));
    let too_long = "a".repeat(129);
    let replaced = market.get_with("/api/health", &[("x-request-id", &too_long)]).await;
    assert_ne!(replaced.header("x-request-id"), Some(too_long.as_str()));
}
