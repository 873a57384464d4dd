//! Example-based scenarios from real stories. Every amount below was computed by hand; the
//! arithmetic is in the comment next to it.
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

use serde_json::{Value, json};
use tradeterms::{
    Adjustment, Candidate, CandidateStatus, Dataset, Decimal, Grant, Outcome, OverrideReason,
    Permission, PricePolicy, Priced, Query, QuoteReason, QuoteRequired, Refusal, Resolution,
    ResolveError, Snapshot, Specificity, TierMode, TierSlice, Timestamp, Window, WindowOf,
};

// ---------------------------------------------------------------------------------------------
// helpers

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

/// The instant most questions are asked at.
fn now() -> Timestamp {
    ts("2026-06-01T00:00:00Z")
}

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// Builds a snapshot from JSON. If the dataset has no users, a user `buyer` holding the preset
/// `buyer` role at every account (reach `account`) is added.
fn build(mut v: Value) -> Snapshot {
    if v.get("users").is_none() {
        let memberships: Vec<Value> = v["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| json!({ "account": a["id"], "roles": ["buyer"] }))
            .collect();
        v["users"] = json!([{ "id": "buyer", "name": "Buyer", "memberships": memberships }]);
    }
    build_str(&v.to_string())
}

fn build_str(json: &str) -> Snapshot {
    let dataset: Dataset = serde_json::from_str(json).unwrap();
    Snapshot::from_dataset(&dataset).unwrap_or_else(|e| panic!("{e}"))
}

fn ask(s: &Snapshot, account: &str, sku: &str, qty: u64) -> Resolution {
    ask_at(s, account, sku, qty, now())
}

fn ask_at(s: &Snapshot, account: &str, sku: &str, qty: u64, at: Timestamp) -> Resolution {
    s.resolve(&Query::new(account, "buyer", sku, qty, at))
        .unwrap()
}

fn ask_as(s: &Snapshot, account: &str, user: &str, sku: &str, qty: u64) -> Resolution {
    s.resolve(&Query::new(account, user, sku, qty, now()))
        .unwrap()
}

fn priced(r: &Resolution) -> &Priced {
    match &r.outcome {
        Outcome::Priced(p) => p,
        other => panic!("expected a price, got {other:?}\n{r}"),
    }
}

fn quote(r: &Resolution) -> &QuoteRequired {
    match &r.outcome {
        Outcome::QuoteRequired(q) => q,
        other => panic!("expected a quote, got {other:?}\n{r}"),
    }
}

fn status<'a>(candidates: &'a [Candidate], assignment: &str) -> &'a CandidateStatus {
    &candidates
        .iter()
        .find(|c| c.assignment.as_str() == assignment)
        .unwrap_or_else(|| panic!("no candidate `{assignment}` in {candidates:?}"))
        .status
}

fn ids(candidates: &[Candidate]) -> Vec<&str> {
    candidates.iter().map(|c| c.assignment.as_str()).collect()
}

// Answer types are `#[non_exhaustive]`: a test (like a host's golden test) builds the
// expected value from its JSON form.
fn slice(min_qty: u64, units: u64, unit_price: &str, amount: &str) -> TierSlice {
    serde_json::from_value(serde_json::json!({
        "min_qty": min_qty, "units": units, "unit_price": unit_price, "amount": amount,
    }))
    .unwrap()
}

/// The adjustment a percent-only relative list reports.
fn adjustment(list: &str, base: &str, category: Option<&str>, percent: &str) -> Adjustment {
    serde_json::from_value(serde_json::json!({
        "list": list, "base": base, "category": category, "percent": percent,
    }))
    .unwrap()
}

fn won_by<'a>(r: &'a Resolution, assignment: &str) -> &'a Priced {
    let p = priced(r);
    assert_eq!(
        p.source.as_ref().unwrap().assignment.as_str(),
        assignment,
        "\n{r}"
    );
    assert_eq!(status(&p.candidates, assignment), &CandidateStatus::Won);
    p
}

fn lower(winner: &str) -> CandidateStatus {
    CandidateStatus::LowerPrecedence {
        winner: winner.into(),
    }
}

fn higher(amount: &str, winner: &str) -> CandidateStatus {
    CandidateStatus::HigherPrice {
        amount: d(amount),
        winner: winner.into(),
    }
}

fn window(from: Option<&str>, until: Option<&str>) -> Window {
    Window {
        from: from.map(ts),
        until: until.map(ts),
    }
}

fn not_valid(of: WindowOf, w: Window, not_yet: bool) -> CandidateStatus {
    CandidateStatus::NotValid {
        of,
        window: w,
        not_yet,
    }
}

fn usd(id: &str) -> Value {
    json!({ "id": id, "name": id, "currency": "USD" })
}

fn child(id: &str, parent: &str) -> Value {
    json!({ "id": id, "name": id, "currency": "USD", "parent": parent })
}

fn list(id: &str, entries: Value) -> Value {
    json!({ "id": id, "name": id, "owner": format!("{id}-owner"), "currency": "USD", "entries": entries })
}

fn one_price(sku: &str, price: &str) -> Value {
    json!([{ "sku": sku, "tiers": [{ "min_qty": 1, "unit_price": price }] }])
}

fn part() -> Value {
    json!([{ "sku": "PART", "name": "Part", "categories": ["parts"] }])
}

// ---------------------------------------------------------------------------------------------
// tiers

fn tiers_world() -> Snapshot {
    let tiers = json!([
        { "min_qty": 1, "unit_price": "10.00" },
        { "min_qty": 10, "unit_price": "8.50" },
        { "min_qty": 100, "unit_price": "7.25" }
    ]);
    build(json!({
        "accounts": [usd("vol-co"), usd("grad-co")],
        "catalog": part(),
        "price_lists": [
            { "id": "vol", "name": "Volume", "owner": "pricing", "currency": "USD",
              "tier_mode": "volume", "entries": [{ "sku": "PART", "tiers": tiers }] },
            { "id": "grad", "name": "Graduated", "owner": "pricing", "currency": "USD",
              "tier_mode": "graduated", "entries": [{ "sku": "PART", "tiers": tiers }] }
        ],
        "assignments": [
            { "id": "vol-own", "price_list": "vol", "scope": { "account": "vol-co" } },
            { "id": "grad-own", "price_list": "grad", "scope": { "account": "grad-co" } }
        ]
    }))
}

#[test]
fn volume_tiers_price_every_unit_at_the_highest_tier_reached() {
    let s = tiers_world();
    // (qty, tier min_qty, unit price, amount)
    let cases = [
        (1, 1, "10.00", "10.00"),     // 1 x 10.00
        (9, 1, "10.00", "90.00"),     // 9 x 10.00
        (10, 10, "8.50", "85.00"),    // 10 x 8.50
        (11, 10, "8.50", "93.50"),    // 11 x 8.50
        (99, 10, "8.50", "841.50"),   // 99 x 8.50
        (100, 100, "7.25", "725.00"), // 100 x 7.25
        (101, 100, "7.25", "732.25"), // 101 x 7.25
    ];
    for (qty, min_qty, unit, amount) in cases {
        let r = ask(&s, "vol-co", "PART", qty);
        let p = won_by(&r, "vol-own");
        assert_eq!(p.price.tier_mode, TierMode::Volume);
        assert_eq!(
            p.price.slices,
            vec![slice(min_qty, qty, unit, amount)],
            "qty {qty}"
        );
        assert_eq!(p.price.exact_amount, d(amount), "qty {qty}");
        assert_eq!(p.price.amount.to_string(), amount, "qty {qty}");
        assert_eq!(p.price.unit_price(), Some(d(unit)));
        assert_eq!(p.price.tier_min_qty(), Some(min_qty.into()));
    }
}

#[test]
fn graduated_tiers_price_each_unit_in_the_tier_its_position_falls_in() {
    let s = tiers_world();
    let cases: [(u64, Vec<TierSlice>, &str); 7] = [
        // 1 x 10.00
        (1, vec![slice(1, 1, "10.00", "10.00")], "10.00"),
        // 9 x 10.00
        (9, vec![slice(1, 9, "10.00", "90.00")], "90.00"),
        // 9 x 10.00 + 1 x 8.50 = 90.00 + 8.50
        (
            10,
            vec![slice(1, 9, "10.00", "90.00"), slice(10, 1, "8.50", "8.50")],
            "98.50",
        ),
        // 9 x 10.00 + 2 x 8.50 = 90.00 + 17.00
        (
            11,
            vec![slice(1, 9, "10.00", "90.00"), slice(10, 2, "8.50", "17.00")],
            "107.00",
        ),
        // 9 x 10.00 + 90 x 8.50 = 90.00 + 765.00
        (
            99,
            vec![
                slice(1, 9, "10.00", "90.00"),
                slice(10, 90, "8.50", "765.00"),
            ],
            "855.00",
        ),
        // 90.00 + 765.00 + 1 x 7.25
        (
            100,
            vec![
                slice(1, 9, "10.00", "90.00"),
                slice(10, 90, "8.50", "765.00"),
                slice(100, 1, "7.25", "7.25"),
            ],
            "862.25",
        ),
        // 90.00 + 765.00 + 2 x 7.25 = 855.00 + 14.50
        (
            101,
            vec![
                slice(1, 9, "10.00", "90.00"),
                slice(10, 90, "8.50", "765.00"),
                slice(100, 2, "7.25", "14.50"),
            ],
            "869.50",
        ),
    ];
    for (qty, slices, amount) in cases {
        let r = ask(&s, "grad-co", "PART", qty);
        let p = won_by(&r, "grad-own");
        assert_eq!(p.price.tier_mode, TierMode::Graduated);
        assert_eq!(p.price.slices, slices, "qty {qty}");
        assert_eq!(p.price.exact_amount, d(amount), "qty {qty}");
        assert_eq!(p.price.amount.to_string(), amount, "qty {qty}");
        let units: tradeterms::Quantity = p.price.slices.iter().map(|s| s.units).sum();
        assert_eq!(units, qty);
    }
}

