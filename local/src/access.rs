//! Which AWS operations each function makes, as IAM sees them: SDK interceptors on the DynamoDB,
//! S3 and `@connections` clients and a wrapper around the notifications publisher record the action, the resource (by
//! the logical id template.yaml gives it) and, for item operations and Queries of a table, the
//! partition key (what `dynamodb:LeadingKeys` conditions test). The runner shares one client across functions, so the
//! function making a call is told by a task-local the runner sets around each invocation. Calls
//! made outside any invocation (the runner's own set-up, tests arranging data) are not recorded.
//!
//! A transaction or batch is what IAM checks it as: TransactWriteItems is a PutItem, UpdateItem,
//! DeleteItem or ConditionCheckItem on each item's table, TransactGetItems a GetItem on each, and
//! BatchGetItem and BatchWriteItem count once per table they touch.

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::sync::{Arc, Mutex};

use aws_sdk_dynamodb::config::interceptors::BeforeSerializationInterceptorContextRef;
use aws_sdk_dynamodb::config::{ConfigBag, Intercept};
use aws_sdk_dynamodb::operation;
use aws_sdk_dynamodb::types::AttributeValue;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::Input;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use futures::future::BoxFuture;
use shared::ApiError;
use shared::notify::{Notification, Publisher};

use crate::functions::Role;

tokio::task_local! {
    static FUNCTION: Arc<str>;
}

/// The logical id of the function whose invocation this task runs, if any.
pub(crate) fn current_function() -> Option<String> {
    FUNCTION.try_with(|f| f.to_string()).ok()
}

/// Runs `invocation` as the function with logical id `function`: what it calls AWS for is theirs.
pub async fn as_function<F: Future>(function: Arc<str>, invocation: F) -> F::Output {
    FUNCTION.scope(function, invocation).await
}

/// `role` with each invocation of its handler run as `function`.
pub fn attributed(function: Arc<str>, role: Role) -> Role {
    match role {
        Role::Http(handler) => Role::Http(Arc::new(move |req| {
            Box::pin(as_function(Arc::clone(&function), handler(req))) as BoxFuture<'static, _>
        })),
        Role::Stream(handler) => Role::Stream(Arc::new(move |event| {
            Box::pin(as_function(Arc::clone(&function), handler(event))) as BoxFuture<'static, _>
        })),
        Role::Objects(handler) => Role::Objects(Arc::new(move |event| {
            Box::pin(as_function(Arc::clone(&function), handler(event))) as BoxFuture<'static, _>
        })),
        Role::Socket(handler) => Role::Socket(Arc::new(move |event| {
            Box::pin(as_function(Arc::clone(&function), handler(event))) as BoxFuture<'static, _>
        })),
        Role::DeploymentSeed => Role::DeploymentSeed,
    }
}

/// One kind of call a function made.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Operation {
    /// Logical id of the function.
    pub function: String,
    /// As IAM names it: `dynamodb:PutItem`, `sns:Publish`.
    pub action: String,
    /// Logical id of the resource, `<Table>/index/<Index>` for an index, `*` if unknown.
    pub resource: String,
    /// The partition key value of the item, when the operation names one item.
    pub leading_key: Option<String>,
}

/// Every operation recorded since the runner started.
#[derive(Debug, Default)]
pub struct OperationLog {
    operations: Mutex<BTreeSet<Operation>>,
    table_prefix: String,
    /// Partition key attribute of each table, by logical id.
    hash_keys: BTreeMap<String, String>,
}

impl OperationLog {
    pub fn new(table_prefix: &str, hash_keys: BTreeMap<String, String>) -> Self {
        Self { operations: Mutex::default(), table_prefix: table_prefix.to_owned(), hash_keys }
    }

    /// What was recorded, sorted.
    pub fn operations(&self) -> Vec<Operation> {
        self.operations.lock().expect("operation log lock").iter().cloned().collect()
    }

    fn record(&self, action: &str, resource: String, leading_key: Option<String>) {
        let Some(function) = current_function() else { return };
        let operation = Operation { function, action: action.to_owned(), resource, leading_key };
        self.operations.lock().expect("operation log lock").insert(operation);
    }

    /// The logical id of the table named `name`.
    fn table(&self, name: Option<&str>) -> String {
        let name = name.unwrap_or("*");
        name.strip_prefix(&self.table_prefix).unwrap_or(name).to_owned()
    }

