//! template.yaml is the single source of truth for wiring: these tests fail when the function
//! crates, the sample events, openapi.yaml, the local runner or the README disagree with it, or
//! when a function is granted more than the tables and actions it uses.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_yaml::Value;
use souk_local::template::{EnvValue, Template};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn template() -> Template {
    Template::parse(&read("template.yaml")).expect("template.yaml parses")
}

fn dir_names(path: &Path) -> BTreeSet<String> {
    std::fs::read_dir(path).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect()
}

/// `get-products` → `getProducts`: the function's name in template.yaml and its operationId in openapi.yaml.
fn camel(binary: &str) -> String {
    let mut parts = binary.split('-');
    let first = parts.next().unwrap().to_owned();
    parts.fold(first, |acc, p| acc + &p[..1].to_uppercase() + &p[1..])
}

#[test]
fn every_function_crate_is_in_the_template_and_every_template_function_has_its_crate() {
    let template = template();
    let binaries: BTreeSet<String> = template.functions.iter().map(|f| f.binary.clone()).collect();
    assert_eq!(dir_names(&root().join("functions")), binaries);
    for function in &template.functions {
        assert_eq!(function.code_uri, format!("functions/{}", function.binary), "{}", function.logical_id);
        assert_eq!(
            function.logical_id,
            format!("{}Function", {
                let c = camel(&function.binary);
                c[..1].to_uppercase() + &c[1..]
            })
        );
        let manifest: toml_lite::Manifest =
            toml_lite::parse(&read(&format!("functions/{}/Cargo.toml", function.binary)));
        assert_eq!(manifest.package_name, function.binary, "crate name is the binary name");
        assert!(root().join(format!("functions/{}/src/main.rs", function.binary)).is_file());
        assert!(
            root().join(format!("functions/{}/src/lib.rs", function.binary)).is_file(),
            "the handler lives in lib.rs"
        );
    }
}

#[test]
fn every_function_has_a_sample_event_of_its_trigger_and_every_event_a_function() {
    let template = template();
    let events: BTreeSet<String> = dir_names(&root().join("events"));
    let expected: BTreeSet<String> = template.functions.iter().map(|f| format!("{}.json", f.binary)).collect();
    assert_eq!(events, expected);
    for function in &template.functions {
        let event = read(&format!("events/{}.json", function.binary));
        if !function.streams.is_empty() {
            let parsed: aws_lambda_events::event::dynamodb::Event = serde_json::from_str(&event)
                .unwrap_or_else(|e| panic!("events/{}.json is not a stream event: {e}", function.binary));
            assert!(!parsed.records.is_empty());
            // The sample passes the function's FilterCriteria, so it is a record the function really gets.
            for record in &parsed.records {
                let json = serde_json::to_value(record).unwrap();
                let patterns = &function.streams[0].patterns;
                assert!(
                    patterns.iter().any(|p| souk_local::filter_pattern::matches(p, &json)),
                    "events/{}.json does not pass the function's FilterCriteria",
                    function.binary
                );
            }
            continue;
        }
        if let Some(subscription) = function.objects.first() {
            let parsed: aws_lambda_events::event::s3::S3Event = serde_json::from_str(&event)
                .unwrap_or_else(|e| panic!("events/{}.json is not an S3 event: {e}", function.binary));
            // The sample is an object the function really gets: created, under its prefix.
            for record in &parsed.records {
                assert!(record.event_name.as_deref().unwrap_or_default().starts_with("ObjectCreated:"));
                let key = record.s3.object.key.as_deref().unwrap_or_default();
                assert!(key.starts_with(&subscription.prefix), "events/{}.json: {key}", function.binary);
            }
            assert!(!parsed.records.is_empty());
            continue;
        }
        let socket_routes: Vec<&str> =
            template.socket_api.iter().flat_map(|api| api.routes_of(&function.logical_id)).collect();
        if !socket_routes.is_empty() {
            let parsed: aws_lambda_events::event::apigw::ApiGatewayWebsocketProxyRequest = serde_json::from_str(&event)
                .unwrap_or_else(|e| panic!("events/{}.json is not a WebSocket event: {e}", function.binary));
            let route_key = parsed.request_context.route_key.as_deref().unwrap_or_default();
            assert!(
                socket_routes.contains(&route_key),
                "events/{}.json: {route_key} is not its route",
                function.binary
            );
            assert!(parsed.request_context.connection_id.is_some(), "events/{}.json", function.binary);
            continue;
        }
        if function.routes.is_empty() {
            let request: aws_lambda_events::event::cloudformation::CloudFormationCustomResourceRequest =
                serde_json::from_str(&event).unwrap_or_else(|e| panic!("events/{}.json: {e}", function.binary));
            assert!(matches!(
                request,
                aws_lambda_events::event::cloudformation::CloudFormationCustomResourceRequest::Create(_)
            ));
            continue;
        }
        let raw: serde_json::Value = serde_json::from_str(&event).unwrap();
        let route_key = raw["routeKey"].as_str().expect("routeKey");
        assert!(
            function.routes.iter().any(|r| r.key() == route_key),
            "events/{}.json: {route_key} is not its route",
            function.binary
        );
        assert_eq!(raw["requestContext"]["routeKey"], route_key);
        lambda_http::request::from_str(&event)
            .unwrap_or_else(|e| panic!("events/{}.json is not an HTTP API event: {e}", function.binary));
    }
}

