//! Errors an admin UI can show (issue 14, point 4): every error serialises as `code` (stable,
//! snake case, one per variant), the ids and values it names, and `message` (its `Display`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects,
    reason = "test code: a panic is a failed test, and its arithmetic runs on small generated values"
)]

use serde_json::json;
use std::collections::BTreeSet;
use tradeterms::IdFault;
use tradeterms::{
    ApplyError, BuildError, BuildProblem, Changeset, Currency, Dataset, EntityKind, EntityRef,
    ImpactOptions, PreviewError, ResolveError, Snapshot,
};

fn is_snake_case(code: &str) -> bool {
    !code.is_empty()
        && code.split('_').all(|part| {
            !part.is_empty()
                && part.starts_with(|c: char| c.is_ascii_lowercase())
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

#[test]
fn every_code_is_snake_case_and_unique_within_its_error() {
    for (name, codes) in [
        ("BuildProblem", BuildProblem::CODES),
        ("ResolveError", ResolveError::CODES),
        ("ApplyError", ApplyError::CODES),
        ("IdFault", IdFault::CODES),
    ] {
        let unique: BTreeSet<_> = codes.iter().collect();
        assert_eq!(
            unique.len(),
            codes.len(),
            "{name} repeats a code: {codes:?}"
        );
        for code in codes {
            assert!(
                is_snake_case(code),
                "{name} code `{code}` is not snake case"
            );
        }
    }
    // A preview error is either: its code says which without a phase.
    let resolve: BTreeSet<_> = ResolveError::CODES.iter().collect();
    assert!(ApplyError::CODES.iter().all(|c| !resolve.contains(c)));
}

/// Serialises `e` and checks the keys every error has.
fn json_of<E: serde::Serialize + std::fmt::Display>(e: &E, code: &str) -> serde_json::Value {
    let json = serde_json::to_value(e).unwrap();
    assert_eq!(json["code"], code, "{json}");
    assert_eq!(json["message"], e.to_string(), "{json}");
    json
}

#[test]
fn every_resolve_error_serialises_with_its_code_and_ids() {
    let usd = Currency::from_code("USD").unwrap();
    let eur = Currency::from_code("EUR").unwrap();
    let all = [
        ResolveError::UnknownUser("bob".into()),
        ResolveError::UnknownChannel("fax".into()),
        ResolveError::CurrencyNotAccepted {
            account: "abb".into(),
            currency: eur,
        },
        ResolveError::ZeroQuantity("DRILL".into()),
        ResolveError::EmptyOrder,
        ResolveError::ZeroSheetQuantity,
        ResolveError::MixedCurrency {
            sku: "DRILL".into(),
            expected: usd,
            found: eur,
        },
        ResolveError::SubtotalOverflow {
            sku: "DRILL".into(),
        },
        ResolveError::ConditionOverflow {
            policy: Some("big".into()),
        },
        ResolveError::ForeignHandle(EntityKind::Sku),
        ResolveError::Overflow {
            sku: "DRILL".into(),
            list: None,
            qty: u64::MAX.into(),
        },
        ResolveError::UnknownUnit {
            sku: "DRILL".into(),
            unit: "crate".into(),
        },
        ResolveError::TooManyContexts { count: 40, max: 32 },
        ResolveError::NegativePrice {
            sku: "DRILL".into(),
            list: None,
        },
        ResolveError::GuestCurrencyRequired,
        ResolveError::QuantityTooPrecise {
            sku: "CABLE".into(),
            qty: "12.55".parse().unwrap(),
            decimals: 1,
        },
    ];
    let codes: BTreeSet<_> = all.iter().map(ResolveError::code).collect();
    assert_eq!(codes, ResolveError::CODES.iter().copied().collect());
    for e in &all {
        json_of(e, e.code());
    }
    assert_eq!(
        serde_json::to_value(&all[0]).unwrap(),
        json!({ "code": "unknown_user", "user": "bob",
                "message": "unknown user `bob`: it is not in the dataset" })
    );
    let json = json_of(&all[6], "mixed_currency");
    assert_eq!(
        (&json["sku"], &json["expected"], &json["found"]),
        (&json!("DRILL"), &json!("USD"), &json!("EUR"))
    );
    assert_eq!(json_of(&all[9], "foreign_handle")["kind"], "sku");
    let json = json_of(&all[10], "overflow");
    assert_eq!(
        (&json["list"], &json["qty"]),
        (&json!(null), &json!(u64::MAX))
    );
}

fn build_error(text: &str) -> BuildError {
    Snapshot::from_dataset(&Dataset::from_json(text).unwrap()).unwrap_err()
}

#[test]
fn a_bad_dataset_serialises_as_its_problems_with_codes() {
    let err = build_error(
        r#"{ "accounts": [
            { "id": "a", "name": "A", "parent": "b", "currency": "USD" },
            { "id": "b", "name": "B", "parent": "a", "currency": "EURO" } ] }"#,
    );
    let json = serde_json::to_value(&err).unwrap();
    assert_eq!(
        json,
        json!({
            "problems": [
                { "code": "account_cycle", "accounts": ["a", "b"],
                  "message": "accounts `a`, `b` form a parent cycle: one of them must be a top-level account" },
                { "code": "unknown_currency", "kind": "account", "id": "b", "currency": "EURO",
                  "message": err.problems()[1].to_string() }
            ],
            "omitted": 0,
            "total": 2
        })
    );
    assert!(
        json["problems"][1]["message"]
            .as_str()
            .unwrap()
            .contains("`EURO`")
    );

    // More problems than an error keeps: the counts say so.
    let accounts: Vec<_> = (0..BuildError::MAX_PROBLEMS + 5)
        .map(|i| json!({ "id": format!("a{i}"), "name": "A", "currency": "XYZ" }))
        .collect();
    let err = build_error(&json!({ "accounts": accounts }).to_string());
    let json = serde_json::to_value(&err).unwrap();
    assert_eq!(
        json["problems"].as_array().unwrap().len(),
        BuildError::MAX_PROBLEMS
    );
    assert_eq!((&json["omitted"], &json["total"]), (&json!(5), &json!(105)));
}

#[test]
fn problems_met_on_bad_data_carry_a_listed_code_and_their_ids() {
    let err = build_error(
        r#"{
          "accounts": [ { "id": "abb", "name": "Abb", "currency": "USD" } ],
          "users": [ { "id": "john", "name": "John", "memberships": [
              { "account": "abb", "roles": ["wizard"] }, { "account": "nowhere", "roles": ["buyer"] } ] } ],
          "catalog": [ { "sku": "DRILL", "name": "Drill" } ],
          "price_lists": [ { "id": "p", "name": "P", "owner": "o", "currency": "USD", "entries": [
              { "sku": "DRILL", "tiers": [ { "min_qty": 0, "unit_price": "-1.00" } ] },
              { "sku": "SAW", "tiers": [] } ] } ]
        }"#,
    );
    let mut codes = BTreeSet::new();
    let mut membership_named = false;
    for p in err.problems() {
        let json = json_of(p, p.code());
        assert!(BuildProblem::CODES.contains(&p.code()), "{json}");
        codes.insert(p.code());
        if p.code() == "dangling_reference" && json["to"] == "nowhere" {
            assert_eq!(json["from_kind"], "user");
            assert_eq!(json["from"], "john");
            assert_eq!(json["to_kind"], "account");
            membership_named = true;
        }
    }
    assert!(membership_named, "{err}");
    for expected in [
        "unknown_role",
        "dangling_reference",
        "zero_quantity",
        "negative_price",
    ] {
        assert!(codes.contains(expected), "no {expected} among {codes:?}");
    }

    // A refused id: the fault is an object with its own code, the character as a code point.
    let err = build_error(
        r#"{ "accounts": [ { "id": "abb\u202ecorp", "name": "Abb", "currency": "USD" } ] }"#,
    );
    let json = json_of(&err.problems()[0], "invalid_id");
    assert_eq!(json["field"], "accounts[0].id");
    assert_eq!(json["kind"], "account");
    assert_eq!(json["fault"]["code"], "bidirectional");
    assert_eq!(json["fault"]["character"], "U+202E");
    assert_eq!(
        serde_json::to_value(IdFault::TooLong { bytes: 300 }).unwrap()["bytes"],
        300
    );
}

