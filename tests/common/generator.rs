//! The one dataset generator of the integration tests, with a switch per rule kind.
//!
//! Everything is generated as "raw" random numbers (`prop::sample::Index` for references into
//! collections whose size is only known later) and turned into a `Dataset` in one `prop_map`,
//! so shrinking works on every part independently and references are always valid. A part
//! whose switch is off is generated as `Just(empty)`: it draws no randomness and adds nothing
//! to the dataset, so `Switches::pricing()` gives exactly the pricing-core datasets (accounts,
//! users, explicit segments, catalogue, absolute and relative lists, assignments, and the cost
//! lists and margins of [`Switches::costs`], which draw no randomness).
//!
//! Every generated dataset builds: references are drawn from what exists, predicates only name
//! attributes with one type each (account `acct-0` and SKU `SKU-0` carry all of them), quantity
//! rules are repaired into valid ones, payment rules that would set the same thing at the same
//! scope and roles lose that setting, and [`ensure_builds`] falls back to distinct assignment
//! priorities when the build rejects an ambiguous tie.

use super::{BOUNDARIES, CATEGORIES, MIN_QTYS, boundary};
use proptest::prelude::*;
use proptest::sample::Index;
use tradeterms::{
    AccountData, AdjustmentData, ApprovalPolicyData, Approvers, AssignmentData, AttrCmp, AttrIn,
    AttrValue, Attributes, CatalogMode, ChannelData, Dataset, Decimal, Effect, EntryData,
    ExperimentData, Inheritance, MembershipData, OrderCondition, PaymentRuleData, PaymentTerms,
    Permission, Predicate, PriceFallback, PriceListData, PricePolicy, QuantityRule, Reach,
    ReferenceListData, RelativeData, RoleData, RoleName, Scope, SegmentData, SkuData, Snapshot,
    Target, TierData, TierMode, UserData, VisibilityRuleData, Window,
};

// ---------------------------------------------------------------------------------------------
// Switches
// ---------------------------------------------------------------------------------------------

/// Which rule kinds a generated dataset contains. Off, a kind is absent (and draws no
/// randomness); on, it is generated with references into the rest of the dataset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Switches {
    /// Visibility rules (every scope, role-limited, targets all/SKU/category/attributes, both
    /// effects), catalogue modes and `inherit.visibility`.
    pub visibility: bool,
    /// Payment rules (terms, methods, role-limited) and `inherit.payment_terms`.
    pub payment: bool,
    /// Approval policies (every condition and step kind, slots), spending limits, SKU costs,
    /// an extra approving role and `inherit.approvals`.
    pub approvals: bool,
    /// Experiments (holdout 0 %, 50 %, 100 % or any share) and experiment tags on assignments,
    /// visibility rules, payment rules and approval policies (of the kinds switched on).
    pub experiments: bool,
    /// Quote-only SKUs and lists, and `quote_above` on entries.
    pub quote_only: bool,
    /// Quantity rules on SKUs and on entries.
    pub quantity_rules: bool,
    /// Account and SKU attributes, segments defined by a predicate over account attributes, and
    /// (with `visibility`) visibility rules targeting SKU attributes.
    pub attribute_segments: bool,
    /// SKU lead times and accounts' `max_lead_time_days`.
    pub lead_times: bool,
    /// Every entry has one tier from quantity 1 and no `quote_above`, so a line's amount never
    /// falls as its quantity grows (for monotonicity properties).
    pub monotone_amounts: bool,
    /// A probe user ([`PROBE_USER`]) holding [`PROBE_ROLE`] (every permission, and a role no
    /// rule is limited to) with subtree reach at every account; it draws no randomness. It may
    /// act for every account whatever the account tree becomes, and its answers are the
    /// account's own, as the impact preview compares them (for governance properties).
    pub probe: bool,
    /// Reference lists (P9), named deterministically from the generated lists (no randomness):
    /// a list for every account in two currencies of three, and one for a root's subtree.
    pub references: bool,
    /// Pricing contexts (SEMANTICS C1-C4), derived from indexes without drawing randomness:
    /// channels `web` and `edi`, assignments, visibility and payment rules and approval
    /// policies limited to a channel or to Canada, accounts buying in a second currency; and
    /// queries and orders asked in a context (see [`RawQuery::query`]).
    pub contexts: bool,
    /// Units of measure (SEMANTICS U1-U4), derived from indexes without drawing randomness:
    /// two SKUs of three sold by the `box` (2-5 each), one of three also by the `pallet` (ten
    /// boxes, at most 3 a line with quantity rules on); some entries priced per box; half the
    /// lists `derive_units`; queries and order lines asking for units (see [`unit_for`]).
    pub units: bool,
    /// Guests (SEMANTICS G1-G8), derived from indexes without drawing randomness: channels
    /// `web` (showing guests prices) and `edi` (not) declared; of every four assignments the
    /// fourth, and of every three visibility rules the second, scoped to `guests`.
    pub guests: bool,
    /// Cost lists and margins over cost (SEMANTICS P6d-P6f), derived from the lists without
    /// drawing randomness (see [`add_costs`]): a cost list per currency, cost-plus relative
    /// lists, minimum margins clamped or reported on lists, and adjustments with a minimum or
    /// maximum margin of their own.
    pub costs: bool,
    /// Fractional quantities (SEMANTICS U6-U9), derived from indexes without drawing
    /// randomness: of every three SKUs the second counts quantities to 1 decimal (of every
    /// six the sixth to 2); their tier minimums above 1, quantity rules, `quote_above` and
    /// one-SKU adjustments' `min_qty` are moved to halves (`9.5`, increment `1.5`), category
    /// adjustments' `min_qty` too (reached from the next step by whole-unit SKUs); queries and
    /// order lines ask decimals of them, now and then finer than their precision, and now and
    /// then a half of a whole-unit SKU (see [`qty_for`]).
    pub fractional: bool,
}

impl Switches {
    /// The pricing core only: no rule kind beyond price lists and assignments.
    pub const fn pricing() -> Switches {
        Switches {
            visibility: false,
            payment: false,
            approvals: false,
            experiments: false,
            quote_only: false,
            quantity_rules: false,
            attribute_segments: false,
            lead_times: false,
            monotone_amounts: false,
            probe: false,
            references: false,
            contexts: false,
            units: false,
            guests: false,
            costs: true,
            fractional: false,
        }
    }

