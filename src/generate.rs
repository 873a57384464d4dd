//! Seeded, deterministic generation of realistic datasets, for tests, benchmarks and memory
//! measurements.
//!
//! [`dataset`] builds a [`Dataset`] from a [`Spec`] and a seed: the same spec and seed always give
//! the same dataset, on every platform (the generator is a self-contained SplitMix64, never a
//! randomly seeded hasher). The shape imitates a B2B seller's data:
//!
//! - an account forest: a few holdings with subsidiaries and branches up to [`Spec::max_depth`]
//!   levels, and many independent customers; some accounts are priced in EUR, some use the
//!   `lowest_price` policy, a few do not inherit their parents' price lists;
//! - users with one or several memberships (`buyer` or `viewer`), some reaching a holding's whole
//!   subtree, a few disabled;
//! - a catalogue in a three-level category tree;
//! - a public list per currency (scope `everyone`, priority 0) pricing every SKU with one to three
//!   volume tiers;
//! - contract lists for a sample of accounts (10 to 200 entries each by default, some graduated,
//!   some with validity windows), assigned to the account alone or to its subtree;
//! - segments (explicit account sets) with their own lists, and relative lists (percentages off
//!   the public list, per category), one of them derived from another.
//!
//! Every assignment but the public ones gets its own priority, so the generated data never
//! contains an ambiguous tie and always builds.
//!
//! ```
//! use tradeterms::generate::{self, Size, Spec};
//! let dataset = generate::dataset(&Spec::for_size(Size::Small), 7);
//! let snapshot = tradeterms::Snapshot::from_dataset(&dataset).unwrap();
//! assert!(snapshot.price_entry_count() > 1_000);
//! ```

use crate::decide::resolution::Query;
use crate::format::access::MembershipData;
use crate::format::predicate::AttrCmp;
use crate::format::pricing::{AdjustmentData, RelativeData};
use crate::format::{
    AccountData, ApprovalPolicyData, Approvers, AssignmentData, AttrValue, Attributes, Dataset,
    Effect, EntryData, Inheritance, OrderCondition, Predicate, PriceListData, PricePolicy,
    QuantityRule, Reach, Scope, SegmentData, SkuData, Target, TierData, TierMode, UserData,
    VisibilityRuleData,
};
use crate::id::{AccountId, AssignmentId, PriceListId, RoleName, SegmentId, Sku, UserId};
use crate::time::Window;
use jiff::Timestamp;
use rust_decimal::Decimal;
use std::collections::{HashMap, HashSet};
use std::ops::RangeInclusive;

/// The instant the generated data is meant to be queried at: 2026-01-01T00:00:00Z. Validity
/// windows are placed around it (most contain it, some have expired, some have not started).
pub const AT: Timestamp = Timestamp::constant(1_767_225_600, 0);

const Y2024: i64 = 1_704_067_200;
const Y2025: i64 = 1_735_689_600;
const Y2025_07: i64 = 1_751_328_000;
const Y2025_12: i64 = 1_764_547_200;
const Y2026_02: i64 = 1_769_904_000;
const Y2026_07: i64 = 1_782_864_000;
const Y2027: i64 = 1_798_761_600;
const Y2027_07: i64 = 1_814_400_000;

const OWNER: &str = "pricing@seller.example";
const TOP_CATEGORIES: [&str; 8] = [
    "tools",
    "fasteners",
    "electrical",
    "plumbing",
    "safety",
    "janitorial",
    "office",
    "hvac",
];
const SUB_CATEGORIES: usize = 6;
const LEAF_CATEGORIES: usize = 8;
const REGIONS: [&str; 4] = ["north", "south", "east", "west"];

/// A preset dataset size.
///
/// ```
/// use tradeterms::generate::{Size, Spec};
/// assert_eq!("medium".parse::<Size>(), Ok(Size::Medium));
/// assert_eq!(Spec::for_size(Size::Large).accounts, 100_000);
/// assert_eq!(Size::Small.to_string(), "small");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Size {
    /// About 50 accounts, 500 SKUs and 6,000 price entries: for tests and CI.
    Small,
    /// 1,000 accounts, 20,000 SKUs, about 500,000 price entries.
    Medium,
    /// 100,000 accounts, 1,000,000 SKUs, about 10,000,000 price entries.
    Large,
}

impl std::str::FromStr for Size {
    type Err = String;

    fn from_str(s: &str) -> Result<Size, String> {
        match s.to_ascii_lowercase().as_str() {
            "small" => Ok(Size::Small),
            "medium" => Ok(Size::Medium),
            "large" => Ok(Size::Large),
            other => Err(format!(
                "unknown size `{other}`: use small, medium or large"
            )),
        }
    }
}

impl std::fmt::Display for Size {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Size::Small => "small",
            Size::Medium => "medium",
            Size::Large => "large",
        })
    }
}

/// What to generate. Start from [`Spec::for_size`] and change fields with struct update syntax.
/// Percentages are clamped to 100 and empty ranges use their start.
///
/// ```
/// use tradeterms::generate::{self, Size, Spec};
/// let spec = Spec { contract_accounts: 3, segment_lists: 1, ..Spec::for_size(Size::Small) };
/// let dataset = generate::dataset(&spec, 1);
/// assert_eq!(dataset.accounts.len(), spec.accounts);
/// assert_eq!(dataset.catalog.len(), spec.skus);
/// tradeterms::Snapshot::from_dataset(&dataset).unwrap();
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Spec {
    /// Number of accounts.
    pub accounts: usize,
    /// Number of SKUs in the catalogue (each priced by every public list).
    pub skus: usize,
    /// Share, in percent, of top-level accounts that are holdings with descendants; the others
    /// are independent customers.
    pub holding_percent: u32,
    /// Number of accounts in one holding's tree, the holding included.
    pub holding_size: RangeInclusive<usize>,
    /// Deepest account tree, in levels (a top-level account is level 1); at most
    /// [`MAX_DEPTH`](crate::MAX_DEPTH).
    pub max_depth: usize,
    /// Share, in percent, of top-level accounts (with their whole tree) priced in EUR rather
    /// than USD.
    pub eur_percent: u32,
    /// Users holding a membership directly at each account (the first one is always an enabled
    /// buyer).
    pub users_per_account: RangeInclusive<usize>,
    /// Number of accounts with contract lists.
    pub contract_accounts: usize,
    /// Contract lists per contract account.
    pub contract_lists: RangeInclusive<usize>,
    /// Entries per contract list.
    pub contract_entries: RangeInclusive<usize>,
    /// Number of segments (explicit account sets).
    pub segments: usize,
    /// Share, in percent, of all accounts that each segment holds.
    pub segment_percent: u32,
    /// Number of absolute lists assigned to segments (round-robin over the segments).
    pub segment_lists: usize,
    /// Share, in percent, of the catalogue that each segment list prices.
    pub segment_list_percent: u32,
    /// Number of relative lists (percentages off the public USD list, per category), assigned
    /// alternately to segments and to holdings' subtrees.
    pub relative_lists: usize,
}

