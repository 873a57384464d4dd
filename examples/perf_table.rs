//! Regenerates the README's performance table from fresh runs (issue 15, point 7).
//!
//! ```text
//! cargo run --release --example perf_table -- [--sizes medium,large] [--measurement-time 3]
//! ```
//!
//! For each size it runs, with `TRADETERMS_BENCH_SIZE` set, the criterion benches `resolve`,
//! `sheet`, `governance` and `build` (and `order` at `medium`), each writing its results
//! under its own `CRITERION_HOME` (`<target>/perf_table/<size>`, so one size never overwrites
//! another's), then the `memory` and `latency` examples; then `cargo bench --bench scaling`
//! once. It reads criterion's `estimates.json` (the slope when criterion fitted one, else the
//! mean: the central estimate criterion prints), the benches' own stderr lines (retained bytes
//! per version, sheet lines, entry counts) and the examples' `summary` lines, and prints the
//! table in the README's layout on stdout, every figure from this run. Progress and the
//! commands' output go to stderr.
//!
//! It takes about 10 minutes at `medium` and 30 at `large` on the 2-core CI machine; run it
//! on a quiet machine: every figure is a time.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects,
    reason = "example code: a failed measurement aborts the run with the reason"
)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const USAGE: &str = "usage: perf_table [--sizes medium,large] [--measurement-time SECONDS]

Runs the benches and the memory and latency examples at each size and prints the README's
performance table from their results (stdout); progress goes to stderr.";

struct Args {
    sizes: Vec<String>,
    measurement_time: String,
}

fn args() -> Args {
    let mut a = Args {
        sizes: vec!["medium".into(), "large".into()],
        measurement_time: "3".into(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        if flag == "--help" || flag == "-h" {
            println!("{USAGE}");
            std::process::exit(0);
        }
        let Some(value) = it.next() else {
            eprintln!("`{flag}` needs a value\n\n{USAGE}");
            std::process::exit(2);
        };
        match flag.as_str() {
            "--sizes" => a.sizes = value.split(',').map(str::to_owned).collect(),
            "--measurement-time" => a.measurement_time = value,
            _ => {
                eprintln!("unknown argument `{flag}`\n\n{USAGE}");
                std::process::exit(2);
            }
        }
    }
    for s in &a.sizes {
        if !matches!(s.as_str(), "small" | "medium" | "large") {
            eprintln!("unknown size `{s}`: small, medium or large\n\n{USAGE}");
            std::process::exit(2);
        }
    }
    a
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
}

/// Runs `cargo <args>` in the crate, with `env`; returns (stdout, stderr) and echoes both to
/// stderr as they were.
fn cargo(args: &[&str], env: &[(&str, &Path)]) -> (String, String) {
    eprintln!("$ cargo {}", args.join(" "));
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("cargo runs");
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    );
    eprint!("{stdout}{stderr}");
    assert!(
        out.status.success(),
        "`cargo {}` failed:\n{stdout}",
        args.join(" ")
    );
    (stdout, stderr)
}

