//! Creates the tables of template.yaml in DynamoDB Local, exactly as declared there (keys, indexes,
//! streams), under a name prefix so several marketplaces (one per test) can share one database. A
//! table kept from an earlier run gets the indexes the template has gained since.

use std::time::Duration;

use aws_sdk_dynamodb::config::timeout::TimeoutConfig;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, CreateGlobalSecondaryIndexAction, GlobalSecondaryIndex,
    GlobalSecondaryIndexUpdate, IndexStatus, KeySchemaElement, KeyType, Projection, ProjectionType,
    ScalarAttributeType, StreamSpecification, StreamViewType,
};
use serde_yaml::Value;

use crate::template::{TableDef, Template};

#[derive(Debug, thiserror::Error)]
pub enum TableError {
    #[error("table {table}: {message}")]
    Definition { table: String, message: String },
    #[error("creating table {table} failed: {message}")]
    Create { table: String, message: String },
}

/// Creates every table of `template` named `<prefix><LogicalId>`; tables that exist are kept, and
/// get the indexes they lack.
pub async fn create_all(
    client: &aws_sdk_dynamodb::Client,
    template: &Template,
    prefix: &str,
) -> Result<(), TableError> {
    create_all_with(client, template, prefix, Streams::AsDeclared).await
}

/// Whether tables get the streams the template declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Streams {
    AsDeclared,
    /// For bulk loads with no trigger listening: DynamoDB Local slows down keeping stream records.
    Off,
}

pub async fn create_all_with(
    client: &aws_sdk_dynamodb::Client,
    template: &Template,
    prefix: &str,
    streams: Streams,
) -> Result<(), TableError> {
    // Creating tables is set-up, not a request: a loaded DynamoDB Local may take far longer than the
    // few seconds a function waits for a read or write.
    let timeouts = TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(5))
        .operation_attempt_timeout(Duration::from_secs(60))
        .operation_timeout(Duration::from_secs(120))
        .build();
    let client = &aws_sdk_dynamodb::Client::from_conf(client.config().to_builder().timeout_config(timeouts).build());
    let creations = template.tables.iter().map(|table| create(client, table, prefix, streams));
    for result in futures::future::join_all(creations).await {
        result?;
    }
    Ok(())
}

async fn create(
    client: &aws_sdk_dynamodb::Client,
    table: &TableDef,
    prefix: &str,
    streams: Streams,
) -> Result<(), TableError> {
    let name = format!("{prefix}{}", table.logical_id);
    let bad = |message: &str| TableError::Definition { table: table.logical_id.clone(), message: message.to_owned() };
    let p = &table.properties;
    let mut request = client
        .create_table()
        .table_name(&name)
        .billing_mode(BillingMode::PayPerRequest)
        .set_attribute_definitions(Some(attribute_definitions(p).ok_or_else(|| bad("bad AttributeDefinitions"))?))
        .set_key_schema(Some(key_schema(p.get("KeySchema")).ok_or_else(|| bad("bad KeySchema"))?));
    for index in p.get("GlobalSecondaryIndexes").and_then(Value::as_sequence).into_iter().flatten() {
        request =
            request.global_secondary_indexes(global_index(index).ok_or_else(|| bad("bad GlobalSecondaryIndexes"))?);
    }
    let view = p.get("StreamSpecification").and_then(|s| s.get("StreamViewType")).and_then(Value::as_str);
    if let Some(view) = view.filter(|_| streams == Streams::AsDeclared) {
        let stream = StreamSpecification::builder()
            .stream_enabled(true)
            .stream_view_type(StreamViewType::from(view))
            .build()
            .map_err(|_| bad("bad StreamSpecification"))?;
        request = request.stream_specification(stream);
    }
    match request.send().await {
        Ok(_) => Ok(()),
        Err(e) if e.as_service_error().is_some_and(|e| e.is_resource_in_use_exception()) => {
            add_missing_indexes(client, table, &name).await
        }
        Err(e) => Err(create_failed(&name, e)),
    }
}