impl Spec {
    /// The preset for a size.
    ///
    /// ```
    /// use tradeterms::generate::{Size, Spec};
    /// let medium = Spec::for_size(Size::Medium);
    /// assert_eq!((medium.accounts, medium.skus), (1_000, 20_000));
    /// ```
    pub fn for_size(size: Size) -> Spec {
        match size {
            Size::Small => Spec {
                accounts: 50,
                skus: 500,
                holding_percent: 20,
                holding_size: 3..=15,
                max_depth: 8,
                eur_percent: 10,
                users_per_account: 1..=2,
                contract_accounts: 20,
                contract_lists: 1..=3,
                contract_entries: 10..=200,
                segments: 3,
                segment_percent: 20,
                segment_lists: 3,
                segment_list_percent: 80,
                relative_lists: 3,
            },
            Size::Medium => Spec {
                accounts: 1_000,
                skus: 20_000,
                holding_percent: 5,
                holding_size: 5..=40,
                max_depth: 8,
                eur_percent: 10,
                users_per_account: 1..=2,
                contract_accounts: 600,
                contract_lists: 1..=3,
                contract_entries: 10..=200,
                segments: 8,
                segment_percent: 10,
                segment_lists: 20,
                segment_list_percent: 85,
                relative_lists: 6,
            },
            Size::Large => Spec {
                accounts: 100_000,
                skus: 1_000_000,
                holding_percent: 5,
                holding_size: 5..=60,
                max_depth: 8,
                eur_percent: 10,
                users_per_account: 1..=2,
                contract_accounts: 25_000,
                contract_lists: 1..=3,
                contract_entries: 10..=200,
                segments: 20,
                segment_percent: 5,
                segment_lists: 5,
                segment_list_percent: 55,
                relative_lists: 20,
            },
        }
    }
}

/// SplitMix64: tiny, fast, and the same sequence on every platform.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x5DEE_CE66_D1CE_4E5B)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (0 when `n` is 0).
    fn below(&mut self, n: usize) -> usize {
        let n64 = u64::try_from(n).unwrap_or(u64::MAX);
        let wide = u128::from(self.next_u64()).wrapping_mul(u128::from(n64)) >> 64;
        usize::try_from(wide).unwrap_or(0)
    }

    /// Uniform in the range (its start if it is empty).
    fn in_range(&mut self, r: &RangeInclusive<usize>) -> usize {
        let (lo, hi) = (*r.start(), *r.end());
        if hi <= lo {
            return lo;
        }
        lo.saturating_add(self.below(hi.wrapping_sub(lo).saturating_add(1)))
    }

    /// True with probability `percent` / 100.
    fn chance(&mut self, percent: u32) -> bool {
        self.below(100) < usize::try_from(percent).unwrap_or(100)
    }

    /// One element of a non-empty slice.
    fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        items.get(self.below(items.len()))
    }
}

fn window(from: i64, until: i64) -> Window {
    Window {
        from: Timestamp::from_second(from).ok(),
        until: Timestamp::from_second(until).ok(),
    }
}

/// `percent` % of `n`, rounded down.
fn share(n: usize, percent: u32) -> usize {
    let p = usize::try_from(percent.min(100)).unwrap_or(100);
    n.saturating_mul(p) / 100
}

/// `cents * percent / 100`, at least one cent.
fn scaled(cents: i64, percent: i64) -> i64 {
    (cents.saturating_mul(percent) / 100).max(1)
}

/// `-p` percent.
fn percent_off(p: usize) -> Decimal {
    Decimal::from(0i64.saturating_sub(i64::try_from(p).unwrap_or(0)))
}

fn money(cents: i64) -> Decimal {
    Decimal::new(cents, 2)
}

/// `k` distinct random indexes in `0..n` (all of them if `k >= n`), sorted. A large sample
/// (a quarter of the range or more) is uniform; a smaller one draws half of its indexes from one
/// window of the range (a contract usually concentrates on a few categories, and SKUs are laid
/// out category by category).
fn sample_indexes(rng: &mut Rng, n: usize, k: usize) -> Vec<usize> {
    let k = k.min(n);
    if k.saturating_mul(4) >= n {
        // Selection sampling (Knuth's algorithm S): exactly k, in order, in one pass.
        let mut out = Vec::with_capacity(k);
        for i in 0..n {
            let needed = k.saturating_sub(out.len());
            if needed == 0 {
                break;
            }
            if rng.below(n.saturating_sub(i)) < needed {
                out.push(i);
            }
        }
        return out;
    }
    let width = (n / 20).max(k).min(n);
    let start = rng.below(n.saturating_sub(width).saturating_add(1));
    let mut chosen = std::collections::BTreeSet::new();
    // k < n / 4, so uniform draws find a new index at least 3 times in 4: the cap is never hit
    // in practice, it only bounds the loop.
    let mut attempts = k.saturating_mul(20).saturating_add(100);
    while chosen.len() < k && attempts > 0 {
        attempts = attempts.saturating_sub(1);
        let i = if attempts.is_multiple_of(2) {
            start.saturating_add(rng.below(width))
        } else {
            rng.below(n)
        };
        chosen.insert(i);
    }
    chosen.into_iter().collect()
}

/// The accounts of the forest, with what the rest of the generator needs to know about them.
struct Forest {
    data: Vec<AccountData>,
    /// Index of each account's parent.
    parent: Vec<Option<usize>>,
    /// Index of each account's top-level account.
    root: Vec<usize>,
    /// Top-level accounts with descendants.
    holdings: Vec<usize>,
    /// Whether each account has children.
    has_children: Vec<bool>,
}

fn accounts(spec: &Spec, rng: &mut Rng) -> Forest {
    let n = spec.accounts;
    let max_depth = spec.max_depth.clamp(1, crate::model::account::MAX_DEPTH);
    let mut forest = Forest {
        data: Vec::with_capacity(n),
        parent: Vec::with_capacity(n),
        root: Vec::with_capacity(n),
        holdings: Vec::new(),
        has_children: Vec::with_capacity(n),
    };
    let mut tree: Vec<(usize, usize)> = Vec::new();
    while forest.data.len() < n {
        let remaining = n.saturating_sub(forest.data.len());
        let holding = remaining > 1 && max_depth > 1 && rng.chance(spec.holding_percent);
        let size = if holding {
            rng.in_range(&spec.holding_size).max(2).min(remaining)
        } else {
            1
        };
        let root = forest.data.len();
        let currency = if rng.chance(spec.eur_percent) {
            "EUR"
        } else {
            "USD"
        };
        tree.clear();
        for k in 0..size {
            let idx = forest.data.len();
            // Grow deep chains half of the time (the last account added), bushy trees otherwise.
            let parent = if k == 0 {
                None
            } else {
                let last = tree.last().copied().filter(|&(_, d)| d < max_depth);
                match last {
                    Some(l) if rng.chance(50) => Some(l),
                    _ => {
                        let open: Vec<(usize, usize)> = tree
                            .iter()
                            .copied()
                            .filter(|&(_, d)| d < max_depth)
                            .collect();
                        rng.pick(&open).copied()
                    }
                }
            };
            let depth = parent.map_or(1, |(_, d)| d.saturating_add(1));
            let kind = match (k, parent) {
                (0, _) if holding => "holding",
                (0, _) => "customer",
                (_, Some((_, 1))) => "subsidiary",
                _ => "branch",
            };
            let mut attributes = Attributes::new();
            attributes.insert("type".into(), AttrValue::Text(kind.into()));
            if let Some(region) = rng.pick(&REGIONS) {
                attributes.insert("region".into(), AttrValue::Text((*region).into()));
            }
            let price_policy = if parent.is_none() && rng.chance(5) {
                Some(PricePolicy::LowestPrice)
            } else {
                None
            };
            let inherit = Inheritance {
                price_lists: parent.is_none() || !rng.chance(3),
                ..Inheritance::default()
            };
            forest.data.push(AccountData {
                id: AccountId::new(format!("acct-{idx:06}")),
                name: format!("Account {idx}"),
                parent: parent.and_then(|(p, _)| forest.data.get(p).map(|a| a.id.clone())),
                currency: currency.into(),
                attributes,
                price_policy,
                inherit,
                ..AccountData::default()
            });
            forest.parent.push(parent.map(|(p, _)| p));
            forest.root.push(root);
            forest.has_children.push(false);
            if let Some((p, _)) = parent
                && let Some(flag) = forest.has_children.get_mut(p)
            {
                *flag = true;
            }
            tree.push((idx, depth));
        }
        if size > 1 {
            forest.holdings.push(root);
        }
    }
    forest
}

