//! Shared test support: the one dataset generator ([`generator`], a switch per rule kind),
//! queries and orders against generated datasets, changeset operations over them ([`changes`]),
//! and shuffling.
//!
//! `dataset()` is the pricing core ([`Switches::pricing`]); `dataset_with(Switches::all())`
//! adds visibility rules, payment rules, approval policies, experiments, quote-only flags,
//! quantity rules, attribute-defined segments and lead times (see `generator.rs`); the `probe`
//! switch adds a user who may act for every account.
#![allow(
    dead_code,
    reason = "each test crate uses a part of the shared helpers"
)]

mod changes;
mod generator;

#[allow(
    unused_imports,
    reason = "only the governance test crate changes datasets"
)]
pub use changes::*;
pub use generator::*;
use proptest::prelude::*;
use proptest::sample::Index;
use tradeterms::{Dataset, Order, OrderLine, Query, Reach, Timestamp, UserData};

/// The category tree SKUs and adjustments draw from.
pub const CATEGORIES: [&str; 4] = ["a", "a/b", "a/b/c", "d"];

/// Minimum quantities tiers draw from (a strictly increasing subsequence is taken).
pub const MIN_QTYS: [u64; 6] = [1, 2, 3, 5, 10, 20];

/// The instants windows are built from.
pub const BOUNDARIES: [&str; 5] = [
    "2026-01-01T00:00:00Z",
    "2026-04-01T00:00:00Z",
    "2026-07-01T00:00:00Z",
    "2026-10-01T00:00:00Z",
    "2027-01-01T00:00:00Z",
];

/// The instants queries are asked at: every window boundary (to hit the half-open edges), the
/// second before some of them, and points between and outside.
pub const QUERY_INSTANTS: [&str; 11] = [
    "2025-06-01T00:00:00Z",
    "2026-01-01T00:00:00Z",
    "2026-02-15T12:00:00Z",
    "2026-04-01T00:00:00Z",
    "2026-06-30T23:59:59Z",
    "2026-07-01T00:00:00Z",
    "2026-08-15T00:00:00Z",
    "2026-10-01T00:00:00Z",
    "2026-12-31T23:59:59Z",
    "2027-01-01T00:00:00Z",
    "2027-06-01T00:00:00Z",
];

pub fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

pub fn boundary(i: usize) -> Timestamp {
    ts(BOUNDARIES[i])
}

// ---------------------------------------------------------------------------------------------
// Queries
// ---------------------------------------------------------------------------------------------

/// A query as indexes, independent of the dataset it is applied to.
#[derive(Clone, Debug)]
pub struct RawQuery {
    /// Pick the account among those the user reaches, when there are any (most denials are
    /// otherwise uninteresting).
    pub prefer_reached: bool,
    pub account: Index,
    pub user: Index,
    pub sku: Index,
    pub qty: u64,
    pub at: usize,
}

pub fn raw_query() -> impl Strategy<Value = RawQuery> {
    (
        prop::bool::weighted(0.75),
        any::<Index>(),
        any::<Index>(),
        any::<Index>(),
        1u64..=30,
        0usize..QUERY_INSTANTS.len(),
    )
        .prop_map(|(prefer_reached, account, user, sku, qty, at)| RawQuery {
            prefer_reached,
            account,
            user,
            sku,
            qty,
            at,
        })
}

/// C1-C3: a query's context on data with channels (`Switches::contexts`), from its quantity and
/// instant (no randomness): no channel, `web` or `edi`; no country, `US` or `CA`; now and then
/// the account's second currency, or one it does not buy in. None on data without channels.
pub fn context_for(
    ds: &Dataset,
    account: &tradeterms::AccountId,
    qty: u64,
    at: usize,
) -> tradeterms::Context {
    if ds.channels.is_empty() {
        return tradeterms::Context::default();
    }
    let mut ctx = tradeterms::Context::default();
    match qty % 3 {
        1 => ctx = ctx.channel("web"),
        2 => ctx = ctx.channel("edi"),
        _ => {}
    }
    match at % 3 {
        1 => ctx = ctx.ship_to(tradeterms::Country::from_code("US").unwrap()),
        2 => ctx = ctx.ship_to(tradeterms::Country::from_code("CA").unwrap()),
        _ => {}
    }
    let acc = ds.accounts.iter().find(|a| &a.id == account);
    match (qty % 7, acc) {
        (3, Some(a)) if !a.currencies.is_empty() => {
            ctx = ctx.currency(tradeterms::Currency::from_code(&a.currencies[0]).unwrap())
        }
        // Now and then a currency the account may not buy in: CurrencyNotAccepted.
        (5, Some(_)) => ctx = ctx.currency(tradeterms::Currency::from_code("JPY").unwrap()),
        _ => {}
    }
    ctx
}

