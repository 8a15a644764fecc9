//! What the runner reads from template.yaml: functions (binary, routes, environment), tables,
//! buckets, schedules and the WebSocket API.
//! The file is the single source of truth for wiring; nothing here restates it.

use std::collections::BTreeMap;

use serde_yaml::Value;

use crate::policies::{self, Permissions};

mod socket_api;

pub use socket_api::SocketApi;

/// The project's template, compiled in so the runner works from any directory.
pub const TEMPLATE_YAML: &str = include_str!("../../template.yaml");

#[derive(Debug, Clone)]
pub struct Template {
    pub functions: Vec<Function>,
    pub tables: Vec<TableDef>,
    pub schedules: Vec<ScheduleDef>,
    /// The WebSocket API, if the template has one.
    pub socket_api: Option<SocketApi>,
    /// Every resource's type, by logical id.
    pub resource_types: BTreeMap<String, String>,
}

#[derive(Debug, Clone)]
pub struct Function {
    pub logical_id: String,
    /// Binary and crate name (`get-products`).
    pub binary: String,
    pub code_uri: String,
    pub routes: Vec<Route>,
    pub streams: Vec<StreamSubscription>,
    /// The buckets' object-created notifications it gets (`S3` events).
    pub objects: Vec<ObjectSubscription>,
    pub environment: BTreeMap<String, EnvValue>,
    /// What its policies or its explicit role allow.
    pub permissions: Permissions,
}

/// A `DynamoDB` event of a function: which table's stream, how many records at once, the
/// FilterCriteria patterns (a record reaches the function if any pattern matches), and how often a
/// failing record is retried before it goes to the dead-letter destination.
#[derive(Debug, Clone)]
pub struct StreamSubscription {
    pub table: String,
    pub batch_size: usize,
    pub patterns: Vec<serde_json::Value>,
    /// `MaximumRetryAttempts`; the template sets it on every trigger, 10 where it would not.
    pub max_retries: u32,
}

/// An `S3` event of a function: the bucket (by logical id) whose new objects under `prefix` it gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectSubscription {
    pub bucket: String,
    pub prefix: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub method: String,
    /// With `{name}` placeholders, as API Gateway writes them.
    pub path: String,
}

/// The path of the route API Gateway sends what no other route serves.
pub const DEFAULT_ROUTE: &str = "$default";

impl Route {
    /// API Gateway's route key, e.g. `GET /api/products/{id}`, or `$default`.
    pub fn key(&self) -> String {
        if self.is_default() { DEFAULT_ROUTE.to_owned() } else { format!("{} {}", self.method, self.path) }
    }

    /// The `$default` route: an `HttpApi` event with neither `Method` nor `Path`.
    pub fn is_default(&self) -> bool {
        self.path == DEFAULT_ROUTE
    }
}

/// An environment variable's value: a literal, `!Ref` to a resource or parameter, or a `!Sub`
/// (whose value only AWS knows; the runner gives its own).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnvValue {
    Literal(String),
    Ref(String),
    Sub(String),
}

#[derive(Debug, Clone)]
pub struct TableDef {
    pub logical_id: String,
    /// The `Properties` of the `AWS::DynamoDB::Table` resource.
    pub properties: Value,
}

#[derive(Debug, Clone)]
pub struct ScheduleDef {
    pub logical_id: String,
    /// The `Properties` of the `AWS::Scheduler::Schedule` resource.
    pub properties: Value,
}

#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("template.yaml is not valid YAML: {0}")]
    Yaml(#[from] serde_yaml::Error),
    #[error("template.yaml: {0}")]
    Shape(String),
}

fn shape(message: impl Into<String>) -> TemplateError {
    TemplateError::Shape(message.into())
}

impl Template {
    pub fn project() -> Result<Self, TemplateError> {
        Self::parse(TEMPLATE_YAML)
    }

