//! Prints the JSON Schema of the dataset format, generated from the types.
//!
//! ```text
//! cargo run --features schema --example schema > schema/dataset.schema.json
//! ```
//!
//! CI checks that the shipped `schema/dataset.schema.json` matches the types (`tests/schema.rs`).

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
