//! Borrowed ids and owned sheets (issue 14, points 5 and 6): every lookup by `&str` answers
//! exactly as the same lookup by an owned id, ids parse and print back to themselves, and the
//! sheets are `'static`, `Send` iterators a handler can return, yielding the lines `resolve`
//! and `quote` give for every visible SKU.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a panic is a failed test"
)]

use tradeterms::{
    AccountId, AssignmentId, Audience, ChannelId, Context, Currency, Dataset, Engine, IdFault,
    Outcome, PriceListId, PriceSheet, Query, QueryRef, QuoteOutcome, QuoteSheet, RoleName,
    SegmentId, SheetLine, Sku, Snapshot, Timestamp, UserId,
};

fn demo() -> Snapshot {
    let dataset = Dataset::from_json(include_str!("../examples/data/demo.json")).unwrap();
    Snapshot::from_dataset(&dataset).unwrap()
}

fn at() -> Timestamp {
    "2026-06-01T00:00:00Z".parse().unwrap()
}

fn users() -> Vec<UserId> {
    let dataset = Dataset::from_json(include_str!("../examples/data/demo.json")).unwrap();
    dataset.users.iter().map(|u| u.id.clone()).collect()
}

/// Every account of the demo, and ids it does not have (answered as denied, never as errors).
fn accounts(s: &Snapshot) -> Vec<AccountId> {
    let mut all: Vec<AccountId> = s.account_ids().cloned().collect();
    all.push(AccountId::new("no-such-account"));
    all
}

/// Every SKU of the demo, and one it does not have.
fn skus(s: &Snapshot) -> Vec<Sku> {
    let mut all: Vec<Sku> = s.skus().cloned().collect();
    all.push(Sku::new("NO-SUCH-SKU"));
    all
}

#[test]
fn str_lookups_answer_exactly_like_owned_ids_for_every_demo_account_user_and_sku() {
    let s = demo();
    let (accounts, users, skus) = (accounts(&s), users(), skus(&s));
    assert_eq!((accounts.len(), users.len(), skus.len()), (9, 8, 8));
    let mut priced = 0;
    for sku in &skus {
        let name: &str = sku.as_str();
        assert_eq!(s.sku_exists(name), s.sku_exists(sku));
        assert_eq!(s.sku_name(name), s.sku_name(sku));
        assert_eq!(s.sku_handle(name), s.sku_handle(sku));
        assert_eq!(s.sku_exists(name), sku.as_str() != "NO-SUCH-SKU");
    }
    for account in &accounts {
        let id: &str = account.as_str();
        assert_eq!(s.account_exists(id), s.account_exists(account));
        assert_eq!(s.account_name(id), s.account_name(account));
        assert_eq!(s.account_currency(id), s.account_currency(account));
        assert_eq!(s.account_handle(id), s.account_handle(account));
        for user in &users {
            let u: &str = user.as_str();
            assert_eq!(s.user_handle(u), s.user_handle(user));
            assert_eq!(s.payment(id, u), s.payment(account, user));
            for audience in [Audience::Operator, Audience::Buyer] {
                for sku in &skus {
                    for qty in [0, 1, 7] {
                        let owned =
                            Query::new(account.clone(), user.clone(), sku.clone(), qty, at())
                                .with_audience(audience);
                        let borrowed =
                            QueryRef::new(id, u, sku.as_str(), qty, at()).with_audience(audience);
                        assert_eq!(QueryRef::from(&owned), borrowed);
                        assert_eq!(borrowed.to_query(), owned);
                        let quote = s.quote(&owned);
                        assert_eq!(s.quote_ref(&borrowed), quote, "{owned:?}");
                        assert_eq!(s.resolve_ref(&borrowed), s.resolve(&owned), "{owned:?}");
                        if let Ok(q) = &quote {
                            priced += usize::from(matches!(q.outcome, QuoteOutcome::Priced { .. }));
                        }
                    }
                }
            }
        }
    }
    // The comparison covered priced answers, not only denials.
    assert!(priced > 50, "{priced}");
    // An unknown user is an error either way, naming the same id.
    let unknown = Query::new("abb-north", "nobody", "DRILL-18V", 1, at());
    assert_eq!(s.quote_ref(&QueryRef::from(&unknown)), s.quote(&unknown));
    assert!(s.quote(&unknown).is_err());
}

#[test]
fn borrowed_queries_in_a_context_answer_as_owned_ones() {
    let s = demo();
    let usd = Currency::from_code("USD").unwrap();
    let eur = Currency::from_code("EUR").unwrap();
    let contexts = [
        Context::default(),
        Context::default().currency(usd),
        // The account does not buy in euros, and the dataset declares no channel: both errors.
        Context::default().currency(eur),
        Context::default().channel("edi"),
    ];
    for context in &contexts {
        for sku in skus(&s) {
            let owned =
                Query::new("abb-north", "john", sku.clone(), 2, at()).with_context(context.clone());
            let borrowed =
                QueryRef::new("abb-north", "john", sku.as_str(), 2, at()).with_context(context);
            assert_eq!(s.quote_ref(&borrowed), s.quote(&owned));
            assert_eq!(s.resolve_ref(&borrowed), s.resolve(&owned));
        }
    }
    let engine = Engine::new(s.clone());
    let q = QueryRef::new("abb-north", "john", "DRILL-18V", 2, at());
    assert_eq!(engine.quote_ref(&q), s.quote_ref(&q));
    assert_eq!(engine.resolve_ref(&q), s.resolve_ref(&q));
}