fn users(spec: &Spec, forest: &Forest, rng: &mut Rng) -> Vec<UserData> {
    let buyer = RoleName::new("buyer");
    let viewer = RoleName::new("viewer");
    let n = forest.data.len();
    let mut users = Vec::with_capacity(n.saturating_mul(2));
    let membership = |account: &AccountId, role: &RoleName, reach: Reach| MembershipData {
        account: account.clone(),
        roles: vec![role.clone()],
        reach,
        ..MembershipData::default()
    };
    for (i, account) in forest.data.iter().enumerate() {
        let count = rng.in_range(&spec.users_per_account).max(1);
        for k in 0..count {
            let first = k == 0;
            let role = if first || rng.chance(60) {
                &buyer
            } else {
                &viewer
            };
            let mut memberships = vec![membership(&account.id, role, Reach::Account)];
            if first && rng.chance(10) {
                memberships.iter_mut().for_each(|m| {
                    m.spending_limit = Some(Decimal::from(5_000));
                });
            }
            // Some users act for several accounts: another branch of the same holding or
            // another customer altogether.
            if rng.chance(10) {
                let other = rng.below(n);
                if other != i
                    && let Some(a) = forest.data.get(other)
                {
                    let mut m = membership(&a.id, &viewer, Reach::Account);
                    m.disabled = rng.chance(10);
                    memberships.push(m);
                }
            }
            users.push(UserData {
                id: UserId::new(format!("user-{:07}", users.len())),
                name: format!("User {} of {}", k, account.name),
                disabled: !first && rng.chance(2),
                memberships,
            });
        }
    }
    // Head-office buyers reaching a whole holding.
    for &h in &forest.holdings {
        let Some(account) = forest.data.get(h) else {
            continue;
        };
        let count = 1usize.saturating_add(rng.below(2));
        for _ in 0..count {
            users.push(UserData {
                id: UserId::new(format!("user-{:07}", users.len())),
                name: format!("Head-office buyer of {}", account.name),
                disabled: false,
                memberships: vec![membership(&account.id, &buyer, Reach::Subtree)],
            });
        }
    }
    users
}

/// Category paths: `top`, `top/sub-NN`, `top/sub-NN/leaf-NN`; SKUs are laid out leaf by leaf.
fn leaf_categories() -> Vec<String> {
    let mut leaves = Vec::new();
    for top in TOP_CATEGORIES {
        for s in 0..SUB_CATEGORIES {
            for l in 0..LEAF_CATEGORIES {
                leaves.push(format!("{top}/sub-{s:02}/leaf-{l:02}"));
            }
        }
    }
    leaves
}

fn catalog(spec: &Spec, rng: &mut Rng) -> (Vec<SkuData>, Vec<i64>) {
    let leaves = leaf_categories();
    let n = spec.skus;
    let mut skus = Vec::with_capacity(n);
    let mut prices = Vec::with_capacity(n);
    for i in 0..n {
        let leaf_idx = i.saturating_mul(leaves.len()).checked_div(n).unwrap_or(0);
        let mut categories: Vec<String> = leaves.get(leaf_idx).cloned().into_iter().collect();
        if rng.chance(5)
            && let Some(second) = rng.pick(&leaves)
            && !categories.contains(second)
        {
            categories.push(second.clone());
        }
        // Prices spread over four orders of magnitude: 1.00 to 9,999.99.
        let magnitude = [100i64, 1_000, 10_000, 100_000]
            .get(rng.below(4))
            .copied()
            .unwrap_or(100);
        let cents = magnitude.saturating_add(
            i64::try_from(rng.below(usize::try_from(magnitude.saturating_mul(9)).unwrap_or(0)))
                .unwrap_or(0),
        );
        prices.push(cents);
        skus.push(SkuData {
            sku: Sku::new(format!("SKU-{i:07}")),
            name: format!("Item {i}"),
            categories,
            cost: Some(money(scaled(cents, 60))),
            lead_time_days: Some(u32::try_from(1usize.saturating_add(rng.below(30))).unwrap_or(1)),
            quantity: if rng.chance(3) {
                Some(QuantityRule {
                    increment: Some(6u64.into()),
                    ..QuantityRule::default()
                })
            } else {
                None
            },
            // One SKU in 500 is sold on quote only.
            quote_only: i % 500 == 499,
            ..SkuData::default()
        });
    }
    (skus, prices)
}

/// Volume tiers from a list price: 1, 2 or 3 tiers at decreasing unit prices.
fn volume_tiers(rng: &mut Rng, cents: i64, first_min: u64) -> Vec<TierData> {
    const STEPS: [(u64, i64); 3] = [(1, 100), (10, 95), (100, 90)];
    let count = 1usize.saturating_add(rng.below(3));
    STEPS
        .iter()
        .take(count)
        .map(|&(min, pct)| TierData {
            min_qty: if min == 1 { first_min } else { min }.into(),
            unit_price: money(scaled(cents, pct)),
        })
        .collect()
}

/// Graduated tiers: 2 or 3 slabs.
fn graduated_tiers(rng: &mut Rng, cents: i64) -> Vec<TierData> {
    const STEPS: [(u64, i64); 3] = [(1, 100), (25, 92), (100, 85)];
    let count = 2usize.saturating_add(rng.below(2));
    STEPS
        .iter()
        .take(count)
        .map(|&(min, pct)| TierData {
            min_qty: min.into(),
            unit_price: money(scaled(cents, pct)),
        })
        .collect()
}

fn absolute_list(id: String, name: String, currency: &str, mode: TierMode) -> PriceListData {
    PriceListData {
        id: PriceListId::new(id),
        name,
        owner: OWNER.into(),
        currency: currency.into(),
        tier_mode: mode,
        ..PriceListData::default()
    }
}

/// Hands out distinct priorities, so no two assignments can ever tie.
struct Priorities(i32);

impl Priorities {
    fn next(&mut self) -> i32 {
        self.0 = self.0.saturating_add(1);
        self.0
    }
}