#[test]
fn apply_and_preview_errors_serialise_with_their_codes() {
    let demo = Snapshot::from_dataset(
        &Dataset::from_json(include_str!("../examples/data/demo.json")).unwrap(),
    )
    .unwrap();
    let change = |ops: &str| {
        Changeset::from_json(&format!(
            r#"{{ "id": "cs-1", "author": "maria", "reason": "test", "at": "2026-06-01T00:00:00Z",
                 "base_version": 1, "ops": {ops} }}"#
        ))
        .unwrap()
    };
    // A change that breaks the data: the build problems are inside, with their codes.
    let bad = change(
        r#"[{ "set_entry": { "list": "public-usd", "entry": { "sku": "DRILL-18V",
              "tiers": [{ "min_qty": 1, "unit_price": "-5.00" }] } } }]"#,
    );
    let err = demo.apply(&bad).unwrap_err();
    let json = json_of(&err, "invalid");
    assert_eq!(json["changeset"], "cs-1");
    assert_eq!(json["error"]["problems"][0]["code"], "negative_price");
    assert_eq!(json["error"]["problems"][0]["list"], "public-usd");
    assert_eq!(json["error"]["total"], 1);

    // Removing what is not there names it.
    let missing = change(r#"[{ "remove": { "assignment": "nope" } }]"#);
    let err = demo.apply(&missing).unwrap_err();
    let json = json_of(&err, "not_found");
    assert_eq!(json["what"], json!({ "assignment": "nope" }));

    // A preview's error is the error inside.
    let at = "2026-06-01T00:00:00Z".parse().unwrap();
    let err = demo.preview(&missing, &ImpactOptions::at(at)).unwrap_err();
    assert!(matches!(err, PreviewError::Apply(_)));
    assert_eq!(err.code(), "not_found");
    assert_eq!(serde_json::to_value(&err).unwrap(), json);

    // Every other variant, constructed.
    let invalid_dataset = ApplyError::InvalidDataset {
        error: build_error(r#"{ "accounts": [ { "id": "a", "name": "A", "currency": "EURO" } ] }"#),
    };
    let all = [
        ApplyError::Conflict {
            changeset: "cs-1".into(),
            base_version: 3,
            version: 4,
        },
        ApplyError::NotFound {
            changeset: "cs-1".into(),
            what: EntityRef::Sku("X".into()),
        },
        ApplyError::UnknownVersion {
            version: 9,
            latest: 2,
        },
        ApplyError::BeforeLogStart {
            version: 1,
            start: 5,
        },
        ApplyError::BaseMismatch {
            expected: u64::MAX,
            found: 255,
        },
        invalid_dataset,
        ApplyError::NotInHistory {
            version: 1,
            start: 2,
            latest: 3,
        },
        ApplyError::VersionExhausted { version: u64::MAX },
        ApplyError::NotNewer {
            version: 1,
            current: 2,
        },
        ApplyError::Contended {
            changeset: "cs-1".into(),
            attempts: 8,
        },
        err_invalid(&demo, &bad),
    ];
    let codes: BTreeSet<_> = all.iter().map(ApplyError::code).collect();
    assert_eq!(codes, ApplyError::CODES.iter().copied().collect());
    for e in &all {
        json_of(e, e.code());
    }
    // Fingerprints as the message shows them: 64-bit numbers lose digits in JavaScript.
    let json = json_of(&all[4], "base_mismatch");
    assert_eq!(
        (&json["expected"], &json["found"]),
        (&json!("ffffffffffffffff"), &json!("00000000000000ff"))
    );
    assert_eq!(
        json_of(&all[5], "invalid_dataset")["error"]["problems"][0]["code"],
        "unknown_currency"
    );
}

fn err_invalid(snapshot: &Snapshot, change: &Changeset) -> ApplyError {
    snapshot.apply(change).unwrap_err()
}

#[test]
fn a_document_that_does_not_read_serialises_with_its_path() {
    let err = Dataset::from_json(
        r#"{ "accounts": [{ "id": "a", "name": "A", "currency": "USD", "credit": 1 }] }"#,
    )
    .unwrap_err();
    let json = json_of(&err, tradeterms::FormatError::CODE);
    assert_eq!(json["path"], err.path());
    assert!(err.path().starts_with("accounts[0]"), "{}", err.path());
    assert_eq!(
        (&json["line"], &json["column"]),
        (&json!(err.line()), &json!(err.column()))
    );
    assert!(!ResolveError::CODES.contains(&tradeterms::FormatError::CODE));
    assert!(!ApplyError::CODES.contains(&tradeterms::FormatError::CODE));
}
