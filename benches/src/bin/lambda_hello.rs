//! The smallest `lambda_runtime` function: answers every event with a fixed API Gateway response.
//! The cold-start bench measures it next to the functions, as the floor of any Rust function.

use lambda_runtime::{Error, LambdaEvent, service_fn};
use serde_json::{Value, json};

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_runtime::run(service_fn(|_: LambdaEvent<Value>| async {
        Ok::<_, Error>(json!({ "statusCode": 200, "body": "hello" }))
    }))
    .await
}