#[test]
fn a_quantity_below_a_lists_first_tier_leaves_that_list_out() {
    let s = build(json!({
        "accounts": [usd("bulk-co"), usd("bulk-only")],
        "catalog": part(),
        "price_lists": [
            { "id": "bulk", "name": "Bulk", "owner": "pricing", "currency": "USD",
              "entries": [{ "sku": "PART", "tiers": [
                  { "min_qty": 5, "unit_price": "4.00" }, { "min_qty": 50, "unit_price": "3.00" } ] }] },
            list("public", one_price("PART", "5.00"))
        ],
        "assignments": [
            { "id": "bulk-own", "price_list": "bulk", "scope": { "account": "bulk-co" } },
            { "id": "bulk-only-own", "price_list": "bulk", "scope": { "account": "bulk-only" } },
            { "id": "all", "price_list": "public", "scope": "everyone", "priority": -1 }
        ]
    }));
    // qty 4 < 5: the bulk list is out, the public list prices 4 x 5.00 = 20.00.
    let r = ask(&s, "bulk-co", "PART", 4);
    let p = won_by(&r, "all");
    assert_eq!(p.price.amount.to_string(), "20.00");
    assert_eq!(
        status(&p.candidates, "bulk-own"),
        &CandidateStatus::BelowMinimumQuantity {
            min_qty: 5u64.into()
        }
    );
    // qty 5 reaches the first tier: 5 x 4.00 = 20.00 from bulk; public is lower precedence.
    let r = ask(&s, "bulk-co", "PART", 5);
    let p = won_by(&r, "bulk-own");
    assert_eq!(p.price.slices, vec![slice(5, 5, "4.00", "20.00")]);
    assert_eq!(status(&p.candidates, "all"), &lower("bulk-own"));
    // Without a fallback... there is one (everyone), so check an account whose only own list is
    // out: it still gets the everyone price, and the bulk candidate says why it lost.
    let r = ask(&s, "bulk-only", "PART", 4);
    let p = won_by(&r, "all");
    assert_eq!(
        status(&p.candidates, "bulk-only-own"),
        &CandidateStatus::BelowMinimumQuantity {
            min_qty: 5u64.into()
        }
    );
}

// ---------------------------------------------------------------------------------------------
// rounding

fn rounding_world() -> Snapshot {
    build(json!({
        "accounts": [usd("us-co"), { "id": "jp-co", "name": "JP", "currency": "JPY" }],
        "catalog": [
            { "sku": "EIGHTH", "name": "1/8" }, { "sku": "ODD", "name": "odd" },
            { "sku": "HALF", "name": "half" }, { "sku": "YEN", "name": "yen" },
            { "sku": "YEN-LOW", "name": "yen low" }
        ],
        "price_lists": [
            { "id": "usd", "name": "USD", "owner": "pricing", "currency": "USD", "entries": [
                { "sku": "EIGHTH", "tiers": [{ "min_qty": 1, "unit_price": "0.125" }] },
                { "sku": "ODD", "tiers": [{ "min_qty": 1, "unit_price": "1.005" }] },
                { "sku": "HALF", "tiers": [{ "min_qty": 1, "unit_price": "2.5" }] }
            ] },
            { "id": "jpy", "name": "JPY", "owner": "pricing", "currency": "JPY", "entries": [
                { "sku": "YEN", "tiers": [{ "min_qty": 1, "unit_price": "99.5" }] },
                { "sku": "YEN-LOW", "tiers": [{ "min_qty": 1, "unit_price": "12.4" }] }
            ] }
        ],
        "assignments": [
            { "id": "usd-all", "price_list": "usd", "scope": "everyone" },
            { "id": "jpy-all", "price_list": "jpy", "scope": "everyone" }
        ]
    }))
}

#[test]
fn half_cents_round_away_from_zero_once_on_the_line() {
    let s = rounding_world();
    // 1 x 0.125 = 0.125 -> 0.13 (half away from zero, not banker's 0.12)
    let r = ask(&s, "us-co", "EIGHTH", 1);
    let p = priced(&r);
    assert_eq!(p.price.exact_amount, d("0.125"));
    assert_eq!(p.price.amount.to_string(), "0.13");
    assert_eq!(p.price.unit_price(), Some(d("0.125")));
    // 3 x 1.005 = 3.015 -> 3.02; the unit price stays 1.005
    let r = ask(&s, "us-co", "ODD", 3);
    let p = priced(&r);
    assert_eq!(p.price.exact_amount, d("3.015"));
    assert_eq!(p.price.amount.to_string(), "3.02");
    assert_eq!(p.price.slices, vec![slice(1, 3, "1.005", "3.015")]);
    // 2 x 0.125 = 0.250 -> 0.25 (no rounding needed)
    let r = ask(&s, "us-co", "EIGHTH", 2);
    assert_eq!(priced(&r).price.amount.to_string(), "0.25");
}

#[test]
fn jpy_has_no_minor_units() {
    let s = rounding_world();
    // 1 x 99.5 = 99.5 -> 100 JPY
    let r = ask(&s, "jp-co", "YEN", 1);
    let p = priced(&r);
    assert_eq!(p.price.currency.code(), "JPY");
    assert_eq!(p.price.exact_amount, d("99.5"));
    assert_eq!(p.price.amount.to_string(), "100");
    // 1 x 12.4 = 12.4 -> 12 JPY
    let r = ask(&s, "jp-co", "YEN-LOW", 1);
    assert_eq!(priced(&r).price.amount.to_string(), "12");
    // 3 x 12.4 = 37.2 -> 37 JPY
    let r = ask(&s, "jp-co", "YEN-LOW", 3);
    assert_eq!(priced(&r).price.amount.to_string(), "37");
    // the USD list is in another currency for the JPY account
    assert_eq!(
        status(priced(&r).candidates.as_slice(), "usd-all"),
        &CandidateStatus::OtherCurrency {
            currency: tradeterms::Currency::from_code("USD").unwrap()
        }
    );
}

#[test]
fn amounts_print_with_the_currency_scale() {
    let s = rounding_world();
    // 5 x 2.5 = 12.5 -> printed "12.50"
    let r = ask(&s, "us-co", "HALF", 5);
    let p = priced(&r);
    assert_eq!(p.price.amount.to_string(), "12.50");
    assert!(r.to_string().contains("PRICE: 12.50 USD"), "{r}");
    // 4 x 2.5 = 10.0 -> "10.00"
    let r = ask(&s, "us-co", "HALF", 4);
    assert_eq!(priced(&r).price.amount.to_string(), "10.00");
}

// ---------------------------------------------------------------------------------------------
// the Elastic Path story (examples/data/demo.json)

fn demo() -> Snapshot {
    build_str(include_str!("../examples/data/demo.json"))
}

fn demo_ask(user: &str, account: &str, sku: &str, qty: u64) -> Resolution {
    demo()
        .resolve(&Query::new(account, user, sku, qty, now()))
        .unwrap()
}

#[test]
fn john_buys_for_abb_north_at_its_regional_list() {
    let r = demo_ask("john", "abb-north", "DRILL-18V", 5);
    let p = won_by(&r, "abb-north-own");
    // abb-north-2026: 5 x 109.00 = 545.00
    assert_eq!(p.price.amount.to_string(), "545.00");
    assert_eq!(p.source.as_ref().unwrap().list.as_str(), "abb-north-2026");
    assert_eq!(
        p.source.as_ref().unwrap().owner,
        "north-sales@seller.example"
    );
    assert_eq!(p.source.as_ref().unwrap().specificity, Specificity::Account);
    assert_eq!(
        ids(&p.candidates),
        ["abb-north-own", "abb-holding", "everyone-public"]
    );
    assert_eq!(
        p.candidates[1].specificity,
        Specificity::Ancestor {
            distance: 1,
            account: "abb-corp".into()
        }
    );
    assert_eq!(
        status(&p.candidates, "abb-holding"),
        &lower("abb-north-own")
    );
    assert_eq!(
        status(&p.candidates, "everyone-public"),
        &lower("abb-north-own")
    );
    // A SKU the regional list does not price falls to the holding contract (10 % off public):
    // 24.50 x 90 / 100 = 22.05
    let r = demo_ask("john", "abb-north", "HAMMER-16", 1);
    let p = won_by(&r, "abb-holding");
    assert_eq!(
        status(&p.candidates, "abb-north-own"),
        &CandidateStatus::NoEntry
    );
    assert_eq!(p.price.unit_price(), Some(d("22.05")));
    assert_eq!(p.price.amount.to_string(), "22.05");
    assert_eq!(
        p.source
            .as_ref()
            .unwrap()
            .from_account()
            .map(|a| a.as_str()),
        Some("abb-corp")
    );
    assert_eq!(
        p.price.adjustments,
        vec![adjustment("abb-contract", "public-usd", None, "-10")]
    );
    // North sees saws (its own include beats the holding's exclude): 189.00 x 0.9 = 170.10
    let r = demo_ask("john", "abb-north", "SAW-CIRC", 1);
    assert_eq!(won_by(&r, "abb-holding").price.amount.to_string(), "170.10");
}

#[test]
fn the_north_regional_list_expires_at_its_until_instant() {
    let s = demo();
    let r = s
        .resolve(&Query::new(
            "abb-north",
            "john",
            "DRILL-18V",
            5,
            ts("2027-01-01T00:00:00Z"),
        ))
        .unwrap();
    let p = won_by(&r, "abb-holding");
    // holding contract: 129.00 x 0.9 = 116.10; x 5 = 580.50
    assert_eq!(p.price.amount.to_string(), "580.50");
    assert_eq!(
        status(&p.candidates, "abb-north-own"),
        &not_valid(
            WindowOf::List,
            window(Some("2026-01-01T00:00:00Z"), Some("2027-01-01T00:00:00Z")),
            false
        )
    );
}

#[test]
fn john_buys_for_abb_east_at_its_power_tools_discount() {
    // abb-east-tools: 15 % off public for tools/power; DRILL-18V is tools/power/drills.
    // tier 10: 119.00 x 85 / 100 = 101.15; 10 x 101.15 = 1011.50
    let r = demo_ask("john", "abb-east", "DRILL-18V", 10);
    let p = won_by(&r, "abb-east-own");
    assert_eq!(p.price.slices, vec![slice(10, 10, "101.15", "1011.50")]);
    assert_eq!(p.price.amount.to_string(), "1011.50");
    assert_eq!(
        p.price.adjustments,
        vec![adjustment(
            "abb-east-tools",
            "public-usd",
            Some("tools/power"),
            "-15"
        )]
    );
    // tier 1: 129.00 x 0.85 = 109.65
    let r = demo_ask("john", "abb-east", "DRILL-18V", 1);
    assert_eq!(
        won_by(&r, "abb-east-own").price.amount.to_string(),
        "109.65"
    );
    // A hammer (tools/hand) is outside the only adjustment: no entry, the holding prices it:
    // 24.50 x 0.9 = 22.05
    let r = demo_ask("john", "abb-east", "HAMMER-16", 1);
    let p = won_by(&r, "abb-holding");
    assert_eq!(
        status(&p.candidates, "abb-east-own"),
        &CandidateStatus::NoEntry
    );
    assert_eq!(p.price.amount.to_string(), "22.05");
}

#[test]
fn john_buys_for_abb_west_and_its_own_lists_only_depot() {
    // abb-west has no list of its own: the holding's contract, 129.00 x 0.9 = 116.10
    let r = demo_ask("john", "abb-west", "DRILL-18V", 1);
    let p = won_by(&r, "abb-holding");
    assert_eq!(p.price.amount.to_string(), "116.10");
    assert_eq!(ids(&p.candidates), ["abb-holding", "everyone-public"]);
    // saws are excluded for the Abb subtree outside North
    let r = demo_ask("john", "abb-west", "SAW-CIRC", 1);
    assert_eq!(r.outcome, Outcome::NotVisible);
    // the depot does not inherit price lists: only the public list, 129.00
    let r = demo_ask("john", "abb-west-depot", "DRILL-18V", 1);
    let p = won_by(&r, "everyone-public");
    assert_eq!(p.price.amount.to_string(), "129.00");
    assert_eq!(ids(&p.candidates), ["everyone-public"]);
    // John's subtree membership at abb-west reaches the depot
    assert_eq!(
        r.access.buy,
        Grant::Allowed {
            role: "buyer".into(),
            via: "abb-west".into()
        }
    );
}