    /// Every rule kind.
    pub const fn all() -> Switches {
        Switches {
            visibility: true,
            payment: true,
            approvals: true,
            experiments: true,
            quote_only: true,
            quantity_rules: true,
            attribute_segments: true,
            lead_times: true,
            monotone_amounts: false,
            probe: false,
            references: true,
            contexts: false,
            units: false,
            guests: false,
            costs: true,
            fractional: false,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Pools
// ---------------------------------------------------------------------------------------------

/// Custom role granting `view_catalog` only.
pub const BROWSE_ROLE: &str = "browse";
/// Roles memberships draw from (presets and the custom one).
pub const ROLE_POOL: [&str; 5] = ["viewer", "buyer", "approver", "admin", BROWSE_ROLE];
/// Custom approving role, in the pool when approvals are switched on.
pub const FINANCE_ROLE: &str = "finance";
/// The user [`Switches::probe`] adds (no generated user id has this form).
pub const PROBE_USER: &str = "probe";
/// The probe's role: every permission, and outside the role pool, so no role-limited rule
/// applies to the probe.
pub const PROBE_ROLE: &str = "probe-all";

/// The roles memberships and role-limited rules draw from.
pub fn role_pool(sw: Switches) -> Vec<&'static str> {
    let mut pool = ROLE_POOL.to_vec();
    if sw.approvals {
        pool.push(FINANCE_ROLE);
    }
    pool
}

/// Maximum numbers of generated entities (raw per-entity extras are drawn this many times).
const MAX_ACCOUNTS: usize = 12;
const MAX_USERS: usize = 4;
const MAX_MEMBERSHIPS: usize = 3;
const MAX_SEGMENTS: usize = 3;
const MAX_SKUS: usize = 8;
const MAX_ABS_LISTS: usize = 4;
const MAX_LISTS: usize = 7;
const MAX_ASSIGNMENTS: usize = 12;

/// Account attributes: (name, values) with one type per name.
pub const ACCOUNT_TYPES: [&str; 3] = ["school", "retail", "wholesale"];
pub const REGIONS: [&str; 3] = ["north", "south", "west"];
/// SKU attributes.
pub const COLORS: [&str; 3] = ["red", "blue", "green"];
/// Payment methods.
pub const METHODS: [&str; 3] = ["invoice", "card", "purchase_order"];

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
    fallback: Option<PriceFallback>,
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
            1 => Just(Some(PricePolicy::BestInLevel)),
        ],
        prop_oneof![
            8 => Just(None),
            1 => Just(Some(PriceFallback::Own)),
            1 => Just(Some(PriceFallback::Tree)),
            1 => Just(Some(PriceFallback::Segments)),
            1 => Just(Some(PriceFallback::Everyone)),
        ],
    )
        .prop_map(
            |(parent, currency, inherit_prices, policy, fallback)| RawAccount {
                parent,
                currency,
                inherit_prices,
                policy,
                fallback,
            },
        )
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

