//! Secrets read at cold start from SSM Parameter Store, for the functions whose configuration
//! names them by parameter (`*_PARAMETER`). Only functions built with the `stored-secrets`
//! feature carry the SSM client.

use aws_config::SdkConfig;

use crate::config::{Config, vars};

/// The secrets a function's configuration may name by SSM parameter: (parameter variable, value
/// variable).
const STORED_SECRETS: &[(&str, &str)] = &[
    (vars::CURSOR_SECRET_PARAMETER, vars::CURSOR_SECRET),
    (vars::JWT_PRIVATE_KEY_PARAMETER, vars::JWT_PRIVATE_KEY),
    (vars::PAYMOB_SECRET_KEY_PARAMETER, vars::PAYMOB_SECRET_KEY),
    (vars::PAYMOB_HMAC_SECRET_PARAMETER, vars::PAYMOB_HMAC_SECRET),
];

/// `config` with each secret read from the SSM parameter it names, unless it holds the secret
/// inline (local development). A parameter that cannot be read leaves its secret missing, so the
/// functions that need it fail their cold start; the log says which parameter it was.
pub(super) async fn read(mut config: Config, aws: &SdkConfig) -> Config {
    for &(parameter, secret) in STORED_SECRETS {
        let Some(name) = config.get(parameter).filter(|_| config.get(secret).is_none()).map(str::to_owned) else {
            continue;
        };
        match stored_parameter(&name, &config, aws).await {
            Ok(value) => config = config.with(secret, value),
            Err(reason) => tracing::error!(parameter = name, %reason, "cannot read a secret"),
        }
    }
    config
}

/// A SecureString of SSM Parameter Store, or why it could not be read.
#[cfg(feature = "stored-secrets")]
async fn stored_parameter(name: &str, config: &Config, aws: &SdkConfig) -> Result<String, String> {
    let mut ssm = aws_sdk_ssm::config::Builder::from(aws);
    ssm.set_endpoint_url(config.get(vars::SSM_ENDPOINT).map(str::to_owned));
    let client = aws_sdk_ssm::Client::from_conf(ssm.build());
    let output = client
        .get_parameter()
        .name(name)
        .with_decryption(true)
        .send()
        .await
        .map_err(|e| aws_sdk_ssm::error::DisplayErrorContext(e).to_string())?;
    output.parameter.and_then(|p| p.value).ok_or_else(|| "parameter has no value".to_owned())
}

#[cfg(not(feature = "stored-secrets"))]
async fn stored_parameter(_name: &str, _config: &Config, _aws: &SdkConfig) -> Result<String, String> {
    Err("the function is built without the `stored-secrets` feature".to_owned())
}
