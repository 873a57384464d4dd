//! The shipped JSON Schemas (the dataset, the inputs and the answers) match the types. Run with
//! `cargo test --features schema --test schema`; regenerate them all with
//! `cargo run --features schema --example schema -- --write schema`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects,
    clippy::unreachable,
    reason = "test code: a panic is a failed test, and its arithmetic runs on small generated values"
)]
#![cfg(feature = "schema")]

#[path = "../examples/support/schemas.rs"]
mod schemas;
use schemas::schemas;

const REGENERATE: &str = "cargo run --features schema --example schema -- --write schema";

fn shipped(name: &str) -> String {
    let path = format!("{}/schema/{name}.schema.json", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {path} ({e}): generate it with `{REGENERATE}`"))
}

#[test]
fn the_shipped_schemas_match_the_types() {
    for (name, schema) in schemas() {
        let generated = serde_json::to_string_pretty(&schema).unwrap();
        assert_eq!(
            generated.trim(),
            shipped(name).trim(),
            "schema/{name}.schema.json is out of date: regenerate the schemas with `{REGENERATE}`"
        );
    }
    // The dataset schema is still what the example prints with no argument.
    let dataset =
        serde_json::to_string_pretty(&schemars::schema_for!(tradeterms::Dataset)).unwrap();
    assert_eq!(
        dataset.trim(),
        include_str!("../schema/dataset.schema.json").trim()
    );
}

#[test]
fn every_file_under_schema_is_checked() {
    let listed: std::collections::BTreeSet<String> = schemas()
        .iter()
        .map(|(name, _)| format!("{name}.schema.json"))
        .collect();
    let dir = format!("{}/schema", env!("CARGO_MANIFEST_DIR"));
    let files: std::collections::BTreeSet<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(
        files, listed,
        "schema/ holds a file no test checks, or lacks one"
    );
}

#[test]
fn inputs_refuse_unknown_fields_and_answers_name_their_parts() {
    let read = |name: &str| -> serde_json::Value { serde_json::from_str(&shipped(name)).unwrap() };
    for name in ["query", "order", "changeset"] {
        assert_eq!(read(name)["additionalProperties"], false, "{name}");
    }
    let required = |name: &str| -> Vec<String> {
        read(name)["required"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(required("query"), ["account", "user", "sku", "qty", "at"]);
    for field in ["version", "query", "access", "outcome"] {
        assert!(
            required("resolution").contains(&field.to_string()),
            "{field}"
        );
    }
    for field in [
        "version",
        "lines",
        "blockers",
        "approval",
        "payment",
        "orderable",
    ] {
        assert!(
            required("order_answer").contains(&field.to_string()),
            "{field}"
        );
    }
    // Amounts are decimal strings, never numbers, in the answers as in the data.
    let resolution = read("resolution");
    let amount = &resolution["$defs"]["Price"]["properties"]["amount"];
    assert_eq!(amount["type"], "string", "{amount}");
    let currency = &resolution["$defs"]["Currency"];
    assert_eq!(currency["pattern"], "^[A-Z]{3}$");
}

#[test]
fn the_demo_dataset_validates_against_the_schema_shape() {
    // The schema names every top-level field of the format.
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../schema/dataset.schema.json")).unwrap();
    let props = schema["properties"].as_object().unwrap();
    for field in [
        "accounts",
        "users",
        "catalog",
        "price_lists",
        "assignments",
        "visibility_rules",
        "payment_rules",
        "approval_policies",
        "experiments",
        "segments",
        "roles",
    ] {
        assert!(props.contains_key(field), "{field} missing from the schema");
    }
    assert_eq!(
        schema["additionalProperties"],
        serde_json::Value::Bool(false)
    );
}

/// Checks `value` against `schema` for the keywords the shipped schemas use (`$ref` into
/// `$defs`, `type`, `const`, `enum`, `oneOf`, `anyOf`, `properties`, `required`,
/// `additionalProperties`, `items`, `minimum`); annotations and `format`/`pattern` are not
/// checked. Returns the first mismatch, with its path.
fn check(
    root: &serde_json::Value,
    schema: &serde_json::Value,
    value: &serde_json::Value,
    path: &str,
) -> Result<(), String> {
    use serde_json::Value;
    let schema = match schema {
        Value::Bool(true) => return Ok(()),
        Value::Bool(false) => return Err(format!("{path}: no value is allowed here")),
        Value::Object(s) => s,
        other => return Err(format!("{path}: bad schema {other}")),
    };
    if let Some(Value::String(r)) = schema.get("$ref") {
        let name = r
            .strip_prefix("#/$defs/")
            .ok_or(format!("{path}: unknown $ref {r}"))?;
        check(root, &root["$defs"][name], value, path)?;
    }
    if let Some(types) = schema.get("type") {
        let types: Vec<&str> = match types {
            Value::String(t) => vec![t.as_str()],
            Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        let is = |t: &str| match t {
            "object" => value.is_object(),
            "array" => value.is_array(),
            "string" => value.is_string(),
            "integer" => value.is_i64() || value.is_u64(),
            "number" => value.is_number(),
            "boolean" => value.is_boolean(),
            "null" => value.is_null(),
            _ => false,
        };
        if !types.iter().any(|t| is(t)) {
            return Err(format!("{path}: {value} is not of type {types:?}"));
        }
    }
    if let Some(c) = schema.get("const")
        && c != value
    {
        return Err(format!("{path}: {value} is not {c}"));
    }
    if let Some(Value::Array(options)) = schema.get("enum")
        && !options.contains(value)
    {
        return Err(format!("{path}: {value} is not one of {options:?}"));
    }
    if let Some(Value::Array(options)) = schema.get("oneOf") {
        let fits: Vec<_> = options
            .iter()
            .map(|o| check(root, o, value, path))
            .collect();
        if fits.iter().filter(|f| f.is_ok()).count() != 1 {
            return Err(format!(
                "{path}: {value} fits not exactly one of oneOf: {fits:?}"
            ));
        }
    }
    if let Some(Value::Array(options)) = schema.get("anyOf")
        && !options.iter().any(|o| check(root, o, value, path).is_ok())
    {
        return Err(format!("{path}: {value} fits none of anyOf"));
    }
    if let Some(min) = schema.get("minimum").and_then(Value::as_f64)
        && value.as_f64().is_some_and(|v| v < min)
    {
        return Err(format!("{path}: {value} is below {min}"));
    }
    if let Value::Object(fields) = value {
        let props = schema.get("properties").and_then(Value::as_object);
        if let Some(Value::Array(required)) = schema.get("required") {
            for r in required.iter().filter_map(Value::as_str) {
                if !fields.contains_key(r) {
                    return Err(format!("{path}: required field `{r}` is missing"));
                }
            }
        }
        for (key, v) in fields {
            let at = format!("{path}.{key}");
            match (
                props.and_then(|p| p.get(key)),
                schema.get("additionalProperties"),
            ) {
                (Some(s), _) => check(root, s, v, &at)?,
                (None, Some(extra)) => check(root, extra, v, &at)?,
                (None, None) => {}
            }
        }
    }
    if let (Value::Array(items), Some(s)) = (value, schema.get("items")) {
        for (i, v) in items.iter().enumerate() {
            check(root, s, v, &format!("{path}[{i}]"))?;
        }
    }
    Ok(())
}

/// `value`'s JSON fits the shipped schema `name`.
fn fits<T: serde::Serialize>(name: &str, value: &T) {
    let schema: serde_json::Value = serde_json::from_str(&shipped(name)).unwrap();
    let json = serde_json::to_value(value).unwrap();
    if let Err(e) = check(&schema, &schema, &json, "$") {
        panic!("{name}: {e}\nin {json}");
    }
}

#[test]
fn the_checker_refuses_what_a_schema_refuses() {
    let query: serde_json::Value = serde_json::from_str(&shipped("query")).unwrap();
    let ok = serde_json::json!({ "account": "a", "user": "u", "sku": "s", "qty": 1, "at": "2026-06-01T00:00:00Z" });
    assert!(check(&query, &query, &ok, "$").is_ok());
    let mut extra = ok.clone();
    extra["quantity"] = 2.into();
    assert!(check(&query, &query, &extra, "$").is_err());
    let mut missing = ok.clone();
    missing.as_object_mut().unwrap().remove("qty");
    assert!(check(&query, &query, &missing, "$").is_err());
    let mut audience = ok;
    audience["audience"] = "robot".into();
    assert!(check(&query, &query, &audience, "$").is_err());
}

#[test]
fn real_answers_fit_the_shipped_schemas() {
    use tradeterms::{
        Audience, Changeset, Context, Dataset, ImpactOptions, Order, Query, Snapshot,
    };
    let text = include_str!("../examples/data/demo.json");
    let dataset = Dataset::from_json(text).unwrap();
    fits("dataset", &dataset);
    let snapshot = Snapshot::from_dataset(&dataset).unwrap();
    let at = "2026-06-01T00:00:00Z".parse().unwrap();
    let order: Order = serde_json::from_str(include_str!("../examples/data/order.json")).unwrap();
    for audience in [Audience::Operator, Audience::Buyer] {
        for account in ["abb-north", "abb-east", "austin-hardware", "nowhere"] {
            for user in ["john", "ann", "mia", "bob"] {
                for sku in ["DRILL-18V", "SAW-CIRC", "SCREW-100", "LASER-LVL", "NOPE"] {
                    for qty in [1, 100, 1000] {
                        let q = Query::new(account, user, sku, qty, at).with_audience(audience);
                        fits("query", &q);
                        fits("resolution", &snapshot.resolve(&q).unwrap());
                        fits("quote", &snapshot.quote(&q).unwrap());
                    }
                }
                let o = Order::new(account, user, at, order.lines.clone()).with_audience(audience);
                fits("order", &o);
                fits("order_answer", &snapshot.resolve_order(&o).unwrap());
                let payment = snapshot
                    .payment_in(account, user, &Context::default(), audience)
                    .unwrap();
                fits("payment", &payment);
                for line in snapshot
                    .price_sheet(account, user, at, 10)
                    .unwrap()
                    .audience(audience)
                {
                    fits("sheet_line", &line.unwrap());
                }
            }
        }
    }
    for w in snapshot.lint("2031-01-01T00:00:00Z".parse().unwrap()) {
        fits("warning", &w);
    }
    let change = Changeset::from_json(include_str!("../examples/data/changeset.json")).unwrap();
    fits("changeset", &change);
    let mut options = ImpactOptions::at(at);
    options.reference_order_total = Some("2000.00".parse().unwrap());
    let prepared = snapshot.preview(&change, &options).unwrap();
    fits("impact", prepared.impact());
    for entry in prepared.snapshot().change_log() {
        fits("log_entry", &entry);
    }
}
