//! A deliberately naive reference resolver, written from the numbered rules of
//! `docs/SEMANTICS.md` (and the README's "Resolution rules" and "Rule kinds"), not from `src/`.
//!
//! It works directly on the `Dataset`: no indexes, no precomputation. Every lookup is a linear
//! scan, the account tree is walked by searching the accounts vector for each parent, segment
//! membership is re-evaluated from the segment's list and predicate each time, and every rule
//! is tested against the literal scope rules. The results are the plain, comparable shapes of
//! [`answer`]; [`resolver`] puts this model, the engine's `resolve` and the engine's `quote`
//! behind one trait.
//!
//! Comments cite the rules they implement by their `docs/SEMANTICS.md` ids (E1, S3, V4, P3,
//! W2, T5, Q2, Y3, O6, X1, R1...).
#![allow(dead_code, reason = "each test crate uses a part of the reference")]

pub mod answer;
pub mod orders;
pub mod resolver;

pub use answer::*;

use rust_decimal::RoundingStrategy;
use tradeterms::{
    AccountData, AttrValue, Attributes, CatalogMode, Dataset, Decimal, Effect, EntryData,
    MembershipData, OverrideReason, Permission, Predicate, PriceFallback, PriceListData,
    PricePolicy, QuantityRule, Query, Reach, Scope, SkuData, Target, TierMode, Timestamp, UserData,
    Window,
};

// ---------------------------------------------------------------------------------------------
// Naive lookups
// ---------------------------------------------------------------------------------------------

pub fn find_account<'d>(ds: &'d Dataset, id: &str) -> Option<&'d AccountData> {
    ds.accounts.iter().find(|a| a.id.as_str() == id)
}

fn find_list<'d>(ds: &'d Dataset, id: &str) -> Option<&'d PriceListData> {
    ds.price_lists.iter().find(|l| l.id.as_str() == id)
}

pub fn find_user<'d>(ds: &'d Dataset, id: &str) -> Option<&'d UserData> {
    ds.users.iter().find(|u| u.id.as_str() == id)
}

pub fn find_sku<'d>(ds: &'d Dataset, sku: &str) -> Option<&'d SkuData> {
    ds.catalog.iter().find(|s| s.sku.as_str() == sku)
}

fn parent_of<'d>(ds: &'d Dataset, a: &AccountData) -> Option<&'d AccountData> {
    a.parent.as_ref().and_then(|p| find_account(ds, p.as_str()))
}

/// Ancestor ids, nearest first (parent first).
pub fn ancestors(ds: &Dataset, account: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = find_account(ds, account);
    while let Some(a) = cur {
        match parent_of(ds, a) {
            Some(p) => {
                out.push(p.id.as_str().to_string());
                cur = Some(p);
            }
            None => break,
        }
        if out.len() > ds.accounts.len() {
            break;
        }
    }
    out
}

/// The nearest value set on the account or an ancestor (account settings are inherited from
/// the nearest ancestor that sets one).
fn nearest<T: Copy>(
    ds: &Dataset,
    account: &AccountData,
    get: impl Fn(&AccountData) -> Option<T>,
) -> Option<T> {
    let mut cur = Some(account);
    let mut steps = 0;
    while let Some(a) = cur {
        if let Some(v) = get(a) {
            return Some(v);
        }
        cur = parent_of(ds, a);
        steps += 1;
        if steps > ds.accounts.len() {
            break;
        }
    }
    None
}

/// S8, W1: the effective policy: the nearest set on the account or an ancestor, else precedence.
pub fn policy(ds: &Dataset, account: &AccountData) -> PricePolicy {
    nearest(ds, account, |a| a.price_policy).unwrap_or(PricePolicy::Precedence)
}

/// S8: the effective catalogue mode: the nearest set, else open.
pub fn catalog_mode(ds: &Dataset, account: &AccountData) -> CatalogMode {
    nearest(ds, account, |a| a.catalog_mode).unwrap_or(CatalogMode::Open)
}

/// S8: the contract's longest lead time: the nearest set, else none.
pub fn max_lead_time(ds: &Dataset, account: &AccountData) -> Option<u32> {
    nearest(ds, account, |a| a.max_lead_time_days)
}

/// P1: half-open windows.
fn in_window(w: &Option<Window>, at: Timestamp) -> bool {
    match w {
        None => true,
        Some(w) => w.from.is_none_or(|f| f <= at) && w.until.is_none_or(|u| at < u),
    }
}

fn not_valid(of: String, w: &Option<Window>, at: Timestamp) -> Status {
    let w = w.unwrap_or_default();
    Status::NotValid {
        of,
        from: w.from,
        until: w.until,
        not_yet: w.from.is_some_and(|f| at < f),
    }
}

/// E4: a dataset role replaces a preset of the same name.
pub fn role_permissions(ds: &Dataset, role: &str) -> Vec<Permission> {
    use Permission::*;
    if let Some(r) = ds.roles.iter().find(|r| r.name.as_str() == role) {
        return r.permissions.clone();
    }
    match role {
        "viewer" => vec![ViewCatalog, ViewPrices],
        "buyer" => vec![ViewCatalog, ViewPrices, Buy, RequestQuote],
        "approver" => vec![ViewCatalog, ViewPrices, Approve],
        "admin" => vec![ViewCatalog, ViewPrices, Buy, RequestQuote, Approve, Manage],
        _ => vec![],
    }
}

/// V1, P6: whether `cat` is `prefix` or below it (outer `/` of the prefix ignored).
pub fn covers(prefix: &str, cat: &str) -> bool {
    let prefix = prefix.trim_matches('/');
    cat == prefix || cat.starts_with(&format!("{prefix}/"))
}

fn depth(cat: &str) -> usize {
    cat.split('/').filter(|s| !s.is_empty()).count()
}

// ---------------------------------------------------------------------------------------------
// Predicates and segments (S4)
// ---------------------------------------------------------------------------------------------

fn same_value(a: &AttrValue, b: &AttrValue) -> bool {
    match (a, b) {
        (AttrValue::Number(x), AttrValue::Number(y)) => x == y,
        _ => a == b,
    }
}

/// S4: whether the attributes satisfy the predicate. An entity without the attribute satisfies
/// no comparison; `gt`/`gte`/`lt`/`lte` compare numbers only; numbers compare by value.
pub fn eval(p: &Predicate, attrs: &Attributes) -> bool {
    let number = |attr: &str| match attrs.get(attr) {
        Some(AttrValue::Number(n)) => Some(*n),
        _ => None,
    };
    let numeric = |c: &tradeterms::AttrCmp, ok: fn(Decimal, Decimal) -> bool| match (
        number(&c.attr),
        &c.value,
    ) {
        (Some(n), AttrValue::Number(v)) => ok(n, *v),
        _ => false,
    };
    match p {
        Predicate::Eq(c) => attrs.get(&c.attr).is_some_and(|v| same_value(v, &c.value)),
        Predicate::In(c) => attrs
            .get(&c.attr)
            .is_some_and(|v| c.values.iter().any(|x| same_value(v, x))),
        Predicate::Gt(c) => numeric(c, |n, v| n > v),
        Predicate::Gte(c) => numeric(c, |n, v| n >= v),
        Predicate::Lt(c) => numeric(c, |n, v| n < v),
        Predicate::Lte(c) => numeric(c, |n, v| n <= v),
        Predicate::All(ps) => ps.iter().all(|q| eval(q, attrs)),
        Predicate::Any(ps) => ps.iter().any(|q| eval(q, attrs)),
        Predicate::Not(q) => !eval(q, attrs),
        _ => unreachable!("a variant this test does not know yet"),
    }
}

/// S4: whether the account is in the segment: listed, or satisfying its rule.
pub fn in_segment(ds: &Dataset, segment: &str, account: &AccountData) -> bool {
    ds.segments.iter().any(|s| {
        s.id.as_str() == segment
            && (s.accounts.contains(&account.id)
                || s.rule
                    .as_ref()
                    .is_some_and(|r| eval(r, &account.attributes)))
    })
}

