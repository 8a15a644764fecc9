//! `lambda-hello` on the runtime the functions use (`shared::lambda::on_one_thread`): tokio on the
//! main thread alone. The cold-start bench shows it beside `lambda-hello`, the budgets' baseline.

use lambda_runtime::{Error, LambdaEvent, service_fn};
use serde_json::{Value, json};

fn main() -> Result<(), Error> {
    tokio::runtime::Builder::new_current_thread().enable_all().build()?.block_on(lambda_runtime::run(service_fn(
        |_: LambdaEvent<Value>| async { Ok::<_, Error>(json!({ "statusCode": 200, "body": "hello" })) },
    )))
}
