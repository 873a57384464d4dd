//! Shared proptest strategies: small, always-valid `Dataset`s and queries against them.
//!
//! Everything is generated as "raw" random numbers (`prop::sample::Index` for references into
//! collections whose size is only known later) and turned into a `Dataset` in one `prop_map`,
//! so shrinking works on every part independently and references are always valid.
//!
//! The generated datasets stay inside the semantics of `/tmp/semantics.md`: no visibility
//! rules, payment rules, approval policies, experiments, quote-only flags, quantity rules or
//! attribute-defined segments.
#![allow(
    dead_code,
    reason = "each test crate uses a part of the shared helpers"
)]

use proptest::prelude::*;
use proptest::sample::Index;
use tradeterms::{
    AccountData, AdjustmentData, AssignmentData, Dataset, Decimal, EntryData, Inheritance,
    MembershipData, Permission, PriceListData, PricePolicy, Query, Reach, RelativeData, RoleData,
    RoleName, Scope, SegmentData, SkuData, Snapshot, TierData, TierMode, Timestamp, UserData,
    Window,
};

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

/// Custom role granting `view_catalog` only.
pub const BROWSE_ROLE: &str = "browse";
/// Roles memberships draw from (presets and the custom one).
pub const ROLE_POOL: [&str; 5] = ["viewer", "buyer", "approver", "admin", BROWSE_ROLE];

// ---------------------------------------------------------------------------------------------
// Raw pieces
// ---------------------------------------------------------------------------------------------

/// A window as (from, until) boundary indexes; made well formed when materialised.
#[derive(Clone, Debug)]
pub struct RawWindow {
    from: Option<usize>,
    until: Option<usize>,
}

fn raw_window() -> impl Strategy<Value = RawWindow> {
    (
        prop::option::of(0usize..BOUNDARIES.len()),
        prop::option::of(0usize..BOUNDARIES.len()),
    )
        .prop_map(|(from, until)| RawWindow { from, until })
}

fn window(raw: &RawWindow) -> Window {
    let (from, until) = match (raw.from, raw.until) {
        (Some(f), Some(u)) if f == u => {
            // Never reversed: widen to the next boundary (or start one earlier).
            if u + 1 < BOUNDARIES.len() {
                (Some(f), Some(u + 1))
            } else {
                (Some(f - 1), Some(u))
            }
        }
        (Some(f), Some(u)) if f > u => (Some(u), Some(f)),
        other => other,
    };
    Window {
        from: from.map(boundary),
        until: until.map(boundary),
    }
}

fn opt_window(p: f64) -> impl Strategy<Value = Option<RawWindow>> {
    prop::option::weighted(p, raw_window())
}

fn currency() -> impl Strategy<Value = &'static str> {
    prop_oneof![12 => Just("USD"), 4 => Just("EUR"), 2 => Just("JPY")]
}

#[derive(Clone, Debug)]
pub struct RawAccount {
    parent: Option<Index>,
    currency: &'static str,
    inherit_prices: bool,
    policy: Option<PricePolicy>,
}

fn raw_account() -> impl Strategy<Value = RawAccount> {
    (
        prop::option::weighted(0.75, any::<Index>()),
        currency(),
        prop::bool::weighted(0.8),
        prop_oneof![
            3 => Just(None),
            1 => Just(Some(PricePolicy::Precedence)),
            1 => Just(Some(PricePolicy::LowestPrice)),
        ],
    )
        .prop_map(|(parent, currency, inherit_prices, policy)| RawAccount {
            parent,
            currency,
            inherit_prices,
            policy,
        })
}

#[derive(Clone, Debug)]
pub struct RawMembership {
    account: Index,
    roles: Vec<usize>,
    subtree: bool,
    disabled: bool,
}

#[derive(Clone, Debug)]
pub struct RawUser {
    disabled: bool,
    memberships: Vec<RawMembership>,
}

