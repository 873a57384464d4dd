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
//! `ORDER.json` is an order as the library reads it (`tradeterms::Order`, see
//! `examples/data/order.json`): `{ "account": ..., "user": ..., "at": ..., "lines": [{ "sku":
//! "DRILL-18V", "qty": 10 }, ...] }`; `--account`, `--user`, `--at` and `--audience` given on the
//! command line replace the file's. A file of lines alone (`{ "lines": [...] }`) is read too,
//! with `--account` and `--user` then required. `--sku` and `--order` ask two different
//! questions: giving both is an error, as is giving two of `--sku`, `--order`, `--preview` and
//! `--lint`.
//! `CHANGESET.json` is a changeset against version 1 (see the README); the preview lists every
//! (account, SKU) whose answer it would change, without publishing anything.
//!
//! `--audience buyer` answers as the buyer's own screen would show it: the decision, the price,
//! the tier and the deciding list's name, and no other rule, owner or contract (the default,
//! `operator`, explains everything).
//!
//! Without `--at` the query is asked for 2026-01-01T00:00:00Z, and the answer says so (on stderr
//! with `--json`): the engine never reads a clock, and neither does this tool, so the same
//! command always gives the same answer. `--help` prints the usage on stdout.
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

const USAGE: &str = "usage: resolve --data FILE (--account A --user U --sku S --qty N | --order ORDER.json [--account A] [--user U]) [--audience operator|buyer] [--at RFC3339] [--json]
       resolve --data FILE --preview CHANGESET.json [--qty N] [--reference-total AMOUNT] [--at RFC3339] [--json]
       resolve --data FILE --lint [--at RFC3339] [--json]
       resolve --help

Without --at, answers are for 2026-01-01T00:00:00Z (this tool reads no clock).";

/// The instant asked for when `--at` is not given.
const DEFAULT_AT: &str = "2026-01-01T00:00:00Z";

/// The lines of an order alone, as an older `--order` file holds them.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct OrderFile {
    lines: Vec<tradeterms::OrderLine>,
}

/// What to answer: one line, or an order read from a file.
enum Ask {
    Line {
        sku: String,
        qty: tradeterms::Quantity,
    },
    Order(String),
    Preview {
        file: String,
        qty: tradeterms::Quantity,
        reference_total: Option<tradeterms::Decimal>,
    },
    Lint,
}

struct Args {
    data: String,
    /// Required for a line; for an order, replaces the file's.
    account: Option<String>,
    user: Option<String>,
    ask: Ask,
    at: Timestamp,
    /// Whether `--at` was given (else `at` is [`DEFAULT_AT`], and the output says so).
    at_given: bool,
    audience: Option<Audience>,
    json: bool,
}

/// The arguments, or `None` when `--help` asked for the usage.
fn parse_args() -> Result<Option<Args>, String> {
    let mut data = None;
    let mut account = None;
    let mut user = None;
    let mut sku = None;
    let mut qty = None;
    let mut order = None;
    let mut preview = None;
    let mut lint = false;
    let mut reference_total = None;
    let mut at: Timestamp = DEFAULT_AT.parse().map_err(|e| format!("{e}"))?;
    let mut at_given = false;
    let mut json = false;
    let mut audience = None;
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
                qty = Some(v.parse::<tradeterms::Quantity>().map_err(|_| {
                    format!("--qty must be a quantity such as 10 or 12.5, got `{v}`")
                })?);
            }
            "--at" => {
                let v = value()?;
                at = v.parse().map_err(|e| {
                    format!("--at must be an RFC 3339 instant such as 2026-06-01T12:00:00Z: {e}")
                })?;
                at_given = true;
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
                    "operator" => Some(Audience::Operator),
                    "buyer" => Some(Audience::Buyer),
                    other => {
                        return Err(format!(
                            "--audience must be `operator` or `buyer`, got `{other}`"
                        ));
                    }
                }
            }
            "-h" | "--help" => return Ok(None),
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    // One question at a time: a flag that would be ignored is an error instead.
    let asked: Vec<&str> = [
        ("--sku", sku.is_some()),
        ("--order", order.is_some()),
        ("--preview", preview.is_some()),
        ("--lint", lint),
    ]
    .into_iter()
    .filter_map(|(flag, given)| given.then_some(flag))
    .collect();
    if let [first, second, ..] = asked.as_slice() {
        return Err(format!(
            "{first} and {second} ask different questions: give one of them\n{USAGE}"
        ));
    }
    let missing = |name: &str| format!("missing {name}\n{USAGE}");
    let data = data.ok_or_else(|| missing("--data"))?;
    if let Some(file) = preview {
        return Ok(Some(Args {
            data,
            account: None,
            user: None,
            ask: Ask::Preview {
                file,
                qty: qty.unwrap_or(tradeterms::Quantity::ONE),
                reference_total,
            },
            at,
            at_given,
            audience,
            json,
        }));
    }
    if lint {
        return Ok(Some(Args {
            data,
            account: None,
            user: None,
            ask: Ask::Lint,
            at,
            at_given,
            audience,
            json,
        }));
    }
    if let Some(file) = order {
        return Ok(Some(Args {
            data,
            account,
            user,
            ask: Ask::Order(file),
            at,
            at_given,
            audience,
            json,
        }));
    }
    Ok(Some(Args {
        data,
        account: Some(account.ok_or_else(|| missing("--account"))?),
        user: Some(user.ok_or_else(|| missing("--user"))?),
        ask: Ask::Line {
            sku: sku.ok_or_else(|| missing("--sku or --order"))?,
            qty: qty.ok_or_else(|| missing("--qty"))?,
        },
        at,
        at_given,
        audience,
        json,
    }))
}

