//! Prints the JSON Schemas of the dataset format, the inputs and the answers, generated from the
//! types.
//!
//! ```text
//! cargo run --features schema --example schema > schema/dataset.schema.json   # the dataset
//! cargo run --features schema --example schema -- resolution                  # one, by name
//! cargo run --features schema --example schema -- --write schema              # every one
//! cargo run --features schema --example schema -- --list                      # their names
//! ```
//!
//! `--write DIR` writes each schema to `DIR/<name>.schema.json`. Inputs (the dataset, a
//! changeset, a query, an order) are described as the engine reads them; answers as the engine
//! writes them (which is also what it reads back). CI checks that every shipped
//! `schema/*.schema.json` matches the types (`tests/schema.rs`).
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

#[path = "support/schemas.rs"]
mod schemas;
use schemars::Schema;
use schemas::{input, schemas};

const USAGE: &str = "usage: schema [NAME | --write DIR | --list | --help]
  (no argument)  print the dataset schema
  NAME           print the schema NAME (see --list)
  --write DIR    write every schema to DIR/<name>.schema.json
  --list         list the schema names";

fn text(schema: &Schema) -> String {
    match serde_json::to_string_pretty(schema) {
        Ok(text) => text,
        Err(e) => fail(&format!("cannot serialise the schema: {e}")),
    }
}

fn fail(message: &str) -> ! {
    eprintln!("{message}");
    std::process::exit(1);
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let schemas = schemas();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        [] => println!("{}", text(&input::<tradeterms::Dataset>())),
        ["--help" | "-h"] => println!("{USAGE}"),
        ["--list"] => {
            for (name, _) in &schemas {
                println!("{name}");
            }
        }
        ["--write", dir] => {
            for (name, schema) in &schemas {
                let path = std::path::Path::new(dir).join(format!("{name}.schema.json"));
                if let Err(e) = std::fs::write(&path, format!("{}\n", text(schema))) {
                    fail(&format!("cannot write {}: {e}", path.display()));
                }
                eprintln!("wrote {}", path.display());
            }
        }
        [name] if !name.starts_with('-') => match schemas.iter().find(|(n, _)| n == name) {
            Some((_, schema)) => println!("{}", text(schema)),
            None => fail(&format!("no schema named `{name}`: try --list")),
        },
        _ => fail(USAGE),
    }
}
