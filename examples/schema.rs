//! Prints the JSON Schema of the dataset format, generated from the types.
//!
//! ```text
//! cargo run --features schema --example schema > schema/dataset.schema.json
//! ```
//!
//! CI checks that the shipped `schema/dataset.schema.json` matches the types (`tests/schema.rs`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects,
    clippy::unreachable,
    reason = "example code: it shows the API plainly and exits on bad input with the error"
)]

fn main() {
    let schema = schemars::schema_for!(tradeterms::Dataset);
    match serde_json::to_string_pretty(&schema) {
        Ok(text) => println!("{text}"),
        Err(e) => {
            eprintln!("cannot serialise the schema: {e}");
            std::process::exit(1);
        }
    }
}
