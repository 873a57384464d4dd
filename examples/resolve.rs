//! Answers one query on any dataset, for evaluation and scripting.
//!
//! ```text
//! cargo run --example resolve -- --data FILE --account A --user U --sku S --qty N \
//!     [--at RFC3339] [--audience operator|buyer] [--json]
//! cargo run --example resolve -- --data FILE --account A --user U --order ORDER.json \
//!     [--at RFC3339] [--audience operator|buyer] [--json]
//! cargo run --example resolve -- --data FILE --preview CHANGESET.json \
//!     [--qty N] [--reference-total AMOUNT] [--at RFC3339] [--json]
//! cargo run --example resolve -- --data FILE --lint [--at RFC3339]
//! ```
//!
//! `ORDER.json` holds the lines: `{ "lines": [{ "sku": "DRILL-18V", "qty": 10 }, ...] }`.
//! `CHANGESET.json` is a changeset against version 1 (see the README); the preview lists every
//! (account, SKU) whose answer it would change, without publishing anything.
//!
//! `--audience buyer` answers as the buyer's own screen would show it: the decision, the price,
//! the tier and the deciding list's name, and no other rule, owner or contract (the default,
//! `operator`, explains everything).
//!
//! Without `--at` the query is asked for 2026-01-01T00:00:00Z: the engine never reads a clock,
//! and neither does this tool, so the same command always gives the same answer.
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

use std::process::ExitCode;
use tradeterms::{Audience, Dataset, Order, Query, Snapshot, Timestamp};

const USAGE: &str = "usage: resolve --data FILE (--account A --user U (--sku S --qty N | --order ORDER.json) [--audience operator|buyer] | --preview CHANGESET.json [--qty N] [--reference-total AMOUNT] | --lint) [--at RFC3339] [--json]";

/// The lines of an order, as read from `--order`.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct OrderFile {
    lines: Vec<tradeterms::OrderLine>,
}

/// What to answer: one line, or an order read from a file.
enum Ask {
    Line {
        sku: String,
        qty: u64,
    },
    Order(String),
    Preview {
        file: String,
        qty: u64,
        reference_total: Option<tradeterms::Decimal>,
    },
    Lint,
}

struct Args {
    data: String,
    account: String,
    user: String,
    ask: Ask,
    at: Timestamp,
    audience: Audience,
    json: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut data = None;
    let mut account = None;
    let mut user = None;
    let mut sku = None;
    let mut qty = None;
    let mut order = None;
    let mut preview = None;
    let mut lint = false;
    let mut reference_total = None;
    let mut at: Timestamp = "2026-01-01T00:00:00Z".parse().map_err(|e| format!("{e}"))?;
    let mut json = false;
    let mut audience = Audience::Operator;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || {
            args.next()
                .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))
        };
        match flag.as_str() {
            "--data" => data = Some(value()?),
            "--account" => account = Some(value()?),
            "--user" => user = Some(value()?),
            "--sku" => sku = Some(value()?),
            "--qty" => {
                let v = value()?;
                qty = Some(
                    v.parse::<u64>()
                        .map_err(|_| format!("--qty must be a whole number, got `{v}`"))?,
                );
            }
            "--at" => {
                let v = value()?;
                at = v.parse().map_err(|e| {
                    format!("--at must be an RFC 3339 instant such as 2026-06-01T12:00:00Z: {e}")
                })?;
            }
            "--order" => order = Some(value()?),
            "--preview" => preview = Some(value()?),
            "--lint" => lint = true,
            "--reference-total" => {
                let v = value()?;
                reference_total = Some(v.parse::<tradeterms::Decimal>().map_err(|_| {
                    format!("--reference-total must be a decimal amount, got `{v}`")
                })?);
            }
            "--json" => json = true,
            "--audience" => {
                audience = match value()?.as_str() {
                    "operator" => Audience::Operator,
                    "buyer" => Audience::Buyer,
                    other => {
                        return Err(format!(
                            "--audience must be `operator` or `buyer`, got `{other}`"
                        ));
                    }
                }
            }
            "-h" | "--help" => return Err(USAGE.to_string()),
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    let missing = |name: &str| format!("missing {name}\n{USAGE}");
    let data = data.ok_or_else(|| missing("--data"))?;
    if let Some(file) = preview {
        return Ok(Args {
            data,
            account: String::new(),
            user: String::new(),
            ask: Ask::Preview {
                file,
                qty: qty.unwrap_or(1),
                reference_total,
            },
            at,
            audience,
            json,
        });
    }
    if lint {
        return Ok(Args {
            data,
            account: String::new(),
            user: String::new(),
            ask: Ask::Lint,
            at,
            audience,
            json,
        });
    }
    Ok(Args {
        data,
        account: account.ok_or_else(|| missing("--account"))?,
        user: user.ok_or_else(|| missing("--user"))?,
        ask: match order {
            Some(file) => Ask::Order(file),
            None => Ask::Line {
                sku: sku.ok_or_else(|| missing("--sku or --order"))?,
                qty: qty.ok_or_else(|| missing("--qty"))?,
            },
        },
        at,
        audience,
        json,
    })
}

