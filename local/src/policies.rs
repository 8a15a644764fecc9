//! What a function of template.yaml is allowed to do: the statements of its `Policies`, or of the
//! `AWS::IAM::Role` its `Role` names, with resources resolved to logical ids the way
//! [`access`](crate::access) records them: `!GetAtt Users.Arn` is `Users`, `!GetAtt Users.StreamArn`
//! is `Users/stream`, `!Sub ${Users.Arn}/index/*` is `Users/index/*`, `!Ref Topic` is `Topic`, an
//! SSM parameter ARN built from the parameter `P` is `parameter:P`, and an `execute-api` ARN of the
//! API `Api` is `Api/<stage>/<METHOD>/<path>`.

use serde_yaml::Value;

use crate::access::Operation;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// `dynamodb:PutItem`; may end in `*`.
    pub actions: Vec<String>,
    /// Resolved resources; may contain `*`.
    pub resources: Vec<String>,
    /// `ForAllValues:StringLike` `dynamodb:LeadingKeys` patterns, if the statement has them.
    pub leading_keys: Option<Vec<String>>,
}

/// A function's permissions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Permissions {
    pub statements: Vec<Statement>,
    /// Logical id of the explicit execution role, if the function names one.
    pub role: Option<String>,
    /// Managed policies by ARN (`!Sub` text kept as written), of the explicit role.
    pub managed_policies: Vec<String>,
}

impl Statement {
    /// Whether this statement lets `operation` through.
    pub fn allows(&self, operation: &Operation) -> bool {
        let action = self.actions.iter().any(|a| glob(a, &operation.action));
        let resource = self.resources.iter().any(|r| glob(r, &operation.resource));
        let key = match (&self.leading_keys, &operation.leading_key) {
            (None, _) => true,
            (Some(patterns), Some(key)) => patterns.iter().any(|p| glob(p, key)),
            (Some(_), None) => false,
        };
        action && resource && key
    }
}

/// IAM's `*` wildcard (any run of characters), case-sensitively.
pub fn glob(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == text,
        Some((head, rest)) => {
            let Some(text) = text.strip_prefix(head) else { return false };
            (0..=text.len()).filter(|i| text.is_char_boundary(*i)).any(|i| glob(rest, &text[i..]))
        }
    }
}

/// The permissions of the function whose `Properties` are `properties`, in a template whose
/// `Resources` are `resources`.
pub fn parse(id: &str, properties: &Value, resources: &serde_yaml::Mapping) -> Result<Permissions, String> {
    let mut permissions = Permissions::default();
    for policy in properties.get("Policies").and_then(Value::as_sequence).into_iter().flatten() {
        match policy.get("Statement") {
            Some(statements) => permissions.statements.extend(parse_statements(id, statements)?),
            None => return Err(format!("{id}: only inline policy statements are understood, not {policy:?}")),
        }
    }
    if let Some(role) = properties.get("Role") {
        let role = get_att(role).and_then(|r| r.strip_suffix(".Arn").map(str::to_owned));
        let role = role.ok_or_else(|| format!("{id}: Role must be !GetAtt <Role>.Arn"))?;
        let props = resources
            .get(role.as_str())
            .and_then(|r| r.get("Properties"))
            .ok_or_else(|| format!("{id}: no role {role}"))?;
        for policy in props.get("Policies").and_then(Value::as_sequence).into_iter().flatten() {
            let statements = policy.get("PolicyDocument").and_then(|d| d.get("Statement"));
            permissions.statements.extend(parse_statements(id, statements.unwrap_or(&Value::Null))?);
        }
        permissions.managed_policies =
            props.get("ManagedPolicyArns").and_then(Value::as_sequence).into_iter().flatten().map(text).collect();
        // Policies of their own attached to the role (to break a dependency cycle).
        for attached in resources.values().filter(|r| attaches_to(r, &role)) {
            let statements =
                attached.get("Properties").and_then(|p| p.get("PolicyDocument")).and_then(|d| d.get("Statement"));
            permissions.statements.extend(parse_statements(id, statements.unwrap_or(&Value::Null))?);
        }
        permissions.role = Some(role);
    }
    Ok(permissions)
}

/// Is `resource` an `AWS::IAM::Policy` whose `Roles` include `role`?
fn attaches_to(resource: &Value, role: &str) -> bool {
    resource.get("Type").and_then(Value::as_str) == Some("AWS::IAM::Policy")
        && resource
            .get("Properties")
            .and_then(|p| p.get("Roles"))
            .and_then(Value::as_sequence)
            .is_some_and(|roles| roles.iter().any(|r| text(r) == role))
}

fn parse_statements(id: &str, statements: &Value) -> Result<Vec<Statement>, String> {
    let statements = statements.as_sequence().ok_or_else(|| format!("{id}: Statement is not a list"))?;
    statements
        .iter()
        .map(|s| {
            if s.get("Effect").and_then(Value::as_str) != Some("Allow") {
                return Err(format!("{id}: only Allow statements are understood"));
            }
            let leading_keys = s.get("Condition").map(|c| {
                let keys = c.get("ForAllValues:StringLike").and_then(|l| l.get("dynamodb:LeadingKeys"));
                keys.map(list).ok_or_else(|| format!("{id}: only dynamodb:LeadingKeys conditions are understood"))
            });
            Ok(Statement {
                actions: s.get("Action").map(list).unwrap_or_default(),
                resources: s.get("Resource").map(|r| one_or_many(r).iter().map(resource).collect()).unwrap_or_default(),
                leading_keys: leading_keys.transpose()?,
            })
        })
        .collect()
}