#[test]
fn austin_hardware_gets_the_lowest_of_its_contract_wholesale_and_public() {
    // qty 150 of SCREW-100:
    //   austin-2026 (volume): 150 x 5.20 = 780.00
    //   wholesale-usd (graduated): 99 x 5.50 + 51 x 4.80 = 544.50 + 244.80 = 789.30
    //   public-usd (volume, tier 50): 150 x 5.90 = 885.00
    let r = demo_ask("bob", "austin-hardware", "SCREW-100", 150);
    let p = won_by(&r, "austin-own");
    assert_eq!(p.policy, PricePolicy::LowestPrice);
    assert_eq!(p.price.amount.to_string(), "780.00");
    assert_eq!(
        ids(&p.candidates),
        ["austin-own", "wholesale-seg", "everyone-public"]
    );
    assert_eq!(
        p.candidates[1].specificity,
        Specificity::Segment("wholesale".into())
    );
    assert_eq!(
        status(&p.candidates, "wholesale-seg"),
        &higher("789.30", "austin-own")
    );
    assert_eq!(
        status(&p.candidates, "everyone-public"),
        &higher("885.00", "austin-own")
    );

    // qty 1000:
    //   austin: 1000 x 5.20 = 5200.00
    //   wholesale: 99 x 5.50 + 900 x 4.80 + 1 x 4.20 = 544.50 + 4320.00 + 4.20 = 4868.70
    //   public: 1000 x 5.90 = 5900.00
    let r = demo_ask("bob", "austin-hardware", "SCREW-100", 1000);
    let p = won_by(&r, "wholesale-seg");
    assert_eq!(
        p.price.slices,
        vec![
            slice(1, 99, "5.50", "544.50"),
            slice(100, 900, "4.80", "4320.00"),
            slice(1000, 1, "4.20", "4.20"),
        ]
    );
    assert_eq!(p.price.amount.to_string(), "4868.70");
    assert_eq!(
        status(&p.candidates, "austin-own"),
        &higher("5200.00", "wholesale-seg")
    );
    assert_eq!(
        status(&p.candidates, "everyone-public"),
        &higher("5900.00", "wholesale-seg")
    );

    // HAMMER-16, qty 5: the contract starts at 12 units.
    //   wholesale: 5 x 21.00 = 105.00; public: 5 x 24.50 = 122.50
    let r = demo_ask("bob", "austin-hardware", "HAMMER-16", 5);
    let p = won_by(&r, "wholesale-seg");
    assert_eq!(p.price.amount.to_string(), "105.00");
    assert_eq!(
        status(&p.candidates, "austin-own"),
        &CandidateStatus::BelowMinimumQuantity {
            min_qty: 12u64.into()
        }
    );
    assert_eq!(
        status(&p.candidates, "everyone-public"),
        &higher("122.50", "wholesale-seg")
    );
    // qty 12: contract 12 x 19.90 = 238.80; wholesale 12 x 21.00 = 252.00; public 12 x 24.50 = 294.00
    let r = demo_ask("bob", "austin-hardware", "HAMMER-16", 12);
    let p = won_by(&r, "austin-own");
    assert_eq!(p.price.amount.to_string(), "238.80");
    assert_eq!(
        status(&p.candidates, "wholesale-seg"),
        &higher("252.00", "austin-own")
    );
    assert_eq!(
        status(&p.candidates, "everyone-public"),
        &higher("294.00", "austin-own")
    );
}

#[test]
fn demo_entitlements_marketing_sees_no_prices_and_eve_is_out() {
    let r = demo_ask("mia", "abb-north", "DRILL-18V", 1);
    assert_eq!(
        r.outcome,
        Outcome::PriceHidden(Refusal::MissingPermission {
            permission: Permission::ViewPrices,
            roles: vec!["marketing".into()],
        })
    );
    let r = demo_ask("eve", "abb-north", "DRILL-18V", 1);
    assert_eq!(r.outcome, Outcome::Denied(Refusal::NotEntitled));
    let r = demo_ask("john", "austin-hardware", "DRILL-18V", 1);
    assert_eq!(r.outcome, Outcome::Denied(Refusal::NotEntitled));
}

// ---------------------------------------------------------------------------------------------
// account tree inheritance

#[test]
fn a_holding_list_reaches_a_branch_two_levels_down_unless_a_subsidiary_overrides_it() {
    let s = build(json!({
        "accounts": [
            usd("holding"), child("sub-a", "holding"), child("branch-a", "sub-a"),
            child("sub-b", "holding"), child("branch-b", "sub-b")
        ],
        "catalog": part(),
        "price_lists": [
            list("holding-list", one_price("PART", "9.00")),
            list("sub-a-list", one_price("PART", "8.00"))
        ],
        "assignments": [
            { "id": "holding-tree", "price_list": "holding-list", "scope": { "subtree": "holding" } },
            { "id": "sub-a-tree", "price_list": "sub-a-list", "scope": { "subtree": "sub-a" } }
        ]
    }));
    // branch-b: only the holding list, two levels up; 1 x 9.00
    let r = ask(&s, "branch-b", "PART", 1);
    let p = won_by(&r, "holding-tree");
    assert_eq!(p.price.amount.to_string(), "9.00");
    assert_eq!(
        p.source.as_ref().unwrap().specificity,
        Specificity::Ancestor {
            distance: 2,
            account: "holding".into()
        }
    );
    // branch-a: the subsidiary's list (one up) beats the holding's (two up), even though the
    // holding's has no lower priority; 1 x 8.00
    let r = ask(&s, "branch-a", "PART", 1);
    let p = won_by(&r, "sub-a-tree");
    assert_eq!(p.price.amount.to_string(), "8.00");
    assert_eq!(
        p.source.as_ref().unwrap().specificity,
        Specificity::Ancestor {
            distance: 1,
            account: "sub-a".into()
        }
    );
    assert_eq!(ids(&p.candidates), ["sub-a-tree", "holding-tree"]);
    assert_eq!(
        p.candidates[1].specificity,
        Specificity::Ancestor {
            distance: 2,
            account: "holding".into()
        }
    );
    assert_eq!(status(&p.candidates, "holding-tree"), &lower("sub-a-tree"));
    // The subsidiary itself gets its own subtree assignment at own level.
    let r = ask(&s, "sub-a", "PART", 1);
    let p = won_by(&r, "sub-a-tree");
    assert_eq!(p.source.as_ref().unwrap().specificity, Specificity::Account);
    // The holding's own subtree assignment is own level for the holding.
    let r = ask(&s, "holding", "PART", 1);
    assert_eq!(
        won_by(&r, "holding-tree")
            .source
            .as_ref()
            .unwrap()
            .specificity,
        Specificity::Account
    );
}

#[test]
fn an_account_scope_at_an_ancestor_never_reaches_descendants() {
    let s = build(json!({
        "accounts": [usd("parent"), child("kid", "parent")],
        "catalog": part(),
        "price_lists": [list("parent-only", one_price("PART", "3.00"))],
        "assignments": [
            { "id": "parent-acc", "price_list": "parent-only", "scope": { "account": "parent" } }
        ]
    }));
    let r = ask(&s, "kid", "PART", 1);
    let q = quote(&r);
    assert_eq!(q.reason, QuoteReason::NoPrice);
    assert!(q.candidates.is_empty());
    // 1 x 3.00
    assert_eq!(
        won_by(&ask(&s, "parent", "PART", 1), "parent-acc")
            .price
            .amount
            .to_string(),
        "3.00"
    );
}

#[test]
fn own_lists_only_stops_inheritance_but_keeps_segments_and_everyone() {
    let s = build(json!({
        "accounts": [
            usd("holding"),
            { "id": "sub", "name": "sub", "parent": "holding", "currency": "USD",
              "inherit": { "price_lists": false } },
            child("branch", "sub")
        ],
        "segments": [{ "id": "vip", "name": "VIP", "accounts": ["sub", "branch"] }],
        "catalog": part(),
        "price_lists": [
            list("holding-list", one_price("PART", "7.00")),
            list("sub-list", one_price("PART", "8.00")),
            list("vip-list", one_price("PART", "6.00")),
            list("public", one_price("PART", "10.00"))
        ],
        "assignments": [
            { "id": "holding-tree", "price_list": "holding-list", "scope": { "subtree": "holding" } },
            { "id": "sub-tree", "price_list": "sub-list", "scope": { "subtree": "sub" } },
            { "id": "vip-seg", "price_list": "vip-list", "scope": { "segment": "vip" } },
            { "id": "all", "price_list": "public", "scope": "everyone" }
        ]
    }));
    // sub: own list first, then segment, then everyone; the holding's list is not a candidate.
    let r = ask(&s, "sub", "PART", 1);
    let p = won_by(&r, "sub-tree");
    assert_eq!(p.price.amount.to_string(), "8.00"); // 1 x 8.00
    assert_eq!(ids(&p.candidates), ["sub-tree", "vip-seg", "all"]);
    assert_eq!(p.candidates[0].specificity, Specificity::Account);
    assert_eq!(
        p.candidates[1].specificity,
        Specificity::Segment("vip".into())
    );
    assert_eq!(p.candidates[2].specificity, Specificity::Everyone);
    // branch inherits from sub (distance 1) but not through sub from the holding.
    let r = ask(&s, "branch", "PART", 1);
    let p = won_by(&r, "sub-tree");
    assert_eq!(p.price.amount.to_string(), "8.00"); // 1 x 8.00
    assert_eq!(ids(&p.candidates), ["sub-tree", "vip-seg", "all"]);
    assert_eq!(
        p.candidates[0].specificity,
        Specificity::Ancestor {
            distance: 1,
            account: "sub".into()
        }
    );
    assert!(!r.to_string().contains("holding-tree"));
}

#[test]
fn own_lists_only_account_still_sees_segment_and_everyone_when_it_has_no_own_list() {
    let s = build(json!({
        "accounts": [
            usd("holding"),
            { "id": "loner", "name": "loner", "parent": "holding", "currency": "USD",
              "inherit": { "price_lists": false } }
        ],
        "segments": [{ "id": "vip", "name": "VIP", "accounts": ["loner"] }],
        "catalog": part(),
        "price_lists": [
            list("holding-list", one_price("PART", "7.00")),
            list("vip-list", one_price("PART", "6.50")),
            list("public", one_price("PART", "10.00"))
        ],
        "assignments": [
            { "id": "holding-tree", "price_list": "holding-list", "scope": { "subtree": "holding" } },
            { "id": "vip-seg", "price_list": "vip-list", "scope": { "segment": "vip" } },
            { "id": "all", "price_list": "public", "scope": "everyone" }
        ]
    }));
    let r = ask(&s, "loner", "PART", 2);
    let p = won_by(&r, "vip-seg");
    assert_eq!(p.price.amount.to_string(), "13.00"); // 2 x 6.50
    assert_eq!(ids(&p.candidates), ["vip-seg", "all"]);
}