/// Generates a dataset. The same `spec` and `seed` always give the same dataset, and it always
/// builds.
///
/// ```
/// use tradeterms::generate::{self, Size, Spec};
/// let spec = Spec::for_size(Size::Small);
/// assert_eq!(generate::dataset(&spec, 42), generate::dataset(&spec, 42));
/// ```
pub fn dataset(spec: &Spec, seed: u64) -> Dataset {
    let mut rng = Rng::new(seed);
    let forest = accounts(spec, &mut rng);
    let users = users(spec, &forest, &mut rng);
    let (catalog, list_prices) = catalog(spec, &mut rng);
    let skus: Vec<Sku> = catalog.iter().map(|s| s.sku.clone()).collect();
    let mut price_lists: Vec<PriceListData> = Vec::new();
    let mut assignments: Vec<AssignmentData> = Vec::new();
    let mut priorities = Priorities(0);

    // Public lists: every SKU, in each currency, for everyone at priority 0 (they never tie:
    // their currencies differ).
    for (currency, pct) in [("USD", 100i64), ("EUR", 92)] {
        let mut list = absolute_list(
            format!("public-{}", currency.to_ascii_lowercase()),
            format!("Public {currency}"),
            currency,
            TierMode::Volume,
        );
        list.entries = skus
            .iter()
            .zip(&list_prices)
            .map(|(sku, &cents)| EntryData {
                sku: sku.clone(),
                tiers: volume_tiers(&mut rng, scaled(cents, pct), 1),
                ..EntryData::default()
            })
            .collect();
        assignments.push(AssignmentData {
            id: AssignmentId::new(format!("everyone-{}", currency.to_ascii_lowercase())),
            price_list: list.id.clone(),
            scope: Scope::Everyone,
            priority: 0,
            valid: None,
            ..AssignmentData::default()
        });
        price_lists.push(list);
    }

    // Contract lists for a sample of accounts.
    let mut order: Vec<usize> = (0..forest.data.len()).collect();
    let contracted = spec.contract_accounts.min(order.len());
    for i in 0..contracted {
        let j = i.saturating_add(rng.below(order.len().saturating_sub(i)));
        order.swap(i, j);
    }
    for &a in order.iter().take(contracted) {
        let Some(account) = forest.data.get(a) else {
            continue;
        };
        let lists = rng.in_range(&spec.contract_lists);
        for l in 0..lists {
            let graduated = rng.chance(20);
            let mode = if graduated {
                TierMode::Graduated
            } else {
                TierMode::Volume
            };
            let mut list = absolute_list(
                format!("contract-{}-{l}", account.id),
                format!("Contract {l} of {}", account.name),
                &account.currency,
                mode,
            );
            // Windows: most contain AT, a few have expired or start later.
            list.valid = match rng.below(100) {
                0..=19 => Some(window(Y2025, Y2027)),
                20..=22 => Some(window(Y2024, Y2025)),
                23..=24 => Some(window(Y2026_07, Y2027_07)),
                _ => None,
            };
            let discount = 70i64.saturating_add(i64::try_from(rng.below(26)).unwrap_or(0));
            let count = rng.in_range(&spec.contract_entries);
            let currency_pct = if account.currency == "EUR" { 92 } else { 100 };
            list.entries = sample_indexes(&mut rng, skus.len(), count)
                .into_iter()
                .filter_map(|s| {
                    let sku = skus.get(s)?;
                    let cents = scaled(
                        scaled(list_prices.get(s).copied().unwrap_or(100), currency_pct),
                        discount,
                    );
                    let tiers = if graduated {
                        graduated_tiers(&mut rng, cents)
                    } else {
                        let first_min = if rng.chance(5) { 5 } else { 1 };
                        volume_tiers(&mut rng, cents, first_min)
                    };
                    let valid = rng.chance(3).then(|| window(Y2025_12, Y2026_02));
                    let quote_above = rng.chance(1).then_some(1_000u64.into());
                    Some(EntryData {
                        sku: sku.clone(),
                        tiers,
                        valid,
                        quote_above,
                        ..EntryData::default()
                    })
                })
                .collect();
            let has_children = forest.has_children.get(a).copied().unwrap_or(false);
            let scope = if has_children && rng.chance(60) {
                Scope::Subtree(account.id.clone())
            } else {
                Scope::Account(account.id.clone())
            };
            assignments.push(AssignmentData {
                id: AssignmentId::new(format!("assign-{}", list.id)),
                price_list: list.id.clone(),
                scope,
                priority: priorities.next(),
                valid: match rng.below(100) {
                    0..=9 => Some(window(Y2025_07, Y2026_07)),
                    10..=11 => Some(window(Y2024, Y2025)),
                    _ => None,
                },
                ..AssignmentData::default()
            });
            price_lists.push(list);
        }
    }

    // Segments: explicit account sets.
    let n_accounts = forest.data.len();
    let segments: Vec<SegmentData> = (0..spec.segments)
        .map(|s| {
            let size = share(n_accounts, spec.segment_percent).max(1);
            let members = sample_indexes(&mut rng, n_accounts, size)
                .into_iter()
                .filter_map(|a| forest.data.get(a).map(|d| d.id.clone()))
                .collect();
            SegmentData {
                id: SegmentId::new(format!("segment-{s:02}")),
                name: format!("Segment {s}"),
                accounts: members,
                ..SegmentData::default()
            }
        })
        .collect();
    if !segments.is_empty() {
        for l in 0..spec.segment_lists {
            let Some(segment) = l.checked_rem(segments.len()).and_then(|i| segments.get(i)) else {
                continue;
            };
            let mut list = absolute_list(
                format!("segment-list-{l:03}"),
                format!("Segment list {l}"),
                "USD",
                TierMode::Volume,
            );
            let discount = 80i64.saturating_add(i64::try_from(rng.below(13)).unwrap_or(0));
            let size = share(skus.len(), spec.segment_list_percent);
            list.entries = sample_indexes(&mut rng, skus.len(), size)
                .into_iter()
                .filter_map(|s| {
                    let cents = scaled(list_prices.get(s).copied().unwrap_or(100), discount);
                    Some(EntryData {
                        sku: skus.get(s)?.clone(),
                        tiers: volume_tiers(&mut rng, cents, 1),
                        ..EntryData::default()
                    })
                })
                .collect();
            assignments.push(AssignmentData {
                id: AssignmentId::new(format!("assign-{}", list.id)),
                price_list: list.id.clone(),
                scope: Scope::Segment(segment.id.clone()),
                priority: priorities.next(),
                valid: None,
                ..AssignmentData::default()
            });
            price_lists.push(list);
        }
    }

    // Relative lists: percentages off the public USD list, per category; the last one derives
    // from the first (a relative list of a relative list).
    let usd_holdings: Vec<&AccountData> = forest
        .holdings
        .iter()
        .filter_map(|&h| forest.data.get(h))
        .filter(|a| a.currency == "USD")
        .collect();
    for r in 0..spec.relative_lists {
        let base = if r > 0 && r.saturating_add(1) == spec.relative_lists {
            PriceListId::new("relative-000")
        } else {
            PriceListId::new("public-usd")
        };
        let mut adjustments = Vec::new();
        if rng.chance(70) {
            adjustments.push(AdjustmentData {
                category: None,
                percent: percent_off(1usize.saturating_add(rng.below(5))),
                ..AdjustmentData::default()
            });
        }
        let top = rng.pick(&TOP_CATEGORIES).copied().unwrap_or("tools");
        adjustments.push(AdjustmentData {
            category: Some(top.into()),
            percent: percent_off(5usize.saturating_add(rng.below(10))),
            ..AdjustmentData::default()
        });
        adjustments.push(AdjustmentData {
            category: Some(format!("{top}/sub-{:02}", rng.below(SUB_CATEGORIES))),
            percent: percent_off(10usize.saturating_add(rng.below(15))),
            ..AdjustmentData::default()
        });
        let list = PriceListData {
            id: PriceListId::new(format!("relative-{r:03}")),
            name: format!("Relative list {r}"),
            owner: OWNER.into(),
            currency: "USD".into(),
            relative: Some(RelativeData { base, adjustments }),
            ..PriceListData::default()
        };
        let scope = match (r % 2, rng.pick(&usd_holdings), rng.pick(&segments)) {
            (0, Some(h), _) => Scope::Subtree(h.id.clone()),
            (_, _, Some(s)) => Scope::Segment(s.id.clone()),
            (_, Some(h), None) => Scope::Subtree(h.id.clone()),
            (_, None, None) => Scope::Everyone,
        };
        assignments.push(AssignmentData {
            id: AssignmentId::new(format!("assign-{}", list.id)),
            price_list: list.id.clone(),
            scope,
            priority: priorities.next(),
            valid: None,
            ..AssignmentData::default()
        });
        price_lists.push(list);
    }

    let mut dataset = Dataset {
        accounts: forest.data,
        users,
        segments,
        catalog,
        price_lists,
        assignments,
        ..Dataset::default()
    };
    add_rules(&mut dataset, seed);
    dataset
}