fn one_or_many(value: &Value) -> Vec<Value> {
    match value {
        Value::Sequence(items) => items.clone(),
        other => vec![other.clone()],
    }
}

fn list(value: &Value) -> Vec<String> {
    one_or_many(value).iter().map(text).collect()
}

fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Tagged(t) => t.value.as_str().unwrap_or_default().to_owned(),
        other => format!("{other:?}"),
    }
}

fn get_att(value: &Value) -> Option<String> {
    match value {
        Value::Tagged(t) if t.tag == "!GetAtt" => t.value.as_str().map(str::to_owned),
        _ => None,
    }
}

/// A resource as a logical id (see the module documentation); anything else as written.
fn resource(value: &Value) -> String {
    let attribute = |reference: &str| match reference.rsplit_once('.') {
        Some((id, "Arn")) => id.to_owned(),
        Some((id, "StreamArn")) => format!("{id}/stream"),
        _ => reference.to_owned(),
    };
    match value {
        Value::Tagged(t) if t.tag == "!GetAtt" => attribute(&text(value)),
        Value::Tagged(t) if t.tag == "!Ref" => text(value),
        Value::Tagged(t) if t.tag == "!Sub" => {
            let sub = text(value);
            if let Some((_, parameter)) = sub.split_once(":parameter${") {
                return format!("parameter:{}", parameter.trim_end_matches('}'));
            }
            if let Some(api) = execute_api(&sub) {
                return api;
            }
            let Some(start) = sub.find("${") else { return sub };
            let Some(end) = sub[start..].find('}') else { return sub };
            format!("{}{}{}", &sub[..start], attribute(&sub[start + 2..start + end]), &sub[start + end + 1..])
        }
        other => text(other),
    }
}

/// `arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/v1/POST/@connections/*`
/// is `Api/v1/POST/@connections/*`: what follows the account, the API by logical id.
fn execute_api(sub: &str) -> Option<String> {
    let (_, rest) = sub.split_once(":execute-api:")?;
    let (_, api_path) = rest.split_once("${AWS::AccountId}:")?;
    let api = api_path.strip_prefix("${")?;
    let (api, path) = api.split_once('}')?;
    Some(format!("{api}{path}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(action: &str, resource: &str, key: Option<&str>) -> Operation {
        Operation {
            function: "F".into(),
            action: action.into(),
            resource: resource.into(),
            leading_key: key.map(str::to_owned),
        }
    }

    #[test]
    fn resolves_resources_and_honours_leading_keys() {
        let yaml = r#"
Policies:
  - Statement:
      - Effect: Allow
        Action: [dynamodb:Query]
        Resource: [!GetAtt T.Arn, !Sub "${T.Arn}/index/*"]
      - Effect: Allow
        Action: dynamodb:GetItem
        Resource: !GetAtt S.Arn
        Condition:
          ForAllValues:StringLike:
            dynamodb:LeadingKeys: ["verify#*"]
      - Effect: Allow
        Action: [ssm:GetParameter]
        Resource: !Sub arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter${P}
"#;
        let props: Value = serde_yaml::from_str(yaml).unwrap();
        let permissions = parse("F", &props, &serde_yaml::Mapping::new()).unwrap();
        let allowed = |o: Operation| permissions.statements.iter().any(|s| s.allows(&o));
        assert!(allowed(op("dynamodb:Query", "T/index/ByRole", None)));
        assert!(allowed(op("dynamodb:Query", "T", None)));
        assert!(!allowed(op("dynamodb:Query", "S", None)));
        assert!(allowed(op("dynamodb:GetItem", "S", Some("verify#abc"))));
        assert!(!allowed(op("dynamodb:GetItem", "S", Some("session#abc"))));
        assert!(!allowed(op("dynamodb:GetItem", "S", None)));
        assert!(allowed(op("ssm:GetParameter", "parameter:P", None)));
        assert_eq!(permissions.statements[0].resources, ["T", "T/index/*"]);
    }

    /// What `access::ConnectionsRecorder` records for a function's `PostToConnection` meets the
    /// grant the template gives the socket functions; other methods and APIs do not.
    #[test]
    fn the_templates_connections_grant_allows_posting_to_any_connection() {
        let template = crate::template::Template::project().unwrap();
        let function = template.function("ws-send-message").expect("template.yaml has ws-send-message");
        let allowed = |o: Operation| function.permissions.statements.iter().any(|s| s.allows(&o));
        let manage = |resource: &str| op("execute-api:ManageConnections", resource, None);
        assert!(allowed(manage("SocketApi/v1/POST/@connections/*")));
        assert!(!allowed(manage("SocketApi/v1/DELETE/@connections/*")));
        assert!(!allowed(manage("SocketApi/v2/POST/@connections/*")));
        assert!(!allowed(manage("HttpApi/v1/POST/@connections/*")));
        assert!(!allowed(op("execute-api:Invoke", "SocketApi/v1/POST/@connections/*", None)));
    }
}