fn raw_user(roles: usize) -> impl Strategy<Value = RawUser> {
    let membership = (
        any::<Index>(),
        prop_oneof![
            1 => Just(Vec::new()),
            9 => prop::collection::vec(0usize..roles, 1..=2),
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
            prop::collection::vec(membership, 1..=MAX_MEMBERSHIPS),
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
        prop::collection::vec(prop::option::weighted(0.7, raw_entry()), MAX_SKUS),
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

/// One adjustment of relative list `i` at position `j`, from its drawn category and percent;
/// now and then (derived from the same draws, so the other draws are unchanged) it targets a
/// SKU, starts at a quantity, adds an amount, rounds to a price point or sets a fixed price
/// (P6a-P6c). Generated formulas never make a price negative (other properties resolve every
/// query); `tests/adjustments.rs` and the differential test's own case cover that error.
fn adjustment(
    i: usize,
    j: usize,
    cat: Option<usize>,
    tenths: i64,
    skus: usize,
    costs: bool,
) -> AdjustmentData {
    let mut a = {
        let mut v = AdjustmentData::default().with_percent(Decimal::new(tenths, 1));
        v.category = cat.map(|c| CATEGORIES[c].to_string());
        v
    };
    let seed = usize::try_from(tenths.unsigned_abs()).unwrap_or(0);
    let sku = || Some(sku_id((seed + j) % skus.max(1)).into());
    match (seed / 10 + 3 * j + i) % 12 {
        0 => {
            a.category = None;
            a.sku = sku();
        }
        1 => a.min_qty = Some(MIN_QTYS[2 + (i + j) % 4].into()),
        2 => a.amount = Some(Decimal::new(i64::try_from(seed % 500).unwrap_or(0), 2)),
        3 => a.round_to = Some(Decimal::new(5, 2)),
        4 => {
            // Half the multiple added first: rounding never reaches 0, so the .99 ending
            // never goes below it.
            a.amount = Some(Decimal::new(50, 2));
            a.round_to = Some(Decimal::ONE);
            a.ending = Some(Decimal::new(-1, 2));
        }
        5 => {
            a.percent = Decimal::ZERO;
            a.price = Some(Decimal::new(
                i64::try_from(seed * 37 % 100_000).unwrap_or(0),
                2,
            ));
        }
        6 => {
            a.category = None;
            a.sku = sku();
            a.min_qty = Some(MIN_QTYS[4].into());
        }
        // P6d: margins over cost of the adjustment's own (they matter only with
        // `Switches::costs`, which gives every currency a cost list).
        7 if costs => a.min_margin = Some(Decimal::from(30)),
        8 if costs => {
            a.max_margin = Some(Decimal::from(40));
            a.percent = Decimal::from(60);
        }
        _ => {}
    }
    a
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

// ---- the rule kinds behind switches ----

/// A scope: 0 everyone, 1 segment, 2 account, 3 subtree, with its target.
#[derive(Clone, Debug)]
pub struct RawScope {
    kind: usize,
    target: Index,
}

fn raw_scope() -> impl Strategy<Value = RawScope> {
    (
        prop_oneof![1 => Just(0usize), 1 => Just(1), 2 => Just(2), 3 => Just(3)],
        any::<Index>(),
    )
        .prop_map(|(kind, target)| RawScope { kind, target })
}

/// Roles a rule is limited to (indexes into the role pool); usually none.
fn raw_rule_roles(pool: usize) -> impl Strategy<Value = Vec<usize>> {
    prop_oneof![
        3 => Just(Vec::new()),
        1 => prop::collection::vec(0usize..pool, 1..=2),
    ]
}

fn raw_tag() -> impl Strategy<Value = Option<Index>> {
    prop::option::weighted(0.3, any::<Index>())
}

#[derive(Clone, Debug)]
pub struct RawAccountExtra {
    /// None inherits; Some(true) curated.
    curated: Option<bool>,
    inherit_visibility: bool,
    inherit_payment: bool,
    inherit_approvals: bool,
    kind: Option<usize>,
    region: Option<usize>,
    pupils: Option<i64>,
    vip: Option<bool>,
    max_lead: Option<u32>,
}

fn raw_account_extra() -> impl Strategy<Value = RawAccountExtra> {
    (
        prop_oneof![
            7 => Just(None),
            1 => Just(Some(false)),
            1 => Just(Some(true)),
        ],
        prop::bool::weighted(0.8),
        prop::bool::weighted(0.8),
        prop::bool::weighted(0.8),
        prop::option::weighted(0.7, 0usize..ACCOUNT_TYPES.len()),
        prop::option::weighted(0.6, 0usize..REGIONS.len()),
        prop::option::weighted(0.6, (0i64..=10).prop_map(|x| x * 100)),
        prop::option::weighted(0.5, any::<bool>()),
        prop::option::weighted(0.3, 0u32..=20),
    )
        .prop_map(
            |(
                curated,
                inherit_visibility,
                inherit_payment,
                inherit_approvals,
                kind,
                region,
                pupils,
                vip,
                max_lead,
            )| RawAccountExtra {
                curated,
                inherit_visibility,
                inherit_payment,
                inherit_approvals,
                kind,
                region,
                pupils,
                vip,
                max_lead,
            },
        )
}

/// (min, max, increment), repaired into a valid rule when materialised.
type RawQtyRule = (Option<u64>, Option<u64>, Option<u64>);

fn raw_qty_rule() -> impl Strategy<Value = RawQtyRule> {
    (
        prop::option::weighted(0.5, 1u64..=6),
        prop::option::weighted(0.4, 4u64..=40),
        prop::option::weighted(0.6, prop::sample::select(vec![2u64, 3, 5, 12])),
    )
}

fn qty_rule(raw: &RawQtyRule) -> QuantityRule {
    let (min, max, increment) = *raw;
    let mut max = max;
    if let (Some(lo), Some(hi)) = (min, max)
        && hi < lo
    {
        max = None;
    }
    if let (Some(hi), Some(inc)) = (max, increment) {
        // Some multiple of the increment must lie in [min, max].
        let lo = min.unwrap_or(1);
        if lo.div_ceil(inc) * inc > hi {
            max = None;
        }
    }
    {
        let mut v = QuantityRule::default();
        v.min = min.map(Into::into);
        v.max = max.map(Into::into);
        v.increment = increment.map(Into::into);
        v
    }
}

#[derive(Clone, Debug)]
pub struct RawSkuExtra {
    quote_only: bool,
    quantity: Option<RawQtyRule>,
    color: Option<usize>,
    weight: Option<i64>,
    hazmat: Option<bool>,
    lead_time: Option<u32>,
    cost: Option<i64>,
}

fn raw_sku_extra() -> impl Strategy<Value = RawSkuExtra> {
    (
        prop::bool::weighted(0.1),
        prop::option::weighted(0.3, raw_qty_rule()),
        prop::option::weighted(0.7, 0usize..COLORS.len()),
        prop::option::weighted(0.6, 1i64..=5),
        prop::option::weighted(0.5, any::<bool>()),
        prop::option::weighted(0.5, 0u32..=30),
        prop::option::weighted(0.6, 0i64..60_000),
    )
        .prop_map(
            |(quote_only, quantity, color, weight, hazmat, lead_time, cost)| RawSkuExtra {
                quote_only,
                quantity,
                color,
                weight,
                hazmat,
                lead_time,
                cost,
            },
        )
}

#[derive(Clone, Debug)]
pub struct RawEntryExtra {
    quantity: Option<RawQtyRule>,
    quote_above: Option<u64>,
}

fn raw_entry_extra() -> impl Strategy<Value = RawEntryExtra> {
    (
        prop::option::weighted(0.15, raw_qty_rule()),
        prop::option::weighted(0.15, 1u64..=30),
    )
        .prop_map(|(quantity, quote_above)| RawEntryExtra {
            quantity,
            quote_above,
        })
}

#[derive(Clone, Debug)]
pub struct RawVisRule {
    scope: RawScope,
    roles: Vec<usize>,
    /// 0 all, 1 SKU, 2 category, 3 attributes (category if attributes are off)
    target: usize,
    target_index: Index,
    predicate: Predicate,
    include: bool,
    experiment: Option<Index>,
}

fn raw_vis_rule(pool: usize) -> impl Strategy<Value = RawVisRule> {
    (
        raw_scope(),
        raw_rule_roles(pool),
        prop_oneof![1 => Just(0usize), 3 => Just(1), 3 => Just(2), 2 => Just(3)],
        any::<Index>(),
        sku_predicate(),
        any::<bool>(),
        raw_tag(),
    )
        .prop_map(
            |(scope, roles, target, target_index, predicate, include, experiment)| RawVisRule {
                scope,
                roles,
                target,
                target_index,
                predicate,
                include,
                experiment,
            },
        )
}

#[derive(Clone, Debug)]
pub struct RawPayRule {
    scope: RawScope,
    roles: Vec<usize>,
    terms: Option<PaymentTerms>,
    methods: Option<Vec<usize>>,
    experiment: Option<Index>,
}

fn raw_pay_rule(pool: usize) -> impl Strategy<Value = RawPayRule> {
    (
        raw_scope(),
        raw_rule_roles(pool),
        prop::option::weighted(
            0.7,
            prop_oneof![
                3 => prop::sample::select(vec![15u32, 30, 60]).prop_map(PaymentTerms::NetDays),
                1 => Just(PaymentTerms::DueOnReceipt),
            ],
        ),
        prop::option::weighted(0.6, prop::collection::vec(0usize..METHODS.len(), 0..=2)),
        raw_tag(),
    )
        .prop_map(|(scope, roles, terms, methods, experiment)| RawPayRule {
            scope,
            roles,
            terms,
            methods,
            experiment,
        })
}

/// An approval step: 0 role, 1 escalating role (with a role index), 2 named users.
#[derive(Clone, Debug)]
pub struct RawStep {
    kind: usize,
    role: usize,
    users: Vec<Index>,
}

#[derive(Clone, Debug)]
pub struct RawPolicy {
    scope: RawScope,
    roles: Vec<usize>,
    slot: Option<usize>,
    when: OrderCondition,
    steps: Vec<RawStep>,
    experiment: Option<Index>,
}

/// Roles approval steps name.
pub const STEP_ROLES: [&str; 4] = ["approver", "admin", FINANCE_ROLE, "buyer"];

fn raw_policy(pool: usize) -> impl Strategy<Value = RawPolicy> {
    let step = (
        0usize..3,
        0usize..STEP_ROLES.len(),
        prop::collection::vec(any::<Index>(), 0..=2),
    )
        .prop_map(|(kind, role, users)| RawStep { kind, role, users });
    (
        raw_scope(),
        raw_rule_roles(pool),
        prop::option::weighted(0.4, 0usize..2),
        order_condition(),
        prop::collection::vec(step, 1..=2),
        raw_tag(),
    )
        .prop_map(|(scope, roles, slot, when, steps, experiment)| RawPolicy {
            scope,
            roles,
            slot,
            when,
            steps,
            experiment,
        })
}

fn order_condition() -> impl Strategy<Value = OrderCondition> {
    let leaf = prop_oneof![
        3 => (0i64..300_000).prop_map(|c| OrderCondition::TotalAbove(Decimal::new(c, 2))),
        2 => (0u64..30).prop_map(|n| OrderCondition::LineQtyAbove(n.into())),
        1 => (0u64..4).prop_map(OrderCondition::LinesAbove),
        1 => (0usize..CATEGORIES.len()).prop_map(|c| OrderCondition::Category(CATEGORIES[c].to_string())),
        2 => Just(OrderCondition::SpendingLimitExceeded),
        2 => (0i64..=80).prop_map(|p| OrderCondition::MarginBelowPercent(Decimal::from(p))),
    ];
    leaf.prop_recursive(1, 4, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..=3).prop_map(OrderCondition::All),
            prop::collection::vec(inner, 0..=3).prop_map(OrderCondition::Any),
        ]
    })
}

fn text(s: &str) -> AttrValue {
    AttrValue::Text(s.to_string())
}

fn cmp(op: usize, attr: &str, n: i64) -> Predicate {
    let c = AttrCmp {
        attr: attr.to_string(),
        value: AttrValue::Number(Decimal::from(n)),
    };
    match op {
        0 => Predicate::Gt(c),
        1 => Predicate::Gte(c),
        2 => Predicate::Lt(c),
        _ => Predicate::Lte(c),
    }
}

fn eq(attr: &str, value: AttrValue) -> Predicate {
    Predicate::Eq(AttrCmp {
        attr: attr.to_string(),
        value,
    })
}

fn compound(leaf: BoxedStrategy<Predicate>) -> impl Strategy<Value = Predicate> {
    leaf.prop_recursive(2, 6, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..=3).prop_map(Predicate::All),
            prop::collection::vec(inner.clone(), 0..=3).prop_map(Predicate::Any),
            inner.prop_map(|p| Predicate::Not(Box::new(p))),
        ]
    })
}

