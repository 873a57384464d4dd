//! The shipped JSON Schema matches the types. Run with `cargo test --features schema --test schema`;
//! regenerate with `cargo run --features schema --example schema > schema/dataset.schema.json`.
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

#[test]
fn the_shipped_schema_matches_the_types() {
    let generated =
        serde_json::to_string_pretty(&schemars::schema_for!(tradeterms::Dataset)).unwrap();
    let shipped = include_str!("../schema/dataset.schema.json");
    assert_eq!(
        generated.trim(),
        shipped.trim(),
        "schema/dataset.schema.json is out of date: regenerate it with `cargo run --features schema --example schema > schema/dataset.schema.json`"
    );
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
