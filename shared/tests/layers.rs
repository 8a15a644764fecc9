//! The layers of the domain crate, checked: each top-level module of `shared/src` belongs to one
//! layer; a module may use modules of its own layer or of the layers below, never above; no two
//! modules use each other, directly or through others; and the lower layers stay free of the
//! SDKs and event types that belong higher up.
//!
//! A module's imports are every `crate::<module>` path in its files (comments aside), plus the
//! crate root's re-exports (`crate::App` is `app`). Paths inside a module (`crate::db::…` from
//! `db/`) are its own business.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Ground floor first.
const LAYERS: &[(&str, &[&str])] = &[
    (
        "values",
        &[
            "ids", "money", "clock", "calendar", "error", "fields", "params", "tables", "config", "cursor", "etag",
            "retry", "metrics",
        ],
    ),
    (
        "domain",
        &[
            "accounts",
            "analytics",
            "catalog",
            "vendors",
            "orders",
            "payments",
            "notify",
            "media",
            "conversations",
            "frames",
        ],
    ),
    ("stores", &["db", "sns", "bucket", "connections_api", "gateways", "https"]),
    ("services", &["services"]),
    ("edges", &["http", "streams", "object_events", "sockets", "app", "lambda", "telemetry"]),
];

/// What the crate root re-exports, by the module it comes from.
const ROOT_REEXPORTS: &[(&str, &str)] = &[("App", "app"), ("ApiError", "error"), ("FieldError", "error")];

/// External crates a layer must not name, and the first layer allowed to.
const CONFINED: &[(&str, &str)] = &[
    ("aws_sdk_", "stores"),
    ("aws_config", "edges"),
    ("serde_dynamo", "stores"),
    ("lambda_http", "edges"),
    ("lambda_runtime", "edges"),
    ("aws_lambda_events", "edges"),
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|(_, modules)| modules.contains(&module))
}

fn layer_index(name: &str) -> usize {
    LAYERS.iter().position(|(layer, _)| *layer == name).expect("a layer name")
}

/// The top-level modules `source` (a file of `module`) uses, other than itself.
fn imports(module: &str, source: &str) -> BTreeSet<String> {
    let mut used = BTreeSet::new();
    for line in code_lines(source) {
        let mut rest = line;
        while let Some(at) = rest.find("crate::") {
            let preceded_by_word = rest[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == ':');
            rest = &rest[at + "crate::".len()..];
            let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            if preceded_by_word || name.is_empty() {
                continue;
            }
            let target = ROOT_REEXPORTS.iter().find(|(item, _)| *item == name).map_or(name.as_str(), |(_, m)| m);
            if target != module {
                used.insert(target.to_owned());
            }
        }
    }
    used
}

/// Every rule broken by `files` (module, source), as readable lines.
fn violations(files: &[(String, String)]) -> Vec<String> {
    let mut found = Vec::new();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, source) in files {
        let Some(layer) = layer_of(module) else {
            found.push(format!("module `{module}` is in no layer: add it to LAYERS"));
            continue;
        };
        for target in imports(module, source) {
            match layer_of(&target) {
                Some(target_layer) if target_layer > layer => found.push(format!(
                    "`{module}` ({}) imports `{target}` ({}), a higher layer",
                    LAYERS[layer].0, LAYERS[target_layer].0
                )),
                Some(_) => {}
                None => found.push(format!("`{module}` imports `{target}`, which is in no layer")),
            }
            graph.entry(module.clone()).or_default().insert(target);
        }
        for (prefix, first_allowed) in CONFINED {
            if layer < layer_index(first_allowed) && mentions_crate(source, prefix) {
                found.push(format!("`{module}` ({}) uses `{prefix}`, kept to {first_allowed} and up", LAYERS[layer].0));
            }
        }
    }
    found.extend(cycles(&graph).into_iter().map(|cycle| format!("import cycle: {}", cycle.join(" → "))));
    found.sort();
    found.dedup();
    found
}

/// Does `source` name the external crate (or crate family) `prefix` outside comments?
fn mentions_crate(source: &str, prefix: &str) -> bool {
    code_lines(source).any(|line| {
        line.match_indices(prefix)
            .any(|(at, _)| !line[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == ':'))
    })
}