/// A predicate over account attributes (`type`, `region`, `pupils`, `vip`).
fn account_predicate() -> impl Strategy<Value = Predicate> {
    let leaf = prop_oneof![
        (0usize..ACCOUNT_TYPES.len()).prop_map(|t| eq("type", text(ACCOUNT_TYPES[t]))),
        prop::collection::vec(0usize..REGIONS.len(), 0..=2).prop_map(|vs| Predicate::In(AttrIn {
            attr: "region".into(),
            values: vs.into_iter().map(|v| text(REGIONS[v])).collect(),
        })),
        (0usize..4, (0i64..=10).prop_map(|x| x * 100)).prop_map(|(op, n)| cmp(op, "pupils", n)),
        (0i64..=10).prop_map(|x| eq("pupils", AttrValue::Number(Decimal::new(x * 1000, 1)))),
        any::<bool>().prop_map(|b| eq("vip", AttrValue::Flag(b))),
    ];
    compound(leaf.boxed())
}

/// A predicate over SKU attributes (`color`, `weight`, `hazmat`).
fn sku_predicate() -> impl Strategy<Value = Predicate> {
    let leaf = prop_oneof![
        (0usize..COLORS.len()).prop_map(|c| eq("color", text(COLORS[c]))),
        prop::collection::vec(0usize..COLORS.len(), 0..=2).prop_map(|vs| Predicate::In(AttrIn {
            attr: "color".into(),
            values: vs.into_iter().map(|v| text(COLORS[v])).collect(),
        })),
        (0usize..4, 1i64..=5).prop_map(|(op, n)| cmp(op, "weight", n)),
        any::<bool>().prop_map(|b| eq("hazmat", AttrValue::Flag(b))),
    ];
    compound(leaf.boxed())
}

#[derive(Clone, Debug)]
pub struct RawExperiment {
    salt: usize,
    holdout_bp: u32,
}

fn raw_experiment() -> impl Strategy<Value = RawExperiment> {
    (
        0usize..6,
        prop_oneof![
            1 => Just(0u32),
            1 => Just(10_000u32),
            2 => Just(5_000u32),
            2 => 0u32..=10_000,
        ],
    )
        .prop_map(|(salt, holdout_bp)| RawExperiment { salt, holdout_bp })
}

/// Everything behind a switch; each part is empty when its switch is off.
#[derive(Clone, Debug, Default)]
pub struct RawExtras {
    accounts: Vec<RawAccountExtra>,
    skus: Vec<RawSkuExtra>,
    list_quote_only: Vec<bool>,
    entries: Vec<Vec<RawEntryExtra>>,
    spending_limits: Vec<Vec<Option<i64>>>,
    segment_rules: Vec<Option<Predicate>>,
    visibility: Vec<RawVisRule>,
    payment: Vec<RawPayRule>,
    approvals: Vec<RawPolicy>,
    experiments: Vec<RawExperiment>,
    assignment_tags: Vec<Option<Index>>,
}

fn when<T: Clone + std::fmt::Debug + Default + 'static>(
    on: bool,
    s: impl Strategy<Value = T> + 'static,
) -> BoxedStrategy<T> {
    if on {
        s.boxed()
    } else {
        Just(T::default()).boxed()
    }
}

fn raw_extras(sw: Switches) -> impl Strategy<Value = RawExtras> {
    let pool = role_pool(sw).len();
    let per_account =
        sw.visibility || sw.payment || sw.approvals || sw.attribute_segments || sw.lead_times;
    let per_sku = sw.quote_only
        || sw.quantity_rules
        || sw.attribute_segments
        || sw.lead_times
        || sw.approvals;
    let per_entry = sw.quote_only || sw.quantity_rules;
    (
        (
            when(
                per_account,
                prop::collection::vec(raw_account_extra(), MAX_ACCOUNTS),
            ),
            when(per_sku, prop::collection::vec(raw_sku_extra(), MAX_SKUS)),
            when(
                sw.quote_only,
                prop::collection::vec(prop::bool::weighted(0.1), MAX_LISTS),
            ),
            when(
                per_entry,
                prop::collection::vec(
                    prop::collection::vec(raw_entry_extra(), MAX_SKUS),
                    MAX_ABS_LISTS,
                ),
            ),
            when(
                sw.approvals,
                prop::collection::vec(
                    prop::collection::vec(
                        prop::option::weighted(0.5, 0i64..400_000),
                        MAX_MEMBERSHIPS,
                    ),
                    MAX_USERS,
                ),
            ),
            when(
                sw.attribute_segments,
                prop::collection::vec(
                    prop::option::weighted(0.6, account_predicate()),
                    MAX_SEGMENTS,
                ),
            ),
        ),
        (
            when(
                sw.visibility,
                prop::collection::vec(raw_vis_rule(pool), 0..=8),
            ),
            when(sw.payment, prop::collection::vec(raw_pay_rule(pool), 0..=5)),
            when(sw.approvals, prop::collection::vec(raw_policy(pool), 0..=4)),
            when(
                sw.experiments,
                prop::collection::vec(raw_experiment(), 0..=2),
            ),
            when(
                sw.experiments,
                prop::collection::vec(raw_tag(), MAX_ASSIGNMENTS),
            ),
        ),
    )
        .prop_map(
            |(
                (accounts, skus, list_quote_only, entries, spending_limits, segment_rules),
                (visibility, payment, approvals, experiments, assignment_tags),
            )| RawExtras {
                accounts,
                skus,
                list_quote_only,
                entries,
                spending_limits,
                segment_rules,
                visibility,
                payment,
                approvals,
                experiments,
                assignment_tags,
            },
        )
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
    extras: RawExtras,
}

fn raw_dataset(sw: Switches) -> impl Strategy<Value = RawDataset> {
    (
        prop::collection::vec(raw_account(), 1..=MAX_ACCOUNTS),
        prop::collection::vec(raw_user(role_pool(sw).len()), 1..=MAX_USERS),
        prop::collection::vec(raw_segment(), 0..=MAX_SEGMENTS),
        prop::collection::vec(raw_sku(), 1..=MAX_SKUS),
        prop::collection::vec(raw_abs_list(), 1..=MAX_ABS_LISTS),
        prop::collection::vec(raw_rel_list(), 0..=MAX_LISTS - MAX_ABS_LISTS),
        prop::collection::vec(raw_assignment(), 0..=MAX_ASSIGNMENTS),
        prop::bool::weighted(0.2),
        prop::bool::weighted(0.3),
        -5i32..=5,
        raw_extras(sw),
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
                extras,
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
                extras,
            },
        )
}

// ---------------------------------------------------------------------------------------------
// Materialisation
// ---------------------------------------------------------------------------------------------

