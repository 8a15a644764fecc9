//! Compiles the routes of template.yaml into the function, so it knows every route API Gateway
//! has without reading anything at cold start, and can never disagree with the template.

use std::path::Path;

use serde_yaml::Value;

fn main() {
    let template = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../template.yaml");
    println!("cargo::rerun-if-changed={}", template.display());
    let text = std::fs::read_to_string(&template).expect("template.yaml is readable");
    let yaml: Value = serde_yaml::from_str(&text).expect("template.yaml is YAML");
    let mut routes = Vec::new();
    for resource in yaml["Resources"].as_mapping().expect("Resources").values() {
        for event in resource["Properties"]["Events"].as_mapping().into_iter().flat_map(|m| m.values()) {
            let properties = &event["Properties"];
            if let ("HttpApi", Some(method), Some(path)) =
                (event["Type"].as_str().unwrap_or_default(), properties["Method"].as_str(), properties["Path"].as_str())
            {
                routes.push(format!("    ({:?}, {:?}),\n", method.to_uppercase(), path));
            }
        }
    }
    routes.sort();
    let source = format!(
        "/// Every route of template.yaml: (method, path).\npub const ROUTES: &[(&str, &str)] = &[\n{}];\n",
        routes.concat()
    );
    std::fs::write(Path::new(&std::env::var("OUT_DIR").unwrap()).join("routes.rs"), source).unwrap();
}