#[test]
fn openapi_describes_exactly_the_routes_of_the_template() {
    let spec: Value = serde_yaml::from_str(&read("openapi.yaml")).unwrap();
    assert!(spec["openapi"].as_str().unwrap().starts_with("3.1"));
    let mut documented = BTreeMap::new();
    for (path, item) in spec["paths"].as_mapping().expect("paths") {
        for (method, operation) in item.as_mapping().unwrap() {
            let method = method.as_str().unwrap();
            if !["get", "post", "put", "patch", "delete"].contains(&method) {
                continue;
            }
            let key = format!("{} {}", method.to_uppercase(), path.as_str().unwrap());
            let function =
                operation["x-function"].as_str().unwrap_or_else(|| panic!("{key} has no x-function")).to_owned();
            // A function serving a list and its items names the item operation in the singular.
            let operation_id = operation["operationId"].as_str().unwrap_or_default();
            let name = camel(&function);
            assert!(
                operation_id == name || Some(operation_id) == name.strip_suffix('s'),
                "{key}: operationId {operation_id}"
            );
            documented.insert(key, function);
        }
    }
    let mut wired: BTreeMap<String, String> =
        template().functions.iter().flat_map(|f| f.routes.iter().map(move |r| (r.key(), f.binary.clone()))).collect();
    // The `$default` route has no path of its own: the spec names its function at the top.
    let default = wired.remove(souk_local::template::DEFAULT_ROUTE);
    assert_eq!(default.as_deref(), spec["x-default-route"]["x-function"].as_str(), "the $default route");
    assert_eq!(documented, wired);
}

#[tokio::test]
async fn the_local_runner_can_build_every_function_from_its_template_environment() {
    let template = template();
    let app = shared::App::new(shared::config::Config::local("http://127.0.0.1:9", "", b"not-used-by-this-test")).await;
    for function in &template.functions {
        assert!(
            souk_local::functions::build(&function.binary, &app).await.is_some(),
            "the runner does not know {}",
            function.binary
        );
    }
}

#[test]
fn the_readme_names_every_function() {
    let readme = read("README.md");
    for function in &template().functions {
        assert!(readme.contains(&format!("`{}`", function.binary)), "README.md does not mention `{}`", function.binary);
    }
}

/// What a policy resource names: a table (`!GetAtt T.Arn`, `!Sub ${T.Arn}/index/*`), a topic
/// (`!Ref Topic`) or an SSM parameter (`!Sub arn:...:parameter${Name}`), by logical id.
#[test]
fn each_function_is_granted_exactly_the_resources_it_is_given_and_never_a_scan() {
    let template = template();
    for function in &template.functions {
        let mut granted = BTreeSet::new();
        for statement in &function.permissions.statements {
            for action in &statement.actions {
                assert!(!action.contains('*'), "{}: wildcard action {action}", function.logical_id);
                assert_ne!(action, "dynamodb:Scan", "{}: no request scans a table", function.logical_id);
            }
            for resource in &statement.resources {
                // `Table/index/X`, `Table/stream` and `parameter:P` are grants on `Table` and `P`.
                let id = resource.strip_prefix("parameter:").unwrap_or(resource).split('/').next().unwrap();
                // A trigger's own stream and dead-letter queue come with its event, not its environment.
                let dead_letters = template.resource_types.get(id).is_some_and(|t| t == "AWS::SQS::Queue");
                let own_stream = resource.ends_with("/stream") && function.streams.iter().any(|s| s.table == id);
                // An S3 trigger fails to the dead letters too.
                let triggered = !function.streams.is_empty() || !function.objects.is_empty();
                if !((dead_letters && triggered) || own_stream) {
                    granted.insert(id.to_owned());
                }
            }
        }
        // Tables, topics, buckets and SSM parameter names by `!Ref` in the environment; the bucket
        // an S3 trigger is told by each event.
        let mut given: BTreeSet<String> = function
            .environment
            .values()
            .filter_map(|v| match v {
                EnvValue::Ref(id) if template.is_table(id) || template.is_topic(id) || template.is_bucket(id) => {
                    Some(id.clone())
                }
                EnvValue::Ref(id) if id.ends_with("ParameterName") => Some(id.clone()),
                _ => None,
            })
            .collect();
        given.extend(function.objects.iter().map(|o| o.bucket.clone()));
        // The WebSocket API whose `@connections` endpoint the environment names (a `!Sub`).
        for value in function.environment.values() {
            if let EnvValue::Sub(text) = value {
                given.extend(
                    template
                        .resource_types
                        .iter()
                        .filter(|(id, kind)| *kind == "AWS::ApiGatewayV2::Api" && text.contains(&format!("${{{id}}}")))
                        .map(|(id, _)| id.clone()),
                );
            }
        }
        assert_eq!(granted, given, "{}: resources granted vs resources in its environment", function.logical_id);
    }
}

