//! Lambda entry point of the `Custom::StandardCategories` resource.

use aws_lambda_events::event::cloudformation::CloudFormationCustomResourceRequest;
use lambda_runtime::{LambdaEvent, service_fn};

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    shared::telemetry::init();
    let app = shared::App::from_env().await;
    let seed = seed_catalog::SeedCatalog::new(&app)?;
    lambda_runtime::run(service_fn(|event: LambdaEvent<CloudFormationCustomResourceRequest>| {
        let seed = &seed;
        async move {
            let response = seed.handle(&event.payload).await;
            // A failed reply leaves the stack waiting until the timeout; fail the invocation so
            // Lambda retries it.
            let url = seed_catalog::response_url(&event.payload).ok_or("request without a ResponseURL")?;
            seed_catalog::send_reply(url, &response).await
        }
    }))
    .await
}