    pub fn parse(yaml: &str) -> Result<Self, TemplateError> {
        let root: Value = serde_yaml::from_str(yaml)?;
        let resources = root.get("Resources").and_then(Value::as_mapping).ok_or_else(|| shape("no Resources"))?;
        let mut functions = Vec::new();
        let mut tables = Vec::new();
        let mut schedules = Vec::new();
        let mut resource_types = BTreeMap::new();
        for (id, resource) in resources {
            let id = id.as_str().ok_or_else(|| shape("a resource id is not a string"))?.to_owned();
            let kind = resource.get("Type").and_then(Value::as_str);
            resource_types.insert(id.clone(), kind.unwrap_or_default().to_owned());
            match kind {
                Some("AWS::Serverless::Function") => functions.push(parse_function(id, resource, resources)?),
                Some("AWS::DynamoDB::Table") => {
                    tables.push(TableDef { properties: properties_of(&id, resource)?, logical_id: id })
                }
                Some("AWS::Scheduler::Schedule") => {
                    schedules.push(ScheduleDef { properties: properties_of(&id, resource)?, logical_id: id })
                }
                _ => {}
            }
        }
        let function_ids: Vec<&str> = functions.iter().map(|f: &Function| f.logical_id.as_str()).collect();
        let socket_api = socket_api::parse(resources, &function_ids)?;
        Ok(Self { functions, tables, schedules, socket_api, resource_types })
    }

    pub fn function(&self, binary: &str) -> Option<&Function> {
        self.functions.iter().find(|f| f.binary == binary)
    }

    pub fn is_table(&self, logical_id: &str) -> bool {
        self.tables.iter().any(|t| t.logical_id == logical_id)
    }

    pub fn is_topic(&self, logical_id: &str) -> bool {
        self.resource_types.get(logical_id).is_some_and(|t| t == "AWS::SNS::Topic")
    }

    pub fn is_bucket(&self, logical_id: &str) -> bool {
        self.resource_types.get(logical_id).is_some_and(|t| t == "AWS::S3::Bucket")
    }

    /// The logical ids of the buckets.
    pub fn buckets(&self) -> impl Iterator<Item = &str> {
        self.resource_types.iter().filter(|(_, t)| *t == "AWS::S3::Bucket").map(|(id, _)| id.as_str())
    }
}

fn properties_of(id: &str, resource: &Value) -> Result<Value, TemplateError> {
    resource.get("Properties").cloned().ok_or_else(|| shape(format!("{id} has no Properties")))
}

fn parse_function(id: String, resource: &Value, resources: &serde_yaml::Mapping) -> Result<Function, TemplateError> {
    let binary = resource
        .get("Metadata")
        .and_then(|m| m.get("BuildProperties"))
        .and_then(|b| b.get("Binary"))
        .and_then(Value::as_str)
        .ok_or_else(|| shape(format!("{id} has no Metadata.BuildProperties.Binary")))?
        .to_owned();
    let properties = resource.get("Properties").ok_or_else(|| shape(format!("{id} has no Properties")))?;
    let code_uri = properties
        .get("CodeUri")
        .and_then(Value::as_str)
        .ok_or_else(|| shape(format!("{id} has no CodeUri")))?
        .to_owned();
    let mut routes = Vec::new();
    let mut streams = Vec::new();
    let mut objects = Vec::new();
    for (_, event) in properties.get("Events").and_then(Value::as_mapping).into_iter().flatten() {
        if event.get("Type").and_then(Value::as_str) == Some("DynamoDB") {
            streams.push(parse_stream(
                &id,
                event.get("Properties").ok_or_else(|| shape(format!("{id}: DynamoDB event without Properties")))?,
            )?);
        }
        if event.get("Type").and_then(Value::as_str) == Some("S3") {
            objects.push(parse_objects(
                &id,
                event.get("Properties").ok_or_else(|| shape(format!("{id}: S3 event without Properties")))?,
            )?);
        }
        if event.get("Type").and_then(Value::as_str) == Some("HttpApi") {
            let props =
                event.get("Properties").ok_or_else(|| shape(format!("{id}: HttpApi event without Properties")))?;
            let field = |name: &str| {
                props
                    .get(name)
                    .and_then(Value::as_str)
                    .map(str::to_owned)
                    .ok_or_else(|| shape(format!("{id}: HttpApi event without {name}")))
            };
            let route = match (props.get("Method"), props.get("Path")) {
                (None, None) => Route { method: "ANY".into(), path: DEFAULT_ROUTE.into() },
                _ => Route { method: field("Method")?.to_uppercase(), path: field("Path")? },
            };
            routes.push(route);
        }
    }
    let mut environment = BTreeMap::new();
    let variables = properties.get("Environment").and_then(|e| e.get("Variables")).and_then(Value::as_mapping);
    for (name, value) in variables.into_iter().flatten() {
        let name = name.as_str().ok_or_else(|| shape(format!("{id}: variable name is not a string")))?;
        environment.insert(
            name.to_owned(),
            env_value(value).ok_or_else(|| shape(format!("{id}: {name} is neither a literal nor a !Ref")))?,
        );
    }
    let permissions = policies::parse(&id, properties, resources).map_err(shape)?;
    Ok(Function { logical_id: id, binary, code_uri, routes, streams, objects, environment, permissions })
}