/// Adds to the existing table `name` the indexes of `table` it lacks: a local data directory
/// outlives changes to the template. Items written before have none of a new index's attributes,
/// so they stay out of it, as they would in AWS.
async fn add_missing_indexes(
    client: &aws_sdk_dynamodb::Client,
    table: &TableDef,
    name: &str,
) -> Result<(), TableError> {
    let bad = |message: &str| TableError::Definition { table: table.logical_id.clone(), message: message.to_owned() };
    let described = client.describe_table().table_name(name).send().await.map_err(|e| create_failed(name, e))?;
    let existing: Vec<String> = described
        .table()
        .map(|t| t.global_secondary_indexes().iter().filter_map(|i| i.index_name().map(str::to_owned)).collect())
        .unwrap_or_default();
    let p = &table.properties;
    for index in p.get("GlobalSecondaryIndexes").and_then(Value::as_sequence).into_iter().flatten() {
        let index = global_index(index).ok_or_else(|| bad("bad GlobalSecondaryIndexes"))?;
        if existing.iter().any(|e| e == index.index_name()) {
            continue;
        }
        let create = CreateGlobalSecondaryIndexAction::builder()
            .index_name(index.index_name())
            .set_key_schema(Some(index.key_schema().to_vec()))
            .set_projection(index.projection().cloned())
            .build()
            .map_err(|_| bad("bad GlobalSecondaryIndexes"))?;
        tracing::info!(table = name, index = index.index_name(), "adding an index the template has gained");
        client
            .update_table()
            .table_name(name)
            .set_attribute_definitions(Some(attribute_definitions(p).ok_or_else(|| bad("bad AttributeDefinitions"))?))
            .global_secondary_index_updates(GlobalSecondaryIndexUpdate::builder().create(create).build())
            .send()
            .await
            .map_err(|e| create_failed(name, e))?;
        active(client, name, index.index_name()).await?;
    }
    Ok(())
}

/// Waits until index `index` of table `name` is built: until then it fails the queries of the
/// functions that read it.
async fn active(client: &aws_sdk_dynamodb::Client, name: &str, index: &str) -> Result<(), TableError> {
    for _ in 0..600 {
        let described = client.describe_table().table_name(name).send().await.map_err(|e| create_failed(name, e))?;
        let status = described
            .table()
            .and_then(|t| t.global_secondary_indexes().iter().find(|i| i.index_name() == Some(index)))
            .and_then(|i| i.index_status().cloned());
        if status == Some(IndexStatus::Active) {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err(TableError::Create { table: name.to_owned(), message: format!("index {index} was not built within a minute") })
}

fn create_failed<E>(name: &str, error: aws_sdk_dynamodb::error::SdkError<E>) -> TableError
where
    E: std::error::Error + Send + Sync + 'static,
{
    TableError::Create {
        table: name.to_owned(),
        message: aws_sdk_dynamodb::error::DisplayErrorContext(error).to_string(),
    }
}

fn str_of<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

fn attribute_definitions(p: &Value) -> Option<Vec<AttributeDefinition>> {
    p.get("AttributeDefinitions")?
        .as_sequence()?
        .iter()
        .map(|d| {
            AttributeDefinition::builder()
                .attribute_name(str_of(d, "AttributeName")?)
                .attribute_type(ScalarAttributeType::from(str_of(d, "AttributeType")?))
                .build()
                .ok()
        })
        .collect()
}

fn key_schema(schema: Option<&Value>) -> Option<Vec<KeySchemaElement>> {
    schema?
        .as_sequence()?
        .iter()
        .map(|k| {
            KeySchemaElement::builder()
                .attribute_name(str_of(k, "AttributeName")?)
                .key_type(KeyType::from(str_of(k, "KeyType")?))
                .build()
                .ok()
        })
        .collect()
}

fn global_index(index: &Value) -> Option<GlobalSecondaryIndex> {
    let projection = index.get("Projection")?;
    let non_key: Option<Vec<String>> = projection
        .get("NonKeyAttributes")
        .and_then(Value::as_sequence)
        .map(|attrs| attrs.iter().filter_map(|a| a.as_str().map(str::to_owned)).collect());
    GlobalSecondaryIndex::builder()
        .index_name(str_of(index, "IndexName")?)
        .set_key_schema(Some(key_schema(index.get("KeySchema"))?))
        .projection(
            Projection::builder()
                .projection_type(ProjectionType::from(str_of(projection, "ProjectionType")?))
                .set_non_key_attributes(non_key)
                .build(),
        )
        .build()
        .ok()
}

/// The key attributes of `table`, the partition key first.
pub fn key_attributes(table: &TableDef) -> Vec<String> {
    let mut keys = key_schema(table.properties.get("KeySchema")).unwrap_or_default();
    keys.sort_by_key(|k| k.key_type != KeyType::Hash);
    keys.into_iter().map(|k| k.attribute_name).collect()
}

/// The partition key attribute of every table, by logical id.
pub fn hash_keys(template: &Template) -> std::collections::BTreeMap<String, String> {
    template
        .tables
        .iter()
        .filter_map(|t| {
            let hash = key_schema(t.properties.get("KeySchema"))?.into_iter().find(|k| k.key_type == KeyType::Hash)?;
            Some((t.logical_id.clone(), hash.attribute_name))
        })
        .collect()
}