/// The attribute marking discontinued SKUs, which a visibility rule hides everywhere.
const STATUS: &str = "status";
const DISCONTINUED: &str = "discontinued";

/// Visibility rules, approval policies and an experiment, drawn from their own random stream
/// so that the accounts, catalogue and prices drawn above stay the same: about 1 % of SKUs are
/// discontinued and hidden from everyone; every holding's orders above 10,000 need an approver
/// (escalating up the tree), and every order above 100,000 too; one experiment holds out 10 % of
/// top-level accounts from every tenth segment-scoped list.
fn add_rules(dataset: &mut Dataset, seed: u64) {
    let mut rng = Rng::new(seed ^ 0x7275_6C65_7331);
    for (i, sku) in dataset.catalog.iter_mut().enumerate() {
        if i == 0 || rng.chance(1) {
            sku.attributes
                .insert(STATUS.into(), AttrValue::Text(DISCONTINUED.into()));
        }
    }
    if !dataset.catalog.is_empty() {
        dataset.visibility_rules.push(VisibilityRuleData {
            id: "hide-discontinued".into(),
            owner: OWNER.into(),
            scope: Scope::Everyone,
            target: Target::Attributes(Predicate::Eq(AttrCmp {
                attr: STATUS.into(),
                value: AttrValue::Text(DISCONTINUED.into()),
            })),
            effect: Effect::Exclude,
            ..VisibilityRuleData::default()
        });
    }
    let parents: HashSet<&AccountId> = dataset
        .accounts
        .iter()
        .filter_map(|a| a.parent.as_ref())
        .collect();
    let holdings: Vec<AccountId> = dataset
        .accounts
        .iter()
        .filter(|a| a.parent.is_none() && parents.contains(&a.id))
        .map(|a| a.id.clone())
        .collect();
    for h in holdings {
        dataset.approval_policies.push(ApprovalPolicyData {
            id: format!("approve-{h}"),
            owner: OWNER.into(),
            scope: Scope::Subtree(h.clone()),
            roles: Vec::new(),
            slot: Some("large-orders".into()),
            when: OrderCondition::TotalAbove(Decimal::from(10_000)),
            steps: vec![Approvers::RoleEscalating(RoleName::new("approver"))],
            stage: 0,
            experiment: None,
            channels: Vec::new(),
            countries: Vec::new(),
        });
    }
    dataset.approval_policies.push(ApprovalPolicyData {
        id: "approve-very-large".into(),
        owner: OWNER.into(),
        scope: Scope::Everyone,
        roles: Vec::new(),
        slot: None,
        when: OrderCondition::TotalAbove(Decimal::from(100_000)),
        steps: vec![Approvers::RoleEscalating(RoleName::new("approver"))],
        stage: 0,
        experiment: None,
        channels: Vec::new(),
        countries: Vec::new(),
    });
    dataset
        .experiments
        .push(crate::format::experiment::ExperimentData {
            id: "promo-2026".into(),
            owner: OWNER.into(),
            salt: "promo-2026".into(),
            holdout_bp: 1000,
        });
    for (i, a) in dataset
        .assignments
        .iter_mut()
        .filter(|a| matches!(a.scope, Scope::Segment(_)))
        .enumerate()
    {
        if i % 10 == 0 {
            a.experiment = Some("promo-2026".into());
        }
    }
}

/// Adds `n` small price lists (one to three entries each) assigned to accounts, subtrees and new
/// segments that do not reach `probe`: the lists that exist grow while the lists that apply to
/// the probe stay the same. Every new assignment gets its own priority above the existing ones,
/// so the result still builds.
///
/// ```
/// use tradeterms::generate::{self, Size, Spec};
/// use tradeterms::Snapshot;
/// let base = generate::dataset(&Spec::for_size(Size::Small), 3);
/// let probe = generate::probe_query(&base).unwrap();
/// let grown = generate::with_extra_lists(base.clone(), 500, &probe.account, 3);
/// assert_eq!(grown.price_lists.len(), base.price_lists.len() + 500);
/// let before = Snapshot::from_dataset(&base).unwrap().resolve(&probe).unwrap();
/// let after = Snapshot::from_dataset(&grown).unwrap().resolve(&probe).unwrap();
/// assert_eq!(before.outcome, after.outcome);
/// ```
pub fn with_extra_lists(mut dataset: Dataset, n: usize, probe: &AccountId, seed: u64) -> Dataset {
    let mut rng = Rng::new(seed ^ 0xE7_7A15);
    if n == 0 {
        return dataset;
    }
    // The probe and its ancestors: no subtree scope there (it would reach the probe).
    let parent: HashMap<&str, &str> = dataset
        .accounts
        .iter()
        .filter_map(|a| a.parent.as_ref().map(|p| (a.id.as_str(), p.as_str())))
        .collect();
    let mut above: HashSet<&str> = HashSet::new();
    let mut cur = Some(probe.as_str());
    while let Some(c) = cur {
        if !above.insert(c) {
            break;
        }
        cur = parent.get(c).copied();
    }
    let others: Vec<(AccountId, String, bool)> = dataset
        .accounts
        .iter()
        .filter(|a| a.id != *probe)
        .map(|a| {
            (
                a.id.clone(),
                a.currency.clone(),
                !above.contains(a.id.as_str()),
            )
        })
        .collect();
    let skus: Vec<Sku> = dataset.catalog.iter().map(|s| s.sku.clone()).collect();
    if others.is_empty() || skus.is_empty() {
        return dataset;
    }
    // New segments, without the probe.
    let n_segments = (n / 100).clamp(1, 100);
    let first_segment = dataset.segments.len();
    for s in 0..n_segments {
        let size = (others.len() / 50).max(1);
        let accounts = sample_indexes(&mut rng, others.len(), size)
            .into_iter()
            .filter_map(|i| others.get(i).map(|(id, _, _)| id.clone()))
            .collect();
        dataset.segments.push(SegmentData {
            id: SegmentId::new(format!(
                "extra-segment-{:05}",
                first_segment.saturating_add(s)
            )),
            name: format!("Extra segment {s}"),
            accounts,
            ..SegmentData::default()
        });
    }
    let new_segments: Vec<SegmentId> = dataset
        .segments
        .iter()
        .skip(first_segment)
        .map(|s| s.id.clone())
        .collect();
    let mut priorities = Priorities(
        dataset
            .assignments
            .iter()
            .map(|a| a.priority)
            .max()
            .unwrap_or(0),
    );
    let first_list = dataset.price_lists.len();
    dataset.price_lists.reserve(n);
    dataset.assignments.reserve(n);
    for i in 0..n {
        let k = first_list.saturating_add(i);
        let (scope, currency) = match rng.below(10) {
            0 => match rng.pick(&new_segments) {
                Some(s) => (Scope::Segment(s.clone()), "USD".to_string()),
                None => continue,
            },
            r => {
                let Some((id, currency, subtree_ok)) = rng.pick(&others) else {
                    continue;
                };
                let scope = if r % 2 == 0 && *subtree_ok {
                    Scope::Subtree(id.clone())
                } else {
                    Scope::Account(id.clone())
                };
                (scope, currency.clone())
            }
        };
        let mut list = absolute_list(
            format!("extra-{k:07}"),
            format!("Extra list {k}"),
            &currency,
            TierMode::Volume,
        );
        let count = 1usize.saturating_add(rng.below(3));
        list.entries = sample_indexes(&mut rng, skus.len(), count)
            .into_iter()
            .filter_map(|s| {
                let cents = 100i64.saturating_add(i64::try_from(rng.below(100_000)).unwrap_or(0));
                Some(EntryData {
                    sku: skus.get(s)?.clone(),
                    tiers: volume_tiers(&mut rng, cents, 1),
                    ..EntryData::default()
                })
            })
            .collect();
        dataset.assignments.push(AssignmentData {
            id: AssignmentId::new(format!("assign-extra-{k:07}")),
            price_list: list.id.clone(),
            scope,
            priority: priorities.next(),
            valid: None,
            ..AssignmentData::default()
        });
        dataset.price_lists.push(list);
    }
    dataset
}