/// `Bucket: !Ref B` with one `prefix` rule of `Filter.S3Key` (none: every key).
fn parse_objects(id: &str, props: &Value) -> Result<ObjectSubscription, TemplateError> {
    let bucket = match env_value(props.get("Bucket").unwrap_or(&Value::Null)) {
        Some(EnvValue::Ref(bucket)) => bucket,
        _ => return Err(shape(format!("{id}: an S3 event's Bucket must be !Ref <Bucket>"))),
    };
    let rules =
        props.get("Filter").and_then(|f| f.get("S3Key")).and_then(|k| k.get("Rules")).and_then(Value::as_sequence);
    let prefix = rules
        .into_iter()
        .flatten()
        .find(|rule| rule.get("Name").and_then(Value::as_str).is_some_and(|n| n.eq_ignore_ascii_case("prefix")))
        .and_then(|rule| rule.get("Value").and_then(Value::as_str))
        .unwrap_or_default()
        .to_owned();
    Ok(ObjectSubscription { bucket, prefix })
}

fn parse_stream(id: &str, props: &Value) -> Result<StreamSubscription, TemplateError> {
    let table = match props.get("Stream") {
        Some(Value::Tagged(t)) if t.tag == "!GetAtt" => {
            t.value.as_str().and_then(|s| s.strip_suffix(".StreamArn")).map(str::to_owned)
        }
        _ => None,
    }
    .ok_or_else(|| shape(format!("{id}: Stream must be !GetAtt <Table>.StreamArn")))?;
    let batch_size = props.get("BatchSize").and_then(Value::as_u64).unwrap_or(100) as usize;
    let max_retries = props.get("MaximumRetryAttempts").and_then(Value::as_u64).unwrap_or(10) as u32;
    let filters = props.get("FilterCriteria").and_then(|f| f.get("Filters")).and_then(Value::as_sequence);
    let patterns = filters
        .into_iter()
        .flatten()
        .map(|f| {
            let text = f
                .get("Pattern")
                .and_then(Value::as_str)
                .ok_or_else(|| shape(format!("{id}: a filter without Pattern")))?;
            serde_json::from_str(text).map_err(|e| shape(format!("{id}: filter pattern is not JSON: {e}")))
        })
        .collect::<Result<_, _>>()?;
    Ok(StreamSubscription { table, batch_size, patterns, max_retries })
}