// ---------------------------------------------------------------------------------------------
// Experiments (X1-X4)
// ---------------------------------------------------------------------------------------------

/// X1: the bucket of a top-level account, from the README and `src/experiment.rs`'s doc comment:
/// FNV-1a 64 over the salt's bytes, one 0xFF byte and the top account's id, finished with
/// SplitMix64's mixer, modulo 10 000. (Re-implemented here from the published algorithms.)
pub fn bucket(salt: &str, top: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325; // FNV-1a 64 offset basis
    for b in salt.bytes().chain([0xFF]).chain(top.bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3); // FNV-1a 64 prime
    }
    let mut z = h;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^= z >> 31;
    z % 10_000
}

/// X2: the top-level account of an account (itself if it has no parent).
pub fn top_account(ds: &Dataset, account: &AccountData) -> String {
    ancestors(ds, account.id.as_str())
        .last()
        .cloned()
        .unwrap_or_else(|| account.id.to_string())
}

/// The account's arm in an experiment: held out when its top account's bucket is below the
/// holdout share.
pub fn arm(ds: &Dataset, experiment: &str, account: &AccountData) -> tradeterms::Arm {
    let e = ds
        .experiments
        .iter()
        .find(|e| e.id == experiment)
        .expect("dangling experiment");
    if bucket(&e.salt, &top_account(ds, account)) < u64::from(e.holdout_bp) {
        tradeterms::Arm::Holdout
    } else {
        tradeterms::Arm::Treatment
    }
}

/// X3: whether a rule tagged with `tag` applies to the account: untagged rules always do, tagged
/// ones only in the treatment arm.
pub fn admits(ds: &Dataset, tag: &Option<String>, account: &AccountData) -> bool {
    match tag {
        None => true,
        // G3: a guest is in no cohort; tagged rules do not reach it.
        Some(_) if account.id.as_str() == GUEST => false,
        Some(e) => arm(ds, e, account) == tradeterms::Arm::Treatment,
    }
}

/// X4: the experiments named by `tags`, with the account's arm in each, sorted, unique.
pub fn report<'a>(
    ds: &Dataset,
    tags: impl Iterator<Item = &'a Option<String>>,
    account: &AccountData,
) -> Vec<(String, tradeterms::Arm)> {
    let mut out: Vec<(String, tradeterms::Arm)> = tags
        .flatten()
        .map(|e| (e.clone(), arm(ds, e, account)))
        .collect();
    out.sort();
    out.dedup();
    out
}

// ---------------------------------------------------------------------------------------------
// Scopes and precedence (S1-S7)
// ---------------------------------------------------------------------------------------------

/// The rule kinds, for their inheritance flag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleKind {
    Prices,
    Visibility,
    Payment,
    Approvals,
}

fn inherits(a: &AccountData, kind: RuleKind) -> bool {
    match kind {
        RuleKind::Prices => a.inherit.price_lists,
        RuleKind::Visibility => a.inherit.visibility,
        RuleKind::Payment => a.inherit.payment_terms,
        RuleKind::Approvals => a.inherit.approvals,
    }
}

/// S1-S3: how (and whether) a rule's scope reaches `account`: its own `account`/`subtree` rules;
/// an ancestor's `subtree` rule while the account and every account between inherit this kind;
/// a segment it is in; everyone. S10: a price assignment reaches only as far as the account's
/// own price search goes (`price_fallback`, the nearest set, default everyone).
pub fn reach(ds: &Dataset, scope: &Scope, account: &AccountData, kind: RuleKind) -> Option<Level> {
    let level = reach_any(ds, scope, account, kind)?;
    if kind == RuleKind::Prices {
        let fallback =
            nearest(ds, account, |a| a.price_fallback).unwrap_or(PriceFallback::Everyone);
        let needed = match level {
            Level::Own => PriceFallback::Own,
            Level::Ancestor { .. } => PriceFallback::Tree,
            Level::Segment(_) | Level::Guests => PriceFallback::Segments,
            Level::Everyone => PriceFallback::Everyone,
        };
        if needed > fallback {
            return None;
        }
    }
    Some(level)
}

fn reach_any(ds: &Dataset, scope: &Scope, account: &AccountData, kind: RuleKind) -> Option<Level> {
    let me = account.id.as_str();
    // G2, G3: a guest is reached by `guests` and `everyone` rules only; an account never by
    // `guests` rules.
    if me == GUEST {
        return match scope {
            Scope::Guests => Some(Level::Guests),
            Scope::Everyone => Some(Level::Everyone),
            _ => None,
        };
    }
    match scope {
        Scope::Guests => None,
        Scope::Account(a) => (a.as_str() == me).then_some(Level::Own),
        Scope::Subtree(x) => {
            if x.as_str() == me {
                return Some(Level::Own);
            }
            let mut receiving = account;
            let mut distance = 0u32;
            loop {
                if !inherits(receiving, kind) {
                    return None;
                }
                let parent = parent_of(ds, receiving)?;
                distance += 1;
                if parent.id == *x {
                    return Some(Level::Ancestor {
                        distance,
                        account: x.to_string(),
                    });
                }
                receiving = parent;
                if distance as usize > ds.accounts.len() {
                    return None;
                }
            }
        }
        Scope::Segment(s) => {
            in_segment(ds, s.as_str(), account).then(|| Level::Segment(s.to_string()))
        }
        Scope::Everyone => Some(Level::Everyone),
        _ => unreachable!("a variant this test does not know yet"),
    }
}

/// S5, S6: the shared precedence key: scope class, then (at the same class) a rule limited to
/// roles before a rule for every user.
fn precedence(level: &Level, roles: &[tradeterms::RoleName]) -> (u8, u32, bool) {
    let (class, distance) = level.class();
    (class, distance, roles.is_empty())
}

/// S6: whether a rule limited to `rule_roles` applies to a user holding `held`.
fn roles_ok(rule_roles: &[tradeterms::RoleName], held: &[String]) -> bool {
    rule_roles.is_empty()
        || rule_roles
            .iter()
            .any(|r| held.iter().any(|h| h == r.as_str()))
}

fn sorted_roles(roles: &[tradeterms::RoleName]) -> Vec<String> {
    let mut v: Vec<String> = roles.iter().map(|r| r.to_string()).collect();
    v.sort();
    v.dedup();
    v
}

// ---------------------------------------------------------------------------------------------
// Entitlement (E1-E7)
// ---------------------------------------------------------------------------------------------

/// E1: enabled memberships of `user` that reach `account` (the user itself must be enabled,
/// checked by the caller): at the account with any reach, or at an ancestor with subtree reach.
pub fn reaching_memberships<'d>(
    ds: &'d Dataset,
    user: &'d UserData,
    account: &str,
) -> Vec<&'d MembershipData> {
    let ancestors = ancestors(ds, account);
    user.memberships
        .iter()
        .filter(|m| !m.disabled)
        .filter(|m| {
            m.account.as_str() == account
                || (m.reach == Reach::Subtree && ancestors.iter().any(|a| a == m.account.as_str()))
        })
        .collect()
}

/// What a user may do for an account, and the roles held there (sorted, unique).
pub struct Entitlement {
    pub access: AccessAns,
    pub roles: Vec<String>,
    /// `false` for a disabled user or one without a reaching membership.
    pub member: bool,
}

const PERMISSIONS: [Permission; 4] = [
    Permission::ViewCatalog,
    Permission::ViewPrices,
    Permission::Buy,
    Permission::RequestQuote,
];