// ---------------------------------------------------------------------------------------------
// several contracts, both policies

fn contracts_world() -> Snapshot {
    let pair = |account: &str, prefix: &str| {
        json!([
            { "id": format!("{prefix}-a"), "price_list": "list-a", "scope": { "account": account }, "priority": 10 },
            { "id": format!("{prefix}-b"), "price_list": "list-b", "scope": { "account": account }, "priority": 5 }
        ])
    };
    let mut assignments = Vec::new();
    for (account, prefix) in [
        ("acme", "acme"),
        ("lp-co", "lp"),
        ("store", "st"),
        ("store-prec", "sp"),
    ] {
        assignments.extend(pair(account, prefix).as_array().unwrap().iter().cloned());
    }
    assignments.push(json!({ "id": "lp-c", "price_list": "list-c", "scope": { "account": "lp-co" }, "priority": 1 }));
    build(json!({
        "accounts": [
            usd("acme"),
            { "id": "lp-co", "name": "LP", "currency": "USD", "price_policy": "lowest_price" },
            { "id": "group", "name": "Group", "currency": "USD", "price_policy": "lowest_price" },
            child("store", "group"),
            { "id": "store-prec", "name": "SP", "parent": "group", "currency": "USD",
              "price_policy": "precedence" }
        ],
        "catalog": part(),
        "price_lists": [
            list("list-a", one_price("PART", "12.00")),
            list("list-b", one_price("PART", "9.00")),
            list("list-c", one_price("PART", "9.00"))
        ],
        "assignments": assignments
    }))
}

#[test]
fn precedence_takes_the_higher_priority_contract_even_if_dearer() {
    let s = contracts_world();
    let r = ask(&s, "acme", "PART", 3);
    let p = won_by(&r, "acme-a");
    assert_eq!(p.policy, PricePolicy::Precedence);
    assert_eq!(p.price.amount.to_string(), "36.00"); // 3 x 12.00
    assert_eq!(ids(&p.candidates), ["acme-a", "acme-b"]);
    assert_eq!(p.candidates[0].priority, 10);
    assert_eq!(status(&p.candidates, "acme-b"), &lower("acme-a"));
}

#[test]
fn lowest_price_takes_the_cheaper_contract() {
    let s = contracts_world();
    let r = ask(&s, "lp-co", "PART", 3);
    let p = won_by(&r, "lp-b");
    assert_eq!(p.policy, PricePolicy::LowestPrice);
    assert_eq!(p.price.amount.to_string(), "27.00"); // 3 x 9.00
    assert_eq!(ids(&p.candidates), ["lp-a", "lp-b", "lp-c"]);
    // list-a: 3 x 12.00 = 36.00
    assert_eq!(status(&p.candidates, "lp-a"), &higher("36.00", "lp-b"));
    // list-c: 3 x 9.00 = 27.00, equal: the earlier candidate keeps it
    assert_eq!(status(&p.candidates, "lp-c"), &lower("lp-b"));
}

#[test]
fn the_price_policy_is_inherited_from_the_nearest_ancestor_that_sets_it() {
    let s = contracts_world();
    // store sets no policy: the group's lowest_price applies; 3 x 9.00 = 27.00
    let r = ask(&s, "store", "PART", 3);
    let p = won_by(&r, "st-b");
    assert_eq!(p.policy, PricePolicy::LowestPrice);
    assert_eq!(p.price.amount.to_string(), "27.00");
    assert_eq!(status(&p.candidates, "st-a"), &higher("36.00", "st-b"));
    // store-prec sets precedence itself: 3 x 12.00 = 36.00
    let r = ask(&s, "store-prec", "PART", 3);
    let p = won_by(&r, "sp-a");
    assert_eq!(p.policy, PricePolicy::Precedence);
    assert_eq!(p.price.amount.to_string(), "36.00");
}

// ---------------------------------------------------------------------------------------------
// validity windows

const T0: &str = "2026-01-01T00:00:00Z";
const T0_MINUS_1S: &str = "2025-12-31T23:59:59Z";
const T1: &str = "2026-07-01T00:00:00Z";
const T1_MINUS_1S: &str = "2026-06-30T23:59:59Z";
const T2: &str = "2027-01-01T00:00:00Z";

fn windows_world() -> Snapshot {
    let w01 = json!({ "from": T0, "until": T1 });
    let w12 = json!({ "from": T1, "until": T2 });
    build(json!({
        "accounts": [usd("w-assign"), usd("w-list"), usd("w-entry"), usd("w-seq")],
        "catalog": part(),
        "price_lists": [
            list("public", one_price("PART", "20.00")),
            list("plain", one_price("PART", "10.00")),
            { "id": "windowed", "name": "W", "owner": "o", "currency": "USD", "valid": w01,
              "entries": [{ "sku": "PART", "tiers": [{ "min_qty": 1, "unit_price": "11.00" }] }] },
            { "id": "entry-windowed", "name": "E", "owner": "o", "currency": "USD",
              "entries": [{ "sku": "PART", "valid": w01,
                            "tiers": [{ "min_qty": 1, "unit_price": "12.00" }] }] },
            { "id": "first-half", "name": "H1", "owner": "o", "currency": "USD", "valid": w01,
              "entries": [{ "sku": "PART", "tiers": [{ "min_qty": 1, "unit_price": "13.00" }] }] },
            { "id": "second-half", "name": "H2", "owner": "o", "currency": "USD", "valid": w12,
              "entries": [{ "sku": "PART", "tiers": [{ "min_qty": 1, "unit_price": "14.00" }] }] }
        ],
        "assignments": [
            { "id": "all", "price_list": "public", "scope": "everyone" },
            { "id": "a-win", "price_list": "plain", "scope": { "account": "w-assign" }, "valid": w01 },
            { "id": "l-win", "price_list": "windowed", "scope": { "account": "w-list" } },
            { "id": "e-win", "price_list": "entry-windowed", "scope": { "account": "w-entry" } },
            { "id": "h1", "price_list": "first-half", "scope": { "account": "w-seq" } },
            { "id": "h2", "price_list": "second-half", "scope": { "account": "w-seq" } }
        ]
    }))
}

#[test]
fn windows_are_half_open_for_assignments_lists_and_entries() {
    let s = windows_world();
    let w01 = window(Some(T0), Some(T1));
    for (account, assignment, of, amount) in [
        ("w-assign", "a-win", WindowOf::Assignment, "10.00"), // 1 x 10.00
        ("w-list", "l-win", WindowOf::List, "11.00"),         // 1 x 11.00
        ("w-entry", "e-win", WindowOf::Entry, "12.00"),       // 1 x 12.00
    ] {
        // at `from`: valid
        let r = ask_at(&s, account, "PART", 1, ts(T0));
        assert_eq!(
            won_by(&r, assignment).price.amount.to_string(),
            amount,
            "{account}"
        );
        // one second before `until`: still valid
        let r = ask_at(&s, account, "PART", 1, ts(T1_MINUS_1S));
        won_by(&r, assignment);
        // at `until`: closed, the public list (1 x 20.00) prices it
        let r = ask_at(&s, account, "PART", 1, ts(T1));
        let p = won_by(&r, "all");
        assert_eq!(p.price.amount.to_string(), "20.00");
        assert_eq!(
            status(&p.candidates, assignment),
            &not_valid(of.clone(), w01, false),
            "{account}"
        );
        // one second before `from`: not yet
        let r = ask_at(&s, account, "PART", 1, ts(T0_MINUS_1S));
        let p = won_by(&r, "all");
        assert_eq!(
            status(&p.candidates, assignment),
            &not_valid(of, w01, true),
            "{account}"
        );
    }
}

#[test]
fn consecutive_lists_hand_over_at_the_boundary_instant() {
    let s = windows_world();
    let w01 = window(Some(T0), Some(T1));
    let w12 = window(Some(T1), Some(T2));
    // at t1 the second list applies: 1 x 14.00
    let r = ask_at(&s, "w-seq", "PART", 1, ts(T1));
    let p = won_by(&r, "h2");
    assert_eq!(p.price.amount.to_string(), "14.00");
    assert_eq!(ids(&p.candidates), ["h1", "h2", "all"]);
    assert_eq!(
        status(&p.candidates, "h1"),
        &not_valid(WindowOf::List, w01, false)
    );
    // one second earlier the first: 1 x 13.00
    let r = ask_at(&s, "w-seq", "PART", 1, ts(T1_MINUS_1S));
    let p = won_by(&r, "h1");
    assert_eq!(p.price.amount.to_string(), "13.00");
    assert_eq!(
        status(&p.candidates, "h2"),
        &not_valid(WindowOf::List, w12, true)
    );
    // at t2 neither: public 1 x 20.00
    let r = ask_at(&s, "w-seq", "PART", 1, ts(T2));
    let p = won_by(&r, "all");
    assert_eq!(p.price.amount.to_string(), "20.00");
    assert_eq!(
        status(&p.candidates, "h2"),
        &not_valid(WindowOf::List, w12, false)
    );
}

// ---------------------------------------------------------------------------------------------
// relative lists

fn relative_world() -> Snapshot {
    build(json!({
        "accounts": [usd("plain"), usd("r-cat"), usd("r-tools"), usd("r-rr"), usd("r-old")],
        "catalog": [
            { "sku": "DRILL", "name": "Drill", "categories": ["tools/power/drills"] },
            { "sku": "BIT", "name": "Drill bit", "categories": ["tools/power/drills"] },
            { "sku": "SAW", "name": "Saw", "categories": ["tools/power/saws"] },
            { "sku": "HAMMER", "name": "Hammer", "categories": ["tools/hand"] },
            { "sku": "SCREW", "name": "Screw", "categories": ["fasteners/screws"] }
        ],
        "price_lists": [
            { "id": "base", "name": "Base", "owner": "pricing", "currency": "USD", "entries": [
                { "sku": "DRILL", "tiers": [{ "min_qty": 1, "unit_price": "100.00" },
                                            { "min_qty": 10, "unit_price": "90.00" }] },
                { "sku": "BIT", "tiers": [{ "min_qty": 1, "unit_price": "9.99" }] },
                { "sku": "SAW", "tiers": [{ "min_qty": 1, "unit_price": "200.00" }] },
                { "sku": "HAMMER", "tiers": [{ "min_qty": 1, "unit_price": "30.00" }] },
                { "sku": "SCREW", "tiers": [{ "min_qty": 1, "unit_price": "10.00" }] }
            ] },
            { "id": "pct", "name": "10 % off", "owner": "pricing", "currency": "USD",
              "relative": { "base": "base", "adjustments": [{ "percent": "-10" }] } },
            { "id": "cat-rel", "name": "By category", "owner": "pricing", "currency": "USD",
              "relative": { "base": "base", "adjustments": [
                  { "percent": "-10" },
                  { "category": "tools", "percent": "-15" },
                  { "category": "tools/power/drills", "percent": "-25" },
                  { "category": "tools/power", "percent": "-20" }
              ] } },
            { "id": "only-tools", "name": "Tools +5 %", "owner": "pricing", "currency": "USD",
              "relative": { "base": "base", "adjustments": [{ "category": "tools", "percent": "5" }] } },
            { "id": "rel-of-rel", "name": "Another 10 % off", "owner": "pricing", "currency": "USD",
              "relative": { "base": "cat-rel", "adjustments": [{ "percent": "-10" }] } },
            { "id": "old-base", "name": "Old", "owner": "pricing", "currency": "USD",
              "valid": { "until": T0 },
              "entries": [{ "sku": "DRILL", "tiers": [{ "min_qty": 1, "unit_price": "50.00" }] }] },
            { "id": "rel-old", "name": "On old", "owner": "pricing", "currency": "USD",
              "relative": { "base": "old-base", "adjustments": [{ "percent": "-10" }] } }
        ],
        "assignments": [
            { "id": "all-pct", "price_list": "pct", "scope": "everyone" },
            { "id": "cat-own", "price_list": "cat-rel", "scope": { "account": "r-cat" } },
            { "id": "tools-own", "price_list": "only-tools", "scope": { "account": "r-tools" } },
            { "id": "rr-own", "price_list": "rel-of-rel", "scope": { "account": "r-rr" } },
            { "id": "old-own", "price_list": "rel-old", "scope": { "account": "r-old" } }
        ]
    }))
}