/// G1-G5: a guest's question from a raw query (no randomness): its SKU, quantity, instant and
/// unit; channel none, `web` or `edi` by quantity (when the data declares channels); ship-to
/// as [`context_for`]; the currency of one of the dataset's lists, or now and then none
/// (`GuestCurrencyRequired`) or one no list is in.
pub fn guest_query(ds: &Dataset, raw: &RawQuery) -> tradeterms::GuestQuery {
    let mut ctx = tradeterms::Context::default();
    if !ds.channels.is_empty() {
        match raw.qty % 4 {
            1 | 3 => ctx = ctx.channel("web"),
            2 => ctx = ctx.channel("edi"),
            _ => {}
        }
        match raw.at % 3 {
            1 => ctx = ctx.ship_to(tradeterms::Country::from_code("US").unwrap()),
            2 => ctx = ctx.ship_to(tradeterms::Country::from_code("CA").unwrap()),
            _ => {}
        }
    }
    let mut currencies: Vec<&str> = ds.price_lists.iter().map(|l| l.currency.as_str()).collect();
    currencies.sort_unstable();
    currencies.dedup();
    let currency = match raw.qty % 11 {
        5 => None,
        7 => Some("JPY"),
        _ if currencies.is_empty() => Some("USD"),
        _ => Some(currencies[raw.account.index(currencies.len())]),
    };
    if let Some(c) = currency {
        ctx = ctx.currency(tradeterms::Currency::from_code(c).unwrap());
    }
    let sku = ds.catalog[raw.sku.index(ds.catalog.len())].sku.clone();
    let unit = generator::unit_for(ds, sku.as_str(), raw.qty + raw.at as u64);
    let qty = generator::qty_for(ds, sku.as_str(), raw.qty);
    let q = tradeterms::GuestQuery::new(sku, qty, ts(QUERY_INSTANTS[raw.at])).context(ctx);
    match unit {
        Some(u) => q.unit(u),
        None => q,
    }
}

impl RawQuery {
    pub fn query(&self, ds: &Dataset) -> Query {
        let user = &ds.users[self.user.index(ds.users.len())];
        let reached = reached_accounts(ds, user);
        let account = if self.prefer_reached && !reached.is_empty() {
            reached[self.account.index(reached.len())].clone()
        } else {
            ds.accounts[self.account.index(ds.accounts.len())]
                .id
                .clone()
        };
        let context = context_for(ds, &account, self.qty, self.at);
        let sku = ds.catalog[self.sku.index(ds.catalog.len())].sku.clone();
        let unit = generator::unit_for(ds, sku.as_str(), self.qty + self.at as u64);
        let qty = generator::qty_for(ds, sku.as_str(), self.qty);
        let q = Query::new(
            account,
            user.id.clone(),
            sku,
            qty,
            ts(QUERY_INSTANTS[self.at]),
        )
        .with_context(context);
        match unit {
            Some(u) => q.in_unit(u),
            None => q,
        }
    }
}

/// An order as indexes: like [`RawQuery`], with one to four lines (some with their own lead
/// time).
#[derive(Clone, Debug)]
pub struct RawOrder {
    pub query: RawQuery,
    pub lines: Vec<(Index, u64, Option<u32>)>,
}

pub fn raw_order() -> impl Strategy<Value = RawOrder> {
    (
        raw_query(),
        prop::collection::vec(
            (
                any::<Index>(),
                1u64..=30,
                prop::option::weighted(0.2, 0u32..=30),
            ),
            1..=4,
        ),
    )
        .prop_map(|(query, lines)| RawOrder { query, lines })
}

