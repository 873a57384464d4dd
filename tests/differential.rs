//! Differential test: the engine against the naive reference model of `tests/reference`
//! (written from the numbered rules of `docs/SEMANTICS.md`, not from `src/`), on generated
//! datasets.
//!
//! Three implementations answer through one trait (`reference::resolver::Resolver`): the
//! engine's explained `resolve`, the engine's lean `quote`, and the reference. Every pair is
//! compared on what both report: `resolve` and the reference on everything (outcome kind,
//! refusal, every permission's granting role and account, spending limit, visibility with its
//! deciding and overridden rules, experiments and arms, quote reason, winner, source, policy,
//! slices, exact and rounded amounts, adjustments, quantity rule, and the same candidates in
//! the same order with the same statuses); `quote` against both on its verdict. `resolve` and
//! the reference are also compared on `payment` for every (account, user) asked about and on
//! whole orders (lines, quantity violations, lead times, subtotal, blockers, approval steps
//! with eligible approvers and escalation, overridden policies, payment, experiments).
//!
//! Guests (SEMANTICS G1-G8) are compared apart, on data with `guests` rules and a channel that
//! shows guests prices: the engine's `resolve_guest` against the reference's literal guest
//! rules on what a guest may see, `quote_guest` and the guests' sheet against `resolve_guest`.
//!
//! Two generator configurations (`tests/common`): the pricing core alone, and every rule kind
//! switched on (visibility, payment, approvals, experiments, quote-only, quantity rules,
//! attribute segments, lead times). Each case generates one valid dataset, ~40 queries against
//! it (plus a few with exactly one bad input: unknown account, user or SKU, or quantity 0) and
//! a few orders.
//!
//! The number of datasets per configuration comes from `TRADETERMS_DIFF_CASES` (default 512,
//! i.e. > 40,000 queries each answered by all three implementations, plus payment and 4,000
//! orders, about 10 seconds in debug mode). To run millions of
//! comparisons locally:
//!
//! ```text
//! TRADETERMS_DIFF_CASES=100000 cargo test --release --test differential
//! ```
//!
//! Failures are shrunk and printed by proptest; they are not persisted to disk.
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

mod common;
mod reference;

use common::{RawOrder, RawQuery, Switches};
use proptest::prelude::*;
use proptest::test_runner::Config as ProptestConfig;
use reference::resolver::{
    Quote, Reference, Resolve, Resolver, compare_answers, compare_orders, compare_payment,
};
use tradeterms::{Dataset, Query};