/// E2-E4, E7: the permissions are the union of the roles of the reaching memberships; each one
/// reports the role granting it (the smallest name, at the first account by id holding it) or
/// why not; the spending limit is the lowest among the reaching memberships.
pub fn entitlement(ds: &Dataset, user: &UserData, account: &AccountData) -> Entitlement {
    let refused = |r: RefRefusal| Entitlement {
        access: AccessAns {
            grants: std::array::from_fn(|_| GrantAns::Refused(r.clone())),
            spending_limit: None,
        },
        roles: Vec::new(),
        member: false,
    };
    if user.disabled {
        return refused(RefRefusal::UserDisabled);
    }
    let memberships = reaching_memberships(ds, user, account.id.as_str());
    if memberships.is_empty() {
        return refused(RefRefusal::NotEntitled);
    }
    let mut roles: Vec<String> = memberships
        .iter()
        .flat_map(|m| m.roles.iter().map(|r| r.to_string()))
        .collect();
    roles.sort();
    roles.dedup();
    let grants = PERMISSIONS.map(|p| {
        let mut best: Option<(String, String)> = None;
        for m in &memberships {
            for r in &m.roles {
                if role_permissions(ds, r.as_str()).contains(&p) {
                    let candidate = (r.to_string(), m.account.to_string());
                    if best.as_ref().is_none_or(|b| candidate < *b) {
                        best = Some(candidate);
                    }
                }
            }
        }
        match best {
            Some((role, via)) => GrantAns::Allowed { role, via },
            None => GrantAns::Refused(RefRefusal::MissingPermission(p, roles.clone())),
        }
    });
    Entitlement {
        access: AccessAns {
            grants,
            spending_limit: memberships.iter().filter_map(|m| m.spending_limit).min(),
        },
        roles,
        member: true,
    }
}

// ---------------------------------------------------------------------------------------------
// Visibility (V1-V6)
// ---------------------------------------------------------------------------------------------

fn targets(ds: &Dataset, target: &Target, sku: &SkuData) -> bool {
    let _ = ds;
    match target {
        Target::All => true,
        Target::Sku(s) => *s == sku.sku,
        Target::Category(c) => sku.categories.iter().any(|sc| covers(c, sc)),
        Target::Attributes(p) => eval(p, &sku.attributes),
        _ => unreachable!("a variant this test does not know yet"),
    }
}

/// V8: how specific a target is, greater first: one SKU, then a category by its depth, then
/// every SKU and an attribute predicate alike.
fn target_rank(target: &Target) -> (u8, usize) {
    match target {
        Target::Sku(_) => (2, 0),
        Target::Category(c) => (1, depth(c)),
        Target::All | Target::Attributes(_) => (0, 0),
        _ => unreachable!("a variant this test does not know yet"),
    }
}

/// V2-V6, V8: among the rules that apply to (account, user) (S3 with `inherit.visibility`, S6,
/// X3) and target the SKU (V1), the most specific scope decides (V3; a role-limited rule before
/// one for every user at the same scope, S6); at equal scope the most specific target (V8); at
/// equal target specificity an exclusion beats an inclusion, then the smaller id (V4); with no
/// rule the mode decides (V5, S8). Every other targeting rule is reported as overridden, most
/// specific first, with the first of those keys on which it lost (V6).
pub fn visibility(
    ds: &Dataset,
    account: &AccountData,
    roles: &[String],
    sku: &SkuData,
    ctx: &Ctx,
) -> VisAns {
    let mut matching: Vec<(Level, &tradeterms::VisibilityRuleData)> = ds
        .visibility_rules
        .iter()
        .filter(|r| roles_ok(&r.roles, roles))
        .filter(|r| cond_ok(&r.channels, &r.countries, ctx).is_ok())
        .filter(|r| admits(ds, &r.experiment, account))
        .filter(|r| targets(ds, &r.target, sku))
        .filter_map(|r| reach(ds, &r.scope, account, RuleKind::Visibility).map(|l| (l, r)))
        .collect();
    matching.sort_by(|(la, a), (lb, b)| {
        precedence(la, &a.roles)
            .cmp(&precedence(lb, &b.roles))
            .then(target_rank(&b.target).cmp(&target_rank(&a.target)))
            .then((a.effect == Effect::Include).cmp(&(b.effect == Effect::Include)))
            .then(a.id.cmp(&b.id))
    });
    let rule = |(level, r): &(Level, &tradeterms::VisibilityRuleData)| RuleAns {
        id: r.id.clone(),
        owner: r.owner.clone(),
        level: level.clone(),
        roles: sorted_roles(&r.roles),
    };
    let mode = catalog_mode(ds, account);
    match matching.first() {
        Some(first) => {
            let (d_level, d) = first;
            let why = |(level, r): &(Level, &tradeterms::VisibilityRuleData)| {
                if level.class() != d_level.class() {
                    OverrideReason::LessSpecificScope
                } else if r.roles.is_empty() != d.roles.is_empty() {
                    OverrideReason::NotRoleLimited
                } else if target_rank(&r.target) != target_rank(&d.target) {
                    OverrideReason::LessSpecificTarget
                } else if r.effect != d.effect {
                    OverrideReason::ExclusionWins
                } else {
                    OverrideReason::EqualPrecedence
                }
            };
            VisAns {
                visible: d.effect == Effect::Include,
                mode,
                decided_by: Some(rule(first)),
                effect: Some(d.effect),
                overridden: matching[1..]
                    .iter()
                    .map(|m| (rule(m), m.1.effect, why(m)))
                    .collect(),
            }
        }
        None => VisAns {
            visible: mode == CatalogMode::Open,
            mode,
            decided_by: None,
            effect: None,
            overridden: Vec::new(),
        },
    }
}

// ---------------------------------------------------------------------------------------------
// Entries and tiers (P5-P7, T1-T6)
// ---------------------------------------------------------------------------------------------

enum Miss {
    NoEntry,
    BaseNotValid(String, Option<Window>),
}

/// An entry seen through a list (P5-P7): the tiers of the absolute entry at the end of the chain
/// as (min_qty, unit price) *before* any adjustment, that entry (its window, quantity rule and
/// quote threshold), and the adjustments of the chain, outermost first. Prices are derived only
/// when a line is priced ([`derive`]), as the engine computes only the amounts it needs (T6).
/// The last part: U3, base units per line unit when the entry is the base-unit one read for a
/// line in another unit.
type Entry<'d> = (
    Vec<(Decimal, Decimal)>,
    &'d EntryData,
    Vec<Adj>,
    Option<u64>,
);

