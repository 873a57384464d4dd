//! Resolves and explains a handful of queries on the embedded demo dataset, modelled on the
//! Elastic Path account-pricing story: Abb Corp with regional sub-accounts on different lists
//! and one associate (John) shopping for each, Austin Hardware as a wholesale customer with its
//! own contract, a marketing user who may look but not see prices, and a stranger who is denied.
//!
//! Run with `cargo run --example quickstart`.
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

use tradeterms::{Dataset, Order, OrderLine, Query, Snapshot, Timestamp};

const DEMO: &str = include_str!("data/demo.json");

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dataset = Dataset::from_json(DEMO)?;
    let snapshot = Snapshot::from_dataset(&dataset)?;
    let at: Timestamp = "2026-06-01T12:00:00Z".parse()?;
    let queries = [
        (
            "abb-north",
            "john",
            "DRILL-18V",
            2,
            "North's own regional list beats the holding contract",
        ),
        (
            "abb-east",
            "john",
            "DRILL-18V",
            2,
            "East's relative list: 15% off list for power tools",
        ),
        (
            "abb-east",
            "john",
            "HAMMER-16",
            1,
            "East's list covers power tools only: the holding contract decides",
        ),
        (
            "abb-west",
            "john",
            "DRILL-18V",
            12,
            "West has no list of its own: the holding contract reaches it, volume tier 10+",
        ),
        (
            "abb-west-depot",
            "john",
            "DRILL-18V",
            1,
            "The depot uses its own lists only: public price",
        ),
        (
            "abb-north",
            "john",
            "LASER-LVL",
            1,
            "The laser level is sold on quote only",
        ),
        (
            "austin-hardware",
            "bob",
            "SCREW-100",
            250,
            "Wholesale: lowest price among the account contract and the graduated segment list",
        ),
        (
            "austin-hardware",
            "bob",
            "HAMMER-16",
            5,
            "Below the contract's first tier (12): the segment list decides",
        ),
        (
            "abb-north",
            "mia",
            "DRILL-18V",
            1,
            "Marketing may see the catalogue but not prices",
        ),
        (
            "abb-north",
            "bob",
            "DRILL-18V",
            1,
            "A stranger to Abb Corp is denied and learns nothing",
        ),
        (
            "abb-north",
            "eve",
            "DRILL-18V",
            1,
            "A disabled membership grants nothing",
        ),
    ];
    for (account, user, sku, qty, story) in queries {
        println!("## {story}");
        let answer = snapshot.resolve(&Query::new(account, user, sku, qty, at))?;
        println!("{answer}\n");
    }

    println!(
        "## Payment terms: the holding's net 45 reaches its sub-accounts, East has its own net 30"
    );
    for (account, user) in [
        ("abb-north", "john"),
        ("abb-east", "john"),
        ("austin-hardware", "bob"),
        ("abb-north", "mia"),
    ] {
        let payment = snapshot.payment(account, user)?;
        println!("{user} for {account}:\n{payment}\n");
    }

    println!("## Price sheet of Abb Corp East for John (every visible SKU, one unit)");
    for line in snapshot.price_sheet("abb-east", "john", at, 1)? {
        let line = line?;
        match line.outcome.price() {
            Some(price) => println!("  {:<10} {:>8} {}", line.sku, price.amount, price.currency),
            None => println!("  {:<10} quote required", line.sku),
        }
    }

    println!(
        "\n## An order for Abb Corp North: case packs, a quote-only SKU, a lead time beyond the contract, approvals"
    );
    let order = Order::new(
        "abb-north",
        "john",
        at,
        vec![
            OrderLine::new("DRILL-18V", 10u64),
            OrderLine::new("GLOVES-12", 30u64),
            OrderLine::new("SAW-CIRC", 1u64),
            OrderLine::new("LASER-LVL", 1u64),
        ],
    );
    println!("{}", snapshot.resolve_order(&order)?);
    Ok(())
}