fn raw_user() -> impl Strategy<Value = RawUser> {
    let membership = (
        any::<Index>(),
        prop_oneof![
            1 => Just(Vec::new()),
            9 => prop::collection::vec(0usize..ROLE_POOL.len(), 1..=2),
        ],
        any::<bool>(),
        prop::bool::weighted(0.15),
    )
        .prop_map(|(account, roles, subtree, disabled)| RawMembership {
            account,
            roles,
            subtree,
            disabled,
        });
    (
        prop::bool::weighted(0.07),
        (
            prop::bool::weighted(0.1),
            prop::collection::vec(membership, 1..=3),
        )
            .prop_map(|(none, m)| if none { Vec::new() } else { m }),
    )
        .prop_map(|(disabled, memberships)| RawUser {
            disabled,
            memberships,
        })
}

fn raw_segment() -> impl Strategy<Value = Vec<Index>> {
    prop::collection::vec(any::<Index>(), 0..=4)
}

fn raw_sku() -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(0usize..CATEGORIES.len(), 0..=2)
}

#[derive(Clone, Debug)]
pub struct RawEntry {
    min_qtys: Vec<u64>,
    cents: Vec<i64>,
    valid: Option<RawWindow>,
}

fn raw_entry() -> impl Strategy<Value = RawEntry> {
    (
        prop::sample::subsequence(MIN_QTYS.to_vec(), 1..=3),
        prop::collection::vec(cents(), 3),
        opt_window(0.2),
    )
        .prop_map(|(min_qtys, cents, valid)| RawEntry {
            min_qtys,
            cents,
            valid,
        })
}

/// A unit price in cents: mostly anywhere in 0..100000, sometimes one of a few shared values
/// (so that different lists tie on amount, and adjustments hit rounding midpoints).
fn cents() -> impl Strategy<Value = i64> {
    prop_oneof![
        7 => 0i64..100_000,
        3 => prop::sample::select(vec![0i64, 1, 5, 100, 250, 999, 1000, 1005]),
    ]
}

#[derive(Clone, Debug)]
pub struct RawAbsList {
    currency: &'static str,
    graduated: bool,
    valid: Option<RawWindow>,
    /// One optional entry per possible SKU (only the first `catalog.len()` are used).
    entries: Vec<Option<RawEntry>>,
}

fn raw_abs_list() -> impl Strategy<Value = RawAbsList> {
    (
        currency(),
        any::<bool>(),
        opt_window(0.3),
        prop::collection::vec(prop::option::weighted(0.7, raw_entry()), 8),
    )
        .prop_map(|(currency, graduated, valid, entries)| RawAbsList {
            currency,
            graduated,
            valid,
            entries,
        })
}

#[derive(Clone, Debug)]
pub struct RawRelList {
    base: Index,
    graduated: bool,
    valid: Option<RawWindow>,
    /// (category, percent in tenths)
    adjustments: Vec<(Option<usize>, i64)>,
}

fn raw_rel_list() -> impl Strategy<Value = RawRelList> {
    let percent = prop_oneof![
        4 => (-50i64..=50).prop_map(|p| p * 10),
        1 => -500i64..=500,
    ];
    (
        any::<Index>(),
        any::<bool>(),
        opt_window(0.3),
        prop::collection::vec(
            (
                prop::option::weighted(0.5, 0usize..CATEGORIES.len()),
                percent,
            ),
            1..=3,
        ),
    )
        .prop_map(|(base, graduated, valid, adjustments)| RawRelList {
            base,
            graduated,
            valid,
            adjustments,
        })
}

#[derive(Clone, Debug)]
pub struct RawAssignment {
    list: Index,
    /// 0 everyone, 1 segment, 2 account, 3 subtree
    scope: usize,
    target: Index,
    priority_key: u8,
    valid: Option<RawWindow>,
}