/// The entry a list has for a SKU, derived through relative lists (P5, P6).
/// P9: the reference price of a priced line: the reference list named for the account or its
/// nearest ancestor in the line's currency, else the one for every account; priced at the same
/// quantity in its own tier mode; the saving is its rounded amount minus the line's, and its
/// percent of the reference amount, rounded once to two decimals half away from zero.
#[allow(
    clippy::too_many_arguments,
    reason = "the literal rules read every input"
)]
fn reference_price(
    ds: &Dataset,
    account: &AccountData,
    sku: &SkuData,
    qty: Decimal,
    unit: &(Option<String>, u64),
    at: Timestamp,
    currency: &str,
    amount: Decimal,
) -> Result<tradeterms::Reference, String> {
    use tradeterms::{NoReference, Reference};
    let none = |reason| Ok(Reference::None { reason });
    let in_currency = |r: &&tradeterms::ReferenceListData| {
        find_list(ds, r.list.as_str()).is_some_and(|l| l.currency == currency)
    };
    let mut chain = vec![account];
    while let Some(p) = parent_of(ds, chain[chain.len() - 1]) {
        if chain.len() > ds.accounts.len() {
            break;
        }
        chain.push(p);
    }
    let named = chain
        .iter()
        .find_map(|a| {
            ds.reference_lists
                .iter()
                .filter(in_currency)
                .find(|r| r.account.as_ref() == Some(&a.id))
        })
        .or_else(|| {
            ds.reference_lists
                .iter()
                .filter(in_currency)
                .find(|r| r.account.is_none())
        });
    let Some(named) = named else {
        return none(NoReference::NoReferenceList);
    };
    let list = find_list(ds, named.list.as_str()).unwrap();
    if !in_window(&list.valid, at) {
        return none(NoReference::NotValid);
    }
    // A price given on quote only is never shown as a reference.
    if list.quote_only {
        return none(NoReference::OnQuote);
    }
    let (tiers, entry, adjustments, derived) =
        match entry_for(ds, list, sku, qty, unit, at, 64, false) {
            Ok(e) => e,
            Err(Miss::NoEntry) => return none(NoReference::NoEntry),
            Err(Miss::BaseNotValid(..)) => return none(NoReference::NotValid),
        };
    let per = derived.unwrap_or(1);
    if !in_window(&entry.valid, at) {
        return none(NoReference::NotValid);
    }
    if entry
        .quote_above
        .is_some_and(|limit| qty * Decimal::from(per) > limit.as_decimal())
    {
        return none(NoReference::OnQuote);
    }
    if tiers.first().is_none_or(|t| qty * Decimal::from(per) < t.0) {
        return none(NoReference::NoEntry);
    }
    let costing = Costing::new(ds, list, &adjustments, sku, unit, derived, at);
    let priced = Eligible {
        costing,
        tiers,
        currency: currency.to_string(),
        mode: absolute_root(ds, list).tier_mode,
        adjustments,
        quantity: None,
        quote_above: None,
        per,
        derived,
        step: step_of(sku),
    };
    let (slices, exact) = priced.line(qty)?;
    let reference = round(currency, exact);
    let saving = reference - amount;
    let saving_percent = (!reference.is_zero()).then(|| {
        (saving * Decimal::ONE_HUNDRED / reference)
            .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
    });
    // Answer types are `#[non_exhaustive]`: built from their JSON form, as a host's test would.
    let price: tradeterms::ReferencePrice = serde_json::from_value(serde_json::json!({
        "list": list.id,
        "unit_price": (slices.len() == 1).then(|| slices[0].2),
        "amount": reference,
        "saving": saving,
        "saving_percent": saving_percent,
    }))
    .unwrap();
    Ok(Reference::Compared(Box::new(price)))
}

/// The absolute list a list derives from (itself when absolute).
fn absolute_root<'d>(ds: &'d Dataset, list: &'d PriceListData) -> &'d PriceListData {
    let mut cur = list;
    for _ in 0..64 {
        match cur
            .relative
            .as_ref()
            .and_then(|r| find_list(ds, r.base.as_str()))
        {
            Some(base) => cur = base,
            None => break,
        }
    }
    cur
}

#[allow(
    clippy::too_many_arguments,
    reason = "the literal rules read every input"
)]
fn entry_for<'d>(
    ds: &'d Dataset,
    list: &'d PriceListData,
    sku: &SkuData,
    qty: Decimal,
    unit: &(Option<String>, u64),
    at: Timestamp,
    depth_left: usize,
    derive_asked: bool,
) -> Result<Entry<'d>, Miss> {
    // U3: the list asked, or one it derives from, may derive units from the base entry.
    let derive_asked = derive_asked || list.derive_units;
    let categories = &sku.categories;
    match &list.relative {
        None => {
            let base_name = sku.base_unit.as_ref().map_or("each", |b| b.as_str());
            // U2: the entry in the line's unit (an entry naming the base unit is a base entry).
            let unit_matches = |e: &EntryData, want: &Option<String>| {
                let named = e
                    .unit
                    .as_ref()
                    .map(|u| u.as_str())
                    .filter(|u| *u != base_name);
                named == want.as_deref()
            };
            let found = list
                .entries
                .iter()
                .find(|e| e.sku == sku.sku && unit_matches(e, &unit.0));
            let (e, derived) = match found {
                Some(e) => (e, None),
                None if unit.0.is_some() && derive_asked => (
                    list.entries
                        .iter()
                        .find(|e| e.sku == sku.sku && unit_matches(e, &None))
                        .ok_or(Miss::NoEntry)?,
                    Some(unit.1),
                ),
                None => return Err(Miss::NoEntry),
            };
            Ok((
                e.tiers
                    .iter()
                    .map(|t| (t.min_qty.as_decimal(), t.unit_price))
                    .collect(),
                e,
                Vec::new(),
                derived,
            ))
        }
        Some(rel) => {
            if depth_left == 0 {
                return Err(Miss::NoEntry);
            }
            // P6a: an adjustment's target covers the SKU: the SKU itself, a category covering
            // one of its categories, or no target. How specific: SKU (2, 0), category (1,
            // depth), none (0, 0).
            let rank = |adj: &tradeterms::AdjustmentData| -> Option<(u8, usize)> {
                match (&adj.sku, &adj.category) {
                    (Some(s), _) => (*s == sku.sku).then_some((2, 0)),
                    (None, Some(c)) => categories
                        .iter()
                        .any(|sc| covers(c, sc))
                        .then(|| (1, depth(c))),
                    (None, None) => Some((0, 0)),
                }
            };
            // The most specific among those applying at `reached`; equal rank -> first listed.
            let pick = |reached: Option<Decimal>| {
                let mut best: Option<((u8, usize), &tradeterms::AdjustmentData)> = None;
                for adj in &rel.adjustments {
                    let applies = match (adj.min_qty, reached) {
                        (Some(m), Some(q)) => q >= m.as_decimal(),
                        _ => true,
                    };
                    if let Some(r) = rank(adj)
                        && applies
                        && best.is_none_or(|(br, _)| r > br)
                    {
                        best = Some((r, adj));
                    }
                }
                best.map(|(_, a)| a)
            };
            // Walking down the chain, some adjustment must target the SKU (at any quantity),
            // before the base's window is looked at.
            pick(None).ok_or(Miss::NoEntry)?;
            let base = find_list(ds, rel.base.as_str()).ok_or(Miss::NoEntry)?;
            if !in_window(&base.valid, at) {
                return Err(Miss::BaseNotValid(base.id.to_string(), base.valid));
            }
            let (tiers, entry, inner, derived) =
                entry_for(ds, base, sku, qty, unit, at, depth_left - 1, derive_asked)?;
            // P6a: then the one applying at the line's quantity in the entry's unit (base
            // units when derived, U3); none: no entry.
            let adj = pick(Some(qty * Decimal::from(derived.unwrap_or(1)))).ok_or(Miss::NoEntry)?;
            let mut adjustments = vec![(list.id.to_string(), base.id.to_string(), adj.clone())];
            adjustments.extend(inner);
            Ok((tiers, entry, adjustments, derived))
        }
    }
}

/// P6b, P6c: each unit price through the adjustments, innermost first, exactly: a fixed
/// `price` replaces it; otherwise price x (100 + percent) / 100, plus `amount`, then rounded to
/// a multiple of `round_to` half away from zero plus `ending`. A negative result is
/// `Err("NegativePrice")`, an overflow `Err("Overflow")` (T6).
fn derive(
    tiers: &[(Decimal, Decimal)],
    adjustments: &[Adj],
    costing: Option<&Costing>,
    margins: &mut Vec<MarginAns>,
) -> Result<Vec<(Decimal, Decimal)>, String> {
    let overflow = || "Overflow".to_string();
    let mut out = Vec::with_capacity(tiers.len());
    for &(m, p) in tiers {
        let mut p = p;
        // P6d: the absolute list holds its own tier first.
        if let Some(c) = costing {
            p = c.hold(&c.root, m, p, margins)?;
        }
        for (k, (_, _, adj)) in adjustments.iter().enumerate().rev() {
            p = match adj.price {
                Some(fixed) => fixed,
                None => {
                    // P7, T6: price x (100 + percent) / 100; where the product overflows, the
                    // same value as price x ((100 + percent) / 100) when that ratio is exact.
                    let factor = Decimal::ONE_HUNDRED
                        .checked_add(adj.percent)
                        .ok_or_else(overflow)?;
                    let mut q = match p.checked_mul(factor) {
                        Some(scaled) => scaled
                            .checked_div(Decimal::ONE_HUNDRED)
                            .ok_or_else(overflow)?,
                        None => {
                            let ratio = factor / Decimal::ONE_HUNDRED;
                            if ratio * Decimal::ONE_HUNDRED != factor {
                                return Err(overflow());
                            }
                            p.checked_mul(ratio).ok_or_else(overflow)?
                        }
                    };
                    if let Some(a) = adj.amount {
                        q = q.checked_add(a).ok_or_else(overflow)?;
                    }
                    if let Some(r) = adj.round_to {
                        let steps = q
                            .checked_div(r)
                            .ok_or_else(overflow)?
                            .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
                        q = steps
                            .checked_mul(r)
                            .and_then(|x| x.checked_add(adj.ending.unwrap_or_default()))
                            .ok_or_else(overflow)?;
                    }
                    q
                }
            };
            if p < Decimal::ZERO {
                return Err("NegativePrice".into());
            }
            // P6d: then the relative list holds its adjusted price, before the next derives.
            if let Some(c) = costing {
                p = c.hold(&c.links[k], m, p, margins)?;
            }
        }
        out.push((m, p));
    }
    Ok(out)
}

