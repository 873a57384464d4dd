//! Imports only go downward: govern -> decide -> model -> format -> the leaf modules.
//!
//! Reads every file under `src/` and fails on a `crate::` path (in code, not in comments) that
//! names a layer above the file's own, on the grouped form `crate::{...}` (which would hide the
//! layer named), on a root re-export (`crate::Snapshot`) used instead of its module path, and on
//! `super::super`, which would climb out of a folder without naming the layer.
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

use std::path::{Path, PathBuf};

/// The rank of a layer: a file may only name layers of a lower or equal rank.
fn rank(layer: &str) -> Option<u8> {
    Some(match layer {
        "id" | "money" | "time" | "error" | "country" | "quantity" => 0,
        "format" => 1,
        "model" => 2,
        "decide" => 3,
        "govern" => 4,
        // The generator and the crate root sit on top: they may use everything.
        "generate" | "lib" => 5,
        _ => return None,
    })
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The layer a file belongs to: its first path component under `src/`, without `.rs`.
fn layer_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap();
    let first = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_string()
}

/// Violations in one file's text, as `line: message`.
fn violations(layer: &str, text: &str) -> Vec<String> {
    let own =
        rank(layer).unwrap_or_else(|| panic!("src/{layer} belongs to no layer: add it to rank()"));
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let code = line.trim_start();
        if code.starts_with("//") {
            continue;
        }
        let code = code.split(" //").next().unwrap_or(code);
        if code.contains("super::super") {
            out.push(format!(
                "{}: `super::super` climbs out of a folder: name the layer",
                n + 1
            ));
        }
        for (i, _) in code.match_indices("crate::") {
            let rest = &code[i + "crate::".len()..];
            if rest.starts_with('{') {
                out.push(format!(
                    "{}: `crate::{{...}}` hides the layers it names: one path a line",
                    n + 1
                ));
                continue;
            }
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if name.starts_with(|c: char| c.is_uppercase()) {
                if layer != "lib" {
                    out.push(format!(
                        "{}: `crate::{name}` is a root re-export: use its module path",
                        n + 1
                    ));
                }
                continue;
            }
            match rank(&name) {
                Some(r) if r > own => out.push(format!(
                    "{}: `crate::{name}` points upward from the `{layer}` layer",
                    n + 1
                )),
                Some(_) => {}
                None => out.push(format!("{}: `crate::{name}` is not a known layer", n + 1)),
            }
        }
    }
    out
}

#[test]
fn imports_only_point_downward() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut all = Vec::new();
    files(&src, &mut all);
    all.sort();
    let mut problems = Vec::new();
    for file in &all {
        let layer = layer_of(&src, file);
        let text = std::fs::read_to_string(file).unwrap();
        for v in violations(&layer, &text) {
            problems.push(format!(
                "{}:{v}",
                file.strip_prefix(&src).unwrap().display()
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "imports that break the layering:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_check_catches_what_it_should() {
    assert_eq!(
        violations("model", "use crate::decide::resolution::Outcome;").len(),
        1
    );
    assert_eq!(
        violations("model", "let x = crate::govern::changeset::Op::Remove;").len(),
        1
    );
    assert_eq!(
        violations("format", "use crate::model::account::Accounts;").len(),
        1
    );
    assert_eq!(violations("decide", "use crate::{model, govern};").len(), 1);
    assert_eq!(
        violations("decide", "let q = crate::Query::new();").len(),
        1
    );
    assert_eq!(violations("decide", "use super::super::govern;").len(), 1);
    assert!(violations("decide", "use crate::model::snapshot::Snapshot;").is_empty());
    assert!(violations("model", "/// see [`crate::decide`]").is_empty());
    assert!(violations("id", "use crate::money::Currency;").is_empty());
}