#[test]
fn a_percent_for_every_sku_applies_to_every_tier() {
    let s = relative_world();
    // tier 1: 100.00 x 90 / 100 = 90.00
    let r = ask(&s, "plain", "DRILL", 1);
    let p = won_by(&r, "all-pct");
    assert_eq!(p.price.amount.to_string(), "90.00");
    // tier 10: 90.00 x 0.9 = 81.00; 10 x 81.00 = 810.00
    let r = ask(&s, "plain", "DRILL", 10);
    let p = won_by(&r, "all-pct");
    assert_eq!(p.price.slices, vec![slice(10, 10, "81.00", "810.00")]);
    assert_eq!(p.price.amount.to_string(), "810.00");
    assert_eq!(
        p.price.adjustments,
        vec![adjustment("pct", "base", None, "-10")]
    );
    // SCREW: 10.00 x 0.9 = 9.00
    let r = ask(&s, "plain", "SCREW", 1);
    assert_eq!(won_by(&r, "all-pct").price.amount.to_string(), "9.00");
}

#[test]
fn the_deepest_matching_category_adjustment_wins() {
    let s = relative_world();
    let cases = [
        // DRILL in tools/power/drills: -25 %: 100.00 x 0.75 = 75.00
        ("DRILL", "75.00", Some("tools/power/drills"), "-25"),
        // SAW in tools/power/saws: -20 % (tools/power): 200.00 x 0.80 = 160.00
        ("SAW", "160.00", Some("tools/power"), "-20"),
        // HAMMER in tools/hand: -15 % (tools): 30.00 x 0.85 = 25.50
        ("HAMMER", "25.50", Some("tools"), "-15"),
        // SCREW in fasteners/screws: the catch-all -10 %: 10.00 x 0.90 = 9.00
        ("SCREW", "9.00", None, "-10"),
    ];
    for (sku, amount, category, percent) in cases {
        let r = ask(&s, "r-cat", sku, 1);
        let p = won_by(&r, "cat-own");
        assert_eq!(p.price.unit_price(), Some(d(amount)), "{sku}");
        assert_eq!(p.price.amount.to_string(), amount, "{sku}");
        assert_eq!(
            p.price.adjustments,
            vec![adjustment("cat-rel", "base", category, percent)],
            "{sku}"
        );
    }
    // DRILL tier 10 at -25 %: 90.00 x 0.75 = 67.50; 10 x 67.50 = 675.00
    let r = ask(&s, "r-cat", "DRILL", 10);
    let p = won_by(&r, "cat-own");
    assert_eq!(p.price.slices, vec![slice(10, 10, "67.50", "675.00")]);
}

#[test]
fn a_sku_outside_every_adjustment_has_no_entry_in_the_relative_list() {
    let s = relative_world();
    // SCREW is not under tools: only-tools has no entry; everyone's 10 % off: 9.00
    let r = ask(&s, "r-tools", "SCREW", 1);
    let p = won_by(&r, "all-pct");
    assert_eq!(
        status(&p.candidates, "tools-own"),
        &CandidateStatus::NoEntry
    );
    assert_eq!(p.price.amount.to_string(), "9.00");
    // DRILL is: 100.00 x 105 / 100 = 105.00
    let r = ask(&s, "r-tools", "DRILL", 1);
    assert_eq!(won_by(&r, "tools-own").price.amount.to_string(), "105.00");
}

#[test]
fn a_relative_list_of_a_relative_list_multiplies_both_adjustments_exactly() {
    let s = relative_world();
    // BIT: 9.99 x 0.75 = 7.4925 (cat-rel, drills -25 %), then x 0.90 = 6.74325 (rel-of-rel)
    // 3 x 6.74325 = 20.22975 -> 20.23
    let r = ask(&s, "r-rr", "BIT", 3);
    let p = won_by(&r, "rr-own");
    assert_eq!(p.price.unit_price(), Some(d("6.74325")));
    assert_eq!(p.price.exact_amount, d("20.22975"));
    assert_eq!(p.price.amount.to_string(), "20.23");
    assert_eq!(
        p.price.adjustments,
        vec![
            adjustment("rel-of-rel", "cat-rel", None, "-10"),
            adjustment("cat-rel", "base", Some("tools/power/drills"), "-25"),
        ]
    );
    // SCREW: 10.00 x 0.90 (catch-all) x 0.90 = 8.10
    let r = ask(&s, "r-rr", "SCREW", 1);
    assert_eq!(won_by(&r, "rr-own").price.amount.to_string(), "8.10");
}

#[test]
fn a_closed_base_list_window_rules_out_the_relative_list() {
    let s = relative_world();
    let r = ask(&s, "r-old", "DRILL", 1);
    let p = won_by(&r, "all-pct");
    assert_eq!(
        status(&p.candidates, "old-own"),
        &not_valid(
            WindowOf::BaseList("old-base".into()),
            window(None, Some(T0)),
            false
        )
    );
    // everyone's 10 % off: 100.00 x 0.9 = 90.00
    assert_eq!(p.price.amount.to_string(), "90.00");
    // before the base closed, the relative list prices: 50.00 x 0.9 = 45.00
    let r = ask_at(&s, "r-old", "DRILL", 1, ts(T0_MINUS_1S));
    assert_eq!(won_by(&r, "old-own").price.amount.to_string(), "45.00");
}

// ---------------------------------------------------------------------------------------------
// quote required, other currency

#[test]
fn no_assignment_reaching_the_account_requires_a_quote_with_no_candidates() {
    let s = build(json!({
        "accounts": [usd("nobody-co"), usd("other")],
        "catalog": part(),
        "price_lists": [list("other-list", one_price("PART", "1.00"))],
        "assignments": [{ "id": "other-own", "price_list": "other-list", "scope": { "account": "other" } }]
    }));
    let r = ask(&s, "nobody-co", "PART", 1);
    let q = quote(&r);
    assert_eq!(q.reason, QuoteReason::NoPrice);
    assert!(q.candidates.is_empty());
    assert!(r.to_string().contains("candidates: none"), "{r}");
}

#[test]
fn every_candidate_failing_requires_a_quote_with_each_reason() {
    let s = build(json!({
        "accounts": [usd("unlucky")],
        "catalog": [{ "sku": "PART", "name": "Part" }, { "sku": "OTHER", "name": "Other" }],
        "price_lists": [
            list("l-usd", one_price("PART", "1.00")),
            { "id": "l-eur", "name": "EUR", "owner": "o", "currency": "EUR",
              "entries": [{ "sku": "PART", "tiers": [{ "min_qty": 1, "unit_price": "1.00" }] }] },
            list("l-other", one_price("OTHER", "1.00")),
            { "id": "l-bulk", "name": "Bulk", "owner": "o", "currency": "USD",
              "entries": [{ "sku": "PART", "tiers": [{ "min_qty": 50, "unit_price": "0.50" }] }] },
            { "id": "l-future", "name": "Future", "owner": "o", "currency": "USD",
              "valid": { "from": T2 },
              "entries": [{ "sku": "PART", "tiers": [{ "min_qty": 1, "unit_price": "1.00" }] }] }
        ],
        "assignments": [
            { "id": "u1", "price_list": "l-usd", "scope": { "account": "unlucky" }, "priority": 5,
              "valid": { "until": T0 } },
            { "id": "u2", "price_list": "l-eur", "scope": { "account": "unlucky" }, "priority": 4 },
            { "id": "u3", "price_list": "l-other", "scope": { "account": "unlucky" }, "priority": 3 },
            { "id": "u4", "price_list": "l-bulk", "scope": { "account": "unlucky" }, "priority": 2 },
            { "id": "u5", "price_list": "l-future", "scope": { "account": "unlucky" }, "priority": 1 }
        ]
    }));
    let r = ask(&s, "unlucky", "PART", 1);
    let q = quote(&r);
    assert_eq!(q.reason, QuoteReason::NoPrice);
    let statuses: Vec<(&str, &CandidateStatus)> = q
        .candidates
        .iter()
        .map(|c| (c.assignment.as_str(), &c.status))
        .collect();
    assert_eq!(
        statuses,
        vec![
            (
                "u1",
                &not_valid(WindowOf::Assignment, window(None, Some(T0)), false)
            ),
            (
                "u2",
                &CandidateStatus::OtherCurrency {
                    currency: tradeterms::Currency::from_code("EUR").unwrap()
                }
            ),
            ("u3", &CandidateStatus::NoEntry),
            (
                "u4",
                &CandidateStatus::BelowMinimumQuantity {
                    min_qty: 50u64.into()
                }
            ),
            (
                "u5",
                &not_valid(WindowOf::List, window(Some(T2), None), true)
            ),
        ]
    );
    let text = r.to_string();
    for id in ["u1", "u2", "u3", "u4", "u5"] {
        assert!(text.contains(&format!("`{id}`")), "{text}");
    }
}