/// One list's margins over cost as they apply to a price (P6d): the list, its owner, whether
/// it clamps, and its bounds (an adjustment's over the list's).
#[derive(Clone, Debug)]
struct ListMargins {
    list: String,
    owner: String,
    clamp: bool,
    min: Option<Decimal>,
    max: Option<Decimal>,
}

impl ListMargins {
    fn of(list: &PriceListData, adj: Option<&tradeterms::AdjustmentData>) -> ListMargins {
        ListMargins {
            list: list.id.to_string(),
            owner: list.owner.clone(),
            clamp: list.margin == tradeterms::MarginMode::Clamp,
            min: adj.and_then(|a| a.min_margin).or(list.min_margin),
            max: adj.and_then(|a| a.max_margin).or(list.max_margin),
        }
    }
}

/// What the margins of a price read (P6d): the cost list of the currency and its entry for the
/// SKU (in the tiers' unit, valid at `at`), and the margins of the absolute list and of each
/// link of the chain (parallel to the adjustments, outermost first).
#[derive(Clone, Debug)]
struct Costing {
    cost_list: String,
    cost: Option<Vec<(Decimal, Decimal)>>,
    root: ListMargins,
    links: Vec<ListMargins>,
}

impl Costing {
    #[allow(
        clippy::too_many_arguments,
        reason = "the literal rules read every input"
    )]
    fn new(
        ds: &Dataset,
        list: &PriceListData,
        adjustments: &[Adj],
        sku: &SkuData,
        unit: &(Option<String>, u64),
        derived: Option<u64>,
        at: Timestamp,
    ) -> Option<Costing> {
        let cost_list = ds
            .price_lists
            .iter()
            .find(|l| l.cost && l.currency == list.currency)?;
        // The tiers count in the line's unit, or in base units when derived (U3).
        let want = if derived.is_some() {
            None
        } else {
            unit.0.clone()
        };
        let base_name = sku.base_unit.as_ref().map_or("each", |b| b.as_str());
        let cost = if in_window(&cost_list.valid, at) {
            cost_list
                .entries
                .iter()
                .find(|e| {
                    e.sku == sku.sku
                        && e.unit
                            .as_ref()
                            .map(|u| u.as_str())
                            .filter(|u| *u != base_name)
                            == want.as_deref()
                })
                .filter(|e| in_window(&e.valid, at))
                .map(|e| {
                    e.tiers
                        .iter()
                        .map(|t| (Decimal::from(t.min_qty), t.unit_price))
                        .collect()
                })
        } else {
            None
        };
        Some(Costing {
            cost_list: cost_list.id.to_string(),
            cost,
            root: ListMargins::of(absolute_root(ds, list), None),
            links: adjustments
                .iter()
                .map(|(l, _, adj)| ListMargins::of(find_list(ds, l).unwrap(), Some(adj)))
                .collect(),
        })
    }

    /// P6d-P6f: price `p` of the tier from `m` held by `lm`: the cost at `m` (the cost entry's
    /// highest tier reached there); under the floor (cost x (100 + min) / 100) or over the
    /// ceiling, the bound when the list clamps, `p` otherwise; every margin stated is recorded.
    fn hold(
        &self,
        lm: &ListMargins,
        m: Decimal,
        p: Decimal,
        out: &mut Vec<MarginAns>,
    ) -> Result<Decimal, String> {
        use tradeterms::MarginStatus;
        if lm.min.is_none() && lm.max.is_none() {
            return Ok(p);
        }
        let cost = self.cost.as_ref().and_then(|tiers| {
            tiers
                .iter()
                .filter(|(min, _)| *min <= m)
                .max_by_key(|(min, _)| *min)
                .map(|t| t.1)
        });
        let bound = |margin: Option<Decimal>| -> Result<Option<Decimal>, String> {
            let (Some(c), Some(pct)) = (cost, margin) else {
                return Ok(None);
            };
            let factor = Decimal::ONE_HUNDRED + pct;
            match c.checked_mul(factor) {
                Some(x) => Ok(Some(x / Decimal::ONE_HUNDRED)),
                None => {
                    let ratio = factor / Decimal::ONE_HUNDRED;
                    if ratio * Decimal::ONE_HUNDRED != factor {
                        return Err("Overflow".into());
                    }
                    c.checked_mul(ratio)
                        .map(Some)
                        .ok_or_else(|| "Overflow".to_string())
                }
            }
        };
        let (floor, ceiling) = (bound(lm.min)?, bound(lm.max)?);
        let (status, price) = match (cost, floor, ceiling) {
            (None, _, _) => (MarginStatus::NoCost, p),
            (_, Some(f), _) if p < f && lm.clamp => (MarginStatus::ClampedToFloor { floor: f }, f),
            (_, Some(f), _) if p < f => (MarginStatus::BelowFloor { floor: f }, p),
            (_, _, Some(c)) if p > c && lm.clamp => {
                (MarginStatus::ClampedToCeiling { ceiling: c }, c)
            }
            (_, _, Some(c)) if p > c => (MarginStatus::AboveCeiling { ceiling: c }, p),
            _ => (MarginStatus::Within, p),
        };
        out.push((
            lm.list.clone(),
            lm.owner.clone(),
            m,
            (lm.min, lm.max),
            self.cost_list.clone(),
            cost,
            p,
            price,
            status,
        ));
        Ok(price)
    }
}

/// T1-T4: the slices and the exact amount of `qty` units, `None` on overflow (T6). U8: a
/// line of a SKU with quantity decimals counts positions in steps of `step` (`0.1` at 1
/// decimal, 1 for whole units): a graduated tier covers the positions from its minimum to one
/// step below the next tier's, the first one from the first step.
pub fn price_line(
    tiers: &[(Decimal, Decimal)],
    mode: TierMode,
    qty: Decimal,
    step: Decimal,
) -> Option<(Vec<Slice>, Decimal)> {
    let mut slices = Vec::new();
    match mode {
        TierMode::Volume => {
            // The tier with the highest min_qty <= qty prices every unit.
            let (m, p) = tiers
                .iter()
                .filter(|(m, _)| *m <= qty)
                .max_by_key(|(m, _)| *m)
                .copied()?;
            let amount = p.checked_mul(qty)?;
            slices.push((m, qty, p, amount));
        }
        TierMode::Graduated => {
            for (i, &(m, p)) in tiers.iter().enumerate() {
                if m > qty {
                    continue; // tier not reached
                }
                let first = if i == 0 { step } else { m };
                let last = match tiers.get(i + 1) {
                    Some(&(next, _)) => (next - step).min(qty),
                    None => qty,
                };
                let units = (last - first + step).normalize();
                let amount = p.checked_mul(units)?;
                slices.push((m, units, p, amount));
            }
        }
        _ => unreachable!("a variant this test does not know yet"),
    }
    let mut total = Decimal::ZERO;
    for s in &slices {
        total = total.checked_add(s.3)?;
    }
    Some((slices, total))
}