/// A function carries the SSM, SNS, S3 and `@connections` clients, the image codecs and the payment gateway's HTTPS client only when
/// built with the `shared` features that compile them in; each binary must have exactly those its template environment needs (a missing
/// one fails its cold start or its first notification in AWS, an extra one costs size and start).
#[test]
fn each_function_is_built_with_exactly_the_clients_its_environment_needs() {
    for function in &template().functions {
        let mut needed = BTreeSet::new();
        if function.environment.keys().any(|name| name.ends_with("_PARAMETER")) {
            needed.insert("stored-secrets".to_owned());
        }
        if function.environment.contains_key("NOTIFICATIONS_TOPIC_ARN") {
            needed.insert("notifications".to_owned());
        }
        if function.environment.contains_key("PAYMOB_BASE_URL") {
            needed.insert("payments".to_owned());
        }
        // The `@connections` client, for what posts to WebSocket connections.
        if function.environment.contains_key("CONNECTIONS_ENDPOINT") {
            needed.insert("live".to_owned());
        }
        // The S3 client for the bucket it names or is told by its events; the image codecs for
        // what checks the photos that arrive.
        if function.environment.contains_key("MEDIA_BUCKET") || !function.objects.is_empty() {
            needed.insert("media".to_owned());
        }
        if !function.objects.is_empty() {
            needed.insert("imaging".to_owned());
        }
        let manifest = toml_lite::parse(&read(&format!("functions/{}/Cargo.toml", function.binary)));
        assert_eq!(manifest.shared_features, needed, "{}: features of `shared`", function.binary);
    }
}

#[test]
fn no_code_path_scans_a_table() {
    fn visit(dir: &Path, offenders: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                visit(&path, offenders);
            } else if path.extension().is_some_and(|e| e == "rs")
                && std::fs::read_to_string(&path).unwrap().contains(".scan()")
            {
                offenders.push(path);
            }
        }
    }
    let mut offenders = Vec::new();
    for dir in ["shared", "functions", "local"] {
        visit(&root().join(dir), &mut offenders);
    }
    assert!(offenders.is_empty(), "Scan used in {offenders:?}");
}

/// Just enough TOML to read a package name and the features of its `shared` dependency, without
/// another dependency.
mod toml_lite {
    use std::collections::BTreeSet;

    pub struct Manifest {
        pub package_name: String,
        pub shared_features: BTreeSet<String>,
    }

    pub fn parse(text: &str) -> Manifest {
        let name = text
            .lines()
            .skip_while(|l| l.trim() != "[package]")
            .find_map(|l| l.trim().strip_prefix("name = ").map(|v| v.trim_matches('"').to_owned()))
            .expect("a package name");
        // `shared = { workspace = true, features = ["a", "b"] }`
        let shared_features = text
            .lines()
            .find_map(|l| l.trim().strip_prefix("shared = "))
            .and_then(|spec| spec.split_once("features = [")?.1.split_once(']').map(|(list, _)| list.to_owned()))
            .map(|list| {
                list.split(',').map(|f| f.trim().trim_matches('"').to_owned()).filter(|f| !f.is_empty()).collect()
            })
            .unwrap_or_default();
        Manifest { package_name: name, shared_features }
    }
}