#[test]
fn an_eur_account_never_gets_a_usd_list() {
    let s = build(json!({
        "accounts": [usd("us-co"), { "id": "eu-co", "name": "EU", "currency": "EUR" },
                     { "id": "eu-only", "name": "EU only", "currency": "EUR" }],
        "catalog": part(),
        "price_lists": [
            list("public-usd", one_price("PART", "10.00")),
            { "id": "public-eur", "name": "EUR", "owner": "o", "currency": "EUR",
              "entries": [{ "sku": "PART", "tiers": [{ "min_qty": 1, "unit_price": "9.00" }] }] },
            list("eu-contract-usd", one_price("PART", "5.00"))
        ],
        "assignments": [
            { "id": "all-usd", "price_list": "public-usd", "scope": "everyone" },
            { "id": "all-eur", "price_list": "public-eur", "scope": "everyone" },
            { "id": "eu-own", "price_list": "eu-contract-usd", "scope": { "account": "eu-co" }, "priority": 100 },
            { "id": "eu-only-own", "price_list": "eu-contract-usd", "scope": { "account": "eu-only" } }
        ]
    }));
    let usd = tradeterms::Currency::from_code("USD").unwrap();
    let eur = tradeterms::Currency::from_code("EUR").unwrap();
    // EUR account: the USD contract and the USD public list are out; 2 x 9.00 = 18.00 EUR
    let r = ask(&s, "eu-co", "PART", 2);
    let p = won_by(&r, "all-eur");
    assert_eq!(p.price.currency, eur);
    assert_eq!(p.price.amount.to_string(), "18.00");
    assert_eq!(ids(&p.candidates), ["eu-own", "all-eur", "all-usd"]);
    assert_eq!(
        status(&p.candidates, "eu-own"),
        &CandidateStatus::OtherCurrency { currency: usd }
    );
    assert_eq!(
        status(&p.candidates, "all-usd"),
        &CandidateStatus::OtherCurrency { currency: usd }
    );
    // USD account: 2 x 10.00 = 20.00 USD
    let r = ask(&s, "us-co", "PART", 2);
    let p = won_by(&r, "all-usd");
    assert_eq!(p.price.currency, usd);
    assert_eq!(p.price.amount.to_string(), "20.00");
    assert_eq!(
        status(&p.candidates, "all-eur"),
        &CandidateStatus::OtherCurrency { currency: eur }
    );
}

// ---------------------------------------------------------------------------------------------
// entitlement

fn entitlement_world() -> Snapshot {
    build(json!({
        "accounts": [usd("hq"), child("region", "hq"), child("store", "region")],
        "roles": [{ "name": "catalog-only", "permissions": ["view_catalog"] }],
        "users": [
            { "id": "nobody", "name": "Nobody", "memberships": [] },
            { "id": "gone", "name": "Gone", "disabled": true,
              "memberships": [{ "account": "hq", "roles": ["buyer"], "reach": "subtree" }] },
            { "id": "paused", "name": "Paused",
              "memberships": [{ "account": "store", "roles": ["buyer"], "disabled": true }] },
            { "id": "holding-buyer", "name": "HB",
              "memberships": [{ "account": "hq", "roles": ["buyer"], "reach": "subtree" }] },
            { "id": "hq-only", "name": "HQ",
              "memberships": [{ "account": "hq", "roles": ["buyer"] }] },
            { "id": "browser", "name": "Browser",
              "memberships": [{ "account": "store", "roles": ["catalog-only"] }] }
        ],
        "catalog": [{ "sku": "WIDGET", "name": "Widget" }],
        "price_lists": [list("secret-list", one_price("WIDGET", "873.49"))],
        "assignments": [{ "id": "secret-assign", "price_list": "secret-list", "scope": "everyone" }]
    }))
}

fn assert_reveals_no_price(r: &Resolution) {
    let text = r.to_string();
    for leak in ["secret-list", "secret-assign", "873", "49", "owner"] {
        assert!(!text.contains(leak), "`{leak}` leaked:\n{text}");
    }
    assert!(r.outcome.price().is_none());
    assert!(r.outcome.candidates().is_empty());
}

#[test]
fn a_user_without_membership_is_denied_and_told_nothing_about_prices() {
    let s = entitlement_world();
    let r = ask_as(&s, "store", "nobody", "WIDGET", 1);
    assert_eq!(r.outcome, Outcome::Denied(Refusal::NotEntitled));
    assert!(r.visibility.is_none());
    assert!(!r.access.view_catalog.is_allowed());
    assert!(!r.access.buy.is_allowed());
    assert_reveals_no_price(&r);
}

#[test]
fn a_disabled_user_is_denied() {
    let s = entitlement_world();
    for account in ["hq", "store"] {
        let r = ask_as(&s, account, "gone", "WIDGET", 1);
        assert_eq!(r.outcome, Outcome::Denied(Refusal::UserDisabled));
        assert_reveals_no_price(&r);
    }
}

#[test]
fn a_disabled_membership_grants_nothing() {
    let s = entitlement_world();
    let r = ask_as(&s, "store", "paused", "WIDGET", 1);
    assert_eq!(r.outcome, Outcome::Denied(Refusal::NotEntitled));
    assert_reveals_no_price(&r);
}

#[test]
fn subtree_reach_covers_a_grandchild_but_account_reach_not_a_child() {
    let s = entitlement_world();
    // 1 x 873.49
    let r = ask_as(&s, "store", "holding-buyer", "WIDGET", 1);
    assert_eq!(priced(&r).price.amount.to_string(), "873.49");
    assert_eq!(
        r.access.buy,
        Grant::Allowed {
            role: "buyer".into(),
            via: "hq".into()
        }
    );
    let r = ask_as(&s, "hq", "hq-only", "WIDGET", 1);
    assert_eq!(priced(&r).price.amount.to_string(), "873.49");
    let r = ask_as(&s, "region", "hq-only", "WIDGET", 1);
    assert_eq!(r.outcome, Outcome::Denied(Refusal::NotEntitled));
    assert_reveals_no_price(&r);
}

#[test]
fn a_role_with_only_view_catalog_hides_prices() {
    let s = entitlement_world();
    let r = ask_as(&s, "store", "browser", "WIDGET", 1);
    assert_eq!(
        r.outcome,
        Outcome::PriceHidden(Refusal::MissingPermission {
            permission: Permission::ViewPrices,
            roles: vec!["catalog-only".into()],
        })
    );
    assert!(r.access.view_catalog.is_allowed());
    assert_reveals_no_price(&r);
}

#[test]
fn a_dataset_role_named_buyer_replaces_the_preset() {
    let s = build(json!({
        "accounts": [usd("shop")],
        "roles": [{ "name": "buyer", "permissions": ["view_catalog"] }],
        "users": [{ "id": "ann", "name": "Ann", "memberships": [{ "account": "shop", "roles": ["buyer"] }] }],
        "catalog": part(),
        "price_lists": [list("public", one_price("PART", "5.00"))],
        "assignments": [{ "id": "all", "price_list": "public", "scope": "everyone" }]
    }));
    let r = ask_as(&s, "shop", "ann", "PART", 1);
    assert_eq!(
        r.outcome,
        Outcome::PriceHidden(Refusal::MissingPermission {
            permission: Permission::ViewPrices,
            roles: vec!["buyer".into()],
        })
    );
    assert!(!r.access.buy.is_allowed());
    assert!(!r.access.request_quote.is_allowed());
}

// ---------------------------------------------------------------------------------------------
// query errors

#[test]
fn an_unknown_user_and_a_zero_quantity_are_errors_naming_the_input() {
    let s = demo();
    let at = now();
    let e = s
        .resolve(&Query::new("abb-north", "ghost-user", "DRILL-18V", 1, at))
        .unwrap_err();
    assert_eq!(e, ResolveError::UnknownUser("ghost-user".into()));
    assert!(e.to_string().contains("`ghost-user`"));
    // The user is checked before the account and the SKU, which it may not learn about.
    let e = s
        .resolve(&Query::new("ghost-co", "ghost-user", "GHOST-SKU", 1, at))
        .unwrap_err();
    assert_eq!(e, ResolveError::UnknownUser("ghost-user".into()));
    let e = s
        .resolve(&Query::new("abb-north", "john", "DRILL-18V", 0, at))
        .unwrap_err();
    assert_eq!(e, ResolveError::ZeroQuantity("DRILL-18V".into()));
}

#[test]
fn an_amount_beyond_exact_decimal_range_is_an_overflow_error() {
    let s = build(json!({
        "accounts": [usd("big-co")],
        "catalog": part(),
        // 79228162514264337593543950 is about Decimal::MAX / 1000
        "price_lists": [list("huge", one_price("PART", "79228162514264337593543950"))],
        "assignments": [{ "id": "all", "price_list": "huge", "scope": "everyone" }]
    }));
    // 79228162514264337593543950 x 10000 ~ 7.9e29 > Decimal::MAX ~ 7.9e28
    let e = s
        .resolve(&Query::new("big-co", "buyer", "PART", 10_000, now()))
        .unwrap_err();
    assert_eq!(
        e,
        ResolveError::Overflow {
            sku: "PART".into(),
            list: Some("huge".into()),
            qty: 10_000u64.into(),
        }
    );
    let text = e.to_string();
    assert!(text.contains("`huge`") && text.contains("`PART`"), "{text}");
    // a small quantity is fine: 1 x 79228162514264337593543950
    let r = ask(&s, "big-co", "PART", 1);
    assert_eq!(
        priced(&r).price.exact_amount,
        d("79228162514264337593543950")
    );
}

// ---------------------------------------------------------------------------------------------
// explanation

#[test]
fn the_explanation_names_the_winning_list_its_owner_and_every_candidate() {
    let r = demo_ask("john", "abb-north", "DRILL-18V", 5);
    let text = r.to_string();
    for needle in [
        "`abb-north-2026`",
        "north-sales@seller.example",
        "`abb-north-own`",
        "`abb-holding`",
        "`everyone-public`",
        "545.00",
    ] {
        assert!(text.contains(needle), "missing {needle}:\n{text}");
    }
    // lowest price: the losers' amounts are explained too
    let r = demo_ask("bob", "austin-hardware", "SCREW-100", 150);
    let text = r.to_string();
    for needle in [
        "`austin-2026`",
        "wholesale@seller.example",
        "`austin-own`",
        "`wholesale-seg`",
        "`everyone-public`",
        "789.30",
        "885.00",
    ] {
        assert!(text.contains(needle), "missing {needle}:\n{text}");
    }
}

// ---------------------------------------------------------------------------------------------
// further corners: check order, segment class, adjustment ties, role union, BHD, exact amounts