pub fn minor_units(code: &str) -> u32 {
    tradeterms::Currency::from_code(code)
        .map(|c| c.minor_units())
        .unwrap_or(2)
}

/// T5: rounded once, to the currency's minor units, half away from zero.
pub fn round(code: &str, exact: Decimal) -> Decimal {
    exact.round_dp_with_strategy(minor_units(code), RoundingStrategy::MidpointAwayFromZero)
}

// ---------------------------------------------------------------------------------------------
// Candidates, filters and selection (P1-P4, W1-W8)
// ---------------------------------------------------------------------------------------------

/// One eligible candidate (P3): its entry's tiers and adjustments, the list's currency and
/// mode, and the deciding entry's quantity rule and quote threshold (P7). Its line is priced
/// on demand ([`Eligible::line`]).
#[derive(Clone)]
struct Eligible {
    tiers: Vec<(Decimal, Decimal)>,
    currency: String,
    mode: TierMode,
    adjustments: Vec<Adj>,
    quantity: Option<QuantityRule>,
    quote_above: Option<tradeterms::Quantity>,
    /// U3: entry units per line unit (1 unless derived).
    per: u64,
    derived: Option<u64>,
    /// P6d: the cost and margins the prices are held by, when the currency has a cost list.
    costing: Option<Costing>,
    /// U6: the SKU's smallest quantity step.
    step: Decimal,
}

/// U6: the smallest quantity step of a SKU: 1 for whole units, 0.1 at 1 decimal.
pub fn step_of(sku: &SkuData) -> Decimal {
    Decimal::new(1, sku.quantity_decimals)
}

/// U7: whether `qty` is a whole number of the SKU's steps.
pub fn within_precision(sku: &SkuData, qty: Decimal) -> bool {
    (qty / step_of(sku)).fract().is_zero()
}

impl Eligible {
    /// The margins met by the tiers pricing `qty` (P6d-P6f), tier by tier, innermost list
    /// first, as the explanation lists them.
    fn margins(&self, qty: Decimal) -> Vec<MarginAns> {
        let base_qty = qty * Decimal::from(self.per);
        let mut reached: Vec<(Decimal, Decimal)> = self
            .tiers
            .iter()
            .copied()
            .filter(|(m, _)| *m <= base_qty)
            .collect();
        if self.mode == TierMode::Volume && reached.len() > 1 {
            reached.drain(..reached.len() - 1);
        }
        let mut out = Vec::new();
        let _ = derive(&reached, &self.adjustments, self.costing.as_ref(), &mut out);
        out
    }

    /// The slices and exact amount at `qty` (T1-T4); `Err("Overflow")` on overflow (T6).
    /// U3: a derived line prices `qty x per` base units; in volume mode its one slice is
    /// restated per line unit (unit price x per).
    fn line(&self, qty: Decimal) -> Result<(Vec<Slice>, Decimal), String> {
        let overflow = || "Overflow".to_string();
        let base_qty = qty
            .checked_mul(Decimal::from(self.per))
            .ok_or_else(overflow)?;
        // P6c: only the tiers that price the line are derived: the highest reached one in
        // volume mode, every reached one in graduated mode.
        let mut reached: Vec<(Decimal, Decimal)> = self
            .tiers
            .iter()
            .copied()
            .filter(|(m, _)| *m <= base_qty)
            .collect();
        if self.mode == TierMode::Volume && reached.len() > 1 {
            reached.drain(..reached.len() - 1);
        }
        let derived = derive(
            &reached,
            &self.adjustments,
            self.costing.as_ref(),
            &mut Vec::new(),
        )?;
        let (mut slices, total) =
            price_line(&derived, self.mode, base_qty, self.step).ok_or_else(overflow)?;
        if self.mode == TierMode::Volume && self.per != 1 {
            let (m, _, p, _) = slices[0];
            let unit_price = p
                .checked_mul(Decimal::from(self.per))
                .ok_or_else(overflow)?;
            let amount = unit_price.checked_mul(qty).ok_or_else(overflow)?;
            slices = vec![(m, qty, unit_price, amount)];
            return Ok((slices, amount));
        }
        Ok((slices, total))
    }
}

/// The candidates reaching the account (P2: S2, S3 with `inherit.price_lists`; assignments held
/// out by X3 are no candidates at all), in the order of S5 and S7, each with its hard-filter
/// result (P3); eligible ones carry their entry.
fn evaluate(
    ds: &Dataset,
    account: &AccountData,
    sku: &SkuData,
    qty: Decimal,
    unit: &(Option<String>, u64),
    at: Timestamp,
    ctx: &Ctx,
) -> Vec<(Cand, Option<Eligible>)> {
    let mut reached: Vec<(Level, &tradeterms::AssignmentData)> = ds
        .assignments
        .iter()
        .filter(|a| admits(ds, &a.experiment, account))
        .filter_map(|a| reach(ds, &a.scope, account, RuleKind::Prices).map(|l| (l, a)))
        .collect();
    reached.sort_by(|(la, a), (lb, b)| {
        la.class()
            .cmp(&lb.class())
            .then(b.priority.cmp(&a.priority))
            .then(a.id.cmp(&b.id))
    });
    let mut out = Vec::new();
    for (level, a) in reached {
        let list = find_list(ds, a.price_list.as_str()).expect("dangling list");
        let mut cand = Cand {
            assignment: a.id.to_string(),
            list: list.id.to_string(),
            level,
            priority: a.priority,
            status: Status::NoEntry,
        };
        // P3: the hard filters, in order; the first failure is the status (P4 for windows).
        let status: Result<Eligible, Status> = (|| {
            cond_ok(&a.channels, &a.countries, ctx)?;
            if !in_window(&a.valid, at) {
                return Err(not_valid("assignment".into(), &a.valid, at));
            }
            if !in_window(&list.valid, at) {
                return Err(not_valid("list".into(), &list.valid, at));
            }
            if list.currency != ctx.currency {
                return Err(Status::OtherCurrency(list.currency.clone()));
            }
            let (tiers, entry, adjustments, derived) =
                match entry_for(ds, list, sku, qty, unit, at, 64, false) {
                    Ok(e) => e,
                    Err(Miss::NoEntry) => return Err(Status::NoEntry),
                    Err(Miss::BaseNotValid(base, w)) => {
                        return Err(not_valid(format!("base_list:{base}"), &w, at));
                    }
                };
            if !in_window(&entry.valid, at) {
                return Err(not_valid("entry".into(), &entry.valid, at));
            }
            let per = derived.unwrap_or(1);
            let first = tiers.first().map(|t| t.0).unwrap_or(Decimal::MAX);
            if qty * Decimal::from(per) < first {
                return Err(Status::BelowMinimumQuantity(first));
            }
            let costing = Costing::new(ds, list, &adjustments, sku, unit, derived, at);
            Ok(Eligible {
                costing,
                tiers,
                currency: list.currency.clone(),
                // T7: a relative list prices with the tier mode of the absolute list it derives
                // from; its own `tier_mode` is not used.
                mode: absolute_root(ds, list).tier_mode,
                adjustments,
                quantity: entry.quantity,
                quote_above: entry.quote_above,
                per,
                derived,
                step: step_of(sku),
            })
        })();
        match status {
            Ok(e) => out.push((cand, Some(e))),
            Err(s) => {
                cand.status = s;
                out.push((cand, None));
            }
        }
    }
    out
}