/// C2: the channel the `i`-th rule of a kind is limited to, from its index (no randomness):
/// of every `every` rules, one is limited to `web` and one to `edi`.
fn context_channels(sw: Switches, i: usize, every: usize) -> Vec<tradeterms::ChannelId> {
    match (sw.contexts, i % every) {
        (true, 1) => vec!["web".into()],
        (true, 2) => vec!["edi".into()],
        _ => Vec::new(),
    }
}

/// C2: of every `every` rules of a kind, one is limited to orders shipped to Canada.
fn context_countries(sw: Switches, i: usize, every: usize) -> Vec<tradeterms::Country> {
    if sw.contexts && i % every == every - 1 {
        vec![tradeterms::Country::from_code("CA").unwrap()]
    } else {
        Vec::new()
    }
}

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
/// Visibility rule ids share the marker `rule` (no other generated id or owner contains it);
/// the letter makes id order differ from creation order.
pub fn visibility_rule_id(i: usize) -> String {
    let letter = [b'm', b'b', b'y', b'e'][i % 4] as char;
    format!("vis-rule-{letter}{i}")
}
pub fn payment_rule_id(i: usize) -> String {
    let letter = [b'k', b'd', b'w'][i % 3] as char;
    format!("pay-{letter}{i}")
}
pub fn policy_id(i: usize) -> String {
    let letter = [b'n', b'g', b'z'][i % 3] as char;
    format!("pol-{letter}{i}")
}
pub fn experiment_id(i: usize) -> String {
    format!("exp{i}")
}

/// Markers every price list id, every assignment id and every visibility rule id contains: a
/// JSON answer without them names no list, assignment or visibility rule.
pub const LIST_MARKER: &str = "plist";
pub const ASSIGNMENT_MARKER: &str = "asg";
pub const RULE_MARKER: &str = "rule";

fn scope_of(raw: &RawScope, accounts: usize, segments: usize) -> Scope {
    match raw.kind {
        1 if segments > 0 => Scope::Segment(segment_id(raw.target.index(segments)).into()),
        2 => Scope::Account(account_id(raw.target.index(accounts)).into()),
        3 => Scope::Subtree(account_id(raw.target.index(accounts)).into()),
        _ => Scope::Everyone,
    }
}

