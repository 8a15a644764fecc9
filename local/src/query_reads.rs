//! How much each function's Queries read: how many it made and how many items DynamoDB evaluated
//! for them (`ScannedCount`: what a Query reads and pays for, before its filter drops any), per
//! function, as an SDK interceptor beside the operation recorder of [`crate::access`] sees the
//! responses. Tests hold a request to its read budget with it, without timing anything.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use aws_sdk_dynamodb::config::interceptors::AfterDeserializationInterceptorContextRef;
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_dynamodb::operation::query::QueryOutput;
use aws_smithy_runtime_api::box_error::BoxError;

use crate::access;

/// What one function's Queries read, since the runner started.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Reads {
    pub queries: u64,
    /// Items evaluated, summed over the Queries.
    pub evaluated: u64,
}

/// The reads of every function, by logical id.
#[derive(Debug, Default)]
pub struct QueryReads {
    by_function: Mutex<BTreeMap<String, Reads>>,
}

impl QueryReads {
    /// What the Queries of the function with logical id `function` have read so far.
    pub fn of(&self, function: &str) -> Reads {
        self.by_function.lock().expect("query reads lock").get(function).copied().unwrap_or_default()
    }

    fn add(&self, function: String, evaluated: i32) {
        let mut by_function = self.by_function.lock().expect("query reads lock");
        let reads = by_function.entry(function).or_default();
        reads.queries += 1;
        reads.evaluated += u64::try_from(evaluated).unwrap_or_default();
    }
}

/// The interceptor that feeds a [`QueryReads`] from a DynamoDB client's Query responses.
#[derive(Debug, Clone)]
pub struct QueryReadMeter(pub Arc<QueryReads>);

impl Intercept for QueryReadMeter {
    fn name(&self) -> &'static str {
        "souk-local query read meter"
    }

    fn read_after_deserialization(
        &self,
        context: &AfterDeserializationInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let output = context.output_or_error().ok().and_then(|output| output.downcast_ref::<QueryOutput>());
        if let (Some(function), Some(output)) = (access::current_function(), output) {
            self.0.add(function, output.scanned_count);
        }
        Ok(())
    }
}

/// The same, for the Queries sent without the SDK.
impl shared::db::direct::reads::Watch for QueryReadMeter {
    fn queried(&self, scanned_count: i32) {
        if let Some(function) = access::current_function() {
            self.0.add(function, scanned_count);
        }
    }
}

/// `client` with the meter attached; it shares the client's connection pool.
pub fn metered(client: &aws_sdk_dynamodb::Client, reads: &Arc<QueryReads>) -> aws_sdk_dynamodb::Client {
    let config = client.config().to_builder().interceptor(QueryReadMeter(Arc::clone(reads))).build();
    aws_sdk_dynamodb::Client::from_conf(config)
}
