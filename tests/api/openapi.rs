//! The API contract's cheap invariants, checked on the generated document without a server or
//! Python (`.ci/run` validates it with openapi-spec-validator and runs schemathesis against it):
//! every answer is described, schema names are unique, every reference resolves, no schema
//! combines a closed object with more fields, and every operation documents the errors that what
//! it takes can cause, with the error body.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

fn document() -> Value {
    serde_json::to_value(sepadan::api::openapi::build()).expect("the document serialises")
}

/// Every operation as (method, path, operation).
fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut all = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("a path item") {
            if operation.get("responses").is_some() {
                all.push((method.clone(), path.clone(), operation.clone()));
            }
        }
    }
    all
}

fn refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                if key == "$ref"
                    && let Some(r) = v.as_str()
                {
                    out.push(r.to_owned());
                }
                refs(v, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

#[test]
fn every_answer_has_a_description() {
    let doc = document();
    let mut missing = Vec::new();
    for (method, path, operation) in operations(&doc) {
        for (status, response) in operation["responses"].as_object().expect("responses") {
            let described = response["description"]
                .as_str()
                .is_some_and(|d| !d.trim().is_empty());
            if !described {
                missing.push(format!("{method} {path} {status}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "answers without a description: {missing:#?}"
    );
}

#[test]
fn every_reference_resolves() {
    let doc = document();
    let schemas = doc["components"]["schemas"].as_object().expect("schemas");
    let mut all = Vec::new();
    refs(&doc, &mut all);
    let broken: BTreeSet<_> = all
        .iter()
        .filter(|r| {
            r.strip_prefix("#/components/schemas/")
                .is_none_or(|name| !schemas.contains_key(name))
        })
        .collect();
    assert!(broken.is_empty(), "references to nothing: {broken:?}");
}

#[test]
fn no_schema_extends_a_closed_object() {
    let doc = document();
    let schemas = doc["components"]["schemas"].as_object().expect("schemas");
    let closed = |r: &Value| {
        r["$ref"]
            .as_str()
            .and_then(|r| r.strip_prefix("#/components/schemas/"))
            .and_then(|name| schemas.get(name))
            .is_some_and(|s| s["additionalProperties"] == Value::Bool(false))
    };
    let mut unsatisfiable = Vec::new();
    for (name, schema) in schemas {
        if let Some(parts) = schema["allOf"].as_array()
            && parts.len() > 1
            && parts.iter().any(closed)
        {
            unsatisfiable.push(name.clone());
        }
    }
    assert!(
        unsatisfiable.is_empty(),
        "an allOf over a closed object cannot be satisfied: {unsatisfiable:?}"
    );
}

/// The name each type deriving or implementing `ToSchema` has in the document: its own, or the
/// one `#[schema(as = ...)]` gives it.
fn schema_names() -> BTreeMap<String, Vec<String>> {
    let mut names: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (file, text) in crate::architecture::sources() {
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let line = line.trim();
            if line.starts_with("#[derive(") && line.contains("ToSchema") {
                let mut renamed = None;
                for next in &lines[i + 1..] {
                    let next = next.trim();
                    if let Some(rest) = next.strip_prefix("#[schema(as = ") {
                        renamed = rest.split([')', ',']).next().map(str::to_owned);
                    }
                    let item = next
                        .trim_start_matches("pub(crate) ")
                        .trim_start_matches("pub ");
                    if let Some(rest) = item
                        .strip_prefix("struct ")
                        .or_else(|| item.strip_prefix("enum "))
                    {
                        let own = rest
                            .split(|c: char| !c.is_alphanumeric() && c != '_')
                            .next()
                            .unwrap_or_default();
                        let name = renamed.unwrap_or_else(|| own.to_owned());
                        let name = name.rsplit("::").next().unwrap_or_default().to_owned();
                        names.entry(name).or_default().push(file.clone());
                        break;
                    }
                }
            } else if let Some(rest) = line.strip_prefix("impl ToSchema for ")
                && !line.contains("fn name")
            {
                let own = rest.split([' ', '<', '{']).next().unwrap_or_default();
                names.entry(own.to_owned()).or_default().push(file.clone());
            }
        }
    }
    names
}

#[test]
fn schema_names_are_unique() {
    let names = schema_names();
    assert!(
        names.contains_key("ErrorBody"),
        "the scan finds the schemas"
    );
    let clashes: Vec<_> = names.iter().filter(|(_, files)| files.len() > 1).collect();
    assert!(
        clashes.is_empty(),
        "two types share a schema name, so one replaces the other in the document (give one \
         #[schema(as = ...)]): {clashes:#?}"
    );
}

#[test]
fn every_operation_documents_its_errors_with_the_error_body() {
    let doc = document();
    let error_body = Value::String("#/components/schemas/ErrorBody".into());
    let mut problems = Vec::new();
    for (method, path, operation) in operations(&doc) {
        let responses = operation["responses"].as_object().expect("responses");
        let params = operation["parameters"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let takes = |place: &str| params.iter().any(|p| p["in"] == place);
        let secured = operation["security"].as_array().is_some_and(|s| {
            s.iter()
                .any(|r| r.as_object().is_some_and(|r| !r.is_empty()))
        });
        let body = operation.get("requestBody").is_some();
        let mut expected = vec!["400"];
        if secured {
            expected.push("401");
        }
        if takes("path") {
            expected.push("404");
        }
        if body {
            expected.extend(["413", "415", "422"]);
        }
        if takes("query") {
            expected.push("422");
        }
        if path != "/healthz" && path != "/readyz" {
            expected.push("429");
        }
        if path != "/healthz" && path != "/api/v1/openapi.json" {
            expected.push("503");
        }
        for status in expected {
            if !responses.contains_key(status) {
                problems.push(format!("{method} {path}: no {status}"));
            }
        }
        for (status, response) in responses {
            if status.starts_with('4') || status.starts_with('5') {
                let schema = &response["content"]["application/json"]["schema"]["$ref"];
                if *schema != error_body {
                    problems.push(format!("{method} {path}: {status} without the error body"));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn downloads_document_their_content_types() {
    let doc = document();
    let xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    let mut problems = Vec::new();
    for (method, path, operation) in operations(&doc) {
        let ok = &operation["responses"]["200"]["content"];
        let wanted: &[&str] = if path.starts_with("/api/v1/exports/") {
            &["text/csv", xlsx]
        } else if path.ends_with(".ics") {
            &["text/calendar"]
        } else if path.ends_with(".csv") || path == "/api/v1/reports/outcomes" {
            &["text/csv"]
        } else {
            &[]
        };
        for content_type in wanted {
            if ok.get(content_type).is_none() {
                problems.push(format!("{method} {path}: 200 without {content_type}"));
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn the_document_is_3_1_and_names_no_one_else() {
    // No contact of a library's author leaks in from a default.
    let doc = document();
    assert!(
        doc["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.1"))
    );
    assert!(doc["info"].get("contact").is_none());
    assert!(operations(&doc).len() >= 90);
}