/// `FromStr` then `Display` gives the id back, and `AsRef<str>` is the same text, for every id
/// type; an id a dataset would refuse does not parse, and says why.
fn round_trips<T>(ids: &[&str])
where
    T: std::str::FromStr<Err = IdFault> + std::fmt::Display + AsRef<str> + std::fmt::Debug,
{
    for id in ids {
        let parsed: T = id.parse().unwrap();
        assert_eq!(parsed.to_string(), *id);
        assert_eq!(parsed.as_ref(), *id);
        let again: T = parsed.to_string().parse().unwrap();
        assert_eq!(again.as_ref(), parsed.as_ref());
    }
    for (bad, fault) in [
        ("", IdFault::Blank),
        ("  ", IdFault::Blank),
        ("a\u{0}b", IdFault::Control('\u{0}')),
        ("a\u{200b}b", IdFault::ZeroWidth('\u{200b}')),
        ("abb\u{202e}proc", IdFault::Bidirectional('\u{202e}')),
        ("cafe\u{301}", IdFault::NotNfc),
    ] {
        let err = bad.parse::<T>().unwrap_err();
        assert_eq!(err, fault, "{bad:?}");
        // The fault is an error a host can box and print.
        let boxed: Box<dyn std::error::Error> = Box::new(err);
        assert!(!boxed.to_string().is_empty());
    }
    assert_eq!(
        "x".repeat(257).parse::<T>().unwrap_err(),
        IdFault::TooLong { bytes: 257 }
    );
}

#[test]
fn every_id_type_parses_and_prints_back_to_itself() {
    let s = demo();
    let accounts: Vec<String> = s.account_ids().map(ToString::to_string).collect();
    let skus: Vec<String> = s.skus().map(ToString::to_string).collect();
    round_trips::<AccountId>(&accounts.iter().map(String::as_str).collect::<Vec<_>>());
    round_trips::<Sku>(&skus.iter().map(String::as_str).collect::<Vec<_>>());
    let users: Vec<String> = users().iter().map(ToString::to_string).collect();
    round_trips::<UserId>(&users.iter().map(String::as_str).collect::<Vec<_>>());
    round_trips::<PriceListId>(&["public-usd", "abb-north-2026", "café-liste"]);
    round_trips::<AssignmentId>(&["abb-holding", "wholesale-seg"]);
    round_trips::<SegmentId>(&["wholesale"]);
    round_trips::<RoleName>(&["buyer", "finance"]);
    round_trips::<ChannelId>(&["edi", "field-sales"]);
    // A parsed id is the id `new` wraps.
    assert_eq!(
        "abb-north".parse::<AccountId>().unwrap(),
        AccountId::new("abb-north")
    );
}

#[test]
fn currencies_parse_and_print_back_to_themselves() {
    for code in ["USD", "EUR", "JPY", "BHD", "CAD"] {
        let c: Currency = code.parse().unwrap();
        assert_eq!(c, Currency::from_code(code).unwrap());
        assert_eq!(c.to_string(), code);
        assert_eq!(c.to_string().parse::<Currency>().unwrap(), c);
    }
    for bad in ["usd", "XYZ", "XAU", "", "US"] {
        let err = bad.parse::<Currency>().unwrap_err();
        assert_eq!(err.code(), bad);
        let boxed: Box<dyn std::error::Error> = Box::new(err);
        assert!(boxed.to_string().starts_with("unknown currency"), "{boxed}");
    }
}

/// Proves the sheet is `'static`: built from a snapshot the function owns, and returned.
fn price_sheet_of(snapshot: Snapshot, account: &str, user: &str, qty: u64) -> PriceSheet {
    snapshot.price_sheet(account, user, at(), qty).unwrap()
}

fn quote_sheet_of(snapshot: Snapshot, account: &str, user: &str, qty: u64) -> QuoteSheet {
    snapshot.quote_sheet(account, user, at(), qty).unwrap()
}

fn assert_send_static<T: Send + 'static>(t: T) -> T {
    t
}