/// Criterion's central estimate for `group/function` under `home`, in nanoseconds.
fn estimate(home: &Path, id: &str) -> f64 {
    let path = home.join(id).join("new").join("estimates.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let point = |k: &str| v[k]["point_estimate"].as_f64();
    point("slope").or_else(|| point("mean")).unwrap()
}

/// The `key=value` fields of the first stdout line starting with `prefix` and holding every
/// `must` pair.
fn summary(stdout: &str, prefix: &str, must: &[(&str, &str)]) -> HashMap<String, String> {
    stdout
        .lines()
        .filter(|l| l.starts_with(prefix))
        .map(|l| {
            l.split_whitespace()
                .filter_map(|kv| kv.split_once('='))
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect::<HashMap<_, _>>()
        })
        .find(|m| {
            must.iter()
                .all(|(k, v)| m.get(*k).map(String::as_str) == Some(*v))
        })
        .unwrap_or_else(|| panic!("no `{prefix}` line with {must:?} in:\n{stdout}"))
}

/// The number just before `after` on the stderr line containing `marker`.
fn number_before(stderr: &str, marker: &str, after: &str) -> f64 {
    let line = stderr
        .lines()
        .find(|l| l.contains(marker))
        .unwrap_or_else(|| panic!("no line with `{marker}`"));
    let head = &line[..line.find(after).unwrap()];
    let word = head.split_whitespace().last().unwrap();
    word.trim_end_matches(|c: char| !c.is_ascii_digit())
        .parse()
        .unwrap_or_else(|_| panic!("`{word}` before `{after}` in `{line}` is not a number"))
}

fn time(ns: f64) -> String {
    if ns < 1_000.0 {
        format!("{ns:.0} ns")
    } else if ns < 1_000_000.0 {
        format!("{:.2} us", ns / 1_000.0)
    } else if ns < 1_000_000_000.0 {
        format!("{:.1} ms", ns / 1_000_000.0)
    } else {
        format!("{:.2} s", ns / 1_000_000_000.0)
    }
}

fn thousands(n: f64) -> String {
    let s = format!("{n:.0}");
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Every figure of one size.
#[derive(Default)]
struct Figures {
    cells: HashMap<String, String>,
}

fn measure(size: &str, measurement_time: &str) -> Figures {
    let home = target_dir().join("perf_table").join(size);
    let size_path = PathBuf::from(size);
    let env = [
        ("TRADETERMS_BENCH_SIZE", size_path.as_path()),
        ("CRITERION_HOME", home.as_path()),
    ];
    let criterion = [
        "--warm-up-time",
        "1",
        "--measurement-time",
        measurement_time,
    ];
    let bench = |name: &str| {
        let mut args = vec!["bench", "--locked", "--bench", name, "--"];
        args.extend(criterion);
        cargo(&args, &env)
    };
    let mut f = Figures::default();
    let mut put = |k: &str, v: String| {
        f.cells.insert(k.to_owned(), v);
    };

    let (_, resolve_err) = bench("resolve");
    let est = |id: &str| estimate(&home, id);
    let floor = est("floor/hashmap_random_keys");
    let ratio = |v: f64, of: f64| format!("{} ({:.1}x)", time(v), v / of);
    put("floor", time(floor));
    put("quote_random", ratio(est("quote/random_keys"), floor));
    put("resolve_random", ratio(est("resolve/random_keys"), floor));
    for path in ["quote", "resolve"] {
        let (ctx, plain) = (
            est(&format!("{path}/random_keys_in_contexts")),
            est(&format!("{path}/random_keys")),
        );
        put(
            if path == "quote" {
                "quote_contexts"
            } else {
                "resolve_contexts"
            },
            format!("{} vs {} ({:.2}x)", time(ctx), time(plain), ctx / plain),
        );
    }
    put("quote_repeated", time(est("quote/repeated_key")));
    put("resolve_repeated", time(est("resolve/repeated_key")));
    let entries = number_before(&resolve_err, "price entries;", "price entries;");

    let (_, sheet_err) = bench("sheet");
    let lines = number_before(&sheet_err, "lines (whole catalogue)", "lines (whole");
    let per = |ns: f64| {
        format!(
            "{} / {} lines (~{} per 100,000)",
            time(ns),
            thousands(lines),
            time(ns * 100_000.0 / lines.max(1.0))
        )
    };
    put("price_sheet", per(est("price_sheet/whole_catalogue")));
    put("quote_sheet", per(est("quote_sheet/whole_catalogue")));

    let (_, gov_err) = bench("governance");
    put("apply", time(est("apply/one_price")));
    let retained = number_before(&gov_err, "retained heap per version", "bytes on average");
    put("retained", format!("{} B", thousands(retained)));
    let impact = home.join("impact/one_list_change/new/estimates.json");
    put(
        "impact",
        if impact.exists() {
            time(est("impact/one_list_change"))
        } else {
            "skipped (one call over the bench's limit)".into()
        },
    );

    if size != "large" {
        bench("order");
        put("order", time(est("resolve_order/20_lines")));
    }
    bench("build");
    put("build_bench", time(est(&format!("build/{size}"))));

    let (memory, _) = cargo(
        &[
            "run",
            "--release",
            "--locked",
            "--example",
            "memory",
            "--",
            "--size",
            size,
        ],
        &[],
    );
    let m = summary(&memory, "summary memory", &[]);
    put("bytes_per_entry", m["bytes_per_entry"].clone());
    put(
        "build_memory",
        format!(
            "{} (peak {} MiB above the dataset)",
            time(m["build_ms"].parse::<f64>().unwrap() * 1_000_000.0),
            m["peak_build_mib"]
        ),
    );

    let (latency, _) = cargo(
        &[
            "run",
            "--release",
            "--locked",
            "--example",
            "latency",
            "--",
            "--size",
            size,
            "--rounds",
            "2",
        ],
        &[],
    );
    let b = summary(&latency, "summary build", &[]);
    put(
        "build_latency",
        format!(
            "{} ({} cores)",
            time(b["build_ms"].parse::<f64>().unwrap() * 1_000_000.0),
            b["cores"]
        ),
    );
    let lat = |mix: &str, path: &str, k: &str| -> f64 {
        summary(&latency, "summary latency", &[("mix", mix), ("path", path)])[k]
            .parse()
            .unwrap()
    };
    for mix in ["uniform", "contract", "lowest_price"] {
        let fl = |k: &str| lat(mix, "floor", k);
        let cell = |path: &str, k: &str| {
            let v = lat(mix, path, k);
            format!("{} ({:.1}x)", time(v), v / fl(k))
        };
        f.cells.insert(
            format!("lat_{mix}_quote"),
            match mix {
                "uniform" => format!(
                    "{} / {} / {}",
                    cell("quote", "p50_ns"),
                    cell("quote", "p99_ns"),
                    cell("quote", "mean_ns")
                ),
                _ => format!("{} / {}", cell("quote", "p50_ns"), cell("quote", "p99_ns")),
            },
        );
        f.cells
            .insert(format!("lat_{mix}_quote_by"), cell("quote_by", "p50_ns"));
        f.cells.insert(
            format!("lat_{mix}_resolve"),
            format!(
                "{} / {}",
                cell("resolve", "p50_ns"),
                cell("resolve", "mean_ns")
            ),
        );
    }
    f.cells.insert("entries".into(), thousands(entries));
    f
}

fn main() {
    let args = args();
    let mut by_size: HashMap<String, Figures> = HashMap::new();
    for size in &args.sizes {
        eprintln!("== size {size}");
        by_size.insert(size.clone(), measure(size, &args.measurement_time));
    }
    let home = target_dir().join("perf_table").join("scaling");
    cargo(
        &[
            "bench",
            "--locked",
            "--bench",
            "scaling",
            "--",
            "--warm-up-time",
            "1",
            "--measurement-time",
            &args.measurement_time,
        ],
        &[("CRITERION_HOME", home.as_path())],
    );
    let (few, many) = (
        estimate(&home, "scaling/10"),
        estimate(&home, "scaling/100000"),
    );
    let scaling = format!("{} -> {} ({:.2}x)", time(few), time(many), many / few);

    let cell = |size: &str, k: &str| -> String {
        by_size
            .get(size)
            .and_then(|f| f.cells.get(k).cloned())
            .unwrap_or_default()
    };
    let bench = |b: &str| format!("`TRADETERMS_BENCH_SIZE=<size> cargo bench --bench {b}`");
    let rows: Vec<(&str, &str, &str, String)> = vec![
        ("price entries (generator)", "", "entries", String::new()),
        (
            "floor: hash-map lookup, random keys",
            "",
            "floor",
            bench("resolve"),
        ),
        (
            "`quote` (lean), random keys",
            "",
            "quote_random",
            "same".into(),
        ),
        (
            "`resolve` (explained), random keys",
            "",
            "resolve_random",
            "same".into(),
        ),
        (
            "`quote`, 100,000 random keys one by one, p50 / p99 / mean (uniform mix)",
            "p50 within 5x, p99 and mean within 10x",
            "lat_uniform_quote",
            "`cargo run --release --example latency -- --size <size>`".into(),
        ),
        (
            "`quote_by` (handles), same keys, p50",
            "within 3x",
            "lat_uniform_quote_by",
            "same".into(),
        ),
        (
            "`resolve`, same keys, p50 / mean",
            "within 10x / 20x",
            "lat_uniform_resolve",
            "same".into(),
        ),
        (
            "`quote`, contract mix, p50 / p99",
            "",
            "lat_contract_quote",
            "same".into(),
        ),
        (
            "`quote_by`, contract mix, p50",
            "",
            "lat_contract_quote_by",
            "same".into(),
        ),
        (
            "`resolve`, contract mix, p50 / mean",
            "",
            "lat_contract_resolve",
            "same".into(),
        ),
        (
            "`quote`, `lowest_price` mix, p50 / p99",
            "",
            "lat_lowest_price_quote",
            "same".into(),
        ),
        (
            "`quote_by`, `lowest_price` mix, p50",
            "",
            "lat_lowest_price_quote_by",
            "same".into(),
        ),
        (
            "`resolve`, `lowest_price` mix, p50 / mean",
            "",
            "lat_lowest_price_resolve",
            "same".into(),
        ),
        (
            "`quote` in contexts and units vs without, same keys",
            "at most 1.2x",
            "quote_contexts",
            bench("resolve"),
        ),
        (
            "`resolve` in contexts and units vs without, same keys",
            "at most 1.2x",
            "resolve_contexts",
            "same".into(),
        ),
        (
            "`quote`, one repeated key",
            "",
            "quote_repeated",
            "same".into(),
        ),
        (
            "`resolve`, one repeated key",
            "",
            "resolve_repeated",
            "same".into(),
        ),
        (
            "bytes per price entry (snapshot, dataset dropped)",
            "at most 64",
            "bytes_per_entry",
            "`cargo run --release --example memory -- --size <size>`".into(),
        ),
        (
            "snapshot build (one run, the latency example's; lists on up to 8 threads)",
            "10M entries in at most 5 s",
            "build_latency",
            "`cargo run --release --example latency -- --size <size>`".into(),
        ),
        (
            "snapshot build with the counting allocator on, and its peak memory",
            "peak stated",
            "build_memory",
            "`cargo run --release --example memory -- --size <size>`".into(),
        ),
        (
            "snapshot build (criterion)",
            "",
            "build_bench",
            bench("build"),
        ),
        (
            "apply a one-price changeset",
            "at most 50 us",
            "apply",
            bench("governance"),
        ),
        (
            "retained heap per version of a one-price change",
            "at most 8 KB",
            "retained",
            "same".into(),
        ),
        (
            "impact preview of a 10-entry change to one contract list",
            "",
            "impact",
            "same".into(),
        ),
        (
            "`resolve_order`, 20 lines",
            "",
            "order",
            "`cargo bench --bench order`".into(),
        ),
        (
            "price sheet, whole catalogue, explained (`price_sheet`)",
            "",
            "price_sheet",
            bench("sheet"),
        ),
        (
            "price sheet, lean (`quote_sheet`)",
            "100,000 SKUs in at most 100 ms",
            "quote_sheet",
            "same".into(),
        ),
    ];
    println!(
        "| figure | target (large) | {} | command |",
        args.sizes.join(" | ")
    );
    println!("|---|---|{}---|", "---|".repeat(args.sizes.len()));
    for (figure, target, key, command) in rows {
        let cells: Vec<String> = args.sizes.iter().map(|s| cell(s, key)).collect();
        println!(
            "| {figure} | {target} | {} | {command} |",
            cells.join(" | ")
        );
    }
    // Scaling does not depend on the size: its figure goes in the first column.
    let mut cells = vec![String::new(); args.sizes.len()];
    cells[0] = scaling;
    println!(
        "| resolve as total lists grow 10 -> 100,000, applicable lists fixed | at most 1.2x | {} | `cargo bench --bench scaling` |",
        cells.join(" | ")
    );
    println!(
        "\nGenerated by `cargo run --release --example perf_table -- --sizes {}` (measurement time {} s).",
        args.sizes.join(","),
        args.measurement_time
    );
}
