//! Secrets kept in SSM Parameter Store (SecureString), read once at cold start by the functions
//! whose environment names their parameter, against moto server.

use std::collections::HashMap;

use aws_sdk_ssm::types::ParameterType;
use shared::App;
use shared::config::{Config, vars};
use souk_tests::{moto, signing_keys};

const CURSOR_KEY: &str = "a-cursor-key-of-at-least-32-bytes-long";

async fn app(vars: &[(&'static str, String)]) -> App {
    let vars: HashMap<&str, String> = vars.iter().cloned().collect();
    App::new(Config::from_vars(|name| vars.get(name).cloned())).await
}

#[tokio::test]
async fn the_cursor_key_and_the_signing_key_come_from_their_ssm_parameters() {
    let endpoint = moto::endpoint().await;
    let ssm = aws_sdk_ssm::Client::from_conf(
        aws_sdk_ssm::Config::builder()
            .behavior_version(aws_sdk_ssm::config::BehaviorVersion::latest())
            .http_client(shared::app::https_client())
            .region(aws_sdk_ssm::config::Region::new("us-east-1"))
            .credentials_provider(aws_sdk_ssm::config::Credentials::new("test", "test", None, None, "test"))
            .endpoint_url(&endpoint)
            .build(),
    );
    let prefix = format!("/souk-test/{}", ulid::Ulid::new());
    let secure = |name: String, value: String| {
        let ssm = ssm.clone();
        async move { ssm.put_parameter().name(name).value(value).r#type(ParameterType::SecureString).send().await }
    };
    secure(format!("{prefix}/cursor-secret"), CURSOR_KEY.to_owned()).await.unwrap();
    secure(format!("{prefix}/jwt-private-key"), signing_keys().private_pkcs8_base64.clone()).await.unwrap();
    let local = [(vars::DYNAMODB_ENDPOINT, "http://127.0.0.1:9".to_owned()), (vars::SSM_ENDPOINT, endpoint)];

    let paging =
        app(&[local[0].clone(), local[1].clone(), (vars::CURSOR_SECRET_PARAMETER, format!("{prefix}/cursor-secret"))])
            .await;
    assert_eq!(paging.config.cursor_secret().unwrap(), CURSOR_KEY.as_bytes());
    assert!(!format!("{:?}", paging.config).contains(CURSOR_KEY), "the key is never printed");

    let signing = app(&[
        local[0].clone(),
        local[1].clone(),
        (vars::JWT_PRIVATE_KEY_PARAMETER, format!("{prefix}/jwt-private-key")),
    ])
    .await;
    assert!(signing.token_issuer().is_ok());

    // A parameter that cannot be read leaves the key missing: the function's cold start fails.
    let missing =
        app(&[local[0].clone(), local[1].clone(), (vars::CURSOR_SECRET_PARAMETER, format!("{prefix}/none"))]).await;
    assert!(missing.config.cursor_secret().is_err());
}
