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

use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema};

const REGENERATE: &str = "cargo run --features schema --example schema -- --write schema";

/// A schema of what the engine reads (as `examples/schema.rs` makes it).
fn input<T: JsonSchema>() -> Schema {
    schemars::schema_for!(T)
}

/// A schema of what the engine writes.
fn answer<T: JsonSchema>() -> Schema {
    SchemaSettings::default()
        .for_serialize()
        .into_generator()
        .into_root_schema_for::<T>()
}

/// Every shipped schema, as `examples/schema.rs` lists them.
fn schemas() -> Vec<(&'static str, Schema)> {
    use tradeterms::*;
    vec![
        ("dataset", input::<Dataset>()),
        ("changeset", input::<Changeset>()),
        ("query", input::<Query>()),
        ("order", input::<Order>()),
        ("resolution", answer::<Resolution>()),
        ("quote", answer::<Quote>()),
        ("sheet_line", answer::<SheetLine>()),
        ("order_answer", answer::<OrderAnswer>()),
        ("payment", answer::<Payment>()),
        ("impact", answer::<Impact>()),
        ("warning", answer::<Warning>()),
        ("log_entry", answer::<LogEntry>()),
    ]
}

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