    /// Records `action` on the table named `table` for each item (its key or whole item).
    fn items<'a>(
        &self,
        action: &str,
        table: Option<&str>,
        items: impl IntoIterator<Item = Option<&'a std::collections::HashMap<String, AttributeValue>>>,
    ) {
        let table = self.table(table);
        let hash_key = self.hash_keys.get(&table);
        for item in items {
            let key = hash_key.and_then(|k| item?.get(k)).and_then(|v| v.as_s().ok()).cloned();
            self.record(action, table.clone(), key);
        }
    }

    fn dynamodb(&self, input: &Input, cfg: &ConfigBag) {
        use operation::*;
        if let Some(i) = input.downcast_ref::<get_item::GetItemInput>() {
            self.items("dynamodb:GetItem", i.table_name(), [i.key.as_ref()]);
        } else if let Some(i) = input.downcast_ref::<put_item::PutItemInput>() {
            self.items("dynamodb:PutItem", i.table_name(), [i.item.as_ref()]);
        } else if let Some(i) = input.downcast_ref::<update_item::UpdateItemInput>() {
            self.items("dynamodb:UpdateItem", i.table_name(), [i.key.as_ref()]);
        } else if let Some(i) = input.downcast_ref::<delete_item::DeleteItemInput>() {
            self.items("dynamodb:DeleteItem", i.table_name(), [i.key.as_ref()]);
        } else if let Some(i) = input.downcast_ref::<query::QueryInput>() {
            let key = if i.index_name().is_none() { self.queried_partition(i) } else { None };
            self.record("dynamodb:Query", self.indexed(i.table_name(), i.index_name()), key);
        } else if let Some(i) = input.downcast_ref::<scan::ScanInput>() {
            self.record("dynamodb:Scan", self.indexed(i.table_name(), i.index_name()), None);
        } else if let Some(i) = input.downcast_ref::<batch_get_item::BatchGetItemInput>() {
            for (table, keys) in i.request_items.iter().flatten() {
                self.items("dynamodb:BatchGetItem", Some(table), keys.keys().iter().map(Some));
            }
        } else if let Some(i) = input.downcast_ref::<batch_write_item::BatchWriteItemInput>() {
            for (table, writes) in i.request_items.iter().flatten() {
                let items = writes
                    .iter()
                    .map(|w| w.put_request().map(|p| p.item()).or_else(|| w.delete_request().map(|d| d.key())));
                self.items("dynamodb:BatchWriteItem", Some(table), items);
            }
        } else if let Some(i) = input.downcast_ref::<transact_write_items::TransactWriteItemsInput>() {
            for item in i.transact_items() {
                if let Some(put) = item.put() {
                    self.items("dynamodb:PutItem", Some(put.table_name()), [Some(put.item())]);
                } else if let Some(update) = item.update() {
                    self.items("dynamodb:UpdateItem", Some(update.table_name()), [Some(update.key())]);
                } else if let Some(delete) = item.delete() {
                    self.items("dynamodb:DeleteItem", Some(delete.table_name()), [Some(delete.key())]);
                } else if let Some(check) = item.condition_check() {
                    self.items("dynamodb:ConditionCheckItem", Some(check.table_name()), [Some(check.key())]);
                }
            }
        } else if let Some(i) = input.downcast_ref::<transact_get_items::TransactGetItemsInput>() {
            for get in i.transact_items().iter().filter_map(|g| g.get()) {
                self.items("dynamodb:GetItem", Some(get.table_name()), [Some(get.key())]);
            }
        } else {
            // Anything else is recorded on no particular resource, so no narrow grant covers it.
            let name = cfg.load::<Metadata>().map_or("Unknown", Metadata::name);
            self.record(&format!("dynamodb:{name}"), "*".into(), None);
        }
    }

    /// The partition key value a Query of a table names in its key condition (`pk = :pk`, or
    /// `#pk = :pk` with names), which is what `dynamodb:LeadingKeys` tests for a Query.
    fn queried_partition(&self, input: &operation::query::QueryInput) -> Option<String> {
        let hash_key = self.hash_keys.get(&self.table(input.table_name()))?;
        let condition = input.key_condition_expression()?.replace('=', " = ").replace(['(', ')', ','], " ");
        let tokens: Vec<&str> = condition.split_whitespace().collect();
        tokens.windows(3).find_map(|clause| {
            let [name, "=", value] = clause else { return None };
            let name = match name.starts_with('#') {
                true => input.expression_attribute_names()?.get(*name)?.as_str(),
                false => name,
            };
            let value = input.expression_attribute_values()?.get(*value)?;
            (name == hash_key).then(|| value.as_s().ok().cloned()).flatten()
        })
    }

    fn indexed(&self, table: Option<&str>, index: Option<&str>) -> String {
        let table = self.table(table);
        match index {
            Some(index) => format!("{table}/index/{index}"),
            None => table,
        }
    }
}

/// The interceptor that feeds an [`OperationLog`] from a DynamoDB client.
#[derive(Debug, Clone)]
pub struct DynamoDbRecorder(pub Arc<OperationLog>);

impl Intercept for DynamoDbRecorder {
    fn name(&self) -> &'static str {
        "souk-local operation recorder"
    }

    fn read_before_execution(
        &self,
        context: &BeforeSerializationInterceptorContextRef<'_>,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        self.0.dynamodb(context.input(), cfg);
        Ok(())
    }
}

/// The same, for the reads sent without the SDK.
impl shared::db::direct::reads::Watch for DynamoDbRecorder {
    fn sending(&self, input: &Input) {
        self.0.dynamodb(input, &ConfigBag::base());
    }
}

/// `client` with the recorder attached; it shares the client's connection pool.
pub fn recorded(client: &aws_sdk_dynamodb::Client, log: &Arc<OperationLog>) -> aws_sdk_dynamodb::Client {
    let config = client.config().to_builder().interceptor(DynamoDbRecorder(Arc::clone(log))).build();
    aws_sdk_dynamodb::Client::from_conf(config)
}