fn roles_of(raw: &[usize], pool: &[&'static str]) -> Vec<RoleName> {
    raw.iter().map(|&r| RoleName::new(pool[r])).collect()
}

fn tag_of(raw: &Option<Index>, experiments: usize) -> Option<String> {
    match raw {
        Some(i) if experiments > 0 => Some(experiment_id(i.index(experiments))),
        _ => None,
    }
}

fn account_attributes(e: &RawAccountExtra, all: bool) -> Attributes {
    let mut a = Attributes::new();
    if let Some(k) = e.kind.or(all.then_some(0)) {
        a.insert("type".into(), text(ACCOUNT_TYPES[k]));
    }
    if let Some(r) = e.region.or(all.then_some(0)) {
        a.insert("region".into(), text(REGIONS[r]));
    }
    if let Some(p) = e.pupils.or(all.then_some(500)) {
        a.insert("pupils".into(), AttrValue::Number(Decimal::from(p)));
    }
    if let Some(v) = e.vip.or(all.then_some(true)) {
        a.insert("vip".into(), AttrValue::Flag(v));
    }
    a
}

fn sku_attributes(e: &RawSkuExtra, all: bool) -> Attributes {
    let mut a = Attributes::new();
    if let Some(c) = e.color.or(all.then_some(0)) {
        a.insert("color".into(), text(COLORS[c]));
    }
    if let Some(w) = e.weight.or(all.then_some(3)) {
        a.insert("weight".into(), AttrValue::Number(Decimal::from(w)));
    }
    if let Some(h) = e.hazmat.or(all.then_some(false)) {
        a.insert("hazmat".into(), AttrValue::Flag(h));
    }
    a
}

fn materialise(raw: &RawDataset, sw: Switches) -> Dataset {
    let x = &raw.extras;
    let pool = role_pool(sw);
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
        let mut account = {
            let mut v = AccountData::new(
                account_id(i),
                format!("Account {i}"),
                a.currency.to_string(),
            )
            // C3: every third account also buys in a second currency.
            .with_currencies(if sw.contexts && i % 3 == 1 {
                vec![if a.currency == "EUR" { "USD" } else { "EUR" }.to_string()]
            } else {
                Vec::new()
            })
            .with_inherit(Inheritance::default().with_price_lists(a.inherit_prices));
            v.parent = parent.map(|p| account_id(p).into());
            v.price_policy = a.policy;
            v.price_fallback = a.fallback;
            v
        };
        if let Some(e) = x.accounts.get(i) {
            if sw.visibility {
                account.catalog_mode = e.curated.map(|c| {
                    if c {
                        CatalogMode::Curated
                    } else {
                        CatalogMode::Open
                    }
                });
                account.inherit.visibility = e.inherit_visibility;
            }
            if sw.payment {
                account.inherit.payment_terms = e.inherit_payment;
            }
            if sw.approvals {
                account.inherit.approvals = e.inherit_approvals;
            }
            if sw.attribute_segments {
                account.attributes = account_attributes(e, i == 0);
            }
            if sw.lead_times {
                account.max_lead_time_days = e.max_lead;
            }
        }
        accounts.push(account);
    }

    let mut roles = vec![RoleData::new(
        RoleName::new(BROWSE_ROLE),
        vec![Permission::ViewCatalog],
    )];
    if raw.override_viewer {
        roles.push(RoleData::new(
            RoleName::new("viewer"),
            vec![Permission::ViewCatalog],
        ));
    }
    if sw.probe {
        roles.push(RoleData::new(
            RoleName::new(PROBE_ROLE),
            Permission::ALL.to_vec(),
        ));
    }
    if sw.approvals {
        roles.push(RoleData::new(
            RoleName::new(FINANCE_ROLE),
            vec![
                Permission::ViewCatalog,
                Permission::ViewPrices,
                Permission::Approve,
            ],
        ));
    }

    let mut users: Vec<UserData> = raw
        .users
        .iter()
        .enumerate()
        .map(|(i, u)| {
            UserData::new(user_id(i), format!("User {i}"))
                .with_disabled(u.disabled)
                .with_memberships(
                    u.memberships
                        .iter()
                        .enumerate()
                        .map(|(k, m)| {
                            let mut v = MembershipData::new(
                                account_id(m.account.index(n)),
                                m.roles.iter().map(|&r| RoleName::new(pool[r])).collect(),
                            )
                            .with_reach(if m.subtree {
                                Reach::Subtree
                            } else {
                                Reach::Account
                            })
                            .with_disabled(m.disabled)
                            // C3: with contexts, some limits are also stated in euros.
                            .with_spending_limits(
                                x.spending_limits
                                    .get(i)
                                    .and_then(|l| l.get(k))
                                    .copied()
                                    .flatten()
                                    .filter(|_| sw.contexts && k % 2 == 0)
                                    .map(|c| tradeterms::Money {
                                        currency: tradeterms::Currency::from_code("EUR").unwrap(),
                                        amount: Decimal::new(c / 2, 2),
                                    })
                                    .into_iter()
                                    .collect(),
                            );
                            v.spending_limit = x
                                .spending_limits
                                .get(i)
                                .and_then(|l| l.get(k))
                                .copied()
                                .flatten()
                                .map(|c| Decimal::new(c, 2));
                            v
                        })
                        .collect(),
                )
        })
        .collect();

    let segments = raw
        .segments
        .iter()
        .enumerate()
        .map(|(i, members)| {
            let mut v = SegmentData::new(segment_id(i), format!("Segment {i}")).with_accounts(
                members
                    .iter()
                    .map(|m| account_id(m.index(n)).into())
                    .collect(),
            );
            v.rule = x.segment_rules.get(i).cloned().flatten();
            v
        })
        .collect::<Vec<_>>();

    let catalog: Vec<SkuData> = raw
        .skus
        .iter()
        .enumerate()
        .map(|(i, cats)| {
            let mut sku = SkuData::new(sku_id(i), format!("Item {i}"))
                .with_categories(cats.iter().map(|&c| CATEGORIES[c].to_string()).collect());
            if let Some(e) = x.skus.get(i) {
                if sw.quote_only {
                    sku.quote_only = e.quote_only;
                }
                if sw.quantity_rules {
                    sku.quantity = e.quantity.as_ref().map(qty_rule);
                }
                if sw.attribute_segments {
                    sku.attributes = sku_attributes(e, i == 0);
                }
                if sw.lead_times {
                    sku.lead_time_days = e.lead_time;
                }
                if sw.approvals {
                    sku.cost = e.cost.map(|c| Decimal::new(c, 2));
                }
            }
            if sw.units {
                sku.units = units_of_sku(i, sw.quantity_rules);
            }
            if sw.fractional {
                sku.quantity_decimals = decimals_of_sku(i);
                if sku.quantity_decimals > 0 {
                    sku.quantity = sku.quantity.map(|r| halves(&r));
                }
            }
            sku
        })
        .collect();

    // Lists: absolute first, then relative ones, each over an earlier list (no cycles).
    let mut price_lists: Vec<PriceListData> = Vec::new();
    for (li, l) in raw.abs_lists.iter().enumerate() {
        let i = price_lists.len();
        let entries = l
            .entries
            .iter()
            .take(catalog.len())
            .enumerate()
            .filter_map(|(s, e)| e.as_ref().map(|e| (s, e)))
            .map(|(s, e)| {
                let extra = x.entries.get(li).and_then(|es| es.get(s));
                let mut tiers: Vec<TierData> = e
                    .min_qtys
                    .iter()
                    .zip(e.cents.iter())
                    .map(|(&min_qty, &cents)| TierData::new(min_qty, Decimal::new(cents, 2)))
                    .collect();
                if sw.monotone_amounts {
                    tiers.truncate(1);
                    tiers[0].min_qty = 1u64.into();
                }
                let fractional = sw.fractional && decimals_of_sku(s) > 0;
                if fractional {
                    for t in &mut tiers {
                        t.min_qty = less_half(t.min_qty);
                    }
                }
                (s, {
                    let mut v = EntryData::new(sku_id(s), tiers);
                    v.valid = e.valid.as_ref().map(window);
                    v.quantity = extra
                        .filter(|_| sw.quantity_rules)
                        .and_then(|x| x.quantity.as_ref())
                        .map(qty_rule)
                        .map(|r| if fractional { halves(&r) } else { r });
                    v.quote_above = extra
                        .filter(|_| sw.quote_only && !sw.monotone_amounts)
                        .and_then(|x| x.quote_above)
                        .map(Into::into)
                        .map(|q| if fractional { less_half(q) } else { q });
                    v
                })
            })
            .flat_map(|(s, e)| {
                // U2: some entries also priced per box, from their own tiers (a box costs its
                // contents less a cent, tiers counted in boxes).
                let boxed = (sw.units && (li + s).is_multiple_of(3))
                    .then(|| {
                        units_of_sku(s, false)
                            .into_iter()
                            .find(|u| u.unit.as_str() == "box")
                    })
                    .flatten()
                    .map(|b| {
                        e.clone().with_unit(b.unit.clone()).with_tiers(
                            e.tiers
                                .iter()
                                .map(|t| {
                                    TierData::new(
                                        t.min_qty,
                                        (t.unit_price * b.contains - Decimal::new(1, 2))
                                            .max(Decimal::ZERO),
                                    )
                                })
                                .collect(),
                        )
                    });
                std::iter::once(e).chain(boxed)
            })
            .collect();
        price_lists.push({
            let mut v = PriceListData::new(
                list_id(i),
                format!("List {i}"),
                format!("owner{i}@seller.example"),
                l.currency.to_string(),
            )
            .with_tier_mode(if l.graduated {
                TierMode::Graduated
            } else {
                TierMode::Volume
            })
            .with_entries(entries)
            .with_quote_only(x.list_quote_only.get(i).copied().unwrap_or(false))
            .with_tax_included(false)
            .with_derive_units(sw.units && li.is_multiple_of(2));
            v.valid = l.valid.as_ref().map(window);
            v
        });
    }
    for l in &raw.rel_lists {
        let i = price_lists.len();
        let base = l.base.index(i);
        let currency = price_lists[base].currency.clone();
        price_lists.push({
            let mut v = PriceListData::new(
                list_id(i),
                format!("List {i}"),
                format!("owner{i}@seller.example"),
                currency,
            )
            .with_tier_mode(if l.graduated {
                TierMode::Graduated
            } else {
                TierMode::Volume
            })
            .with_entries(Vec::new())
            .with_relative(RelativeData::new(list_id(base), {
                let mut out: Vec<AdjustmentData> = Vec::new();
                for (j, &(cat, tenths)) in l.adjustments.iter().enumerate() {
                    let mut adj = adjustment(i, j, cat, tenths, catalog.len(), sw.costs);
                    // U9: a category's (or every SKU's) `min_qty` may be finer than
                    // a SKU's precision; a one-SKU adjustment's only within it.
                    let target_decimals = adj.sku.as_ref().map(|s| {
                        catalog
                            .iter()
                            .find(|c| &c.sku == s)
                            .unwrap()
                            .quantity_decimals
                    });
                    if sw.fractional && target_decimals.is_none_or(|d| d > 0) {
                        adj.min_qty = adj.min_qty.map(less_half);
                    }
                    // P6a: one adjustment per target (a later one with the same target
                    // never decided, as the first listed won equal depths).
                    if !out
                        .iter()
                        .any(|o| o.sku == adj.sku && o.category == adj.category)
                    {
                        out.push(adj);
                    }
                }
                out
            }))
            .with_quote_only(x.list_quote_only.get(i).copied().unwrap_or(false))
            .with_tax_included(false)
            .with_derive_units(sw.units && i.is_multiple_of(3));
            v.valid = l.valid.as_ref().map(window);
            v
        });
    }

    let experiments: Vec<ExperimentData> = x
        .experiments
        .iter()
        .enumerate()
        .map(|(i, e)| {
            ExperimentData::new(
                experiment_id(i),
                format!("growth{i}@seller.example"),
                format!("salt-{}", e.salt),
                e.holdout_bp,
            )
        })
        .collect();
    let n_exp = experiments.len();
    let n_seg = segments.len();

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
            let scope = if sw.guests && i % 4 == 3 {
                Scope::Guests
            } else {
                scope
            };
            {
                let mut v = AssignmentData::new(
                    assignment_id(i, a.priority_key),
                    list_id(a.list.index(price_lists.len())),
                    scope,
                )
                .with_priority(if raw.tie_prone {
                    i32::from(a.priority_key % 3)
                } else {
                    0
                })
                .with_channels(context_channels(sw, i, 4))
                .with_countries(context_countries(sw, i, 5));
                v.valid = a.valid.as_ref().map(window);
                v.experiment = x.assignment_tags.get(i).and_then(|t| tag_of(t, n_exp));
                v
            }
        })
        .collect();

    let visibility_rules = x
        .visibility
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut v = VisibilityRuleData::new(
                visibility_rule_id(i),
                format!("assortment{i}@seller.example"),
                if sw.guests && i % 3 == 1 {
                    Scope::Guests
                } else {
                    scope_of(&r.scope, n, n_seg)
                },
                match r.target {
                    0 => Target::All,
                    1 => Target::Sku(sku_id(r.target_index.index(catalog.len())).into()),
                    3 if sw.attribute_segments => Target::Attributes(r.predicate.clone()),
                    _ => {
                        Target::Category(CATEGORIES[r.target_index.index(CATEGORIES.len())].into())
                    }
                },
                if r.include {
                    Effect::Include
                } else {
                    Effect::Exclude
                },
            )
            .with_roles(roles_of(&r.roles, &pool))
            .with_channels(context_channels(sw, i.wrapping_add(2), 3))
            .with_countries(Vec::new());
            v.experiment = tag_of(&r.experiment, n_exp);
            v
        })
        .collect();

    // Payment rules: a rule that would set what an earlier rule of the same scope, roles and
    // experiment sets loses that setting (the build rejects two such rules).
    let mut payment_rules: Vec<PaymentRuleData> = Vec::new();
    for (i, r) in x.payment.iter().enumerate() {
        let mut rule = {
            let mut v = PaymentRuleData::new(
                payment_rule_id(i),
                format!("credit{i}@seller.example"),
                scope_of(&r.scope, n, n_seg),
            )
            .with_roles(roles_of(&r.roles, &pool))
            .with_channels(Vec::new())
            .with_countries(context_countries(sw, i, 3));
            v.terms = r.terms;
            v.methods = r
                .methods
                .as_ref()
                .map(|m| m.iter().map(|&k| METHODS[k].to_string()).collect());
            v.experiment = tag_of(&r.experiment, n_exp);
            v
        };
        let key = |p: &PaymentRuleData| {
            let mut roles = p.roles.clone();
            roles.sort();
            roles.dedup();
            (p.scope.clone(), roles, p.experiment.clone())
        };
        for earlier in &payment_rules {
            if key(earlier) == key(&rule) {
                if earlier.terms.is_some() {
                    rule.terms = None;
                }
                if earlier.methods.is_some() {
                    rule.methods = None;
                }
            }
        }
        payment_rules.push(rule);
    }

    let approval_policies = x
        .approvals
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let mut v = ApprovalPolicyData::new(
                policy_id(i),
                format!("finance{i}@buyer.example"),
                scope_of(&p.scope, n, n_seg),
                if sw.contexts && i % 2 == 1 {
                    OrderCondition::Any(vec![
                        p.when.clone(),
                        OrderCondition::TotalAboveIn(tradeterms::Money {
                            currency: tradeterms::Currency::from_code("EUR").unwrap(),
                            amount: Decimal::new(50_000 + 7_919 * i as i64, 2),
                        }),
                    ])
                } else {
                    p.when.clone()
                },
                p.steps
                    .iter()
                    .map(|s| match s.kind {
                        0 => Approvers::Role(RoleName::new(STEP_ROLES[s.role])),
                        1 => Approvers::RoleEscalating(RoleName::new(STEP_ROLES[s.role])),
                        _ => Approvers::Users(
                            s.users
                                .iter()
                                .map(|u| user_id(u.index(users.len())).into())
                                .collect(),
                        ),
                    })
                    .collect(),
            )
            .with_roles(roles_of(&p.roles, &pool))
            // Stages against the policies' id order, so a chain's order is the stages', not
            // the ids' (O11); drawn from the index, so no other part of the data moves.
            .with_stage(u32::try_from((x.approvals.len() - i) % 3).unwrap())
            .with_channels(context_channels(sw, i, 3))
            .with_countries(Vec::new());
            v.slot = p.slot.map(|s| format!("slot-{s}"));
            v.experiment = tag_of(&p.experiment, n_exp);
            v
        })
        .collect();

    // After everything that draws users by index (approval steps), so no other part moves.
    if sw.probe {
        users.push(probe_user(&accounts));
    }

    let reference_lists = if sw.references {
        reference_lists(&price_lists, &accounts)
    } else {
        Vec::new()
    };
    // After the assignments and references, which draw lists by index: no cost list is ever
    // assigned or a reference.
    if sw.costs {
        add_costs(&mut price_lists, raw.abs_lists.len());
    }
    let mut ds = Dataset::default()
        .with_accounts(accounts)
        .with_roles(roles)
        .with_users(users)
        .with_segments(segments)
        .with_catalog(catalog)
        .with_price_lists(price_lists)
        .with_assignments(assignments)
        .with_visibility_rules(visibility_rules)
        .with_payment_rules(payment_rules)
        .with_approval_policies(approval_policies)
        .with_experiments(experiments)
        .with_reference_lists(reference_lists)
        .with_channels(if sw.contexts || sw.guests {
            vec![
                ChannelData::new("web", "Web").with_guest_prices(sw.guests),
                ChannelData::new("edi", "EDI").with_guest_prices(false),
            ]
        } else {
            Vec::new()
        });
    if !raw.tie_prone {
        let keys: Vec<u8> = raw.assignments.iter().map(|a| a.priority_key).collect();
        distinct_priorities(&mut ds, &keys, raw.priority_offset);
    }
    ensure_builds(ds, raw.priority_offset)
}

