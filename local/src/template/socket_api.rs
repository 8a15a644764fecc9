//! The WebSocket API of the template: which function serves each route key. SAM has no
//! WebSocket resource, so the template writes the chain out, and this follows it:
//! `AWS::ApiGatewayV2::Route` (`RouteKey`, `Target: !Sub integrations/${Integration}`) →
//! `AWS::ApiGatewayV2::Integration` (`IntegrationUri: !Sub ...${<Function>Alias<name>}...`) → the
//! function; the API's `AWS::ApiGatewayV2::Stage` names the stage the functions' events carry.

use std::collections::BTreeMap;

use serde_yaml::{Mapping, Value};

use super::{TemplateError, shape};

/// The template's `AWS::ApiGatewayV2::Api` of `ProtocolType: WEBSOCKET`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SocketApi {
    pub logical_id: String,
    /// The `StageName` of its stage (`v1`): the path the `@connections` grants name.
    pub stage: String,
    /// Logical id of the function serving each route, by route key (`$connect`, `sendMessage`).
    pub routes: BTreeMap<String, String>,
}

impl SocketApi {
    /// The route keys `function` (a logical id) serves.
    pub fn routes_of<'a>(&'a self, function: &'a str) -> impl Iterator<Item = &'a str> {
        self.routes.iter().filter(move |(_, f)| *f == function).map(|(key, _)| key.as_str())
    }
}

/// The WebSocket API of `resources`, if there is one; `functions` are the functions' logical ids.
pub(super) fn parse(resources: &Mapping, functions: &[&str]) -> Result<Option<SocketApi>, TemplateError> {
    let of_type = |kind: &'static str| {
        resources
            .iter()
            .filter(move |(_, resource)| resource.get("Type").and_then(Value::as_str) == Some(kind))
            .map(|(id, resource)| (id.as_str().unwrap_or_default(), resource))
    };
    let mut apis = of_type("AWS::ApiGatewayV2::Api")
        .filter(|(_, api)| property(api, "ProtocolType").and_then(Value::as_str) == Some("WEBSOCKET"));
    let Some((api, _)) = apis.next() else { return Ok(None) };
    if let Some((other, _)) = apis.next() {
        return Err(shape(format!("the runner serves one WebSocket API, and the template has {api} and {other}")));
    }
    let of_api = |resource: &Value| property(resource, "ApiId").and_then(reference) == Some(api);
    let stage = of_type("AWS::ApiGatewayV2::Stage")
        .find(|(_, stage)| of_api(stage))
        .and_then(|(_, stage)| property(stage, "StageName").and_then(Value::as_str))
        .ok_or_else(|| shape(format!("{api} has no AWS::ApiGatewayV2::Stage with a StageName")))?
        .to_owned();
    let mut routes = BTreeMap::new();
    for (id, route) in of_type("AWS::ApiGatewayV2::Route").filter(|(_, route)| of_api(route)) {
        let key = property(route, "RouteKey")
            .and_then(Value::as_str)
            .ok_or_else(|| shape(format!("{id} has no RouteKey")))?;
        let integration = property(route, "Target")
            .and_then(sub)
            .and_then(|target| target.strip_prefix("integrations/"))
            .and_then(|target| substitutions(target).next())
            .ok_or_else(|| shape(format!("{id}: Target must be !Sub integrations/${{<Integration>}}")))?;
        let uri = resources
            .get(integration)
            .and_then(|integration| property(integration, "IntegrationUri"))
            .and_then(sub)
            .ok_or_else(|| shape(format!("{id}: {integration} is not an integration with an IntegrationUri !Sub")))?;
        let function = substitutions(uri)
            .find_map(|name| invoked_function(name, functions))
            .ok_or_else(|| shape(format!("{integration}: its IntegrationUri names no function of the template")))?;
        routes.insert(key.to_owned(), function.to_owned());
    }
    Ok(Some(SocketApi { logical_id: api.to_owned(), stage, routes }))
}

/// The function `name` (a `${...}` of an integration's URI) invokes: the function itself, its
/// ARN, or an alias SAM's `AutoPublishAlias` made of it (`<Function>Alias<alias>`).
fn invoked_function<'a>(name: &str, functions: &[&'a str]) -> Option<&'a str> {
    let name = name.strip_suffix(".Arn").unwrap_or(name);
    functions
        .iter()
        .copied()
        .find(|function| name == *function || name.strip_prefix(function).is_some_and(|rest| rest.starts_with("Alias")))
}

fn property<'a>(resource: &'a Value, name: &str) -> Option<&'a Value> {
    resource.get("Properties")?.get(name)
}

fn reference(value: &Value) -> Option<&str> {
    match value {
        Value::Tagged(tagged) if tagged.tag == "!Ref" => tagged.value.as_str(),
        Value::Mapping(m) => m.get("Ref").and_then(Value::as_str),
        _ => None,
    }
}

fn sub(value: &Value) -> Option<&str> {
    match value {
        Value::Tagged(tagged) if tagged.tag == "!Sub" => tagged.value.as_str(),
        Value::Mapping(m) => m.get("Fn::Sub").and_then(Value::as_str),
        _ => None,
    }
}

/// The names inside `${...}` of a `!Sub` string, in order.
fn substitutions(text: &str) -> impl Iterator<Item = &str> {
    text.split("${").skip(1).filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
}