/// Says which instant the answer is for when `--at` was not given: on stdout before a text
/// answer, on stderr beside a JSON one (which must stay JSON).
fn note_default_at(args: &Args) -> Result<(), String> {
    if args.at_given {
        return Ok(());
    }
    let note = format!(
        "note: no --at given: answering at {DEFAULT_AT} (this tool reads no clock; pass --at for another instant)"
    );
    if args.json {
        eprintln!("{note}");
    } else {
        emit(format_args!("{note}\n"))?;
    }
    Ok(())
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
    let Some(args) = parse_args()? else {
        emit(format_args!("{USAGE}\n"))?;
        return Ok(());
    };
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
    let (sku, qty) = match &args.ask {
        Ask::Line { sku, qty } => (sku.clone(), *qty),
        Ask::Lint => {
            note_default_at(&args)?;
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
            note_default_at(&args)?;
            let (qty, reference_total) = (*qty, *reference_total);
            let text =
                std::fs::read_to_string(file).map_err(|e| format!("cannot read `{file}`: {e}"))?;
            let changeset = tradeterms::Changeset::from_json(&text)
                .map_err(|e| format!("`{file}` is not a valid changeset: {e}"))?;
            let mut options = tradeterms::ImpactOptions::at(args.at).with_qty(qty);
            options.reference_order_total = reference_total;
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
                std::fs::read_to_string(file).map_err(|e| format!("cannot read `{file}`: {e}"))?;
            // A complete order says who and when; the default instant is then not used.
            let mut order = match serde_json::from_str::<Order>(&text) {
                Ok(order) => order,
                Err(whole) => {
                    // Lines alone: who and when come from the command line.
                    let lines: OrderFile = serde_json::from_str(&text)
                        .map_err(|_| format!("`{file}` is not a valid order: {whole}"))?;
                    let who = |flag: &Option<String>, name: &str| {
                        flag.clone().ok_or_else(|| {
                            format!("`{file}` holds lines only: give {name}\n{USAGE}")
                        })
                    };
                    note_default_at(&args)?;
                    Order::new(
                        who(&args.account, "--account")?.as_str(),
                        who(&args.user, "--user")?.as_str(),
                        args.at,
                        lines.lines,
                    )
                }
            };
            if let Some(account) = &args.account {
                order.account = account.as_str().into();
            }
            if let Some(user) = &args.user {
                order.user = user.as_str().into();
            }
            if args.at_given {
                order.at = args.at;
            }
            if let Some(audience) = args.audience {
                order = order.with_audience(audience);
            }
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
    note_default_at(&args)?;
    let audience = args.audience.unwrap_or_default();
    let query = Query::new(
        args.account.as_deref().unwrap_or_default(),
        args.user.as_deref().unwrap_or_default(),
        sku.as_str(),
        qty,
        args.at,
    )
    .with_audience(audience);
    let answer = snapshot.resolve(&query).map_err(|e| e.to_string())?;
    let payment = snapshot
        .payment_in(&query.account, &query.user, &query.context, audience)
        .map_err(|e| e.to_string())?;
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