/// The lines a sheet must give: for every SKU in SKU order, the one `resolve` says is
/// visible, with `resolve`'s visibility and outcome (SEMANTICS V7).
fn expected_lines(
    s: &Snapshot,
    account: &str,
    user: &str,
    qty: u64,
    audience: Audience,
) -> Vec<SheetLine> {
    s.skus()
        .filter_map(|sku| {
            let q = QueryRef::new(account, user, sku.as_str(), qty, at());
            let operator = s.resolve_ref(&q).unwrap();
            let visible = operator.visibility.as_ref().is_some_and(|v| v.visible);
            let answer = s.resolve_ref(&q.with_audience(audience)).unwrap();
            // `SheetLine` is `#[non_exhaustive]`: built from its JSON form.
            visible.then(|| {
                serde_json::from_value::<SheetLine>(serde_json::json!({
                    "sku": sku, "visibility": answer.visibility, "outcome": answer.outcome,
                }))
                .unwrap()
            })
        })
        .collect()
}

#[test]
fn sheets_are_static_send_iterators_that_yield_resolves_lines() {
    let s = demo();
    let mut lines_seen = 0;
    for account in accounts(&s) {
        for user in users() {
            for qty in [1, 12] {
                for audience in [Audience::Operator, Audience::Buyer] {
                    let expected =
                        expected_lines(&s, account.as_str(), user.as_str(), qty, audience);
                    // The snapshot is moved into the function: the sheet holds its own handle.
                    let sheet = assert_send_static(price_sheet_of(
                        s.clone(),
                        account.as_str(),
                        user.as_str(),
                        qty,
                    ))
                    .audience(audience);
                    let debug = format!("{sheet:?}");
                    assert!(
                        debug.contains(account.as_str()) && debug.contains("version: 1"),
                        "{debug}"
                    );
                    let got: Vec<SheetLine> = sheet.collect::<Result<_, _>>().unwrap();
                    assert_eq!(got, expected, "{account} {user} x{qty} {audience:?}");
                    lines_seen += got.len();

                    let lean: Vec<(Sku, QuoteOutcome)> = assert_send_static(quote_sheet_of(
                        s.clone(),
                        account.as_str(),
                        user.as_str(),
                        qty,
                    ))
                    .audience(audience)
                    .collect::<Result<_, _>>()
                    .unwrap();
                    let quoted: Vec<(Sku, QuoteOutcome)> = expected
                        .iter()
                        .map(|line| {
                            let q = QueryRef::new(
                                account.as_str(),
                                user.as_str(),
                                line.sku.as_str(),
                                qty,
                                at(),
                            )
                            .with_audience(audience);
                            (line.sku.clone(), s.quote_ref(&q).unwrap().outcome)
                        })
                        .collect();
                    assert_eq!(lean, quoted, "{account} {user} x{qty} {audience:?}");
                }
            }
        }
    }
    assert!(lines_seen > 50, "{lines_seen}");
}

#[test]
fn a_sheet_outlives_its_snapshot_and_engine_version_and_tells_where_it_is() {
    let s = demo();
    let mut sheet = price_sheet_of(s, "abb-east", "john", 1);
    let before = format!("{sheet:?}");
    println!("{before}");
    assert!(before.contains("position: 0"), "{before}");
    assert!(before.contains("catalog: 7"), "{before}");
    let first = sheet.next().unwrap().unwrap();
    assert!(matches!(first.outcome, Outcome::Priced(_)));
    let after = format!("{sheet:?}");
    assert!(!after.contains("position: 0"), "{after}");
    // Not every line: the Debug is a summary.
    assert!(
        !after.contains("DRILL") && !after.contains("Priced"),
        "{after}"
    );
    assert_eq!(sheet.by_ref().count(), 5); // six visible SKUs in all: the saw is hidden

    // A sheet taken from the engine keeps answering from its version after a publish.
    let engine = Engine::new(demo());
    let sheet = engine.price_sheet("abb-north", "john", at(), 1).unwrap();
    let lean = engine.quote_sheet("abb-north", "john", at(), 1).unwrap();
    let change =
        tradeterms::Changeset::from_json(include_str!("../examples/data/changeset.json")).unwrap();
    engine.publish(&change).unwrap();
    assert_eq!(
        (sheet.version(), lean.version(), engine.version()),
        (1, 1, 2)
    );
    let from_v1: Vec<SheetLine> = sheet.collect::<Result<_, _>>().unwrap();
    assert_eq!(
        from_v1,
        expected_lines(&demo(), "abb-north", "john", 1, Audience::Operator)
    );
    let lean = std::thread::spawn(move || lean.count()).join().unwrap();
    assert_eq!(lean, from_v1.len());
    // Refused users get an empty sheet; their Debug says so.
    let denied = engine.price_sheet("abb-north", "bob", at(), 1).unwrap();
    assert!(format!("{denied:?}").contains("sees_catalog: false"));
    assert!(!denied.access().view_catalog.is_allowed());
    assert_eq!(denied.count(), 0);
    let edi = Context::default().currency(Currency::from_code("USD").unwrap());
    assert_eq!(
        engine
            .price_sheet_in("abb-north", "john", at(), 1, &edi)
            .unwrap()
            .count(),
        engine
            .quote_sheet_in("abb-north", "john", at(), 1, &edi)
            .unwrap()
            .count()
    );
}