/// The (account, user) pairs that are entitled for sure: enabled memberships of enabled users,
/// at the membership's own account.
fn entitled_pairs(dataset: &Dataset) -> Vec<(&AccountId, &UserId)> {
    dataset
        .users
        .iter()
        .filter(|u| !u.disabled)
        .flat_map(|u| {
            u.memberships
                .iter()
                .filter(|m| !m.disabled && !m.roles.is_empty())
                .map(move |m| (&m.account, &u.id))
        })
        .collect()
}

/// `n` random queries on a dataset, at [`AT`]: an account and a user entitled there (through an
/// enabled membership at the account), any SKU, a quantity between 1 and 250. Deterministic in
/// `seed`; empty if the dataset has no entitled user or no SKU.
///
/// ```
/// use tradeterms::generate::{self, Size, Spec};
/// let dataset = generate::dataset(&Spec::for_size(Size::Small), 1);
/// let snapshot = tradeterms::Snapshot::from_dataset(&dataset).unwrap();
/// for q in generate::queries(&dataset, 100, 2) {
///     assert!(snapshot.resolve(&q).unwrap().access.view_catalog.is_allowed());
/// }
/// ```
pub fn queries(dataset: &Dataset, n: usize, seed: u64) -> Vec<Query> {
    const QTY: [u64; 6] = [1, 5, 10, 25, 100, 250];
    let mut rng = Rng::new(seed ^ 0x51E5_0E51);
    let pairs = entitled_pairs(dataset);
    if pairs.is_empty() || dataset.catalog.is_empty() {
        return Vec::new();
    }
    (0..n)
        .filter_map(|_| {
            let (account, user) = rng.pick(&pairs)?;
            let sku = rng.pick(&dataset.catalog)?;
            let qty = rng.pick(&QTY).copied().unwrap_or(1);
            Some(Query::new(
                (*account).clone(),
                (*user).clone(),
                sku.sku.clone(),
                qty,
                AT,
            ))
        })
        .collect()
}

/// `n` queries of buyers ordering what their contracts cover, at [`AT`]: an entitled (account,
/// user) pair, as in [`queries`], whose account has a contract list assigned to it or to an
/// ancestor's subtree (reaching it: the account inherits price lists up to that ancestor), and
/// a SKU drawn from that list, with the same quantities. Most such lines are decided by the
/// contract; a contract that has expired or not started, a window on the entry, a quote-only or
/// hidden SKU or a cheaper list under `lowest_price` decide the others. Deterministic in
/// `seed`; empty if no account has a contract.
///
/// ```
/// use tradeterms::generate::{self, Size, Spec};
/// use tradeterms::Outcome;
/// let dataset = generate::dataset(&Spec::for_size(Size::Small), 1);
/// let snapshot = tradeterms::Snapshot::from_dataset(&dataset).unwrap();
/// let queries = generate::contract_queries(&dataset, 200, 2);
/// let by_contract = queries.iter().filter(|q| match snapshot.resolve(q).unwrap().outcome {
///     Outcome::Priced(p) => p.source.is_some_and(|s| s.list.as_str().starts_with("contract-")),
///     _ => false,
/// }).count();
/// assert!(by_contract * 100 >= 30 * queries.len());
/// ```
pub fn contract_queries(dataset: &Dataset, n: usize, seed: u64) -> Vec<Query> {
    const QTY: [u64; 6] = [1, 5, 10, 25, 100, 250];
    let mut rng = Rng::new(seed ^ 0xC0_27AC_7500);
    let accounts: HashMap<&str, &AccountData> = dataset
        .accounts
        .iter()
        .map(|a| (a.id.as_str(), a))
        .collect();
    let lists: HashMap<&str, &PriceListData> = dataset
        .price_lists
        .iter()
        .map(|l| (l.id.as_str(), l))
        .collect();
    // Contract lists (absolute, with entries) by the account they are assigned at, and whether
    // the assignment reaches the subtree.
    let mut assigned: HashMap<&str, Vec<(&PriceListData, bool)>> = HashMap::new();
    for a in &dataset.assignments {
        let (id, subtree) = match &a.scope {
            Scope::Account(id) => (id, false),
            Scope::Subtree(id) => (id, true),
            Scope::Everyone | Scope::Segment(_) | Scope::Guests => continue,
        };
        if let Some(list) = lists.get(a.price_list.as_str())
            && list.relative.is_none()
            && !list.entries.is_empty()
        {
            assigned
                .entry(id.as_str())
                .or_default()
                .push((list, subtree));
        }
    }
    // The lists reaching an account: its own, then each ancestor's subtree lists while the
    // account (and each level in between) inherits its parent's lists.
    let reaching = |id: &str| -> Vec<&PriceListData> {
        let mut out = Vec::new();
        let mut cur = accounts.get(id).copied();
        let mut own = true;
        let mut depth = 0usize;
        while let Some(acc) = cur {
            for (list, subtree) in assigned
                .get(acc.id.as_str())
                .map(Vec::as_slice)
                .unwrap_or(&[])
            {
                if own || *subtree {
                    out.push(*list);
                }
            }
            depth = depth.saturating_add(1);
            if !acc.inherit.price_lists || depth > crate::model::account::MAX_DEPTH {
                break;
            }
            own = false;
            cur = acc
                .parent
                .as_ref()
                .and_then(|p| accounts.get(p.as_str()).copied());
        }
        out
    };
    let pairs: Vec<(&AccountId, &UserId, Vec<&PriceListData>)> = entitled_pairs(dataset)
        .into_iter()
        .filter_map(|(account, user)| {
            let lists = reaching(account.as_str());
            (!lists.is_empty()).then_some((account, user, lists))
        })
        .collect();
    if pairs.is_empty() {
        return Vec::new();
    }
    (0..n)
        .filter_map(|_| {
            let (account, user, lists) = rng.pick(&pairs)?;
            let list = rng.pick(lists)?;
            let entry = rng.pick(&list.entries)?;
            let qty = rng.pick(&QTY).copied().unwrap_or(1);
            Some(Query::new(
                (*account).clone(),
                (*user).clone(),
                entry.sku.clone(),
                qty,
                AT,
            ))
        })
        .collect()
}