fn env_value(value: &Value) -> Option<EnvValue> {
    match value {
        Value::String(s) => Some(EnvValue::Literal(s.clone())),
        Value::Number(n) => Some(EnvValue::Literal(n.to_string())),
        Value::Bool(b) => Some(EnvValue::Literal(b.to_string())),
        Value::Tagged(tagged) if tagged.tag == "!Ref" => tagged.value.as_str().map(|s| EnvValue::Ref(s.to_owned())),
        Value::Tagged(tagged) if tagged.tag == "!Sub" => tagged.value.as_str().map(|s| EnvValue::Sub(s.to_owned())),
        Value::Mapping(m) => m.get("Ref").and_then(Value::as_str).map(|s| EnvValue::Ref(s.to_owned())),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOCKETS: &str = r#"
Resources:
  Sockets:
    Type: AWS::ApiGatewayV2::Api
    Properties:
      ProtocolType: WEBSOCKET
      RouteSelectionExpression: $request.body.action
  Http:
    Type: AWS::ApiGatewayV2::Api
    Properties:
      ProtocolType: HTTP
  SocketsStage:
    Type: AWS::ApiGatewayV2::Stage
    Properties:
      ApiId: !Ref Sockets
      StageName: v1
  ConnectRoute:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref Sockets
      RouteKey: $connect
      Target: !Sub integrations/${ConnectIntegration}
  ConnectIntegration:
    Type: AWS::ApiGatewayV2::Integration
    Properties:
      ApiId: !Ref Sockets
      IntegrationType: AWS_PROXY
      IntegrationUri: !Sub arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${ConnectFunctionAliaslive}/invocations
  TypingRoute:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref Sockets
      RouteKey: typing
      Target: !Sub integrations/${TypingIntegration}
  TypingIntegration:
    Type: AWS::ApiGatewayV2::Integration
    Properties:
      ApiId: !Ref Sockets
      IntegrationType: AWS_PROXY
      IntegrationUri: !Sub arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${MessagesFunction.Arn}/invocations
  DefaultRoute:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref Sockets
      RouteKey: $default
      Target: !Sub integrations/${DefaultIntegration}
  DefaultIntegration:
    Type: AWS::ApiGatewayV2::Integration
    Properties:
      ApiId: !Ref Sockets
      IntegrationType: AWS_PROXY
      IntegrationUri: !Sub arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${MessagesFunctionAliaslive}/invocations
  ConnectFunction:
    Type: AWS::Serverless::Function
    Metadata: {BuildProperties: {Binary: ws-connect}}
    Properties:
      CodeUri: functions/ws-connect
      Environment:
        Variables:
          CONNECTIONS_ENDPOINT: !Sub https://${Sockets}.execute-api.${AWS::Region}.${AWS::URLSuffix}/v1
  MessagesFunction:
    Type: AWS::Serverless::Function
    Metadata: {BuildProperties: {Binary: ws-messages}}
    Properties:
      CodeUri: functions/ws-messages
"#;

    #[test]
    fn follows_each_websocket_route_through_its_integration_to_its_function() {
        let template = Template::parse(SOCKETS).unwrap();
        let api = template.socket_api.clone().expect("the WEBSOCKET API is read");
        assert_eq!(api.logical_id, "Sockets");
        assert_eq!(api.stage, "v1");
        let routes: Vec<(&str, &str)> = api.routes.iter().map(|(k, f)| (k.as_str(), f.as_str())).collect();
        assert_eq!(
            routes,
            [("$connect", "ConnectFunction"), ("$default", "MessagesFunction"), ("typing", "MessagesFunction")]
        );
        assert_eq!(api.routes_of("MessagesFunction").collect::<Vec<_>>(), ["$default", "typing"]);
        let connect = template.function("ws-connect").unwrap();
        assert!(matches!(connect.environment.get("CONNECTIONS_ENDPOINT"), Some(EnvValue::Sub(_))));
    }

    #[test]
    fn a_template_without_a_websocket_api_has_none() {
        let http_only = SOCKETS.replace("ProtocolType: WEBSOCKET", "ProtocolType: HTTP");
        assert!(Template::parse(&http_only).unwrap().socket_api.is_none());
    }

    #[test]
    fn a_route_whose_integration_names_no_function_is_refused() {
        let dangling = SOCKETS.replace("${ConnectFunctionAliaslive}", "${SomeQueue.Arn}");
        let error = Template::parse(&dangling).unwrap_err().to_string();
        assert!(error.contains("ConnectIntegration"), "{error}");
    }

    #[test]
    fn the_project_template_routes_every_socket_route_to_its_function() {
        let template = Template::project().unwrap();
        let api = template.socket_api.expect("template.yaml has a WebSocket API");
        assert_eq!((api.logical_id.as_str(), api.stage.as_str()), ("SocketApi", "v1"));
        assert_eq!(api.routes.get("$connect").map(String::as_str), Some("WsConnectFunction"));
        assert_eq!(api.routes.get("$disconnect").map(String::as_str), Some("WsDisconnectFunction"));
        assert_eq!(api.routes.get("$default").map(String::as_str), Some("WsDefaultFunction"));
        assert_eq!(api.routes.get("sendMessage").map(String::as_str), Some("WsSendMessageFunction"));
        assert_eq!(api.routes.get("typing").map(String::as_str), Some("WsTypingFunction"));
    }
}