/// The interceptor that feeds an [`OperationLog`] from an S3 client: object operations on
/// `<Bucket>/<key>`, the bucket by logical id. A presigned request is recorded too, since S3 checks
/// it against the signer's grants.
#[derive(Debug, Clone)]
pub struct S3Recorder {
    pub log: Arc<OperationLog>,
    /// Logical id of each bucket, by its local name.
    pub buckets: BTreeMap<String, String>,
}

impl S3Recorder {
    fn object(&self, action: &str, bucket: Option<&str>, key: Option<&str>) {
        let bucket = bucket.map(|b| self.buckets.get(b).map_or(b, String::as_str)).unwrap_or("*");
        self.log.record(action, format!("{bucket}/{}", key.unwrap_or_default()), None);
    }
}

impl Intercept for S3Recorder {
    fn name(&self) -> &'static str {
        "souk-local S3 operation recorder"
    }

    fn read_before_execution(
        &self,
        context: &BeforeSerializationInterceptorContextRef<'_>,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        use aws_sdk_s3::operation::{delete_object, get_object, put_object};
        let input = context.input();
        if let Some(i) = input.downcast_ref::<get_object::GetObjectInput>() {
            self.object("s3:GetObject", i.bucket(), i.key());
        } else if let Some(i) = input.downcast_ref::<put_object::PutObjectInput>() {
            self.object("s3:PutObject", i.bucket(), i.key());
        } else if let Some(i) = input.downcast_ref::<delete_object::DeleteObjectInput>() {
            self.object("s3:DeleteObject", i.bucket(), i.key());
        } else {
            let name = cfg.load::<Metadata>().map_or("Unknown", Metadata::name);
            self.log.record(&format!("s3:{name}"), "*".into(), None);
        }
        Ok(())
    }
}

/// The interceptor that feeds an [`OperationLog`] from an `@connections` client:
/// `execute-api:ManageConnections` on `<Api>/<stage>/<METHOD>/@connections/*`, the API by logical
/// id, as IAM checks it. The connection is always `*`: ids are random, so a grant can only name
/// them all, and an entry per connection would grow the log with every client.
#[derive(Debug, Clone)]
pub struct ConnectionsRecorder {
    pub log: Arc<OperationLog>,
    /// Logical id of the WebSocket API.
    pub api: String,
    pub stage: String,
}

impl Intercept for ConnectionsRecorder {
    fn name(&self) -> &'static str {
        "souk-local @connections operation recorder"
    }

    fn read_before_execution(
        &self,
        context: &BeforeSerializationInterceptorContextRef<'_>,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        use aws_sdk_apigatewaymanagement::operation::{delete_connection, get_connection, post_to_connection};
        let input = context.input();
        let method = if input.downcast_ref::<post_to_connection::PostToConnectionInput>().is_some() {
            "POST"
        } else if input.downcast_ref::<get_connection::GetConnectionInput>().is_some() {
            "GET"
        } else if input.downcast_ref::<delete_connection::DeleteConnectionInput>().is_some() {
            "DELETE"
        } else {
            "*"
        };
        let resource = format!("{}/{}/{method}/@connections/*", self.api, self.stage);
        self.log.record("execute-api:ManageConnections", resource, None);
        Ok(())
    }
}

/// A publisher that records `sns:Publish` on `topic` (a logical id) before handing on.
pub struct RecordedPublisher {
    pub inner: Arc<dyn Publisher>,
    pub log: Arc<OperationLog>,
    pub topic: String,
}

impl Publisher for RecordedPublisher {
    fn publish<'a>(&'a self, notification: &'a Notification) -> BoxFuture<'a, Result<(), ApiError>> {
        self.log.record("sns:Publish", self.topic.clone(), None);
        self.inner.publish(notification)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_dynamodb::operation::query::QueryInput;

    #[test]
    fn a_query_of_a_table_leads_with_the_partition_its_key_condition_names() {
        let log = OperationLog::new("p_", BTreeMap::from([("T".to_owned(), "pk".to_owned())]));
        let query = |condition: &str| {
            QueryInput::builder()
                .table_name("p_T")
                .key_condition_expression(condition)
                .expression_attribute_names("#pk", "pk")
                .expression_attribute_names("#sk", "sk")
                .expression_attribute_values(":pk", AttributeValue::S("days#all".into()))
                .expression_attribute_values(":from", AttributeValue::S("2026-04-01".into()))
                .expression_attribute_values(":to", AttributeValue::S("2026-04-30".into()))
                .build()
                .unwrap()
        };
        for condition in
            ["pk = :pk", "#pk=:pk AND #sk BETWEEN :from AND :to", "#sk >= :from AND pk = :pk", "(pk = :pk)"]
        {
            assert_eq!(log.queried_partition(&query(condition)).as_deref(), Some("days#all"), "{condition}");
        }
        assert_eq!(log.queried_partition(&query("sk = :from")), None);
    }
}