/// Writes to standard output; a closed pipe (`resolve ... | head`) ends the program quietly
/// instead of panicking as `println!` does.
fn emit(text: std::fmt::Arguments<'_>) -> Result<(), String> {
    use std::io::Write;
    match std::io::stdout().lock().write_fmt(text) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
        Err(e) => Err(format!("cannot write the answer: {e}")),
    }
}

macro_rules! out {
    ($($arg:tt)*) => { emit(format_args!($($arg)*))? };
}

macro_rules! outln {
    ($($arg:tt)*) => {{ emit(format_args!($($arg)*))?; emit(format_args!("\n"))?; }};
}

fn run() -> Result<(), String> {
    let args = parse_args()?;
    let text = std::fs::read_to_string(&args.data)
        .map_err(|e| format!("cannot read `{}`: {e}", args.data))?;
    let dataset = Dataset::from_json(&text)
        .map_err(|e| format!("`{}` is not a valid dataset: {e}", args.data))?;
    let snapshot = Snapshot::from_dataset(&dataset).map_err(|e| {
        let mut msg = format!("`{}` has {} problem(s):", args.data, e.total());
        for p in e.problems() {
            msg.push_str("\n  - ");
            msg.push_str(&p.to_string());
        }
        if e.omitted() > 0 {
            msg.push_str(&format!("\n  - and {} more not listed", e.omitted()));
        }
        msg
    })?;
    let (sku, qty) = match args.ask {
        Ask::Line { sku, qty } => (sku, qty),
        Ask::Lint => {
            let warnings = snapshot.lint(args.at);
            if args.json {
                outln!(
                    "{}",
                    serde_json::to_string_pretty(&warnings).map_err(|e| e.to_string())?
                );
            } else if warnings.is_empty() {
                outln!("no warnings");
            } else {
                for w in &warnings {
                    outln!("- {w}");
                }
            }
            return Ok(());
        }
        Ask::Preview {
            file,
            qty,
            reference_total,
        } => {
            let text =
                std::fs::read_to_string(&file).map_err(|e| format!("cannot read `{file}`: {e}"))?;
            let changeset = tradeterms::Changeset::from_json(&text)
                .map_err(|e| format!("`{file}` is not a valid changeset: {e}"))?;
            let options = tradeterms::ImpactOptions {
                at: args.at,
                qty,
                reference_order_total: reference_total,
                ..tradeterms::ImpactOptions::at(args.at)
            };
            let impact = snapshot
                .preview(&changeset, &options)
                .map_err(|e| e.to_string())?
                .into_impact();
            if args.json {
                outln!(
                    "{}",
                    serde_json::to_string_pretty(&impact).map_err(|e| e.to_string())?
                );
            } else {
                out!("{impact}");
            }
            return Ok(());
        }
        Ask::Order(file) => {
            let text =
                std::fs::read_to_string(&file).map_err(|e| format!("cannot read `{file}`: {e}"))?;
            let lines: OrderFile = serde_json::from_str(&text)
                .map_err(|e| format!("`{file}` is not a valid order: {e}"))?;
            let order = Order {
                audience: args.audience,
                account: args.account.as_str().into(),
                user: args.user.as_str().into(),
                at: args.at,
                lines: lines.lines,
            };
            let answer = snapshot.resolve_order(&order).map_err(|e| e.to_string())?;
            if args.json {
                let out = serde_json::to_string_pretty(&answer).map_err(|e| e.to_string())?;
                outln!("{out}");
            } else {
                outln!("{answer}");
            }
            return Ok(());
        }
    };
    let query = Query::new(
        args.account.as_str(),
        args.user.as_str(),
        sku.as_str(),
        qty,
        args.at,
    )
    .with_audience(args.audience);
    let answer = snapshot.resolve(&query).map_err(|e| e.to_string())?;
    let payment = snapshot
        .payment(&query.account, &query.user)
        .map_err(|e| e.to_string())?
        .for_audience(args.audience);
    if args.json {
        let out = serde_json::json!({ "resolution": answer, "payment": payment });
        let out = serde_json::to_string_pretty(&out).map_err(|e| e.to_string())?;
        outln!("{out}");
    } else {
        outln!("{answer}\n{payment}");
    }
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(2)
        }
    }
}