/// Per candidate, in order: (assignment id, exact line amount if eligible). For properties.
pub fn candidate_amounts(ds: &Dataset, q: &Query) -> Vec<(String, Option<Decimal>)> {
    let account = find_account(ds, q.account.as_str()).unwrap();
    let sku = ds.catalog.iter().find(|s| s.sku == q.sku).unwrap();
    let ctx = ctx_of(account, &q.context).unwrap();
    let unit = unit_of(sku, q.unit.as_ref().map(|u| u.as_str())).unwrap();
    evaluate(ds, account, sku, q.qty.as_decimal(), &unit, q.at, &ctx)
        .into_iter()
        .map(|(c, e)| {
            (
                c.assignment,
                e.and_then(|e| e.line(q.qty.as_decimal()).ok()).map(|l| l.1),
            )
        })
        .collect()
}

/// X4: the experiments whose price assignments or visibility rules reach the account (whatever
/// the user's roles, in either arm), with the account's arm.
fn experiments_reaching(ds: &Dataset, account: &AccountData) -> Vec<(String, tradeterms::Arm)> {
    let prices = ds
        .assignments
        .iter()
        .filter(|a| reach(ds, &a.scope, account, RuleKind::Prices).is_some())
        .map(|a| &a.experiment);
    let visibility = ds
        .visibility_rules
        .iter()
        .filter(|r| reach(ds, &r.scope, account, RuleKind::Visibility).is_some())
        .map(|r| &r.experiment);
    report(ds, prices.chain(visibility), account)
}

// ---------------------------------------------------------------------------------------------
// The resolver
// ---------------------------------------------------------------------------------------------

/// Resolves one query by the literal rules; `Err` names the error variant.
pub fn resolve(ds: &Dataset, q: &Query) -> Result<Answer, String> {
    // R1: zero quantity, then (C1) an undeclared channel, then an unknown user, are input errors.
    if q.qty.is_zero() {
        return Err("ZeroQuantity".into());
    }
    declared(ds, &q.context)?;
    let Some(user) = find_user(ds, q.user.as_str()) else {
        return Err("UnknownUser".into());
    };
    // R2: an account that does not exist is one no membership reaches.
    let Some(account) = find_account(ds, q.account.as_str()) else {
        return Ok(denied(&nowhere(user)));
    };
    let ent = entitlement(ds, user, account);
    resolve_line(
        ds,
        account,
        &ent,
        find_sku(ds, q.sku.as_str()),
        q.qty.as_decimal(),
        q.unit.as_ref().map(|u| u.as_str()),
        q.at,
        &q.context,
    )
}

/// U1-U2: the unit a line names, as (its name, `None` for the base unit; base units in one),
/// `None` if the SKU is not sold in it. The base unit is `base_unit`, else `each`.
pub fn unit_of(sku: &SkuData, name: Option<&str>) -> Option<(Option<String>, u64)> {
    let base = sku.base_unit.as_ref().map_or("each", |b| b.as_str());
    match name {
        None => Some((None, 1)),
        Some(n) if n == base => Some((None, 1)),
        Some(n) => sku.units.iter().find(|u| u.unit.as_str() == n).map(|u| {
            (
                Some(n.to_string()),
                u64::try_from(u.contains.mantissa()).unwrap(),
            )
        }),
    }
}

/// C1: a channel the dataset does not declare is an input error.
pub fn declared(ds: &Dataset, context: &tradeterms::Context) -> Result<(), String> {
    match &context.channel {
        Some(c) if !ds.channels.iter().any(|d| &d.id == c) => Err("UnknownChannel".into()),
        _ => Ok(()),
    }
}

/// A query's context as the literal rules read it (C1-C3).
#[derive(Clone, Debug)]
pub struct Ctx {
    pub channel: Option<String>,
    pub country: Option<String>,
    pub currency: String,
}

/// C3: the currency asked for (the account's by default), one the account buys in.
pub fn ctx_of(account: &AccountData, context: &tradeterms::Context) -> Result<Ctx, String> {
    let currency = context
        .currency
        .map(|c| c.code().to_string())
        .unwrap_or_else(|| account.currency.clone());
    if currency != account.currency && !account.currencies.contains(&currency) {
        return Err("CurrencyNotAccepted".into());
    }
    Ok(plain_ctx(context, currency))
}

/// The context without the currency check (payment, and a member who may not see the catalogue).
pub fn plain_ctx(context: &tradeterms::Context, currency: String) -> Ctx {
    Ctx {
        channel: context.channel.as_ref().map(|c| c.to_string()),
        country: context.ship_to.map(|c| c.code().to_string()),
        currency,
    }
}

/// C2: a rule limited to channels or countries applies only to a query naming one of them;
/// the channel is checked first.
pub fn cond_ok(
    channels: &[tradeterms::ChannelId],
    countries: &[tradeterms::Country],
    ctx: &Ctx,
) -> Result<(), Status> {
    if !channels.is_empty()
        && !ctx
            .channel
            .as_ref()
            .is_some_and(|c| channels.iter().any(|x| x.as_str() == c))
    {
        return Err(Status::OtherChannel);
    }
    if !countries.is_empty()
        && !ctx
            .country
            .as_ref()
            .is_some_and(|c| countries.iter().any(|x| x.code() == c))
    {
        return Err(Status::OtherCountry);
    }
    Ok(())
}

/// The entitlement of a user at an account that does not exist: refused, as where no
/// membership reaches (E2).
pub fn nowhere(user: &UserData) -> Entitlement {
    let r = if user.disabled {
        RefRefusal::UserDisabled
    } else {
        RefRefusal::NotEntitled
    };
    Entitlement {
        access: AccessAns {
            grants: std::array::from_fn(|_| GrantAns::Refused(r.clone())),
            spending_limit: None,
        },
        roles: Vec::new(),
        member: false,
    }
}

/// R2: the answer to a user without `view_catalog`: the refusal, nothing else.
pub fn denied(ent: &Entitlement) -> Answer {
    match &ent.access.grants[0] {
        GrantAns::Refused(r) => Answer {
            refusal: Some(r.clone()),
            access: Some(ent.access.clone()),
            ..Answer::bare(Kind::Denied)
        },
        GrantAns::Allowed { .. } => unreachable!("denied() for a user who may see the catalogue"),
    }
}