/// `n` random queries, as [`queries`], for accounts under the `lowest_price` policy only (set
/// on the account or inherited from the nearest ancestor that sets one): these price every
/// candidate list instead of stopping at the first that prices the SKU, and make the slowest
/// answers. Deterministic in `seed`; empty if no account has that policy.
///
/// ```
/// use tradeterms::generate::{self, Size, Spec};
/// use tradeterms::{Outcome, PricePolicy};
/// let dataset = generate::dataset(&Spec::for_size(Size::Small), 1);
/// let snapshot = tradeterms::Snapshot::from_dataset(&dataset).unwrap();
/// let queries = generate::lowest_price_queries(&dataset, 50, 2);
/// assert_eq!(queries.len(), 50);
/// for q in queries {
///     if let Outcome::Priced(p) = snapshot.resolve(&q).unwrap().outcome {
///         assert_eq!(p.policy, PricePolicy::LowestPrice);
///     }
/// }
/// ```
pub fn lowest_price_queries(dataset: &Dataset, n: usize, seed: u64) -> Vec<Query> {
    const QTY: [u64; 6] = [1, 5, 10, 25, 100, 250];
    let mut rng = Rng::new(seed ^ 0x10_7E57);
    let accounts: HashMap<&str, &AccountData> = dataset
        .accounts
        .iter()
        .map(|a| (a.id.as_str(), a))
        .collect();
    let lowest = |id: &str| {
        let mut cur = accounts.get(id).copied();
        let mut depth = 0usize;
        while let Some(acc) = cur {
            if let Some(policy) = acc.price_policy {
                return policy == PricePolicy::LowestPrice;
            }
            depth = depth.saturating_add(1);
            if depth > crate::model::account::MAX_DEPTH {
                break;
            }
            cur = acc
                .parent
                .as_ref()
                .and_then(|p| accounts.get(p.as_str()).copied());
        }
        false
    };
    let pairs: Vec<(&AccountId, &UserId)> = entitled_pairs(dataset)
        .into_iter()
        .filter(|(account, _)| lowest(account.as_str()))
        .collect();
    if pairs.is_empty() || dataset.catalog.is_empty() {
        return Vec::new();
    }
    (0..n)
        .filter_map(|_| {
            let (account, user) = rng.pick(&pairs)?;
            let sku = rng.pick(&dataset.catalog)?;
            let qty = rng.pick(&QTY).copied().unwrap_or(1);
            Some(Query::new(
                (*account).clone(),
                (*user).clone(),
                sku.sku.clone(),
                qty,
                AT,
            ))
        })
        .collect()
}

/// A query that a contract list prices: the deepest account with its own always-valid contract
/// list in its currency, a user entitled there, and the first SKU of that list without an entry
/// window, for quantity 1 at [`AT`]. `None` if no account qualifies.
///
/// ```
/// use tradeterms::generate::{self, Size, Spec};
/// let dataset = generate::dataset(&Spec::for_size(Size::Small), 1);
/// let probe = generate::probe_query(&dataset).unwrap();
/// let snapshot = tradeterms::Snapshot::from_dataset(&dataset).unwrap();
/// let answer = snapshot.resolve(&probe).unwrap();
/// assert!(answer.outcome.price().is_some());
/// ```
pub fn probe_query(dataset: &Dataset) -> Option<Query> {
    let accounts: HashMap<&str, &AccountData> = dataset
        .accounts
        .iter()
        .map(|a| (a.id.as_str(), a))
        .collect();
    let depth = |id: &str| {
        let mut d = 0usize;
        let mut cur = accounts.get(id);
        while let Some(a) = cur {
            d = d.saturating_add(1);
            if d > crate::model::account::MAX_DEPTH {
                break;
            }
            cur = a.parent.as_ref().and_then(|p| accounts.get(p.as_str()));
        }
        d
    };
    let lists: HashMap<&str, &PriceListData> = dataset
        .price_lists
        .iter()
        .map(|l| (l.id.as_str(), l))
        .collect();
    let quote_only: HashSet<&str> = dataset
        .catalog
        .iter()
        .filter(|s| {
            s.quote_only || s.attributes.get(STATUS) == Some(&AttrValue::Text(DISCONTINUED.into()))
        })
        .map(|s| s.sku.as_str())
        .collect();
    let pairs = entitled_pairs(dataset);
    let mut users: HashMap<&str, &UserId> = HashMap::new();
    for (account, user) in pairs.iter().rev() {
        users.insert(account.as_str(), user);
    }
    let mut best: Option<(usize, Query)> = None;
    for a in &dataset.assignments {
        let (Scope::Account(id) | Scope::Subtree(id)) = &a.scope else {
            continue;
        };
        let (Some(account), Some(list), Some(user)) = (
            accounts.get(id.as_str()),
            lists.get(a.price_list.as_str()),
            users.get(id.as_str()),
        ) else {
            continue;
        };
        let sku = list.entries.iter().find(|e| {
            e.valid.is_none()
                && e.quote_above.is_none()
                && e.tiers.first().is_some_and(|t| t.min_qty == 1)
                && !quote_only.contains(e.sku.as_str())
        });
        let usable = a.valid.is_none()
            && list.valid.is_none()
            && list.relative.is_none()
            && !list.quote_only
            && list.currency == account.currency;
        let (true, Some(entry)) = (usable, sku) else {
            continue;
        };
        let d = depth(id.as_str());
        if best.as_ref().is_none_or(|(bd, _)| d > *bd) {
            best = Some((
                d,
                Query::new(id.clone(), (*user).clone(), entry.sku.clone(), 1, AT),
            ));
        }
    }
    best.map(|(_, q)| q)
}