fn raw_assignment() -> impl Strategy<Value = RawAssignment> {
    (
        any::<Index>(),
        prop_oneof![1 => Just(0usize), 1 => Just(1), 2 => Just(2), 3 => Just(3)],
        any::<Index>(),
        any::<u8>(),
        opt_window(0.25),
    )
        .prop_map(|(list, scope, target, priority_key, valid)| RawAssignment {
            list,
            scope,
            target,
            priority_key,
            valid,
        })
}

#[derive(Clone, Debug)]
pub struct RawDataset {
    accounts: Vec<RawAccount>,
    users: Vec<RawUser>,
    segments: Vec<Vec<Index>>,
    skus: Vec<Vec<usize>>,
    abs_lists: Vec<RawAbsList>,
    rel_lists: Vec<RawRelList>,
    assignments: Vec<RawAssignment>,
    /// Replace the `viewer` preset with a dataset role granting only `view_catalog`.
    override_viewer: bool,
    /// Draw priorities from a tiny range (ties between assignments possible); the dataset falls
    /// back to distinct priorities if the build rejects an ambiguous tie.
    tie_prone: bool,
    priority_offset: i32,
}

fn raw_dataset() -> impl Strategy<Value = RawDataset> {
    (
        prop::collection::vec(raw_account(), 1..=12),
        prop::collection::vec(raw_user(), 1..=4),
        prop::collection::vec(raw_segment(), 0..=3),
        prop::collection::vec(raw_sku(), 1..=8),
        prop::collection::vec(raw_abs_list(), 1..=4),
        prop::collection::vec(raw_rel_list(), 0..=3),
        prop::collection::vec(raw_assignment(), 0..=12),
        prop::bool::weighted(0.2),
        prop::bool::weighted(0.3),
        -5i32..=5,
    )
        .prop_map(
            |(
                accounts,
                users,
                segments,
                skus,
                abs_lists,
                rel_lists,
                assignments,
                override_viewer,
                tie_prone,
                priority_offset,
            )| RawDataset {
                accounts,
                users,
                segments,
                skus,
                abs_lists,
                rel_lists,
                assignments,
                override_viewer,
                tie_prone,
                priority_offset,
            },
        )
}

// ---------------------------------------------------------------------------------------------
// Materialisation
// ---------------------------------------------------------------------------------------------

pub fn account_id(i: usize) -> String {
    format!("acct-{i}")
}
pub fn user_id(i: usize) -> String {
    format!("user-{i}")
}
pub fn segment_id(i: usize) -> String {
    format!("seg-{i}")
}
pub fn sku_id(i: usize) -> String {
    format!("SKU-{i}")
}
/// List ids share the marker `plist` that no other string in an answer contains.
pub fn list_id(i: usize) -> String {
    format!("plist{i}")
}
/// Assignment ids share the marker `asg`; the letter makes id order differ from creation order.
pub fn assignment_id(i: usize, key: u8) -> String {
    let letter = [b'q', b'c', b'x', b'f'][usize::from(key) % 4] as char;
    format!("asg{letter}{i}")
}