/// The lines of `source` without their comments (`//` not after a `:`, so URLs stay).
fn code_lines(source: &str) -> impl Iterator<Item = &str> {
    source.lines().map(|line| {
        let comment = line.match_indices("//").find(|(at, _)| !line[..*at].ends_with(':')).map(|(at, _)| at);
        &line[..comment.unwrap_or(line.len())]
    })
}

/// One path per cycle of `graph`, starting and ending at the same module.
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
        found: &mut Vec<Vec<String>>,
    ) {
        if let Some(start) = path.iter().position(|n| n == node) {
            let mut cycle = path[start..].to_vec();
            cycle.push(node.to_owned());
            found.push(cycle);
            return;
        }
        if done.contains(node) {
            return;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            visit(next, graph, path, done, found);
        }
        path.pop();
        done.insert(node.to_owned());
    }
    let (mut done, mut found) = (BTreeSet::new(), Vec::new());
    for node in graph.keys() {
        visit(node, graph, &mut Vec::new(), &mut done, &mut found);
    }
    found
}

/// Every `.rs` file under `dir`, with the top-level module it belongs to.
fn read_tree(src: &Path) -> Vec<(String, String)> {
    fn walk(dir: &Path, module: Option<&str>, out: &mut Vec<(String, String)>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir).expect("a readable directory").flatten().collect();
        entries.sort_by_key(|e| e.path());
        for entry in entries {
            let path = entry.path();
            let name = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_owned();
            let top = module.map_or(name.clone(), str::to_owned);
            if path.is_dir() {
                walk(&path, Some(&top), out);
            } else if path.extension().is_some_and(|e| e == "rs") && !(module.is_none() && name == "lib") {
                out.push((top, std::fs::read_to_string(&path).expect("a readable file")));
            }
        }
    }
    let mut out = Vec::new();
    walk(src, None, &mut out);
    out
}

#[test]
fn the_domain_crate_keeps_its_layers() {
    let files = read_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    assert!(files.len() > 50, "read the source tree");
    let broken = violations(&files);
    assert!(broken.is_empty(), "the layers of shared/ are broken:\n{}", broken.join("\n"));
}

#[test]
fn every_top_level_module_of_lib_rs_is_in_a_layer() {
    let lib = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs")).unwrap();
    let declared: Vec<&str> = lib.lines().filter_map(|l| l.strip_prefix("pub mod ")?.strip_suffix(';')).collect();
    assert!(declared.len() > 20);
    for module in declared {
        assert!(layer_of(module).is_some(), "`{module}` is declared in lib.rs but in no layer");
    }
}

fn file(module: &str, source: &str) -> (String, String) {
    (module.to_owned(), source.to_owned())
}

#[test]
fn an_upward_import_is_reported() {
    let files = [file("db", "use crate::http::Request;\nuse crate::error::ApiError;"), file("http", "")];
    assert_eq!(violations(&files), ["`db` (stores) imports `http` (edges), a higher layer"]);
    let root = [file("catalog", "fn f(app: &crate::App) {}"), file("app", "")];
    assert_eq!(violations(&root), ["`catalog` (domain) imports `app` (edges), a higher layer"]);
}

#[test]
fn a_cycle_within_a_layer_is_reported() {
    let files = [
        file("accounts", "use crate::catalog::Category;"),
        file("catalog", "use crate::orders::Order;"),
        file("orders", "pub fn f() -> crate::accounts::Role { todo!() }"),
    ];
    assert_eq!(violations(&files), ["import cycle: accounts → catalog → orders → accounts"]);
}

#[test]
fn sdk_and_event_types_stay_out_of_the_lower_layers() {
    let files = [
        file("orders", "use aws_sdk_dynamodb::types::AttributeValue;"),
        file("services", "fn f(r: lambda_http::Request) {}"),
        file("db", "use aws_sdk_dynamodb::Client; // lambda_http is not named here"),
    ];
    assert_eq!(
        violations(&files),
        [
            "`orders` (domain) uses `aws_sdk_`, kept to stores and up",
            "`services` (services) uses `lambda_http`, kept to edges and up"
        ]
    );
}

#[test]
fn comments_and_paths_inside_a_module_do_not_count() {
    let files = [file("db", "//! See [`crate::http`].\nuse crate::db::attributes::s;\nlet x = foo::crate::http;")];
    assert!(violations(&files).is_empty(), "{:?}", violations(&files));
}