/// The same dataset with pricing contexts and units (issue 12), for measuring what they cost:
/// channels `web` and `edi`; every fourth contract assignment limited to `edi` and every
/// fourth other one to ship-to `CA` (a contract still reaches its account in those contexts);
/// EUR accounts also buying in USD; a third of the SKUs sold by the `box` of 10 too, with
/// every public list deriving boxes from its base entries. Answers for queries without a
/// context or a unit change only where a limited assignment no longer applies.
///
/// ```
/// use tradeterms::generate::{self, Size, Spec};
/// let dataset = generate::with_contexts(generate::dataset(&Spec::for_size(Size::Small), 1));
/// assert_eq!(dataset.channels.len(), 2);
/// let snapshot = tradeterms::Snapshot::from_dataset(&dataset).unwrap();
/// let queries = generate::in_contexts(&dataset, generate::queries(&dataset, 100, 2));
/// assert!(queries.iter().any(|q| q.context.channel.is_some() && q.unit.is_some()));
/// for q in &queries {
///     snapshot.resolve(q).unwrap();
/// }
/// ```
pub fn with_contexts(mut dataset: Dataset) -> Dataset {
    use crate::format::channel::ChannelData;
    dataset.channels = vec![
        ChannelData {
            id: "web".into(),
            name: "Web portal".into(),
            guest_prices: true,
        },
        ChannelData {
            id: "edi".into(),
            name: "EDI".into(),
            guest_prices: false,
        },
    ];
    let ca = crate::country::Country::from_code("CA");
    for (i, a) in dataset.assignments.iter_mut().enumerate() {
        if a.id.as_str().starts_with("everyone-") {
            continue;
        }
        match i % 8 {
            0 => a.channels = vec!["edi".into()],
            4 => a.countries = ca.into_iter().collect(),
            _ => {}
        }
    }
    for a in &mut dataset.accounts {
        if a.currency == "EUR" {
            a.currencies = vec!["USD".to_string()];
        }
    }
    for (i, s) in dataset.catalog.iter_mut().enumerate() {
        if i % 3 == 0 {
            s.units = vec![crate::format::catalog::UnitData {
                unit: "box".into(),
                contains: Decimal::from(10),
                quantity: None,
            }];
        }
    }
    for l in &mut dataset.price_lists {
        if l.id.as_str().starts_with("public-") {
            l.derive_units = true;
        }
    }
    dataset
}

/// `queries` asked in contexts, as a storefront and an EDI link would ask them (for data from
/// [`with_contexts`]): by position, a third on `web`, a third on `edi`, a third naming no
/// channel; every other one shipping to `CA`; and SKUs sold by the box asked in boxes one time
/// in two. Deterministic.
pub fn in_contexts(dataset: &Dataset, queries: Vec<Query>) -> Vec<Query> {
    let boxed: HashSet<&str> = dataset
        .catalog
        .iter()
        .filter(|s| !s.units.is_empty())
        .map(|s| s.sku.as_str())
        .collect();
    let ca = crate::country::Country::from_code("CA");
    queries
        .into_iter()
        .enumerate()
        .map(|(i, q)| {
            let mut ctx = crate::decide::resolution::Context::default();
            match i % 3 {
                0 => ctx = ctx.channel("web"),
                1 => ctx = ctx.channel("edi"),
                _ => {}
            }
            if i % 2 == 0
                && let Some(ca) = ca
            {
                ctx = ctx.ship_to(ca);
            }
            let in_box = i % 4 < 2 && boxed.contains(q.sku.as_str());
            let q = q.with_context(ctx);
            if in_box { q.in_unit("box") } else { q }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::snapshot::Snapshot;

    #[test]
    fn same_seed_same_dataset_and_different_seed_different_dataset() {
        let spec = Spec::for_size(Size::Small);
        let a = dataset(&spec, 11);
        let b = dataset(&spec, 11);
        assert!(a == b);
        let c = dataset(&spec, 12);
        assert!(a != c);
        assert_eq!(queries(&a, 50, 1), queries(&b, 50, 1));
    }

    #[test]
    fn small_builds_with_the_expected_shape() {
        let spec = Spec::for_size(Size::Small);
        for seed in 0..5 {
            let d = dataset(&spec, seed);
            assert_eq!(d.accounts.len(), spec.accounts);
            assert_eq!(d.catalog.len(), spec.skus);
            let snapshot = match Snapshot::from_dataset(&d) {
                Ok(s) => s,
                Err(e) => panic!("seed {seed}: {e}"),
            };
            assert!(snapshot.price_entry_count() >= 2 * spec.skus);
            assert!(d.accounts.iter().any(|a| a.parent.is_some()));
            assert!(d.price_lists.iter().any(|l| l.relative.is_some()));
            assert!(
                d.price_lists
                    .iter()
                    .any(|l| l.tier_mode == TierMode::Graduated)
            );
            let qs = queries(&d, 200, seed);
            assert_eq!(qs.len(), 200);
            let priced = qs
                .iter()
                .filter(|q| snapshot.resolve(q).unwrap().outcome.price().is_some())
                .count();
            assert!(priced > 100, "only {priced} of 200 priced");
        }
    }

    #[test]
    fn deep_forests_stay_within_the_depth_limit_and_build() {
        let spec = Spec {
            accounts: 3_000,
            skus: 300,
            holding_percent: 50,
            holding_size: 20..=200,
            contract_accounts: 300,
            contract_entries: 5..=20,
            segment_list_percent: 10,
            ..Spec::for_size(Size::Small)
        };
        let d = dataset(&spec, 5);
        let parents: HashMap<&str, &str> = d
            .accounts
            .iter()
            .filter_map(|a| a.parent.as_ref().map(|p| (a.id.as_str(), p.as_str())))
            .collect();
        let depth = |start: &str| {
            let mut id: &str = start;
            let mut n = 1;
            while let Some(p) = parents.get(id) {
                n += 1;
                id = p;
            }
            n
        };
        let deepest = d
            .accounts
            .iter()
            .map(|a| depth(a.id.as_str()))
            .max()
            .unwrap();
        assert_eq!(deepest, 8);
        Snapshot::from_dataset(&d).unwrap();
    }

    #[test]
    fn extra_lists_do_not_reach_the_probe() {
        let d = dataset(&Spec::for_size(Size::Small), 9);
        let probe = probe_query(&d).unwrap();
        let base = Snapshot::from_dataset(&d).unwrap().resolve(&probe).unwrap();
        let grown = with_extra_lists(d.clone(), 2_000, &probe.account, 9);
        assert_eq!(grown.price_lists.len(), d.price_lists.len() + 2_000);
        let snapshot = Snapshot::from_dataset(&grown).unwrap();
        let after = snapshot.resolve(&probe).unwrap();
        assert_eq!(base.outcome, after.outcome);
    }

    #[test]
    fn degenerate_specs_do_not_panic() {
        let empty = Spec {
            accounts: 0,
            skus: 0,
            contract_accounts: 10,
            segments: 0,
            ..Spec::for_size(Size::Small)
        };
        let d = dataset(&empty, 0);
        Snapshot::from_dataset(&d).unwrap();
        assert!(queries(&d, 10, 0).is_empty());
        assert!(probe_query(&d).is_none());
        let one = Spec {
            accounts: 1,
            skus: 1,
            holding_size: RangeInclusive::new(9, 2),
            contract_entries: 0..=0,
            ..Spec::for_size(Size::Small)
        };
        let d = dataset(&one, 0);
        Snapshot::from_dataset(&d).unwrap();
        let d = with_extra_lists(d, 10, &AccountId::new("acct-000000"), 0);
        Snapshot::from_dataset(&d).unwrap();
    }
}