#[test]
fn each_candidate_reports_the_first_check_it_fails() {
    let s = build(json!({
        "accounts": [usd("chk")],
        "catalog": [{ "sku": "PART", "name": "Part" }, { "sku": "OTHER", "name": "Other" }],
        "price_lists": [
            { "id": "l-expired", "name": "x", "owner": "o", "currency": "USD", "valid": { "until": T0 },
              "entries": [{ "sku": "PART", "tiers": [{ "min_qty": 1, "unit_price": "1.00" }] }] },
            { "id": "l-expired-eur", "name": "x", "owner": "o", "currency": "EUR", "valid": { "until": T0 },
              "entries": [{ "sku": "PART", "tiers": [{ "min_qty": 1, "unit_price": "1.00" }] }] },
            { "id": "l-eur-other", "name": "x", "owner": "o", "currency": "EUR",
              "entries": [{ "sku": "OTHER", "tiers": [{ "min_qty": 1, "unit_price": "1.00" }] }] },
            { "id": "l-entry-bulk", "name": "x", "owner": "o", "currency": "USD",
              "entries": [{ "sku": "PART", "valid": { "until": T0 },
                            "tiers": [{ "min_qty": 10, "unit_price": "1.00" }] }] }
        ],
        "assignments": [
            // assignment and list both closed: the assignment is reported
            { "id": "c1", "price_list": "l-expired", "scope": { "account": "chk" }, "priority": 4,
              "valid": { "until": T0 } },
            // list closed and in another currency: the list window is reported
            { "id": "c2", "price_list": "l-expired-eur", "scope": { "account": "chk" }, "priority": 3 },
            // other currency and no entry: the currency is reported
            { "id": "c3", "price_list": "l-eur-other", "scope": { "account": "chk" }, "priority": 2 },
            // entry closed and quantity below its first tier: the entry window is reported
            { "id": "c4", "price_list": "l-entry-bulk", "scope": { "account": "chk" }, "priority": 1 }
        ]
    }));
    let r = ask(&s, "chk", "PART", 1);
    let q = quote(&r);
    let closed = window(None, Some(T0));
    let statuses: Vec<&CandidateStatus> = q.candidates.iter().map(|c| &c.status).collect();
    assert_eq!(
        statuses,
        vec![
            &not_valid(WindowOf::Assignment, closed, false),
            &not_valid(WindowOf::List, closed, false),
            &CandidateStatus::OtherCurrency {
                currency: tradeterms::Currency::from_code("EUR").unwrap()
            },
            &not_valid(WindowOf::Entry, closed, false),
        ]
    );
}

#[test]
fn all_segments_are_one_class_ordered_by_priority_then_assignment_id() {
    let s = build(json!({
        "accounts": [usd("member")],
        "segments": [
            { "id": "alpha", "name": "Alpha", "accounts": ["member"] },
            { "id": "zeta", "name": "Zeta", "accounts": ["member"] }
        ],
        "catalog": [{ "sku": "PART", "name": "Part" }, { "sku": "OTHER", "name": "Other" }],
        "price_lists": [
            list("seg-top", one_price("PART", "7.00")),
            list("seg-part", one_price("PART", "8.00")),
            list("seg-other", one_price("OTHER", "1.00"))
        ],
        "assignments": [
            { "id": "s-b", "price_list": "seg-part", "scope": { "segment": "alpha" } },
            { "id": "s-a", "price_list": "seg-other", "scope": { "segment": "zeta" } },
            { "id": "s-top", "price_list": "seg-top", "scope": { "segment": "zeta" }, "priority": 5 }
        ]
    }));
    let r = ask(&s, "member", "PART", 2);
    let p = won_by(&r, "s-top");
    assert_eq!(p.price.amount.to_string(), "14.00"); // 2 x 7.00
    // priority 5 first; then at priority 0 by assignment id, whatever the segment's id
    assert_eq!(ids(&p.candidates), ["s-top", "s-a", "s-b"]);
    assert_eq!(
        p.candidates[1].specificity,
        Specificity::Segment("zeta".into())
    );
    assert_eq!(
        p.candidates[2].specificity,
        Specificity::Segment("alpha".into())
    );
    assert_eq!(status(&p.candidates, "s-a"), &CandidateStatus::NoEntry);
    assert_eq!(status(&p.candidates, "s-b"), &lower("s-top"));
}

#[test]
fn adjustments_of_equal_depth_go_to_the_first_listed_and_categories_match_whole_segments() {
    let s = build(json!({
        "accounts": [usd("shop")],
        "catalog": [
            { "sku": "MOWER", "name": "Mower", "categories": ["tools/power", "garden/power"] },
            { "sku": "CABLE", "name": "Cable", "categories": ["tools/powerful"] }
        ],
        "price_lists": [
            { "id": "base", "name": "Base", "owner": "o", "currency": "USD", "entries": [
                { "sku": "MOWER", "tiers": [{ "min_qty": 1, "unit_price": "300.00" }] },
                { "sku": "CABLE", "tiers": [{ "min_qty": 1, "unit_price": "20.00" }] } ] },
            { "id": "by-cat", "name": "x", "owner": "o", "currency": "USD",
              "relative": { "base": "base", "adjustments": [
                  { "category": "garden/power", "percent": "-30" },
                  { "category": "tools/power", "percent": "-20" } ] } }
        ],
        "assignments": [
            { "id": "shop-own", "price_list": "by-cat", "scope": { "account": "shop" } }
        ]
    }));
    // both adjustments are at depth 2: the first listed (-30 %): 300.00 x 0.70 = 210.00
    let r = ask(&s, "shop", "MOWER", 1);
    let p = won_by(&r, "shop-own");
    assert_eq!(p.price.amount.to_string(), "210.00");
    assert_eq!(
        p.price.adjustments[0].category.as_deref(),
        Some("garden/power")
    );
    // `tools/power` does not cover `tools/powerful`
    let r = ask(&s, "shop", "CABLE", 1);
    assert_eq!(
        status(quote(&r).candidates.as_slice(), "shop-own"),
        &CandidateStatus::NoEntry
    );
    // Two adjustments with the same target (two category-less ones) are refused at build
    // since issue 16 (P6a): tests/adjustments.rs.
}

#[test]
fn permissions_are_the_union_of_every_reaching_membership() {
    let s = build(json!({
        "accounts": [usd("hq"), child("store", "hq")],
        "roles": [
            { "name": "see-catalog", "permissions": ["view_catalog"] },
            { "name": "see-prices", "permissions": ["view_prices"] }
        ],
        "users": [{ "id": "pat", "name": "Pat", "memberships": [
            { "account": "store", "roles": ["see-catalog"] },
            { "account": "hq", "roles": ["see-prices"], "reach": "subtree" } ] }],
        "catalog": part(),
        "price_lists": [list("public", one_price("PART", "4.00"))],
        "assignments": [{ "id": "all", "price_list": "public", "scope": "everyone" }]
    }));
    let r = ask_as(&s, "store", "pat", "PART", 1);
    assert_eq!(priced(&r).price.amount.to_string(), "4.00"); // 1 x 4.00
    assert_eq!(
        r.access.view_prices,
        Grant::Allowed {
            role: "see-prices".into(),
            via: "hq".into()
        }
    );
    assert_eq!(
        r.access.buy,
        Grant::Refused(Refusal::MissingPermission {
            permission: Permission::Buy,
            roles: vec!["see-catalog".into(), "see-prices".into()],
        })
    );
    // at hq only the subtree membership counts: no catalogue permission
    let r = ask_as(&s, "hq", "pat", "PART", 1);
    assert_eq!(
        r.outcome,
        Outcome::Denied(Refusal::MissingPermission {
            permission: Permission::ViewCatalog,
            roles: vec!["see-prices".into()],
        })
    );
}

#[test]
fn bhd_rounds_to_three_places() {
    let s = build(json!({
        "accounts": [{ "id": "bh-co", "name": "BH", "currency": "BHD" }],
        "catalog": part(),
        "price_lists": [{ "id": "bhd", "name": "BHD", "owner": "o", "currency": "BHD",
                          "entries": [{ "sku": "PART", "tiers": [{ "min_qty": 1, "unit_price": "1.0005" }] }] }],
        "assignments": [{ "id": "all", "price_list": "bhd", "scope": "everyone" }]
    }));
    // 1 x 1.0005 -> 1.001
    assert_eq!(
        priced(&ask(&s, "bh-co", "PART", 1))
            .price
            .amount
            .to_string(),
        "1.001"
    );
    // 4 x 1.0005 = 4.0020 -> 4.002
    assert_eq!(
        priced(&ask(&s, "bh-co", "PART", 4))
            .price
            .amount
            .to_string(),
        "4.002"
    );
}

#[test]
fn lowest_price_compares_exact_amounts_not_rounded_ones() {
    let s = build(json!({
        "accounts": [{ "id": "lp", "name": "LP", "currency": "USD", "price_policy": "lowest_price" }],
        "catalog": part(),
        "price_lists": [list("dear", one_price("PART", "0.126")), list("cheap", one_price("PART", "0.125"))],
        "assignments": [
            { "id": "first", "price_list": "dear", "scope": { "account": "lp" }, "priority": 1 },
            { "id": "second", "price_list": "cheap", "scope": { "account": "lp" } }
        ]
    }));
    // both round to 0.13, but 0.125 < 0.126 exactly
    let r = ask(&s, "lp", "PART", 1);
    let p = won_by(&r, "second");
    assert_eq!(p.price.exact_amount, d("0.125"));
    assert_eq!(p.price.amount.to_string(), "0.13");
    assert_eq!(status(&p.candidates, "first"), &higher("0.126", "second"));
}

#[test]
fn a_graduated_line_prices_every_unit_even_when_the_first_tier_starts_above_one() {
    let s = build(json!({
        "accounts": [usd("g-co")],
        "catalog": part(),
        "price_lists": [{ "id": "grad5", "name": "G", "owner": "o", "currency": "USD", "tier_mode": "graduated",
            "entries": [{ "sku": "PART", "tiers": [
                { "min_qty": 5, "unit_price": "1.00" }, { "min_qty": 10, "unit_price": "0.50" } ] }] }],
        "assignments": [{ "id": "all", "price_list": "grad5", "scope": "everyone" }]
    }));
    for qty in [5u64, 7, 12] {
        let r = ask(&s, "g-co", "PART", qty);
        let units: tradeterms::Quantity = priced(&r).price.slices.iter().map(|s| s.units).sum();
        assert_eq!(units, qty, "every unit of the line is priced:\n{r}");
    }
    // 5 units, all in the first tier: 5 x 1.00 = 5.00 (the engine says 1.00)
    let r = ask(&s, "g-co", "PART", 5);
    assert_eq!(priced(&r).price.slices, vec![slice(5, 5, "1.00", "5.00")]);
    assert_eq!(priced(&r).price.amount.to_string(), "5.00");
    // 7 units: 7 x 1.00 = 7.00 (the engine says 3.00)
    let r = ask(&s, "g-co", "PART", 7);
    assert_eq!(priced(&r).price.amount.to_string(), "7.00");
}

// ---------------------------------------------------------------------------------------------
// visibility targets: the most specific target wins at equal scope (SEMANTICS V8)