/// Cost lists and margins (SEMANTICS P6d-P6f), derived from the lists alone (no randomness):
/// for each currency of an absolute list, a cost list `cost-<currency>` whose entries are the
/// first such list's, every third one left out (a SKU without a cost), at 60 % of its prices;
/// of the relative lists, every third (from the third) derives from its currency's cost list
/// (cost-plus), every second states a 5 % minimum margin, clamped on every fourth; of the
/// absolute lists, every third (from the second) a 10 % minimum margin, clamped on every
/// other. Adjustments state their own margins in [`adjustment`].
fn add_costs(price_lists: &mut Vec<PriceListData>, n_abs: usize) {
    let mut costs: Vec<PriceListData> = Vec::new();
    for l in price_lists.iter().take(n_abs) {
        if costs.iter().any(|c| c.currency == l.currency) {
            continue;
        }
        let entries = l
            .entries
            .iter()
            .enumerate()
            .filter(|(k, _)| k % 3 != 2)
            .map(|(_, e)| {
                let mut cost = e.clone().with_tiers(
                    e.tiers
                        .iter()
                        .map(|t| TierData::new(t.min_qty, t.unit_price * Decimal::new(6, 1)))
                        .collect(),
                );
                // A cost entry carries no quantity rule and no quote threshold of its own.
                cost.quantity = None;
                cost.quote_above = None;
                cost
            })
            .collect();
        let cost: PriceListData = serde_json::from_value(serde_json::json!({
            "id": format!("cost-{}", l.currency),
            "name": format!("Cost {}", l.currency),
            "owner": "finance@seller.example",
            "currency": l.currency,
            "cost": true,
        }))
        .unwrap();
        costs.push(cost.with_entries(entries));
    }
    for (i, l) in price_lists.iter_mut().enumerate() {
        let clamp = serde_json::from_value(serde_json::json!("clamp")).unwrap();
        match (&mut l.relative, i.checked_sub(n_abs)) {
            (Some(rel), Some(r)) => {
                if r % 3 == 2 {
                    rel.base = format!("cost-{}", l.currency).into();
                }
                if r % 2 == 0 {
                    l.min_margin = Some(Decimal::from(5));
                    if r % 4 == 0 {
                        l.margin = clamp;
                    }
                }
            }
            (None, _) if i % 3 == 1 => {
                l.min_margin = Some(Decimal::from(10));
                if i % 2 == 0 {
                    l.margin = clamp;
                }
            }
            _ => {}
        }
    }
    price_lists.extend(costs);
}