fn materialise(raw: &RawDataset) -> Dataset {
    // Accounts: parents among earlier accounts, depth at most 4.
    let n = raw.accounts.len();
    let mut depth = vec![1usize; n];
    let mut accounts = Vec::with_capacity(n);
    for (i, a) in raw.accounts.iter().enumerate() {
        let parent = match a.parent {
            Some(p) if i > 0 => {
                let p = p.index(i);
                if depth[p] < 4 {
                    depth[i] = depth[p] + 1;
                    Some(p)
                } else {
                    None
                }
            }
            _ => None,
        };
        accounts.push(AccountData {
            id: account_id(i).into(),
            name: format!("Account {i}"),
            parent: parent.map(|p| account_id(p).into()),
            currency: a.currency.to_string(),
            price_policy: a.policy,
            inherit: Inheritance {
                price_lists: a.inherit_prices,
                ..Inheritance::default()
            },
            ..AccountData::default()
        });
    }

    let mut roles = vec![RoleData {
        name: RoleName::new(BROWSE_ROLE),
        permissions: vec![Permission::ViewCatalog],
    }];
    if raw.override_viewer {
        roles.push(RoleData {
            name: RoleName::new("viewer"),
            permissions: vec![Permission::ViewCatalog],
        });
    }

    let users = raw
        .users
        .iter()
        .enumerate()
        .map(|(i, u)| UserData {
            id: user_id(i).into(),
            name: format!("User {i}"),
            disabled: u.disabled,
            memberships: u
                .memberships
                .iter()
                .map(|m| MembershipData {
                    account: account_id(m.account.index(n)).into(),
                    roles: m
                        .roles
                        .iter()
                        .map(|&r| RoleName::new(ROLE_POOL[r]))
                        .collect(),
                    reach: if m.subtree {
                        Reach::Subtree
                    } else {
                        Reach::Account
                    },
                    disabled: m.disabled,
                    spending_limit: None,
                })
                .collect(),
        })
        .collect();

    let segments = raw
        .segments
        .iter()
        .enumerate()
        .map(|(i, members)| SegmentData {
            id: segment_id(i).into(),
            name: format!("Segment {i}"),
            accounts: members
                .iter()
                .map(|m| account_id(m.index(n)).into())
                .collect(),
            rule: None,
        })
        .collect::<Vec<_>>();

    let catalog: Vec<SkuData> = raw
        .skus
        .iter()
        .enumerate()
        .map(|(i, cats)| SkuData {
            sku: sku_id(i).into(),
            name: format!("Item {i}"),
            categories: cats.iter().map(|&c| CATEGORIES[c].to_string()).collect(),
            ..SkuData::default()
        })
        .collect();

    // Lists: absolute first, then relative ones, each over an earlier list (no cycles).
    let mut price_lists: Vec<PriceListData> = Vec::new();
    for l in &raw.abs_lists {
        let i = price_lists.len();
        let entries = l
            .entries
            .iter()
            .take(catalog.len())
            .enumerate()
            .filter_map(|(s, e)| e.as_ref().map(|e| (s, e)))
            .map(|(s, e)| EntryData {
                sku: sku_id(s).into(),
                tiers: e
                    .min_qtys
                    .iter()
                    .zip(e.cents.iter())
                    .map(|(&min_qty, &cents)| TierData {
                        min_qty,
                        unit_price: Decimal::new(cents, 2),
                    })
                    .collect(),
                valid: e.valid.as_ref().map(window),
                quantity: None,
                quote_above: None,
            })
            .collect();
        price_lists.push(PriceListData {
            id: list_id(i).into(),
            name: format!("List {i}"),
            owner: format!("owner{i}@seller.example"),
            currency: l.currency.to_string(),
            tier_mode: if l.graduated {
                TierMode::Graduated
            } else {
                TierMode::Volume
            },
            valid: l.valid.as_ref().map(window),
            entries,
            relative: None,
            quote_only: false,
        });
    }
    for l in &raw.rel_lists {
        let i = price_lists.len();
        let base = l.base.index(i);
        let currency = price_lists[base].currency.clone();
        price_lists.push(PriceListData {
            id: list_id(i).into(),
            name: format!("List {i}"),
            owner: format!("owner{i}@seller.example"),
            currency,
            tier_mode: if l.graduated {
                TierMode::Graduated
            } else {
                TierMode::Volume
            },
            valid: l.valid.as_ref().map(window),
            entries: Vec::new(),
            relative: Some(RelativeData {
                base: list_id(base).into(),
                adjustments: l
                    .adjustments
                    .iter()
                    .map(|&(cat, tenths)| AdjustmentData {
                        category: cat.map(|c| CATEGORIES[c].to_string()),
                        percent: Decimal::new(tenths, 1),
                    })
                    .collect(),
            }),
            quote_only: false,
        });
    }

    let assignments: Vec<AssignmentData> = raw
        .assignments
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let scope = match a.scope {
                1 if !segments.is_empty() => {
                    Scope::Segment(segment_id(a.target.index(segments.len())).into())
                }
                2 => Scope::Account(account_id(a.target.index(n)).into()),
                3 => Scope::Subtree(account_id(a.target.index(n)).into()),
                _ => Scope::Everyone,
            };
            AssignmentData {
                id: assignment_id(i, a.priority_key).into(),
                price_list: list_id(a.list.index(price_lists.len())).into(),
                scope,
                priority: if raw.tie_prone {
                    i32::from(a.priority_key % 3)
                } else {
                    0
                },
                valid: a.valid.as_ref().map(window),
                owner: None,
                experiment: None,
            }
        })
        .collect();

    let mut ds = Dataset {
        accounts,
        roles,
        users,
        segments,
        catalog,
        price_lists,
        assignments,
        ..Dataset::default()
    };
    if !raw.tie_prone {
        let keys: Vec<u8> = raw.assignments.iter().map(|a| a.priority_key).collect();
        distinct_priorities(&mut ds, &keys, raw.priority_offset);
    }
    ensure_builds(ds, raw.priority_offset)
}