/// Abb Corp (a holding) with Abb North and Abb East, and Austin Hardware on its own; a drill,
/// a saw and a hammer in the tool tree, gloves outside it, each priced by a public list.
/// `rules` are the visibility rules under test.
fn targets_world(rules: Value) -> Snapshot {
    build(json!({
        "accounts": [usd("abb-corp"), child("abb-north", "abb-corp"), child("abb-east", "abb-corp"),
                     usd("austin-hardware")],
        "catalog": [
            { "sku": "DRILL-18V", "name": "Drill 18V", "categories": ["tools/power/drills"],
              "attributes": { "brand": "bosch" } },
            { "sku": "SAW-CIRC", "name": "Circular saw", "categories": ["tools/power/saws", "clearance/2026"],
              "attributes": { "brand": "bosch" } },
            { "sku": "HAMMER-16", "name": "Hammer", "categories": ["tools/hand"],
              "attributes": { "brand": "stanley" } },
            { "sku": "GLOVES", "name": "Gloves", "categories": ["safety"],
              "attributes": { "brand": "bosch" } }
        ],
        "price_lists": [list("public", json!([
            { "sku": "DRILL-18V", "tiers": [{ "min_qty": 1, "unit_price": "129.00" }] },
            { "sku": "SAW-CIRC", "tiers": [{ "min_qty": 1, "unit_price": "189.00" }] },
            { "sku": "HAMMER-16", "tiers": [{ "min_qty": 1, "unit_price": "24.50" }] },
            { "sku": "GLOVES", "tiers": [{ "min_qty": 1, "unit_price": "6.00" }] }
        ]))],
        "assignments": [{ "id": "everyone-public", "price_list": "public", "scope": "everyone" }],
        "visibility_rules": rules
    }))
}

fn vis_rule(id: &str, scope: Value, target: Value, effect: &str) -> Value {
    json!({ "id": id, "owner": "merch@seller.example", "scope": scope, "target": target, "effect": effect })
}

fn visibility(s: &Snapshot, account: &str, sku: &str) -> tradeterms::Visibility {
    ask(s, account, sku, 1).visibility.unwrap()
}

/// The deciding rule's id, and each overridden rule's id with why it lost.
fn decided(v: &tradeterms::Visibility) -> (bool, &str, Vec<(&str, OverrideReason)>) {
    (
        v.visible,
        v.decided_by.as_ref().map_or("", |r| r.id.as_str()),
        v.overridden
            .iter()
            .map(|o| (o.rule.id.as_str(), o.reason))
            .collect(),
    )
}

/// The everyday request: at one scope, hide the category Tools but show the drill in it.
/// Before SEMANTICS V8 the exclusion won whatever each rule targeted, and the drill was hidden.
#[test]
fn hide_the_tools_category_but_show_the_drill_at_one_scope() {
    let s = targets_world(json!([
        vis_rule(
            "austin-no-tools",
            json!({ "account": "austin-hardware" }),
            json!({ "category": "tools" }),
            "exclude"
        ),
        vis_rule(
            "austin-drill",
            json!({ "account": "austin-hardware" }),
            json!({ "sku": "DRILL-18V" }),
            "include"
        )
    ]));
    let v = visibility(&s, "austin-hardware", "DRILL-18V");
    assert_eq!(
        decided(&v),
        (
            true,
            "austin-drill",
            vec![("austin-no-tools", OverrideReason::LessSpecificTarget)]
        )
    );
    assert_eq!(v.overridden[0].effect, tradeterms::Effect::Exclude);
    assert_eq!(
        v.to_string(),
        "visible: included by rule `austin-drill` (own account, owner merch@seller.example); \
         overrides `austin-no-tools` (own account, owner merch@seller.example), which excludes: \
         less specific target"
    );
    // The drill is priced: 129.00.
    assert_eq!(
        priced(&ask(&s, "austin-hardware", "DRILL-18V", 1))
            .price
            .amount
            .to_string(),
        "129.00"
    );
    // The rest of Tools stays hidden; gloves are outside it.
    for sku in ["SAW-CIRC", "HAMMER-16"] {
        let r = ask(&s, "austin-hardware", sku, 1);
        assert!(matches!(r.outcome, Outcome::NotVisible), "{r}");
        assert_eq!(
            decided(r.visibility.as_ref().unwrap()),
            (false, "austin-no-tools", vec![])
        );
    }
    // The sheet (decided through the per-sheet index) agrees: the drill and the gloves.
    let sheet: Vec<String> = s
        .price_sheet("austin-hardware", "buyer", now(), 1)
        .unwrap()
        .map(|l| l.unwrap().sku.to_string())
        .collect();
    assert_eq!(sheet, ["DRILL-18V", "GLOVES"]);
    // Lint no longer calls the drill's inclusion moot: it decides.
    assert_eq!(s.lint(now()), []);
}

/// At one scope a sub-category's rule beats its parent's, and a SKU's beats both: hide Tools,
/// show power tools, hide saws again.
#[test]
fn a_deeper_category_beats_a_shallower_one_at_one_scope() {
    let abb = json!({ "subtree": "abb-corp" });
    let s = targets_world(json!([
        vis_rule(
            "abb-no-tools",
            abb.clone(),
            json!({ "category": "tools" }),
            "exclude"
        ),
        vis_rule(
            "abb-power",
            abb.clone(),
            json!({ "category": "tools/power" }),
            "include"
        ),
        vis_rule(
            "abb-no-saws",
            abb.clone(),
            json!({ "category": "/tools/power/saws/" }),
            "exclude"
        )
    ]));
    let v = visibility(&s, "abb-north", "DRILL-18V");
    assert_eq!(
        decided(&v),
        (
            true,
            "abb-power",
            vec![("abb-no-tools", OverrideReason::LessSpecificTarget)]
        )
    );
    let v = visibility(&s, "abb-north", "SAW-CIRC");
    assert_eq!(
        decided(&v),
        (
            false,
            "abb-no-saws",
            vec![
                ("abb-power", OverrideReason::LessSpecificTarget),
                ("abb-no-tools", OverrideReason::LessSpecificTarget)
            ]
        )
    );
    assert!(!visibility(&s, "abb-north", "HAMMER-16").visible);
    assert!(
        visibility(&s, "abb-north", "GLOVES").visible,
        "open catalogue, no rule"
    );
}

/// Only at equal scope and equal target specificity does an exclusion beat an inclusion: two
/// categories as deep (the saw is in both), every SKU against an attribute predicate, the same
/// SKU. A category beats an attribute predicate, which ranks with every SKU.
#[test]
fn at_equal_target_specificity_the_exclusion_still_wins() {
    let own = json!({ "account": "austin-hardware" });
    let s = targets_world(json!([
        vis_rule(
            "power-tools",
            own.clone(),
            json!({ "category": "tools/power" }),
            "include"
        ),
        vis_rule(
            "no-clearance",
            own.clone(),
            json!({ "category": "clearance/2026" }),
            "exclude"
        ),
        vis_rule("everything", own.clone(), "all".into(), "include"),
        vis_rule(
            "no-bosch",
            own.clone(),
            json!({ "attributes": { "eq": { "attr": "brand", "value": "bosch" } } }),
            "exclude"
        ),
        vis_rule(
            "no-hammer",
            own.clone(),
            json!({ "sku": "HAMMER-16" }),
            "exclude"
        ),
        vis_rule(
            "hammer",
            own.clone(),
            json!({ "sku": "HAMMER-16" }),
            "include"
        )
    ]));
    // Two categories two levels deep: the exclusion wins; `all` ranks below both.
    let v = visibility(&s, "austin-hardware", "SAW-CIRC");
    assert_eq!(
        decided(&v),
        (
            false,
            "no-clearance",
            vec![
                ("power-tools", OverrideReason::ExclusionWins),
                ("no-bosch", OverrideReason::LessSpecificTarget),
                ("everything", OverrideReason::LessSpecificTarget)
            ]
        )
    );
    // Every SKU against an attribute predicate: equally broad, the exclusion wins.
    let v = visibility(&s, "austin-hardware", "GLOVES");
    assert_eq!(
        decided(&v),
        (
            false,
            "no-bosch",
            vec![("everything", OverrideReason::ExclusionWins)]
        )
    );
    // The same SKU included and excluded: the exclusion wins.
    let v = visibility(&s, "austin-hardware", "HAMMER-16");
    assert_eq!(
        decided(&v),
        (
            false,
            "no-hammer",
            vec![
                ("hammer", OverrideReason::ExclusionWins),
                ("everything", OverrideReason::LessSpecificTarget)
            ]
        )
    );
    // A category inclusion beats an attribute exclusion: the drill is a bosch in power tools.
    let v = visibility(&s, "austin-hardware", "DRILL-18V");
    assert_eq!(
        decided(&v),
        (
            true,
            "power-tools",
            vec![
                ("no-bosch", OverrideReason::LessSpecificTarget),
                ("everything", OverrideReason::LessSpecificTarget)
            ]
        )
    );
}

/// Across scopes nothing changes: the more specific scope decides whatever the targets (V3),
/// and at one scope a rule limited to the user's roles comes before a rule for every user
/// (S6) whatever the targets.
#[test]
fn the_more_specific_scope_still_decides_whatever_the_targets() {
    let s = targets_world(json!([
        vis_rule("abb-drill", json!({ "subtree": "abb-corp" }), json!({ "sku": "DRILL-18V" }), "include"),
        vis_rule("north-no-tools", json!({ "account": "abb-north" }), json!({ "category": "tools" }), "exclude"),
        { "id": "buyers-no-tools", "owner": "merch@seller.example", "scope": { "account": "austin-hardware" },
          "roles": ["buyer"], "target": { "category": "tools" }, "effect": "exclude" },
        vis_rule("austin-drill", json!({ "account": "austin-hardware" }), json!({ "sku": "DRILL-18V" }), "include")
    ]));
    // North's own category exclusion beats the holding's inclusion of the drill.
    let v = visibility(&s, "abb-north", "DRILL-18V");
    assert_eq!(
        decided(&v),
        (
            false,
            "north-no-tools",
            vec![("abb-drill", OverrideReason::LessSpecificScope)]
        )
    );
    // East has no rule of its own: the holding's inclusion decides.
    assert_eq!(
        decided(&visibility(&s, "abb-east", "DRILL-18V")),
        (true, "abb-drill", vec![])
    );
    // A role-limited category exclusion beats a same-scope SKU inclusion for every user.
    let v = visibility(&s, "austin-hardware", "DRILL-18V");
    assert_eq!(
        decided(&v),
        (
            false,
            "buyers-no-tools",
            vec![("austin-drill", OverrideReason::NotRoleLimited)]
        )
    );
}

/// The demo data says it too: Abb West hides measuring tools but shows the laser level, with
/// two rules on the same subtree scope; the depot below inherits both.
#[test]
fn the_demo_abb_west_hides_measuring_tools_but_shows_the_laser_level() {
    let s = demo();
    for account in ["abb-west", "abb-west-depot"] {
        let v = visibility_as(&s, account, "john", "LASER-LVL");
        assert_eq!(
            decided(&v),
            (
                true,
                "abb-west-laser",
                vec![("abb-west-no-measuring", OverrideReason::LessSpecificTarget)]
            ),
            "{account}"
        );
    }
    // Elsewhere the laser level is visible by the open catalogue, as before.
    let v = visibility_as(&s, "abb-north", "john", "LASER-LVL");
    assert_eq!(decided(&v), (true, "", vec![]));
    assert!(
        s.lint(now())
            .iter()
            .all(|w| w.kind != tradeterms::WarningKind::MootInclude)
    );
}

fn visibility_as(s: &Snapshot, account: &str, user: &str, sku: &str) -> tradeterms::Visibility {
    ask_as(s, account, user, sku, 1).visibility.unwrap()
}
