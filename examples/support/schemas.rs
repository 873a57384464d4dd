//! The list of shipped JSON Schemas and how each is made: one list, used by the `schema`
//! example that writes them and by `tests/schema.rs` that checks them, so a schema cannot be
//! written without being checked.

use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema};

/// A schema of what the engine reads.
pub fn input<T: JsonSchema>() -> Schema {
    schemars::schema_for!(T)
}

/// A schema of what the engine writes.
pub fn answer<T: JsonSchema>() -> Schema {
    SchemaSettings::default()
        .for_serialize()
        .into_generator()
        .into_root_schema_for::<T>()
}

/// Every shipped schema by name (`schema/<name>.schema.json`).
pub fn schemas() -> Vec<(&'static str, Schema)> {
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