/// R2-R8 for one line, given the requester's entitlement.
#[allow(
    clippy::too_many_arguments,
    reason = "the literal rules read every input"
)]
pub fn resolve_line(
    ds: &Dataset,
    account: &AccountData,
    ent: &Entitlement,
    sku: Option<&SkuData>,
    qty: Decimal,
    unit: Option<&str>,
    at: Timestamp,
    context: &tradeterms::Context,
) -> Result<Answer, String> {
    let access = ent.access.clone();
    // R2, E5: without view_catalog, denied (no visibility, no experiments).
    if let GrantAns::Refused(_) = &access.grants[0] {
        return Ok(denied(ent));
    }
    // C3: then the currency asked for.
    let ctx = ctx_of(account, context)?;
    // R3: a SKU the catalogue does not have is not visible, decided by no rule.
    let Some(sku) = sku else {
        return Ok(Answer {
            access: Some(access),
            visibility: Some(VisAns {
                visible: false,
                mode: catalog_mode(ds, account),
                decided_by: None,
                effect: None,
                overridden: Vec::new(),
            }),
            experiments: experiments_reaching(ds, account),
            ..Answer::bare(Kind::NotVisible)
        });
    };
    let base = Answer {
        access: Some(access.clone()),
        visibility: Some(visibility(ds, account, &ent.roles, sku, &ctx)),
        experiments: experiments_reaching(ds, account),
        ..Answer::bare(Kind::NotVisible)
    };
    // R3, V6: a SKU that is not visible is never priced (even without view_prices).
    if !base.visibility.as_ref().unwrap().visible {
        return Ok(base);
    }
    // U2: a unit the SKU is not sold in, asked of a SKU the user may see, is an input error.
    let Some(unit) = unit_of(sku, unit) else {
        return Err("UnknownUnit".into());
    };
    // U7: so is a quantity finer than the SKU's precision.
    if !within_precision(sku, qty) {
        return Err("QuantityTooPrecise".into());
    }
    // R4, E6.
    if let GrantAns::Refused(r) = &access.grants[1] {
        return Ok(Answer {
            kind: Kind::PriceHidden,
            refusal: Some(r.clone()),
            ..base
        });
    }
    // R5, Q1: a quote-only SKU is never priced directly.
    if sku.quote_only {
        return Ok(Answer {
            kind: Kind::QuoteRequired,
            quote_reason: Some(QuoteWhy::SkuQuoteOnly),
            ..base
        });
    }

    // R6: candidates and filters (P2-P7).
    let evaluated = evaluate(ds, account, sku, qty, &unit, at, &ctx);

    // W1-W4: the policy picks among the eligible candidates. Under precedence only the winner
    // is priced; under lowest price every eligible candidate is, and any overflow is an error
    // (T6).
    let policy = policy(ds, account);
    let mut lines: Vec<Option<(Vec<Slice>, Decimal)>> = vec![None; evaluated.len()];
    let winner: Option<usize> = match policy {
        PricePolicy::Precedence => {
            let first = evaluated.iter().position(|(_, e)| e.is_some());
            if let Some(i) = first {
                lines[i] = Some(evaluated[i].1.as_ref().unwrap().line(qty)?);
            }
            first
        }
        PricePolicy::BestInLevel => {
            // W9: the first level (precedence class) with an eligible candidate; within it the
            // lowest exact amount, equal amounts keeping the earlier (priority, then id).
            let level = evaluated
                .iter()
                .find(|(_, e)| e.is_some())
                .map(|(c, _)| c.level.class());
            let mut best: Option<(usize, Decimal)> = None;
            for (i, (c, e)) in evaluated.iter().enumerate() {
                if let Some(e) = e
                    && Some(c.level.class()) == level
                {
                    let line = e.line(qty)?;
                    if best.is_none_or(|(_, b)| line.1 < b) {
                        best = Some((i, line.1));
                    }
                    lines[i] = Some(line);
                }
            }
            best.map(|(i, _)| i)
        }
        PricePolicy::LowestPrice => {
            let mut best: Option<(usize, Decimal)> = None;
            for (i, (_, e)) in evaluated.iter().enumerate() {
                if let Some(e) = e {
                    let line = e.line(qty)?;
                    if best.is_none_or(|(_, b)| line.1 < b) {
                        best = Some((i, line.1));
                    }
                    lines[i] = Some(line);
                }
            }
            best.map(|(i, _)| i)
        }
        _ => unreachable!("a variant this test does not know yet"),
    };

    let Some(w) = winner else {
        // W6.
        return Ok(Answer {
            kind: Kind::QuoteRequired,
            quote_reason: Some(QuoteWhy::NoPrice),
            candidates: evaluated.into_iter().map(|(c, _)| c).collect(),
            ..base
        });
    };
    let winner_id = evaluated[w].0.assignment.clone();
    let won = evaluated[w].1.clone().unwrap();
    let (won_slices, won_exact) = lines[w].clone().unwrap();
    let w_cand = evaluated[w].0.clone();
    let w_list = find_list(ds, &w_cand.list).unwrap();
    let candidates: Vec<Cand> = evaluated
        .into_iter()
        .enumerate()
        .map(|(i, (mut c, e))| {
            // W2, W3, W5.
            if e.is_some() {
                let amount = lines[i].as_ref().map(|l| l.1);
                c.status = if i == w {
                    Status::Won
                } else if let Some(amount) = amount.filter(|a| *a > won_exact) {
                    Status::HigherPrice {
                        amount,
                        winner: winner_id.clone(),
                    }
                } else {
                    Status::LowerPrecedence {
                        winner: winner_id.clone(),
                    }
                };
            }
            c
        })
        .collect();
    // R7, W7: a quote-only winning list (Q2), else a quantity above the deciding entry's
    // threshold (Q3), turns the deciding price into a quote (no fall-through to another list).
    let quote = if w_list.quote_only {
        Some(QuoteWhy::ListQuoteOnly {
            assignment: winner_id.clone(),
            list: w_list.id.to_string(),
        })
    } else {
        won.quote_above
            .filter(|&limit| qty * Decimal::from(won.per) > limit.as_decimal())
            .map(|quote_above| QuoteWhy::AboveQuantity {
                list: w_list.id.to_string(),
                quote_above: quote_above.as_decimal(),
            })
    };
    if let Some(reason) = quote {
        return Ok(Answer {
            kind: Kind::QuoteRequired,
            quote_reason: Some(reason),
            candidates,
            ..base
        });
    }
    let margins = won.margins(qty);
    let amount = round(&won.currency, won_exact);
    let reference = reference_price(ds, account, sku, qty, &unit, at, &won.currency, amount)?;
    Ok(Answer {
        kind: Kind::Priced,
        margins,
        reference: Some(reference),
        policy: Some(policy),
        winner: Some(winner_id),
        source: Some((
            w_list.id.to_string(),
            w_list.name.clone(),
            w_list.owner.clone(),
            w_cand.level,
            w_cand.priority,
        )),
        amount: Some(amount),
        currency: Some(won.currency),
        tier_mode: Some(won.mode),
        slices: won_slices,
        exact_amount: Some(won_exact),
        adjustments: won.adjustments,
        candidates,
        quantity_rule: won.quantity,
        derived_units: won.derived,
        ..base
    })
}

// ---------------------------------------------------------------------------------------------
// Guests (G1-G8)
// ---------------------------------------------------------------------------------------------

/// The id of the stand-in account a guest is decided as; no generated account has it.
pub const GUEST: &str = "guest-visitor-not-signed-in";

/// G1-G7: a guest's question by the literal rules, as a full answer (project it with
/// [`guest_view`] to compare with the engine's redacted one); `Err` names the error variant.
pub fn resolve_guest(ds: &Dataset, q: &tradeterms::GuestQuery) -> Result<Answer, String> {
    // G7 (R1): zero quantity, an undeclared channel, then no currency, are input errors.
    if q.qty.is_zero() {
        return Err("ZeroQuantity".into());
    }
    declared(ds, &q.context)?;
    let Some(currency) = q.context.currency else {
        return Err("GuestCurrencyRequired".into());
    };
    // G4: no parent, no segment, no setting: precedence, the whole search, an open catalogue;
    // the currency is the one asked for.
    let guest = AccountData::new(GUEST, "guests", currency.code().to_string());
    let ctx = plain_ctx(&q.context, currency.code().to_string());
    let unit = q.unit.as_ref().map(|u| u.as_str());
    // R3: a missing SKU is a hidden one; G2: visibility from `guests` and `everyone` rules,
    // a guest holding no role.
    let Some(sku) = find_sku(ds, q.sku.as_str()) else {
        return Ok(Answer::bare(Kind::NotVisible));
    };
    if !visibility(ds, &guest, &[], sku, &ctx).visible {
        return Ok(Answer::bare(Kind::NotVisible));
    }
    if unit_of(sku, unit).is_none() {
        return Err("UnknownUnit".into());
    }
    if !within_precision(sku, q.qty.as_decimal()) {
        return Err("QuantityTooPrecise".into());
    }
    // G5: only a channel declared with `guest_prices` shows guests prices.
    let prices = q
        .context
        .channel
        .as_ref()
        .is_some_and(|c| ds.channels.iter().any(|d| &d.id == c && d.guest_prices));
    if !prices {
        return Ok(Answer::bare(Kind::SignInForPrice));
    }
    // G6: then as for a member allowed everything.
    let allowed = GrantAns::Allowed {
        role: "guest".into(),
        via: String::new(),
    };
    let ent = Entitlement {
        access: AccessAns {
            grants: std::array::from_fn(|_| allowed.clone()),
            spending_limit: None,
        },
        roles: Vec::new(),
        member: true,
    };
    resolve_line(
        ds,
        &guest,
        &ent,
        Some(sku),
        q.qty.as_decimal(),
        unit,
        q.at,
        &q.context,
    )
}