impl RawOrder {
    pub fn order(&self, ds: &Dataset) -> Order {
        let q = self.query.query(ds);
        Order::new(
            q.account,
            q.user,
            q.at,
            self.lines
                .iter()
                .map(|(sku, qty, lead)| {
                    let mut v = OrderLine::new(
                        ds.catalog[sku.index(ds.catalog.len())].sku.clone(),
                        generator::qty_for(
                            ds,
                            ds.catalog[sku.index(ds.catalog.len())].sku.as_str(),
                            *qty,
                        ),
                    );
                    v.unit = generator::unit_for(
                        ds,
                        ds.catalog[sku.index(ds.catalog.len())].sku.as_str(),
                        *qty,
                    );
                    v.lead_time_days = *lead;
                    v
                })
                .collect(),
        )
        .with_audience(tradeterms::Audience::Operator)
        .with_context(q.context.clone())
    }
}

/// Accounts some membership of the user names, or lies below with subtree reach (enabled or
/// not, so disabled memberships still get asked about).
pub fn reached_accounts(ds: &Dataset, user: &UserData) -> Vec<tradeterms::AccountId> {
    ds.accounts
        .iter()
        .filter(|a| {
            user.memberships.iter().any(|m| {
                if m.account == a.id {
                    return true;
                }
                if m.reach != Reach::Subtree {
                    return false;
                }
                let mut cur = a.parent.clone();
                while let Some(p) = cur {
                    if p == m.account {
                        return true;
                    }
                    cur = ds
                        .accounts
                        .iter()
                        .find(|x| x.id == p)
                        .and_then(|x| x.parent.clone());
                }
                false
            })
        })
        .map(|a| a.id.clone())
        .collect()
}

/// Queries over one dataset's ids: (account, user, sku, qty 1..=30, at).
pub fn query(ds: &Dataset) -> impl Strategy<Value = Query> + use<> {
    let accounts: Vec<_> = ds.accounts.iter().map(|a| a.id.clone()).collect();
    let users: Vec<_> = ds.users.iter().map(|u| u.id.clone()).collect();
    let skus: Vec<_> = ds.catalog.iter().map(|s| s.sku.clone()).collect();
    (
        prop::sample::select(accounts),
        prop::sample::select(users),
        prop::sample::select(skus),
        1u64..=30,
        prop::sample::select(QUERY_INSTANTS.to_vec()),
    )
        .prop_map(|(a, u, s, qty, at)| Query::new(a, u, s, qty, ts(at)))
}

/// A dataset with `n` queries against it.
pub fn dataset_and_queries(
    n: std::ops::RangeInclusive<usize>,
) -> impl Strategy<Value = (Dataset, Vec<Query>)> {
    dataset().prop_flat_map(move |ds| {
        let qs = prop::collection::vec(query(&ds), n.clone());
        (Just(ds), qs)
    })
}

// ---------------------------------------------------------------------------------------------
// Shuffling
// ---------------------------------------------------------------------------------------------

/// A tiny deterministic PRNG (splitmix64) for shuffles driven by a proptest-generated seed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = usize::try_from(self.next() % (i as u64 + 1)).unwrap();
            v.swap(i, j);
        }
    }
}

/// Shuffles every order-free vector of the dataset: accounts, roles, users, memberships and
/// their roles, segments and their members, catalogue and SKU categories, price lists, entries,
/// assignments and rules. Tiers (which must increase) and relative adjustments (whose order breaks
/// equal-depth ties) keep their order.
pub fn shuffle_dataset(ds: &Dataset, seed: u64) -> Dataset {
    let mut rng = Rng::new(seed);
    let mut ds = ds.clone();
    rng.shuffle(&mut ds.accounts);
    rng.shuffle(&mut ds.roles);
    for r in &mut ds.roles {
        rng.shuffle(&mut r.permissions);
    }
    rng.shuffle(&mut ds.users);
    for u in &mut ds.users {
        rng.shuffle(&mut u.memberships);
        for m in &mut u.memberships {
            rng.shuffle(&mut m.roles);
        }
    }
    rng.shuffle(&mut ds.segments);
    for s in &mut ds.segments {
        rng.shuffle(&mut s.accounts);
    }
    rng.shuffle(&mut ds.catalog);
    for s in &mut ds.catalog {
        rng.shuffle(&mut s.categories);
    }
    rng.shuffle(&mut ds.price_lists);
    for l in &mut ds.price_lists {
        rng.shuffle(&mut l.entries);
    }
    rng.shuffle(&mut ds.assignments);
    rng.shuffle(&mut ds.visibility_rules);
    rng.shuffle(&mut ds.payment_rules);
    rng.shuffle(&mut ds.approval_policies);
    rng.shuffle(&mut ds.experiments);
    ds
}