/// Reference lists named from the data alone: for two currencies of every three (in code
/// order) the first list of that currency is every account's reference; the first root with
/// children gets the second list of its currency, if any, for its subtree.
fn reference_lists(lists: &[PriceListData], accounts: &[AccountData]) -> Vec<ReferenceListData> {
    let mut currencies: Vec<&str> = lists.iter().map(|l| l.currency.as_str()).collect();
    currencies.sort_unstable();
    currencies.dedup();
    let mut out: Vec<ReferenceListData> = currencies
        .iter()
        .enumerate()
        .filter(|(k, _)| k % 3 != 2)
        .filter_map(|(_, c)| lists.iter().find(|l| l.currency == *c))
        .map(|l| ReferenceListData::new(l.id.clone()))
        .collect();
    let root = accounts
        .iter()
        .find(|a| a.parent.is_none() && accounts.iter().any(|c| c.parent.as_ref() == Some(&a.id)));
    if let Some(root) = root
        && let Some(second) = lists.iter().filter(|l| l.currency == root.currency).nth(1)
    {
        out.push(ReferenceListData::new(second.id.clone()).with_account(root.id.clone()));
    }
    out
}

/// The probe user: [`PROBE_ROLE`] with subtree reach at every account (not only the roots, so
/// that it still reaches an account a changeset makes a root).
pub fn probe_user(accounts: &[AccountData]) -> UserData {
    UserData::new(PROBE_USER, "Probe")
        .with_disabled(false)
        .with_memberships(
            accounts
                .iter()
                .map(|a| {
                    MembershipData::new(a.id.clone(), vec![RoleName::new(PROBE_ROLE)])
                        .with_reach(Reach::Subtree)
                })
                .collect(),
        )
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

/// A small, valid dataset with the rule kinds `sw` switches on.
pub fn dataset_with(sw: Switches) -> impl Strategy<Value = Dataset> {
    raw_dataset(sw).prop_map(move |raw| materialise(&raw, sw))
}

/// A small, valid dataset of the pricing core (see [`Switches::pricing`]).
pub fn dataset() -> impl Strategy<Value = Dataset> {
    dataset_with(Switches::pricing())
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

/// U1: the units SKU `i` is sold in with [`Switches::units`]: a box of 2-5 each for two SKUs of
/// three, and for one of three also a pallet of ten boxes (at most 3 a line when
/// `quantity_rules`).
pub fn units_of_sku(i: usize, quantity_rules: bool) -> Vec<tradeterms::UnitData> {
    let per_box = 2 + (i % 4) as i64;
    let mut units = Vec::new();
    if i % 3 != 2 {
        units.push(tradeterms::UnitData::new("box", Decimal::from(per_box)));
    }
    if i.is_multiple_of(3) {
        units.push({
            let mut v = tradeterms::UnitData::new("pallet", Decimal::from(per_box * 10));
            v.quantity = quantity_rules.then_some(QuantityRule::default().with_max(3u64));
            v
        });
    }
    units
}

/// U6: the quantity decimals of SKU `i` with fractional quantities on: 1 for every third
/// from the second, 2 for every sixth from the sixth, else 0.
pub fn decimals_of_sku(i: usize) -> u32 {
    match i % 6 {
        1 | 4 => 1,
        5 => 2,
        _ => 0,
    }
}

/// Half a unit less, for a quantity above 1 (`10` -> `9.5`); 1 and below unchanged.
fn less_half(q: tradeterms::Quantity) -> tradeterms::Quantity {
    if q > 1 {
        tradeterms::Quantity::try_from(q.as_decimal() - Decimal::new(5, 1)).unwrap()
    } else {
        q
    }
}

/// A quantity rule counted in halves (`min 2, increment 3` -> `min 1, increment 1.5`).
fn halves(r: &QuantityRule) -> QuantityRule {
    let half = |q: Option<tradeterms::Quantity>| {
        q.map(|q| tradeterms::Quantity::try_from(q.as_decimal() * Decimal::new(5, 1)).unwrap())
    };
    {
        let mut v = QuantityRule::default();
        v.min = half(r.min);
        v.max = half(r.max);
        v.increment = half(r.increment);
        v
    }
}

/// U6, U7: the quantity a query or order line asks of `sku` from a raw whole `qty`: on data
/// with fractional SKUs, a SKU with decimals is asked `qty` (one time in three), `qty - 0.5`,
/// or `qty - 0.45` (finer than 1 decimal: `QuantityTooPrecise` there, valid at 2); a
/// whole-unit SKU `qty + 0.5` one time in nine (`QuantityTooPrecise`); otherwise `qty`.
pub fn qty_for(ds: &Dataset, sku: &str, qty: u64) -> tradeterms::Quantity {
    let Some(s) = ds.catalog.iter().find(|s| s.sku.as_str() == sku) else {
        return qty.into();
    };
    let fractional = ds.catalog.iter().any(|s| s.quantity_decimals > 0);
    let d = Decimal::from(qty);
    let q = match (fractional, s.quantity_decimals, qty % 3, qty % 9) {
        (false, ..) => d,
        (true, 0, _, 4) => d + Decimal::new(5, 1),
        (true, 0, ..) => d,
        (true, _, 0, _) => d,
        (true, _, 1, _) => d - Decimal::new(5, 1),
        (true, ..) => d - Decimal::new(45, 2),
    };
    tradeterms::Quantity::try_from(q).unwrap()
}

/// U2: the unit a query or order line of quantity `qty` names on data with units: none, the
/// `box`, the `pallet` (which some SKUs are not sold in: `UnknownUnit`) or `each` by name.
pub fn unit_for(ds: &Dataset, sku: &str, qty: u64) -> Option<tradeterms::UnitId> {
    let has_units = ds.catalog.iter().any(|s| !s.units.is_empty());
    if !has_units {
        return None;
    }
    let _ = sku;
    match qty % 4 {
        1 => Some("box".into()),
        2 => Some("pallet".into()),
        3 => Some("each".into()),
        _ => None,
    }
}