/// Gives every assignment a distinct priority: a permutation of a range, in the order of
/// `keys` (ties broken by position), shifted by `offset`.
pub fn distinct_priorities(ds: &mut Dataset, keys: &[u8], offset: i32) {
    let mut order: Vec<usize> = (0..ds.assignments.len()).collect();
    order.sort_by_key(|&i| (keys.get(i).copied().unwrap_or(0), i));
    for (rank, &i) in order.iter().enumerate() {
        ds.assignments[i].priority = i32::try_from(rank).unwrap() + offset;
    }
}

/// Returns the dataset if it builds; if the build rejects it (only ambiguous ties can make a
/// generated dataset fail), falls back to distinct priorities, which always build.
pub fn ensure_builds(mut ds: Dataset, offset: i32) -> Dataset {
    if Snapshot::from_dataset(&ds).is_err() {
        let keys: Vec<u8> = ds
            .assignments
            .iter()
            .map(|a| u8::try_from(a.priority.rem_euclid(256)).unwrap())
            .collect();
        distinct_priorities(&mut ds, &keys, offset);
    }
    build(&ds);
    ds
}

/// Builds the snapshot, panicking with every build problem if the dataset is rejected.
pub fn build(ds: &Dataset) -> Snapshot {
    match Snapshot::from_dataset(ds) {
        Ok(s) => s,
        Err(e) => panic!(
            "generated dataset does not build: {e}\nproblems: {:#?}\ndataset: {}",
            e.problems(),
            serde_json::to_string_pretty(ds).unwrap()
        ),
    }
}

/// A small, valid dataset (see the module docs).
pub fn dataset() -> impl Strategy<Value = Dataset> {
    raw_dataset().prop_map(|raw| materialise(&raw))
}

/// The same, with every account's policy forced to `policy` (set on every account).
pub fn dataset_with_policy(policy: PricePolicy) -> impl Strategy<Value = Dataset> {
    dataset().prop_map(move |mut ds| {
        for a in &mut ds.accounts {
            a.price_policy = Some(policy);
        }
        // Forcing precedence can create ties in a tie-prone dataset.
        ensure_builds(ds, 0)
    })
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
        Query::new(
            account,
            user.id.clone(),
            ds.catalog[self.sku.index(ds.catalog.len())].sku.clone(),
            self.qty,
            ts(QUERY_INSTANTS[self.at]),
        )
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
/// their roles, segments and their members, catalogue and SKU categories, price lists, entries
/// and assignments. Tiers (which must increase) and relative adjustments (whose order breaks
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
    ds
}