fn cases() -> u32 {
    std::env::var("TRADETERMS_DIFF_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(512)
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: cases(),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// A query with exactly one bad input, or none.
#[derive(Clone, Debug)]
enum Fault {
    None,
    Account,
    User,
    Sku,
    ZeroQty,
}

fn fault() -> impl Strategy<Value = Fault> {
    prop_oneof![
        60 => Just(Fault::None),
        1 => Just(Fault::Account),
        1 => Just(Fault::User),
        1 => Just(Fault::Sku),
        1 => Just(Fault::ZeroQty),
    ]
}

fn apply(fault: &Fault, mut q: Query) -> Query {
    match fault {
        Fault::None => {}
        Fault::Account => q.account = "no-such-account".into(),
        Fault::User => q.user = "no-such-user".into(),
        Fault::Sku => q.sku = "NO-SUCH-SKU".into(),
        Fault::ZeroQty => q.qty = tradeterms::Quantity::ZERO,
    }
    q
}

/// Runs every pair of implementations on the queries and orders; the first difference fails
/// the case, with the dataset.
fn differential(
    ds: &Dataset,
    queries: &[(RawQuery, Fault)],
    orders: &[RawOrder],
) -> Result<(), TestCaseError> {
    let snapshot = common::build(ds);
    let (engine, lean, model) = (Resolve(&snapshot), Quote(&snapshot), Reference(ds));
    let pairs: [(&dyn Resolver, &dyn Resolver); 3] =
        [(&engine, &model), (&lean, &engine), (&lean, &model)];
    let fail = |msg: String| {
        TestCaseError::fail(format!(
            "{msg}\n--- dataset:\n{}",
            serde_json::to_string(ds).unwrap()
        ))
    };
    for (raw, f) in queries {
        let q = apply(f, raw.query(ds));
        for (a, b) in pairs {
            compare_answers(a, b, &q).map_err(fail)?;
        }
        compare_payment(
            &engine,
            &model,
            q.account.as_str(),
            q.user.as_str(),
            &q.context,
        )
        .map_err(fail)?;
    }
    for raw in orders {
        compare_orders(&engine, &model, &raw.order(ds)).map_err(fail)?;
    }
    Ok(())
}

/// G1-G8: the engine's guest answers against the reference's literal guest rules, on the
/// redacted view a guest may see ([`reference::guest_view`]); the lean quote and the guests'
/// sheet against the explained answer.
fn guests_differential(ds: &Dataset, queries: &[(RawQuery, Fault)]) -> Result<(), TestCaseError> {
    use reference::{error_name, from_guest, from_quote, guest_view};
    let snapshot = common::build(ds);
    let fail = |msg: String| {
        TestCaseError::fail(format!(
            "{msg}\n--- dataset:\n{}",
            serde_json::to_string(ds).unwrap()
        ))
    };
    let mut sheets = std::collections::HashSet::new();
    for (raw, f) in queries {
        let mut q = common::guest_query(ds, raw);
        match f {
            Fault::Sku => q.sku = "NO-SUCH-SKU".into(),
            Fault::ZeroQty => q.qty = tradeterms::Quantity::ZERO,
            Fault::Account | Fault::User => q.context.channel = Some("no-such-channel".into()),
            Fault::None => {}
        }
        let engine = snapshot.resolve_guest(&q);
        let got = engine.as_ref().map(from_guest).map_err(error_name);
        let want = reference::resolve_guest(ds, &q).map(|a| guest_view(&a));
        if got != want {
            return Err(fail(format!(
                "guest {q:?}\nengine:    {got:#?}\nreference: {want:#?}"
            )));
        }
        let lean = snapshot
            .quote_guest(&q)
            .map(|quote| from_quote(&quote.outcome))
            .map_err(|e| error_name(&e));
        if lean != got.as_ref().map(|a| a.lean()).map_err(Clone::clone) {
            return Err(fail(format!(
                "guest quote {q:?}\nquote: {lean:#?}\nresolve: {got:#?}"
            )));
        }
        if let Ok(answer) = &engine {
            let json = serde_json::to_string(answer).unwrap();
            // The full check (no rule id, no list but the deciding one) is `tests/guests.rs`.
            if json.contains("@seller.example") {
                return Err(fail(format!("a guest answer names an owner: {json}")));
            }
        }
        // A sheet asks one quantity of every SKU: a whole one, which every precision counts.
        if q.qty > 0
            && q.qty.to_u64().is_some()
            && q.context.currency.is_some()
            && sheets.insert((q.context.clone(), q.at, q.qty))
        {
            let Ok(sheet) = snapshot.guest_sheet(&q.context, q.at, q.qty) else {
                continue;
            };
            for line in sheet {
                let line = line.map_err(|e| fail(format!("guest sheet line: {e}")))?;
                // A sheet line is in the SKU's base unit.
                let mut one = q.clone().with_sku(line.sku.clone());
                one.unit = None;
                let alone = snapshot
                    .resolve_guest(&one)
                    .map_err(|e| fail(format!("{e}")))?;
                if alone.outcome != line.outcome || line.visibility.is_some() {
                    return Err(fail(format!("guest sheet line {line:?} vs {alone:?}")));
                }
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    /// The pricing core alone (no rule kind beyond price lists and assignments).
    #[test]
    fn pricing_core_matches_reference(
        ds in common::dataset(),
        queries in prop::collection::vec((common::raw_query(), fault()), 40),
        orders in prop::collection::vec(common::raw_order(), 2),
    ) {
        differential(&ds, &queries, &orders)?;
    }

    /// Every rule kind, with pricing contexts (SEMANTICS C1-C4): rules limited to channels and
    /// to Canada, accounts buying in a second currency, queries and orders asked in a context.
    #[test]
    fn contexts_match_reference(
        ds in common::dataset_with(Switches { contexts: true, ..Switches::all() }),
        queries in prop::collection::vec((common::raw_query(), fault()), 40),
        orders in prop::collection::vec(common::raw_order(), 6),
    ) {
        differential(&ds, &queries, &orders)?;
    }

    /// Every rule kind, with units of measure (SEMANTICS U1-U4): SKUs sold by the box and the
    /// pallet, entries per box, lists deriving units, queries and order lines in units.
    #[test]
    fn units_match_reference(
        ds in common::dataset_with(Switches { units: true, contexts: true, ..Switches::all() }),
        queries in prop::collection::vec((common::raw_query(), fault()), 40),
        orders in prop::collection::vec(common::raw_order(), 6),
    ) {
        differential(&ds, &queries, &orders)?;
    }

    /// Every rule kind, with guests (SEMANTICS G1-G8): assignments and visibility rules
    /// scoped to `guests`, a `web` channel showing guests prices and an `edi` one not. Members'
    /// answers are compared as everywhere (no `guests` rule may reach them); guests' answers,
    /// their lean quotes and the guests' sheet against the reference's guest rules.
    #[test]
    fn guests_match_reference(
        ds in common::dataset_with(Switches { guests: true, contexts: true, units: true, ..Switches::all() }),
        queries in prop::collection::vec((common::raw_query(), fault()), 40),
        orders in prop::collection::vec(common::raw_order(), 2),
    ) {
        differential(&ds, &queries, &orders)?;
        guests_differential(&ds, &queries)?;
    }

    /// Every rule kind, with fractional quantities (SEMANTICS U6-U9): SKUs counting to 1 and 2
    /// decimals, decimal tier minimums, quantity rules, quote thresholds and adjustment
    /// minimums; queries, order lines and guests asking decimals, some finer than the SKU's
    /// precision; with units and contexts.
    #[test]
    fn fractional_quantities_match_reference(
        ds in common::dataset_with(Switches { fractional: true, units: true, contexts: true, guests: true, ..Switches::all() }),
        queries in prop::collection::vec((common::raw_query(), fault()), 40),
        orders in prop::collection::vec(common::raw_order(), 4),
    ) {
        differential(&ds, &queries, &orders)?;
        guests_differential(&ds, &queries)?;
    }

    /// Every rule kind switched on.
    #[test]
    fn every_rule_kind_matches_reference(
        ds in common::dataset_with(Switches::all()),
        queries in prop::collection::vec((common::raw_query(), fault()), 40),
        orders in prop::collection::vec(common::raw_order(), 6),
    ) {
        differential(&ds, &queries, &orders)?;
    }
}

/// T6 on data the generator never makes: under `precedence` only the winner is priced, so a
/// losing candidate whose amount would overflow is no error; under `lowest_price` it is.
#[test]
fn overflow_in_a_losing_candidate_matches_reference() {
    let ds: Dataset = serde_json::from_value(serde_json::json!({
        "accounts": [
            { "id": "p", "name": "P", "currency": "USD" },
            { "id": "l", "name": "L", "currency": "USD", "price_policy": "lowest_price" }
        ],
        "users": [{ "id": "u", "name": "U", "memberships": [
            { "account": "p", "roles": ["buyer"] }, { "account": "l", "roles": ["buyer"] } ] }],
        "catalog": [{ "sku": "S", "name": "S" }],
        "price_lists": [
            { "id": "cheap", "name": "C", "owner": "o", "currency": "USD",
              "entries": [{ "sku": "S", "tiers": [{ "min_qty": 1, "unit_price": "1.00" }] }] },
            { "id": "huge", "name": "H", "owner": "o", "currency": "USD",
              "entries": [{ "sku": "S", "tiers": [{ "min_qty": 1,
                "unit_price": "79228162514264337593543950335" }] }] },
            { "id": "huger", "name": "R", "owner": "o", "currency": "USD",
              "relative": { "base": "huge", "adjustments": [{ "percent": "50" }] } }
        ],
        "assignments": [
            { "id": "a-cheap", "price_list": "cheap", "scope": "everyone", "priority": 2 },
            { "id": "b-huge", "price_list": "huge", "scope": "everyone", "priority": 1 },
            { "id": "c-huger", "price_list": "huger", "scope": "everyone", "priority": 0 }
        ]
    }))
    .unwrap();
    let snapshot = common::build(&ds);
    let (engine, lean, model) = (Resolve(&snapshot), Quote(&snapshot), Reference(&ds));
    let at = common::ts(common::QUERY_INSTANTS[3]);
    for (account, qty) in [("p", 1), ("p", 3), ("l", 1), ("l", 3)] {
        let q = Query::new(account, "u", "S", qty, at);
        for (a, b) in [
            (&engine as &dyn Resolver, &model as &dyn Resolver),
            (&lean, &engine),
            (&lean, &model),
        ] {
            compare_answers(a, b, &q).unwrap();
        }
    }
    assert!(engine.answer(&Query::new("p", "u", "S", 3, at)).is_ok());
    assert_eq!(
        engine.answer(&Query::new("l", "u", "S", 3, at)),
        Err("Overflow".to_string())
    );
}

/// P6c on data the generator never makes: an amount off that takes a unit price below zero is
/// `NegativePrice`, for the winner under `precedence` (a losing candidate is not priced) and for
/// any eligible candidate under `lowest_price`; only the tiers a line uses are computed, so a
/// line below the tier that would go negative is priced.
#[test]
fn negative_price_matches_reference() {
    let ds: Dataset = serde_json::from_value(serde_json::json!({
        "accounts": [
            { "id": "p", "name": "P", "currency": "USD" },
            { "id": "l", "name": "L", "currency": "USD", "price_policy": "lowest_price" }
        ],
        "users": [{ "id": "u", "name": "U", "memberships": [
            { "account": "p", "roles": ["buyer"] }, { "account": "l", "roles": ["buyer"] } ] }],
        "catalog": [{ "sku": "S", "name": "S" }],
        "price_lists": [
            { "id": "cheap", "name": "C", "owner": "o", "currency": "USD",
              "entries": [{ "sku": "S", "tiers": [{ "min_qty": 1, "unit_price": "1.00" }] }] },
            { "id": "base", "name": "B", "owner": "o", "currency": "USD",
              "entries": [{ "sku": "S", "tiers": [
                  { "min_qty": 1, "unit_price": "5.00" }, { "min_qty": 3, "unit_price": "1.50" } ] }] },
            { "id": "off", "name": "O", "owner": "o", "currency": "USD",
              "relative": { "base": "base", "adjustments": [{ "amount": "-2.00" }] } }
        ],
        "assignments": [
            { "id": "a-cheap", "price_list": "cheap", "scope": "everyone", "priority": 2 },
            { "id": "c-off", "price_list": "off", "scope": "everyone", "priority": 0 }
        ]
    }))
    .unwrap();
    let snapshot = common::build(&ds);
    let (engine, lean, model) = (Resolve(&snapshot), Quote(&snapshot), Reference(&ds));
    let at = common::ts(common::QUERY_INSTANTS[3]);
    for (account, qty) in [("p", 1), ("p", 3), ("l", 1), ("l", 3)] {
        let q = Query::new(account, "u", "S", qty, at);
        for (a, b) in [
            (&engine as &dyn Resolver, &model as &dyn Resolver),
            (&lean, &engine),
            (&lean, &model),
        ] {
            compare_answers(a, b, &q).unwrap();
        }
    }
    assert!(engine.answer(&Query::new("p", "u", "S", 3, at)).is_ok());
    assert!(engine.answer(&Query::new("l", "u", "S", 1, at)).is_ok());
    assert_eq!(
        engine.answer(&Query::new("l", "u", "S", 3, at)),
        Err("NegativePrice".to_string())
    );
}

/// Samples the reference's answers over a fixed sequence of generated datasets and queries.
fn sample(
    sw: Switches,
    datasets: usize,
    mut note: impl FnMut(&Dataset, &Query, &reference::Answer),
    mut note_order: impl FnMut(&Dataset, &reference::OrderAnswer),
) {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let strategy = (
        common::dataset_with(sw),
        prop::collection::vec(common::raw_query(), 40),
        prop::collection::vec(common::raw_order(), 6),
    );
    for _ in 0..datasets {
        let (ds, queries, orders) = strategy.new_tree(&mut runner).unwrap().current();
        for raw in &queries {
            let q = raw.query(&ds);
            note(&ds, &q, &reference::resolve(&ds, &q).unwrap());
        }
        for raw in &orders {
            note_order(
                &ds,
                &reference::orders::order(&ds, &raw.order(&ds)).unwrap(),
            );
        }
    }
}

fn require(seen: &std::collections::BTreeMap<String, usize>, required: &[&str]) {
    let missing: Vec<&str> = required
        .iter()
        .copied()
        .filter(|k| !seen.contains_key(*k))
        .collect();
    assert!(
        missing.is_empty(),
        "never generated: {missing:?}\nseen: {seen:#?}"
    );
    if std::env::var("TRADETERMS_COVERAGE").is_ok() {
        eprintln!("{seen:#?}");
    }
}

/// Guards the pricing-core generator against degenerating: over a fixed sample of generated
/// datasets and queries, every outcome kind, every candidate status, every candidate level,
/// both policies, both tier modes, adjustments and multi-slice graduated lines all occur.
#[test]
fn generator_covers_the_pricing_semantics() {
    use reference::{Kind, Level};
    use std::collections::BTreeMap;
    use tradeterms::{PricePolicy, TierMode};

    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut note = |k: String| *seen.entry(k).or_default() += 1;
    sample(
        Switches::pricing(),
        200,
        |ds, q, a| {
            note(format!("kind:{:?}", a.kind));
            // S10: accounts whose price search stops short of everyone, priced or not.
            let mut cur = ds.accounts.iter().find(|x| x.id == q.account);
            let mut fallback = None;
            for _ in 0..=ds.accounts.len() {
                let Some(acc) = cur else { break };
                if acc.price_fallback.is_some() {
                    fallback = acc.price_fallback;
                    break;
                }
                cur = acc
                    .parent
                    .as_ref()
                    .and_then(|p| ds.accounts.iter().find(|x| x.id == *p));
            }
            if let Some(f) = fallback.filter(|f| *f != tradeterms::PriceFallback::Everyone) {
                note(format!("fallback:{f:?}:{:?}", a.kind));
            }
            if let Some(r) = &a.refusal {
                note(format!("refusal:{r:?}").chars().take(40).collect());
            }
            for c in &a.candidates {
                note(format!("status:{}", c.status.kind_name()));
                note(
                    match &c.level {
                        Level::Own => "level:own",
                        Level::Ancestor { distance: 1, .. } => "level:parent",
                        Level::Ancestor { .. } => "level:ancestor>1",
                        Level::Segment(_) => "level:segment",
                        Level::Guests => "level:guests",
                        Level::Everyone => "level:everyone",
                    }
                    .to_string(),
                );
                if let reference::Status::NotValid { of, not_yet, .. } = &c.status {
                    let of = of.split(':').next().unwrap();
                    note(format!("not_valid:{of}:{not_yet}"));
                }
            }
            if a.kind == Kind::Priced {
                note(format!("policy:{:?}", a.policy.unwrap()));
                note(format!("mode:{:?}", a.tier_mode.unwrap()));
                note(format!("currency:{}", a.currency.clone().unwrap()));
                note(format!("adjustments:{}", a.adjustments.len().min(2)));
                if a.tier_mode == Some(TierMode::Graduated) && a.slices.len() > 1 {
                    note("graduated:multi-slice".into());
                }
                if a.amount != a.exact_amount {
                    note("rounding:changed".into());
                }
                if a.policy == Some(PricePolicy::LowestPrice)
                    && a.candidates
                        .iter()
                        .any(|c| matches!(c.status, reference::Status::LowerPrecedence { .. }))
                {
                    note("lowest:tie".into());
                }
                if a.policy == Some(PricePolicy::LowestPrice)
                    && a.candidates.first().map(|c| &c.status) != Some(&reference::Status::Won)
                {
                    note("lowest:not-first".into());
                }
                if a.policy == Some(PricePolicy::BestInLevel) {
                    let won = a
                        .candidates
                        .iter()
                        .position(|c| c.status == reference::Status::Won);
                    let won_class = won.map(|w| a.candidates[w].level.class());
                    // A candidate of the winner's own level lost on price, and one of a later
                    // level lost without being compared.
                    if a.candidates.iter().any(|c| {
                        Some(c.level.class()) == won_class
                            && matches!(c.status, reference::Status::HigherPrice { .. })
                    }) {
                        note("best_in_level:cheapest-in-level".into());
                    }
                    if a.candidates.iter().any(|c| {
                        won_class.is_some_and(|w| c.level.class() > w)
                            && matches!(c.status, reference::Status::LowerPrecedence { .. })
                    }) {
                        note("best_in_level:later-level-ignored".into());
                    }
                }
                let same_class_same_priority = a.candidates.windows(2).any(|w| {
                    w[0].priority == w[1].priority
                        && std::mem::discriminant(&w[0].level)
                            == std::mem::discriminant(&w[1].level)
                });
                if same_class_same_priority {
                    note("order:id-tiebreak".into());
                }
            }
        },
        |_, _| {},
    );
    require(
        &seen,
        &[
            "kind:Denied",
            "kind:PriceHidden",
            "kind:Priced",
            "kind:QuoteRequired",
            "status:won",
            "status:not_valid",
            "status:other_currency",
            "status:no_entry",
            "status:below_minimum_quantity",
            "status:lower_precedence",
            "status:higher_price",
            "level:own",
            "level:parent",
            "level:ancestor>1",
            "level:segment",
            "level:everyone",
            "not_valid:assignment:true",
            "not_valid:assignment:false",
            "not_valid:list:true",
            "not_valid:entry:false",
            "not_valid:base_list:true",
            "policy:Precedence",
            "policy:LowestPrice",
            "policy:BestInLevel",
            "fallback:Own:Priced",
            "fallback:Own:QuoteRequired",
            "fallback:Tree:Priced",
            "fallback:Segments:Priced",
            "best_in_level:cheapest-in-level",
            "best_in_level:later-level-ignored",
            "mode:Volume",
            "mode:Graduated",
            "adjustments:1",
            "adjustments:2",
            "graduated:multi-slice",
            "rounding:changed",
            "currency:EUR",
            "currency:JPY",
            "lowest:tie",
            "lowest:not-first",
            "order:id-tiebreak",
        ],
    );
}

/// Guards the generator's relative-list adjustments (P6a-P6c): over a fixed sample, each of a
/// SKU target, a category target, no target, `min_qty` (met, and not met so that a less specific
/// adjustment decides), `amount`, `round_to`, `ending` and a fixed `price` decides at least one
/// priced answer, and two-link chains occur.
#[test]
fn generator_covers_the_adjustment_formulas() {
    use std::collections::BTreeMap;
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut note = |k: &str| *seen.entry(k.to_string()).or_default() += 1;
    sample(
        Switches::pricing(),
        200,
        |ds, q, a| {
            if a.adjustments.len() > 1 {
                note("adj:chain");
            }
            for (list, _, adj) in &a.adjustments {
                note(match (&adj.sku, &adj.category) {
                    (Some(_), _) => "adj:target:sku",
                    (None, Some(_)) => "adj:target:category",
                    (None, None) => "adj:target:all",
                });
                if adj.min_qty.is_some() {
                    note("adj:min_qty:met");
                }
                // A less specific adjustment decided because the line is below a more
                // specific one's `min_qty`.
                let rel = ds
                    .price_lists
                    .iter()
                    .find(|l| l.id.as_str() == list)
                    .and_then(|l| l.relative.as_ref())
                    .unwrap();
                let rank = |x: &tradeterms::AdjustmentData| match (&x.sku, &x.category) {
                    (Some(_), _) => 100,
                    (None, Some(c)) => c.split('/').count(),
                    (None, None) => 0,
                };
                if rel.adjustments.iter().any(|o| {
                    o.min_qty.is_some_and(|m| q.qty < m)
                        && rank(o) > rank(adj)
                        && o.sku.as_ref().is_none_or(|s| *s == q.sku)
                }) {
                    note("adj:min_qty:below");
                }
                if adj.amount.is_some() {
                    note("adj:amount");
                }
                if adj.round_to.is_some() {
                    note("adj:round_to");
                }
                if adj.ending.is_some() {
                    note("adj:ending");
                }
                if adj.price.is_some() {
                    note("adj:price");
                }
            }
        },
        |_, _| {},
    );
    require(
        &seen,
        &[
            "adj:chain",
            "adj:target:sku",
            "adj:target:category",
            "adj:target:all",
            "adj:min_qty:met",
            "adj:min_qty:below",
            "adj:amount",
            "adj:round_to",
            "adj:ending",
            "adj:price",
        ],
    );
}

/// Guards the generator's cost lists and margins (P6d-P6f): over a fixed sample, prices
/// derived from a cost list (cost-plus), margins of a list and of an adjustment, and every
/// thing a margin can do (within, clamped to the floor, under it and reported, over a ceiling,
/// no cost) occur in priced answers, and a graduated line meets a margin on several tiers.
#[test]
fn generator_covers_the_margins_over_cost() {
    use std::collections::BTreeMap;
    use tradeterms::MarginStatus;
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut note = |k: &str| *seen.entry(k.to_string()).or_default() += 1;
    sample(
        Switches::pricing(),
        200,
        |ds, _, a| {
            let cost_list = |id: &str| ds.price_lists.iter().any(|l| l.id.as_str() == id && l.cost);
            if a.adjustments.iter().any(|(_, base, _)| cost_list(base)) {
                note("cost:plus");
            }
            if a.adjustments
                .iter()
                .any(|(_, _, adj)| adj.min_margin.is_some() || adj.max_margin.is_some())
            {
                note("margin:adjustment");
            }
            let tiers: std::collections::BTreeSet<tradeterms::Decimal> =
                a.margins.iter().map(|m| m.2).collect();
            if tiers.len() > 1 {
                note("margin:tiers");
            }
            for m in &a.margins {
                note(match m.8 {
                    MarginStatus::Within => "margin:within",
                    MarginStatus::ClampedToFloor { .. } => "margin:clamped_floor",
                    MarginStatus::BelowFloor { .. } => "margin:below_floor",
                    MarginStatus::ClampedToCeiling { .. } => "margin:clamped_ceiling",
                    MarginStatus::AboveCeiling { .. } => "margin:above_ceiling",
                    MarginStatus::NoCost => "margin:no_cost",
                    _ => "margin:other",
                });
            }
        },
        |_, _| {},
    );
    require(
        &seen,
        &[
            "cost:plus",
            "margin:adjustment",
            "margin:tiers",
            "margin:within",
            "margin:clamped_floor",
            "margin:below_floor",
            "margin:above_ceiling",
            "margin:clamped_ceiling",
            "margin:no_cost",
        ],
    );
}

/// Guards the all-switches generator: visibility decided by each kind of rule and by each
/// mode, role-limited and overridden rules, every quote reason, both experiment arms, payment
/// settings decided and overridden, every order blocker, every approval status and step kind.
#[test]
fn generator_covers_every_rule_kind() {
    use reference::{ApprovalStatusAns, BlockerAns, Kind, PayAnswer, QuoteWhy};
    use std::cell::RefCell;
    use std::collections::BTreeMap;
    use tradeterms::{Approvers, Effect, OverrideReason, Target};

    let seen: RefCell<BTreeMap<String, usize>> = RefCell::new(BTreeMap::new());
    let note = |k: String| *seen.borrow_mut().entry(k).or_default() += 1;
    sample(
        Switches::all(),
        200,
        |ds, q, a| {
            note(format!("kind:{:?}", a.kind));
            if let Some(v) = &a.visibility {
                note(format!("visible:{}:{:?}", v.visible, v.mode));
                if let Some(d) = &v.decided_by {
                    let rule = ds.visibility_rules.iter().find(|r| r.id == d.id).unwrap();
                    note(format!("vis:decided:{:?}", v.effect.unwrap()));
                    note(
                        match &rule.target {
                            Target::All => "vis:target:all",
                            Target::Sku(_) => "vis:target:sku",
                            Target::Category(_) => "vis:target:category",
                            Target::Attributes(_) => "vis:target:attributes",
                            _ => unreachable!("a variant this test does not know yet"),
                        }
                        .into(),
                    );
                    if !d.roles.is_empty() {
                        note("vis:role-limited".into());
                    }
                    if rule.experiment.is_some() {
                        note("vis:experiment".into());
                    }
                    if !v.overridden.is_empty() {
                        note("vis:overridden".into());
                    }
                    for (o, effect, reason) in &v.overridden {
                        note(format!("vis:overridden:{reason:?}"));
                        let same_level = o.level == d.level;
                        if same_level
                            && reason == &OverrideReason::ExclusionWins
                            && v.effect == Some(Effect::Exclude)
                        {
                            note("vis:exclude-beats-include".into());
                        }
                        // V8: a more specific inclusion beats an exclusion at its own scope.
                        if same_level
                            && reason == &OverrideReason::LessSpecificTarget
                            && v.effect == Some(Effect::Include)
                            && *effect == Effect::Exclude
                        {
                            note("vis:more-specific-include-beats-exclude".into());
                        }
                    }
                    if matches!(d.level, reference::Level::Segment(_)) {
                        note("vis:segment".into());
                    }
                }
            }
            for (_, arm) in &a.experiments {
                note(format!("arm:{arm:?}"));
            }
            if let Some(r) = &a.quote_reason {
                note(format!(
                    "quote:{}",
                    format!("{r:?}").split([' ', '{']).next().unwrap()
                ));
            }
            if a.kind == Kind::Priced {
                if a.quantity_rule.is_some() {
                    note("priced:entry-quantity-rule".into());
                }
                match &a.reference {
                    Some(tradeterms::Reference::Compared(r)) => {
                        note("reference:compared".into());
                        note(
                            match r.saving.cmp(&tradeterms::Decimal::ZERO) {
                                std::cmp::Ordering::Less => "reference:negative-saving",
                                std::cmp::Ordering::Equal => "reference:no-saving",
                                std::cmp::Ordering::Greater => "reference:saving",
                            }
                            .into(),
                        );
                        if r.unit_price.is_none() {
                            note("reference:graduated-split".into());
                        }
                    }
                    Some(tradeterms::Reference::None { reason }) => {
                        note(format!("reference:none:{reason:?}"));
                    }
                    Some(_) | None => {}
                }
                if let Some(w) = &a.winner
                    && ds
                        .assignments
                        .iter()
                        .any(|x| x.id.as_str() == w && x.experiment.is_some())
                {
                    note("priced:experiment".into());
                }
                if let Some(reference::Level::Segment(s)) = a.source.as_ref().map(|s| &s.3)
                    && ds
                        .segments
                        .iter()
                        .any(|x| x.id.as_str() == s && x.rule.is_some())
                {
                    note("priced:predicate-segment".into());
                }
            }
            if let Ok(PayAnswer::Options { terms, methods, .. }) =
                reference::orders::payment(ds, q.account.as_str(), q.user.as_str(), &q.context)
            {
                if let Some(t) = terms {
                    note("pay:terms".into());
                    if !t.overridden.is_empty() {
                        note("pay:terms-overridden".into());
                    }
                    if !t.rule.roles.is_empty() {
                        note("pay:role-limited".into());
                    }
                }
                if methods.is_some() {
                    note("pay:methods".into());
                }
            } else {
                note("pay:denied".into());
            }
        },
        |_, o| {
            note(format!("approval:{:?}", o.approval));
            note(format!("orderable:{}", o.orderable));
            for b in &o.blockers {
                note(format!(
                    "blocker:{}",
                    format!("{b:?}").split([' ', '(', '{']).next().unwrap()
                ));
                if let BlockerAns::Quantity { violation, .. } = b {
                    note(format!("violation:entry:{}", violation.0.is_some()));
                }
            }
            for s in &o.steps {
                note(
                    match (&s.approvers, &s.escalated_to) {
                        (Approvers::Role(_), _) => "step:role",
                        (Approvers::RoleEscalating(_), Some(_)) => "step:escalating",
                        (Approvers::RoleEscalating(_), None) => "step:escalating-nobody",
                        (Approvers::Users(_), _) => "step:users",
                        _ => unreachable!("a variant this test does not know yet"),
                    }
                    .into(),
                );
            }
            if !o.overridden.is_empty() {
                note("approval:overridden-slot".into());
            }
            if o.lines.iter().any(|l| l.lead_time_breach.is_some()) {
                note("lead-time-breach".into());
            }
            if o.approval == ApprovalStatusAns::Required
                && o.steps.iter().any(|s| s.escalated_to.is_some())
            {
                note("approval:escalated".into());
            }
        },
    );
    let _ = QuoteWhy::NoPrice;
    require(
        &seen.borrow(),
        &[
            "kind:Denied",
            "kind:NotVisible",
            "kind:PriceHidden",
            "kind:Priced",
            "kind:QuoteRequired",
            "visible:true:Open",
            "visible:false:Open",
            "visible:true:Curated",
            "visible:false:Curated",
            "vis:decided:Include",
            "vis:decided:Exclude",
            "vis:target:all",
            "vis:target:sku",
            "vis:target:category",
            "vis:target:attributes",
            "vis:role-limited",
            "vis:experiment",
            "vis:overridden",
            "vis:exclude-beats-include",
            "vis:more-specific-include-beats-exclude",
            "vis:overridden:LessSpecificScope",
            "vis:overridden:NotRoleLimited",
            "vis:overridden:LessSpecificTarget",
            "vis:overridden:ExclusionWins",
            "vis:overridden:EqualPrecedence",
            "vis:segment",
            "arm:Treatment",
            "arm:Holdout",
            "quote:NoPrice",
            "quote:SkuQuoteOnly",
            "quote:ListQuoteOnly",
            "quote:AboveQuantity",
            "priced:entry-quantity-rule",
            "reference:compared",
            "reference:negative-saving",
            "reference:saving",
            "reference:none:NoReferenceList",
            "reference:none:NoEntry",
            "priced:experiment",
            "priced:predicate-segment",
            "pay:terms",
            "pay:terms-overridden",
            "pay:role-limited",
            "pay:methods",
            "pay:denied",
            "approval:AutoApproved",
            "approval:Required",
            "approval:Unapprovable",
            "approval:overridden-slot",
            "approval:escalated",
            "orderable:true",
            "orderable:false",
            "blocker:MayNotBuy",
            "blocker:Denied",
            "blocker:NotVisible",
            "blocker:QuoteRequired",
            "blocker:Quantity",
            "blocker:Unapprovable",
            "violation:entry:true",
            "violation:entry:false",
            "step:role",
            "step:escalating",
            "step:users",
            "lead-time-breach",
        ],
    );
}

/// Guards the context generator: over a fixed sample, candidates lose for another channel and
/// for another country, a line is priced in an account's second currency, and a currency the
/// account does not buy in is refused.
#[test]
fn generator_covers_the_contexts() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    use std::collections::BTreeMap;
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut runner = TestRunner::deterministic();
    let strategy = (
        common::dataset_with(Switches {
            contexts: true,
            ..Switches::all()
        }),
        prop::collection::vec(common::raw_query(), 40),
    );
    for _ in 0..100 {
        let (ds, queries) = strategy.new_tree(&mut runner).unwrap().current();
        for raw in &queries {
            let q = raw.query(&ds);
            match reference::resolve(&ds, &q) {
                Err(e) => *seen.entry(e).or_default() += 1,
                Ok(a) => {
                    for c in &a.candidates {
                        *seen.entry(c.status.kind_name().to_string()).or_default() += 1;
                    }
                    let account = ds.accounts.iter().find(|x| x.id == q.account).unwrap();
                    if a.currency.as_ref().is_some_and(|c| *c != account.currency) {
                        *seen.entry("priced_in_second_currency".into()).or_default() += 1;
                    }
                }
            }
        }
    }
    require(
        &seen,
        &[
            "other_channel",
            "other_country",
            "CurrencyNotAccepted",
            "priced_in_second_currency",
        ],
    );
}

/// Guards the units generator: over a fixed sample, lines are priced by a box entry, by a
/// price derived from the base entry, candidates have no entry in a unit, and a unit a visible
/// SKU is not sold in is refused.
#[test]
fn generator_covers_the_units() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    use std::collections::BTreeMap;
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut runner = TestRunner::deterministic();
    let strategy = (
        common::dataset_with(Switches {
            units: true,
            ..Switches::all()
        }),
        prop::collection::vec(common::raw_query(), 40),
    );
    for _ in 0..100 {
        let (ds, queries) = strategy.new_tree(&mut runner).unwrap().current();
        for raw in &queries {
            let q = raw.query(&ds);
            match reference::resolve(&ds, &q) {
                Err(e) => *seen.entry(e).or_default() += 1,
                Ok(a) => {
                    if a.kind == reference::Kind::Priced {
                        let key = match (a.derived_units, q.unit.as_ref().map(|u| u.as_str())) {
                            (Some(_), _) => "priced_derived",
                            (None, Some("box")) => "priced_per_box",
                            (None, Some("each")) => "priced_each_by_name",
                            _ => "priced_base",
                        };
                        *seen.entry(key.into()).or_default() += 1;
                    }
                    if q.unit.is_some() {
                        for c in &a.candidates {
                            *seen
                                .entry(format!("unit_{}", c.status.kind_name()))
                                .or_default() += 1;
                        }
                    }
                }
            }
        }
    }
    require(
        &seen,
        &[
            "priced_derived",
            "priced_per_box",
            "priced_each_by_name",
            "unit_no_entry",
            "UnknownUnit",
        ],
    );
}

/// Guards the guests configuration against degenerating: over a fixed sample, guests are priced,
/// asked to sign in, refused a hidden SKU, sent to a quote, and asked for a currency; a price
/// is decided at the guests level and at the everyone level; and a `guests` visibility rule
/// decides for some guest.
#[test]
fn generator_covers_guests() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    use reference::{Kind, Level};
    let mut seen = std::collections::BTreeMap::<String, usize>::new();
    let mut runner = TestRunner::deterministic();
    let strategy = (
        common::dataset_with(Switches {
            guests: true,
            contexts: true,
            units: true,
            ..Switches::all()
        }),
        prop::collection::vec(common::raw_query(), 40),
    );
    for _ in 0..64 {
        let (ds, queries) = strategy.new_tree(&mut runner).unwrap().current();
        for raw in &queries {
            let q = common::guest_query(&ds, raw);
            let mut note = |k: String| *seen.entry(k).or_default() += 1;
            match reference::resolve_guest(&ds, &q) {
                Err(e) => note(format!("error:{e}")),
                Ok(a) => {
                    note(format!("kind:{:?}", a.kind));
                    if let Some((_, _, _, level, _)) = &a.source {
                        note(format!("priced-at:{level:?}"));
                    }
                    let guests_rule = a
                        .visibility
                        .as_ref()
                        .and_then(|v| v.decided_by.as_ref())
                        .is_some_and(|r| r.level == Level::Guests);
                    if guests_rule && a.kind != Kind::SignInForPrice {
                        note("visibility:guests-rule".into());
                    }
                }
            }
        }
    }
    require(
        &seen,
        &[
            "kind:Priced",
            "kind:SignInForPrice",
            "kind:NotVisible",
            "kind:QuoteRequired",
            "error:GuestCurrencyRequired",
            "priced-at:Guests",
            "priced-at:Everyone",
            "visibility:guests-rule",
        ],
    );
}

/// Guards the fractional-quantities generator: over a fixed sample, decimal quantities of
/// SKUs with decimals are priced in volume and in graduated mode (with a slice of a fraction
/// of a unit), a decimal tier minimum decides or stops a candidate, a quantity finer than the
/// SKU's precision is refused (on SKUs with and without decimals), and an order line breaks a
/// decimal quantity rule with decimal nearest quantities.
#[test]
fn generator_covers_fractional_quantities() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    use std::collections::BTreeMap;
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut note = |k: &str| *seen.entry(k.to_string()).or_default() += 1;
    let mut runner = TestRunner::deterministic();
    let strategy = (
        common::dataset_with(Switches {
            fractional: true,
            ..Switches::all()
        }),
        prop::collection::vec(common::raw_query(), 40),
        prop::collection::vec(common::raw_order(), 4),
    );
    let whole = |d: tradeterms::Decimal| d.fract().is_zero();
    for _ in 0..100 {
        let (ds, queries, orders) = strategy.new_tree(&mut runner).unwrap().current();
        for raw in &queries {
            let q = raw.query(&ds);
            let decimals = ds
                .catalog
                .iter()
                .find(|s| s.sku == q.sku)
                .map_or(0, |s| s.quantity_decimals);
            match reference::resolve(&ds, &q) {
                Err(e) if e == "QuantityTooPrecise" => note(if decimals > 0 {
                    "too_precise_decimal_sku"
                } else {
                    "too_precise_whole_sku"
                }),
                Err(_) => {}
                Ok(a) => {
                    if a.kind == reference::Kind::Priced && !whole(q.qty.as_decimal()) {
                        note(if a.slices.len() > 1 {
                            "priced_fraction_graduated"
                        } else {
                            "priced_fraction"
                        });
                        if a.slices.iter().any(|s| !whole(s.0)) {
                            note("decimal_tier_reached");
                        }
                    }
                    for c in &a.candidates {
                        if let reference::Status::BelowMinimumQuantity(m) = c.status
                            && !whole(m)
                        {
                            note("below_decimal_minimum");
                        }
                    }
                }
            }
        }
        for raw in &orders {
            if let Ok(answer) = reference::orders::order(&ds, &raw.order(&ds)) {
                for l in &answer.lines {
                    for v in &l.violations {
                        if v.2.is_some_and(|b| !whole(b)) || v.3.is_some_and(|b| !whole(b)) {
                            note("decimal_rule_broken");
                        }
                    }
                }
            }
        }
    }
    require(
        &seen,
        &[
            "priced_fraction",
            "priced_fraction_graduated",
            "decimal_tier_reached",
            "below_decimal_minimum",
            "too_precise_decimal_sku",
            "too_precise_whole_sku",
            "decimal_rule_broken",
        ],
    );
}
