//! Configuration lint: warnings an operator should see before publishing, each naming the rules
//! involved and the owners to ask. None of them stops a build: the data is valid, but probably
//! not what was meant.

use crate::decide::approval;
use crate::decide::entitlement::Entitled;
use crate::decide::tiers::price_line;
use crate::format::{Approvers, Effect, PricePolicy};
use crate::model::pricing::ties::priced_skus;
use crate::model::pricing::{ListBody, category_covers, category_depth};
use crate::model::scope::ScopeKey;
use crate::model::snapshot::{Built, Snapshot};
use crate::model::visibility::{CompiledTarget, TargetRank};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap};
use std::fmt;

/// The most warnings [`Snapshot::lint`] lists. Beyond it, the first `MAX_WARNINGS` in the
/// usual order are kept and one last warning of kind [`WarningKind::MoreWarnings`] counts the
/// rest, by kind: a dataset can hold more problems (a list above its reference on every SKU)
/// than anyone will read.
///
/// ```
/// assert_eq!(tradeterms::MAX_WARNINGS, 10_000);
/// ```
pub const MAX_WARNINGS: usize = 10_000;

/// What a warning is about.
///
/// ```
/// assert_eq!(tradeterms::WarningKind::UnassignedList.to_string(), "price list assigned nowhere");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum WarningKind {
    /// An assignment that can never decide a price: another assignment with the same scope and
    /// a higher priority always prices everything it prices, whenever it is valid.
    ShadowedAssignment,
    /// A price list no assignment uses, directly or through a relative list.
    UnassignedList,
    /// A price entry whose unit price rises with quantity.
    RisingTier,
    /// An assignment whose validity window has passed.
    ExpiredAssignment,
    /// An approval step whose only eligible approver may also buy at the account: their own
    /// orders there would be unapprovable (separation of duties).
    SelfApprovalOnly,
    /// A visibility inclusion that an exclusion at the same scope makes moot: the exclusion's
    /// target covers the inclusion's and is as specific (the same SKU, the same category,
    /// every SKU over every SKU or an attribute predicate), and at equal specificity the
    /// exclusion wins. A more specific inclusion under a broader exclusion (a SKU in an
    /// excluded category) decides for its SKUs and is not reported.
    MootInclude,
    /// An account setting `inherit.price_lists: false`, deprecated: it drops the ancestors'
    /// lists but keeps segment and `everyone` lists, which is not "own lists only".
    /// `price_fallback` says how far the price search goes.
    DeprecatedPriceListInheritance,
    /// A contract price above the reference ("list") price of its currency at some tier
    /// boundary: the buyer would be shown a negative saving.
    AboveReference,
    /// An approval policy with an order-total threshold that reaches an account buying in a
    /// currency the policy states no amount for: orders in that currency never meet the
    /// threshold, since the engine converts no money (SEMANTICS C3).
    ThresholdWithoutCurrency,
    /// A price assignment that can never decide a price: its list is in a currency that no
    /// account it reaches may buy in (SEMANTICS C3), or it is for guests and no channel shows
    /// guests prices (G5).
    AssignmentNeverApplies,
    /// A price under its floor, cost x (100 + `min_margin`) / 100, in a list that reports
    /// rather than clamps (SEMANTICS P6f): one warning per list and SKU, naming each quantity
    /// from which it is under, with the list's owner.
    PricedUnderMargin,
    /// A list stating a margin over cost prices a SKU that its currency's cost list has no
    /// cost for at some tier (SEMANTICS P6f): there the margin cannot apply, and the price
    /// stands as written unchecked. One warning per list and SKU, with the list's owner.
    MarginWithoutCost,
    /// Not a problem of its own: the list reached [`MAX_WARNINGS`], and this last warning
    /// counts the warnings left out, by kind. It always sorts last.
    MoreWarnings,
}

impl fmt::Display for WarningKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            WarningKind::ShadowedAssignment => "assignment always shadowed",
            WarningKind::UnassignedList => "price list assigned nowhere",
            WarningKind::RisingTier => "tier price rises with quantity",
            WarningKind::ExpiredAssignment => "assignment window has passed",
            WarningKind::SelfApprovalOnly => "approval step only the buyer can approve",
            WarningKind::MootInclude => "visibility include made moot",
            WarningKind::DeprecatedPriceListInheritance => "deprecated price-list inheritance flag",
            WarningKind::AboveReference => "price above the reference price",
            WarningKind::ThresholdWithoutCurrency => {
                "approval threshold states no amount in a currency"
            }
            WarningKind::AssignmentNeverApplies => "assignment can never apply",
            WarningKind::PricedUnderMargin => "price under cost plus its minimum margin",
            WarningKind::MarginWithoutCost => "margin over cost with no cost to apply to",
            WarningKind::MoreWarnings => "more warnings not listed",
        })
    }
}

/// One lint warning.
///
/// ```
/// # fn f(w: &tradeterms::Warning) { println!("{w}"); }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Warning {
    /// What it is about.
    pub kind: WarningKind,
    /// The ids of the rules involved, the one to fix first.
    pub rules: Vec<String>,
    /// Who to ask: the owners of those rules.
    pub owners: Vec<String>,
    /// What exactly, in words.
    pub detail: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind, self.detail)?;
        if !self.owners.is_empty() {
            write!(f, " (ask {})", self.owners.join(", "))?;
        }
        Ok(())
    }
}

/// Collects warnings, keeping only the `limit` first in sorted order (a bounded heap: memory
/// stays proportional to the limit however many warnings the data produces) and counting the
/// rest by kind.
struct Warnings {
    kept: BinaryHeap<Warning>,
    limit: usize,
    omitted: BTreeMap<WarningKind, usize>,
}

impl Warnings {
    fn new(limit: usize) -> Warnings {
        Warnings {
            kept: BinaryHeap::new(),
            limit,
            omitted: BTreeMap::new(),
        }
    }

    fn push(&mut self, w: Warning) {
        self.kept.push(w);
        if self.kept.len() > self.limit
            && let Some(last) = self.kept.pop()
        {
            let n = self.omitted.entry(last.kind).or_default();
            *n = n.saturating_add(1);
        }
    }

    /// The kept warnings in order, then one [`WarningKind::MoreWarnings`] if any were left out.
    fn finish(self) -> Vec<Warning> {
        let mut out = self.kept.into_sorted_vec();
        if !self.omitted.is_empty() {
            let total = self
                .omitted
                .values()
                .fold(0usize, |t, n| t.saturating_add(*n));
            let by_kind: Vec<String> = self
                .omitted
                .iter()
                .map(|(kind, n)| format!("{n} {kind}"))
                .collect();
            out.push(Warning {
                kind: WarningKind::MoreWarnings,
                rules: Vec::new(),
                owners: Vec::new(),
                detail: format!(
                    "{total} more warning(s) beyond the first {} not listed: {}",
                    self.limit,
                    by_kind.join(", ")
                ),
            });
        }
        out
    }
}

fn warning(kind: WarningKind, rules: Vec<String>, owners: Vec<String>, detail: String) -> Warning {
    let mut owners = owners;
    owners.dedup();
    Warning {
        kind,
        rules,
        owners,
        detail,
    }
}

/// Whether window `outer` contains window `inner` entirely.
fn contains(outer: &crate::time::Window, inner: &crate::time::Window) -> bool {
    let starts = match (outer.from, inner.from) {
        (None, _) => true,
        (Some(_), None) => false,
        (Some(o), Some(i)) => o <= i,
    };
    let ends = match (outer.until, inner.until) {
        (None, _) => true,
        (Some(_), None) => false,
        (Some(o), Some(i)) => i <= o,
    };
    starts && ends
}

/// Assignments of one group (same scope and experiment), indexed for finding what shadows an
/// assignment. The group's absolute lists are gathered in classes: lists of one currency and
/// validity pricing the same SKUs always and from the first unit (what a shadowing list must do
/// for every SKU of the shadowed one) are interchangeable as shadows, so their assignments are
/// merged, in assignment order. The classes are indexed by the SKUs they price.
#[derive(Default)]
struct Group {
    by_list: BTreeMap<u32, Vec<usize>>,
    classes: Vec<Class>,
    by_sku: HashMap<u32, Vec<usize>>,
}

/// Lists interchangeable as shadows: their SKUs priced always and from the first unit (sorted),
/// and their assignments within the group.
struct Class {
    currency: crate::money::Currency,
    valid: crate::time::Window,
    skus: Vec<u32>,
    assignments: OfList,
}

/// Assignments in assignment order, with the running maximum of their priorities: the first
/// that outranks a priority is found by a binary search, not a pass (many assignments may
/// share one list or one class).
#[derive(Default)]
struct OfList {
    positions: Vec<usize>,
    max_priority: Vec<i32>,
}

impl OfList {
    fn push(&mut self, position: usize, priority: i32) {
        let max = self
            .max_priority
            .last()
            .map_or(priority, |&m| m.max(priority));
        self.positions.push(position);
        self.max_priority.push(max);
    }

    /// The first assignment (in assignment order) of a priority above `priority` for which
    /// `also` holds.
    fn first_above(
        &self,
        priority: i32,
        assignments: &[crate::model::pricing::build::AssignmentRec],
        also: impl Fn(&crate::model::pricing::build::AssignmentRec) -> bool,
    ) -> Option<usize> {
        let start = self.max_priority.partition_point(|&m| m <= priority);
        self.positions.get(start..)?.iter().copied().find(|&j| {
            assignments
                .get(j)
                .is_some_and(|b| b.priority > priority && also(b))
        })
    }
}

/// Whether an entry prices its SKU always and from the first unit.
fn always_from_one(e: &crate::model::pricing::table::EntryRef<'_>) -> bool {
    e.extra.valid.is_none() && e.tiers.get(0).is_some_and(|t| t.min_qty == 1)
}

/// Assignments another one always shadows. An assignment is compared only with the classes of
/// lists of its scope and experiment (lists of one currency, validity and SKUs priced always
/// from the first unit) that price the rarest of its SKUs: lists sharing their SKUs count
/// once, however many there are, so many lists at distinct priorities pricing one SKU cost
/// linear time, not quadratic. Whether every account a scope reaches uses `precedence` is
/// decided once per scope, and the SKUs a list prices once per list. The first shadowing
/// assignment in assignment order is named, as a pass over every pair would name it.
fn shadowed(inner: &Built, out: &mut Warnings) {
    let lists = &inner.lists;
    let mut groups: HashMap<(ScopeKey, Option<u32>), Group> = HashMap::new();
    for (i, a) in inner.assignments.iter().enumerate() {
        let group = groups.entry((a.scope, a.experiment)).or_default();
        group.by_list.entry(a.list).or_default().push(i);
    }
    // The SKUs each absolute list prices always and from the first unit, sorted.
    let mut full: HashMap<u32, Vec<u32>> = HashMap::new();
    for &l in groups.values().flat_map(|g| g.by_list.keys()) {
        if let Some(ListBody::Absolute(table)) = lists.get(l as usize).map(|r| &r.body) {
            full.entry(l).or_insert_with(|| {
                let mut skus: Vec<u32> = table
                    .iter()
                    .filter(|(_, e)| always_from_one(e))
                    .map(|(sku, _)| sku)
                    .collect();
                skus.sort_unstable();
                skus.dedup();
                skus
            });
        }
    }
    for group in groups.values_mut() {
        let mut class_of: HashMap<(crate::money::Currency, crate::time::Window, &[u32]), usize> =
            HashMap::new();
        let mut members: Vec<Vec<usize>> = Vec::new();
        for (&l, positions) in &group.by_list {
            let (Some(rec), Some(skus)) = (lists.get(l as usize), full.get(&l)) else {
                continue;
            };
            if skus.is_empty() {
                continue;
            }
            let next = members.len();
            let c = *class_of
                .entry((rec.currency, rec.valid, skus.as_slice()))
                .or_insert(next);
            if c == next {
                members.push(Vec::new());
                group.classes.push(Class {
                    currency: rec.currency,
                    valid: rec.valid,
                    skus: skus.clone(),
                    assignments: OfList::default(),
                });
            }
            if let Some(m) = members.get_mut(c) {
                m.extend_from_slice(positions);
            }
        }
        for (class, mut positions) in group.classes.iter_mut().zip(members) {
            positions.sort_unstable();
            for pos in positions {
                if let Some(b) = inner.assignments.get(pos) {
                    class.assignments.push(pos, b.priority);
                }
            }
        }
        for (c, class) in group.classes.iter().enumerate() {
            for &sku in &class.skus {
                group.by_sku.entry(sku).or_default().push(c);
            }
        }
    }
    let all_precedence = |members: &mut dyn Iterator<Item = u32>| {
        let mut all = true;
        for m in members {
            all &= inner
                .accounts
                .get(m)
                .is_some_and(|a| a.policy == PricePolicy::Precedence);
        }
        all
    };
    let mut precedence_of: HashMap<ScopeKey, bool> = HashMap::new();
    let mut precedence = |scope: ScopeKey| {
        *precedence_of.entry(scope).or_insert_with(|| match scope {
            ScopeKey::Account(x) | ScopeKey::Subtree(x) => all_precedence(&mut std::iter::once(x)),
            ScopeKey::Segment(s) => inner
                .segments
                .get(s as usize)
                .is_some_and(|seg| all_precedence(&mut seg.members.iter().copied())),
            ScopeKey::Everyone => {
                all_precedence(&mut (0..crate::model::validate::to_u32(inner.accounts.recs.len())))
            }
            // Guests select by precedence (G4).
            ScopeKey::Guests => true,
        })
    };
    let mut priced: HashMap<u32, Vec<u32>> = HashMap::new();
    // The candidate classes of a list within a group: those pricing its rarest SKU (none when
    // a SKU of the list is priced by no class, or the list prices nothing).
    let mut rarest: HashMap<(ScopeKey, Option<u32>, u32), Option<u32>> = HashMap::new();
    for a in inner.assignments.iter() {
        let Some(group) = groups.get(&(a.scope, a.experiment)) else {
            continue;
        };
        let Some(la) = lists.get(a.list as usize) else {
            continue;
        };
        let skus_a = priced
            .entry(a.list)
            .or_insert_with(|| priced_skus(lists, a.list, &inner.catalog));
        let sku = *rarest
            .entry((a.scope, a.experiment, a.list))
            .or_insert_with(|| {
                let mut best: Option<(usize, u32)> = None;
                for &s in skus_a.iter() {
                    let n = group.by_sku.get(&s).map_or(0, Vec::len);
                    if best.is_none() || best.is_some_and(|(m, _)| n < m) {
                        best = Some((n, s));
                    }
                    if n == 0 {
                        break;
                    }
                }
                best.map(|(_, s)| s)
            });
        // Only classes pricing A's rarest SKU can price them all.
        let Some(candidates) = sku.and_then(|s| group.by_sku.get(&s)) else {
            continue;
        };
        // A scope with an account pricing by another policy than precedence shadows nothing.
        if !precedence(a.scope) {
            continue;
        }
        let mut first: Option<usize> = None;
        for class in candidates.iter().filter_map(|&c| group.classes.get(c)) {
            if la.currency != class.currency || !contains(&class.valid, &la.valid) {
                continue;
            }
            // The first assignment of this class (in assignment order) that outranks A.
            let Some(pos) = class
                .assignments
                .first_above(a.priority, &inner.assignments, |b| {
                    contains(&b.valid, &a.valid)
                })
            else {
                continue;
            };
            if first.is_some_and(|f| f < pos) {
                continue;
            }
            // B must price, always and from the first unit, every SKU A prices.
            if skus_a.iter().all(|s| class.skus.binary_search(s).is_ok()) {
                first = Some(pos);
            }
        }
        if let Some(b) = first.and_then(|pos| inner.assignments.get(pos)) {
            out.push(warning(
                WarningKind::ShadowedAssignment,
                vec![a.id.to_string(), b.id.to_string()],
                vec![a.owner.clone(), b.owner.clone()],
                format!(
                    "assignment `{}` (priority {}) never decides: `{}` (priority {}) has the same scope and prices every SKU of list `{}` whenever it is valid",
                    a.id, a.priority, b.id, b.priority, la.id
                ),
            ));
        }
    }
}

fn unassigned_and_tiers(inner: &Built, at: Timestamp, out: &mut Warnings) {
    // Lists in use: assigned, named as a reference, or bases (transitively) of those.
    let mut used: BTreeSet<u32> = inner.assignments.iter().map(|a| a.list).collect();
    used.extend(inner.references.lists());
    let mut frontier: Vec<u32> = used.iter().copied().collect();
    while let Some(l) = frontier.pop() {
        if let Some(ListBody::Relative { base, .. }) = inner.lists.get(l as usize).map(|l| &l.body)
            && used.insert(*base)
        {
            frontier.push(*base);
        }
    }
    for (i, list) in inner.lists.iter().enumerate() {
        // A cost list is never assigned: it is used as a floor and a base (P6d).
        if !list.cost && !used.contains(&crate::model::validate::to_u32(i)) {
            out.push(warning(
                WarningKind::UnassignedList,
                vec![list.id.to_string()],
                vec![list.owner.clone()],
                format!("price list `{}` is not assigned to anyone, directly or through a relative list", list.id),
            ));
        }
        if let ListBody::Absolute(table) = &list.body {
            for (sku, e) in table.iter() {
                let rises = e
                    .tiers
                    .iter()
                    .zip(e.tiers.iter().skip(1))
                    .find(|(x, y)| y.unit_price > x.unit_price);
                if let Some((x, y)) = rises {
                    let decimals = inner.catalog.get(sku).map_or(0, |r| r.decimals());
                    let q = |steps| crate::quantity::Quantity::from_steps(steps, decimals);
                    let sku = inner.catalog.sku_of(sku);
                    out.push(warning(
                        WarningKind::RisingTier,
                        vec![list.id.to_string()],
                        vec![list.owner.clone()],
                        format!(
                            "in list `{}`, SKU `{sku}` costs {} from {} units but {} from {}: buying more costs more per unit",
                            list.id,
                            y.unit_price,
                            q(y.min_qty),
                            x.unit_price,
                            q(x.min_qty)
                        ),
                    ));
                }
            }
        }
    }
    for a in inner.assignments.iter() {
        if let Some(until) = a.valid.until
            && until <= at
        {
            out.push(warning(
                WarningKind::ExpiredAssignment,
                vec![a.id.to_string()],
                vec![a.owner.clone()],
                format!(
                    "assignment `{}` ended at {until}: remove it or extend it",
                    a.id
                ),
            ));
        }
    }
}

/// Whether an exclusion targeting `outer` hides everything an inclusion targeting `inner_t`
/// shows, whatever decides between them: the coverage [`Exclusions::first_covering`] indexes,
/// kept as its check.
fn target_covers(outer: &CompiledTarget, inner_t: &CompiledTarget, inner: &Built) -> bool {
    match (outer, inner_t) {
        (CompiledTarget::All, _) => true,
        (CompiledTarget::Sku(a), CompiledTarget::Sku(b)) => a == b,
        (CompiledTarget::Category(c), CompiledTarget::Category(d)) => category_covers(c, d),
        (CompiledTarget::Category(c), CompiledTarget::Sku(s)) => inner
            .catalog
            .get(*s)
            .is_some_and(|r| r.categories.iter().any(|sc| category_covers(c, sc))),
        _ => false,
    }
}

/// The exclusions of one group (same scope, roles and experiment), by what they target: for
/// each target, the position of the first such exclusion in the source order.
#[derive(Default)]
struct Exclusions<'a> {
    all: Option<usize>,
    sku: HashMap<u32, usize>,
    category: HashMap<&'a str, usize>,
}

impl Exclusions<'_> {
    /// The first exclusion, in source order, that makes an inclusion targeting `target` moot:
    /// its target covers `target` ([`target_covers`]) and is at least as specific (V8), so it
    /// comes first for every SKU the inclusion targets (an exclusion wins at equal target
    /// specificity, V4). That is: every SKU, for an inclusion of every SKU or of an attribute
    /// predicate; the same SKU, for a SKU (a category is less specific than the SKU); a
    /// category at or above the target category and as deep as it, for a category. A more
    /// specific inclusion under a broader exclusion is not moot: it decides for its SKUs.
    fn first_covering(&self, target: &CompiledTarget) -> Option<usize> {
        let rank = target.rank();
        let all = self.all.filter(|_| TargetRank::Broad >= rank);
        let by_target = match target {
            CompiledTarget::All | CompiledTarget::Attributes(_) => None,
            CompiledTarget::Sku(s) => self.sku.get(s).copied(),
            CompiledTarget::Category(d) => {
                // Each category covering `d`: `d` itself and `d` cut at each `/`.
                let cuts = d.match_indices('/').filter_map(|(i, _)| d.get(..i));
                std::iter::once(d.as_str())
                    .chain(cuts)
                    .filter(|c| TargetRank::Category(category_depth(c)) >= rank)
                    .filter_map(|c| self.category.get(c).copied())
                    .min()
            }
        };
        all.into_iter().chain(by_target).min()
    }
}

/// Inclusions an exclusion of the same scope, roles and experiment makes moot: one whose
/// target covers the inclusion's and is at least as specific (V4, V8). Exclusions are indexed
/// by group and target, so each inclusion costs a few lookups, not a pass over every
/// exclusion; the first such exclusion in source order is named.
fn moot_includes(inner: &Built, out: &mut Warnings) {
    // Rules are compared by scope, roles and experiment, which the index does not keep per
    // rule: rebuild the scope keys from the source data.
    let source = &inner.source.visibility_rules;
    let compiled: HashMap<&str, &CompiledTarget> = inner
        .visibility_rules
        .iter()
        .map(|r| (r.id.as_str(), &r.target))
        .collect();
    type Group<'a> = (
        &'a crate::format::Scope,
        &'a [crate::id::RoleName],
        Option<&'a str>,
    );
    fn group(r: &crate::format::VisibilityRuleData) -> Group<'_> {
        (&r.scope, r.roles.as_slice(), r.experiment.as_deref())
    }
    let mut exclusions: HashMap<Group<'_>, Exclusions<'_>> = HashMap::new();
    for (pos, exc) in source.iter().enumerate() {
        if exc.effect != Effect::Exclude {
            continue;
        }
        let Some(&target) = compiled.get(exc.id.as_str()) else {
            continue;
        };
        let slot = exclusions.entry(group(exc)).or_default();
        match target {
            CompiledTarget::All => {
                slot.all.get_or_insert(pos);
            }
            CompiledTarget::Sku(s) => {
                slot.sku.entry(*s).or_insert(pos);
            }
            CompiledTarget::Category(c) => {
                slot.category.entry(c.as_str()).or_insert(pos);
            }
            // An attribute target covers nothing else (`target_covers`).
            CompiledTarget::Attributes(_) => {}
        }
    }
    for inc in source.iter().filter(|r| r.effect == Effect::Include) {
        let Some(excs) = exclusions.get(&group(inc)) else {
            continue;
        };
        let Some(&target) = compiled.get(inc.id.as_str()) else {
            continue;
        };
        let Some(exc) = excs.first_covering(target).and_then(|pos| source.get(pos)) else {
            continue;
        };
        debug_assert!(
            compiled
                .get(exc.id.as_str())
                .is_some_and(|e| target_covers(e, target, inner) && e.rank() >= target.rank()),
            "the index names an exclusion that covers the inclusion and is as specific"
        );
        out.push(warning(
            WarningKind::MootInclude,
            vec![inc.id.clone(), exc.id.clone()],
            vec![inc.owner.clone(), exc.owner.clone()],
            format!(
                "include `{}` never shows anything: exclude `{}` has the same scope and a target that covers it and is as specific, and exclusion wins at equal specificity",
                inc.id, exc.id
            ),
        ));
    }
}

/// Assigned lists pricing a SKU above a reference list of their currency at one of the tier
/// boundaries of either entry (P9): one warning per (list, reference list, SKU), naming the
/// quantities. A list is compared only with the reference lists reaching the accounts its
/// assignments reach (those [`ReferenceIndex::for_account`] answers for them), each once,
/// entry by entry; the reference lists a scope reaches are found once per scope and currency,
/// and the SKUs a list prices once per list.
///
/// [`ReferenceIndex::for_account`]: crate::model::pricing::reference::ReferenceIndex::for_account
fn above_reference(inner: &Built, at: Timestamp, out: &mut Warnings) {
    if inner.references.is_empty() {
        return;
    }
    let mut assigned: BTreeMap<u32, BTreeSet<ScopeKey>> = BTreeMap::new();
    for a in inner.assignments.iter() {
        assigned.entry(a.list).or_default().insert(a.scope);
    }
    let reference_of = |account: u32, currency| {
        let ancestors = inner.accounts.get(account).map(|a| &*a.ancestors)?;
        inner.references.for_account(account, ancestors, currency)
    };
    let reaching = |scope: ScopeKey, currency| -> BTreeSet<u32> {
        match scope {
            ScopeKey::Account(x) => reference_of(x, currency).into_iter().collect(),
            // The root's reference answers for the accounts of the subtree without one of
            // their own on the way up; the others answer with theirs.
            ScopeKey::Subtree(x) => {
                let mut found: BTreeSet<u32> = reference_of(x, currency).into_iter().collect();
                let mut stack: Vec<u32> = vec![x];
                while let Some(i) = stack.pop() {
                    if let Some(acc) = inner.accounts.get(i) {
                        found.extend(inner.references.own(i, currency));
                        stack.extend(acc.children.iter().copied());
                    }
                }
                found
            }
            ScopeKey::Segment(sg) => inner
                .segments
                .get(sg as usize)
                .map(|seg| {
                    seg.members
                        .iter()
                        .filter_map(|&m| reference_of(m, currency))
                        .collect()
                })
                .unwrap_or_default(),
            ScopeKey::Everyone => (0..crate::model::validate::to_u32(inner.accounts.recs.len()))
                .filter_map(|m| reference_of(m, currency))
                .collect(),
            // A guest compares with the reference list named for every account (G4).
            ScopeKey::Guests => inner
                .references
                .for_account(crate::decide::core::GUEST, &[], currency)
                .into_iter()
                .collect(),
        }
    };
    let mut reached: HashMap<(ScopeKey, crate::money::Currency), BTreeSet<u32>> = HashMap::new();
    for (&li, scopes) in &assigned {
        if let Some(list) = inner.lists.get(li as usize) {
            for &scope in scopes {
                reached
                    .entry((scope, list.currency))
                    .or_insert_with(|| reaching(scope, list.currency));
            }
        }
    }
    fn priced<'a>(
        inner: &'a Built,
        list: &'a crate::model::pricing::ListRec,
        sku: u32,
        qty: u64,
        at: Timestamp,
    ) -> Option<(rust_decimal::Decimal, crate::model::pricing::EntryView<'a>)> {
        let rec = inner.catalog.get(sku)?;
        let entry = crate::model::pricing::lookup_entry(
            &inner.lists,
            list,
            sku,
            crate::model::catalog::LineQty {
                qty,
                unit: crate::model::catalog::Unit::BASE,
                decimals: rec.decimals(),
            },
            &rec.categories,
            at,
        )
        .ok()?;
        let exact = price_line(&entry, entry.tier_mode(), qty, rec.decimals(), |_| {}).ok()??;
        Some((list.currency.round(exact), entry))
    }
    let line = |list, sku, qty| priced(inner, list, sku, qty, at);
    for (&li, scopes) in &assigned {
        let Some(list) = inner.lists.get(li as usize) else {
            continue;
        };
        let mut references: BTreeSet<u32> = BTreeSet::new();
        for &scope in scopes {
            if let Some(r) = reached.get(&(scope, list.currency)) {
                references.extend(r.iter().copied());
            }
        }
        references.remove(&li);
        if references.is_empty() {
            continue;
        }
        let skus = priced_skus(&inner.lists, li, &inner.catalog);
        for &ri in &references {
            let Some(reference) = inner.lists.get(ri as usize) else {
                continue;
            };
            if reference.currency != list.currency {
                continue;
            }
            for &sku in &skus {
                let (Some((_, mine)), Some((_, theirs))) =
                    (line(list, sku, 1), line(reference, sku, 1))
                else {
                    continue;
                };
                let mut boundaries: BTreeSet<u64> = BTreeSet::new();
                boundaries.extend(mine.tiers.iter().map(|t| t.min_qty));
                boundaries.extend(theirs.tiers.iter().map(|t| t.min_qty));
                let above: Vec<String> = boundaries
                    .into_iter()
                    .filter_map(|q| {
                        let (a, _) = line(list, sku, q)?;
                        let (r, _) = line(reference, sku, q)?;
                        let decimals = inner.catalog.get(sku).map_or(0, |r| r.decimals());
                        let q = crate::quantity::Quantity::from_steps(q, decimals);
                        (a > r).then(|| format!("{a} > {r} at {q}"))
                    })
                    .collect();
                if !above.is_empty() {
                    out.push(warning(
                        WarningKind::AboveReference,
                        vec![list.id.to_string(), reference.id.to_string()],
                        vec![list.owner.clone(), reference.owner.clone()],
                        format!(
                            "list `{}` prices SKU `{}` above the reference list `{}`: {}",
                            list.id,
                            inner.catalog.sku_of(sku),
                            reference.id,
                            above.join(", ")
                        ),
                    ));
                }
            }
        }
    }
}

/// Prices under cost plus their minimum margin in lists that report (P6f): for each list
/// stating a margin, each SKU it prices and each quantity at which its price may change (a
/// tier of the entry, an adjustment's `min_qty`), the tier priced there, held against the cost
/// as a line would be. Lines in the base unit. One list and one SKU at a time, through the
/// SKU's own entries: linear in the entries of the lists with margins.
fn under_margin(inner: &Built, at: Timestamp, out: &mut Warnings) {
    use crate::model::catalog::{LineQty, Unit};
    use crate::model::pricing::{MarginBound, lookup_entry};
    for (li, list) in inner.lists.iter().enumerate() {
        let list: &crate::model::pricing::ListRec = list;
        if !list.has_margins || list.cost {
            continue;
        }
        let li = crate::model::validate::to_u32(li);
        for sku in priced_skus(&inner.lists, li, &inner.catalog) {
            let Some(rec) = inner.catalog.get(sku) else {
                continue;
            };
            let cats = &rec.categories;
            // Quantities count in the SKU's steps (U6); shown back in its own decimals.
            let decimals = rec.decimals();
            let line = |qty| LineQty {
                qty,
                unit: Unit::BASE,
                decimals,
            };
            let shown = |steps: u64| crate::quantity::Quantity::from_steps(steps, decimals);
            let mut quantities: BTreeSet<u64> = BTreeSet::new();
            let mut cur: &crate::model::pricing::ListRec = list;
            for _ in 0..=crate::model::pricing::MAX_RELATIVE_DEPTH {
                match &cur.body {
                    ListBody::Absolute(_) => break,
                    ListBody::Relative { base, adjustments } => {
                        quantities.extend(
                            adjustments
                                .iter()
                                .filter(|a| a.targets(sku, cats))
                                .filter_map(|a| a.min_qty)
                                .map(|m| m.ceil_steps(decimals)),
                        );
                        match inner.lists.get(*base as usize) {
                            Some(b) => cur = b,
                            None => break,
                        }
                    }
                }
            }
            if let Ok(view) = lookup_entry(&inner.lists, list, sku, line(u64::MAX), cats, at) {
                quantities.extend(view.tiers.iter().map(|t| t.min_qty));
            }
            let mut under: Vec<(u64, rust_decimal::Decimal, rust_decimal::Decimal)> = Vec::new();
            let mut cost_list = None;
            // Quantities from which the list's margin finds no cost.
            let mut no_cost: Vec<u64> = Vec::new();
            for q in quantities {
                let Ok(view) = lookup_entry(&inner.lists, list, sku, line(q), cats, at) else {
                    continue;
                };
                let reached = view.tiers.iter().take_while(|t| t.min_qty <= q).count();
                let Some(top) = reached.checked_sub(1) else {
                    continue;
                };
                cost_list = view.cost().map(|c| c.list.id.clone());
                let mut found = None;
                let mut missing = false;
                let _ = view.tier_with(top, |e| {
                    if !std::ptr::eq(e.list, list) {
                        return;
                    }
                    missing |= e.cost.is_none();
                    if !e.list.clamp
                        && let Some((MarginBound::Floor, floor)) = e.bound
                    {
                        found = Some((e.written, floor));
                    }
                });
                if missing {
                    no_cost.push(q);
                }
                if let Some((written, floor)) = found
                    && under
                        .last()
                        .is_none_or(|&(_, w, f)| (w, f) != (written, floor))
                {
                    under.push((q, written, floor));
                }
            }
            if !under.is_empty() {
                let quantities: Vec<String> = under
                    .iter()
                    .map(|(q, w, f)| format!("{w} < {f} from {} units", shown(*q)))
                    .collect();
                out.push(warning(
                    WarningKind::PricedUnderMargin,
                    vec![list.id.to_string()],
                    vec![list.owner.clone()],
                    format!(
                        "list `{}` prices SKU `{}` under cost plus its minimum margin (cost list `{}`): {}",
                        list.id,
                        inner.catalog.sku_of(sku),
                        cost_list.clone().map(|c| c.to_string()).unwrap_or_default(),
                        quantities.join(", ")
                    ),
                ));
            }
            if let Some(first) = no_cost.first().map(|q| shown(*q)) {
                out.push(warning(
                    WarningKind::MarginWithoutCost,
                    vec![list.id.to_string()],
                    vec![list.owner.clone()],
                    format!(
                        "list `{}` states a margin over cost, but cost list `{}` has no cost for SKU `{}` from {first} units: give the SKU a cost or its price goes unchecked",
                        list.id,
                        cost_list.map(|c| c.to_string()).unwrap_or_default(),
                        inner.catalog.sku_of(sku),
                    ),
                ));
            }
        }
    }
}

/// Accounts still limiting their price search with the deprecated flag (S10).
fn deprecated_inheritance(inner: &Built, out: &mut Warnings) {
    for a in inner
        .accounts
        .recs
        .iter()
        .filter(|a| !a.inherit.price_lists)
    {
        out.push(warning(
            WarningKind::DeprecatedPriceListInheritance,
            vec![a.id.to_string()],
            Vec::new(),
            format!(
                "account `{}` sets `inherit.price_lists: false`, which drops its ancestors' price lists but keeps segment and `everyone` lists; set `price_fallback` (`own`, `tree`, `segments` or `everyone`) to limit how far its price search goes",
                a.id
            ),
        ));
    }
}

/// An assignment whose list's currency no account it reaches may buy in (C3). The currencies
/// bought in each subtree are gathered once, walking each account's ancestors (at most
/// `MAX_DEPTH`), and each segment's once over its members: then each assignment is one lookup.
fn never_applies(inner: &Built, out: &mut Warnings) {
    use crate::model::scope::ScopeKey;
    use crate::money::Currency;
    fn buys(
        a: &crate::model::account::AccountRec,
    ) -> impl Iterator<Item = crate::money::Currency> + '_ {
        std::iter::once(a.currency).chain(a.currencies.iter().copied())
    }
    let mut everyone: BTreeSet<Currency> = BTreeSet::new();
    let mut subtree: Vec<BTreeSet<Currency>> = vec![BTreeSet::new(); inner.accounts.recs.len()];
    for (i, acc) in inner.accounts.recs.iter().enumerate() {
        for c in buys(acc) {
            everyone.insert(c);
            for &x in
                std::iter::once(&crate::model::validate::to_u32(i)).chain(acc.ancestors.iter())
            {
                if let Some(set) = subtree.get_mut(x as usize) {
                    set.insert(c);
                }
            }
        }
    }
    let segment: Vec<BTreeSet<Currency>> = inner
        .segments
        .iter()
        .map(|seg| {
            seg.members
                .iter()
                .filter_map(|&m| inner.accounts.get(m))
                .flat_map(buys)
                .collect()
        })
        .collect();
    for a in inner.assignments.iter() {
        let Some(list) = inner.lists.get(a.list as usize) else {
            continue;
        };
        let reached = match a.scope {
            ScopeKey::Everyone => everyone.contains(&list.currency),
            ScopeKey::Segment(s) => segment
                .get(s as usize)
                .is_some_and(|set| set.contains(&list.currency)),
            ScopeKey::Account(x) => inner
                .accounts
                .get(x)
                .is_some_and(|acc| buys(acc).any(|c| c == list.currency)),
            ScopeKey::Subtree(x) => subtree
                .get(x as usize)
                .is_some_and(|set| set.contains(&list.currency)),
            // A guest asks in any currency, but sees prices only on a channel that shows
            // guests prices (G5): without one, a `guests` assignment never prices.
            ScopeKey::Guests => inner.channels.any_guest_prices(),
        };
        if !reached {
            out.push(Warning {
                kind: WarningKind::AssignmentNeverApplies,
                rules: vec![a.id.to_string()],
                owners: vec![a.owner.clone()],
                detail: if matches!(a.scope, ScopeKey::Guests) {
                    format!(
                        "assignment `{}` prices guests, but no channel shows guests prices: set `guest_prices` on a channel, or remove it",
                        a.id
                    )
                } else {
                    format!(
                        "assignment `{}` applies list `{}` in {}, which no account it reaches may buy in: add the currency to those accounts' `currencies`, or assign a list in theirs",
                        a.id, list.id, list.currency
                    )
                },
            });
        }
    }
}

/// The currencies an order-total condition states an amount in: `default` when it has a
/// `total_above` (the ordering account's default currency), and each `total_above_in`'s.
/// Conditions nest at most `MAX_CONDITION_DEPTH` deep (checked at build).
fn stated_currencies(
    c: &crate::format::OrderCondition,
    default: &mut bool,
    named: &mut BTreeSet<crate::money::Currency>,
) {
    use crate::format::OrderCondition as C;
    match c {
        C::TotalAbove(_) => *default = true,
        C::TotalAboveIn(m) => {
            named.insert(m.currency);
        }
        C::All(cs) | C::Any(cs) => {
            for c in cs {
                stated_currencies(c, default, named);
            }
        }
        C::LineQtyAbove(_)
        | C::LinesAbove(_)
        | C::Category(_)
        | C::SpendingLimitExceeded
        | C::MarginBelowPercent(_) => {}
    }
}

/// C3: a policy with an order-total threshold that reaches an account buying in a currency it
/// states no amount for. Only accounts buying in more than one currency are looked at, each
/// with the policies that reach it (precomputed at build), so the cost is the size of that
/// index for those accounts.
fn thresholds_per_currency(inner: &Built, out: &mut Warnings) {
    // The currencies each policy states, computed once per policy.
    let stated: Vec<Option<(bool, BTreeSet<crate::money::Currency>)>> = inner
        .approval_policies
        .iter()
        .map(|p| {
            let (mut default, mut named) = (false, BTreeSet::new());
            stated_currencies(&p.when, &mut default, &mut named);
            (default || !named.is_empty()).then_some((default, named))
        })
        .collect();
    for (ai, acc) in inner.accounts.recs.iter().enumerate() {
        if acc.currencies.is_empty() {
            continue;
        }
        let policies = crate::model::scope::applicable_indices(
            &inner.approval_scopes,
            &inner.approval_policies,
            crate::model::validate::to_u32(ai),
            acc,
            &inner.accounts,
            |a| a.inherit.approvals,
            |_| true,
            None,
            &mut crate::model::experiment::Arms::new(&inner.experiments, acc, &inner.accounts),
            crate::model::approval::Policy::tiebreak,
        );
        for (_, pi) in policies {
            let (Some(policy), Some(Some((default, named)))) = (
                inner.approval_policies.get(pi as usize),
                stated.get(pi as usize),
            ) else {
                continue;
            };
            for c in std::iter::once(acc.currency).chain(acc.currencies.iter().copied()) {
                let covered = named.contains(&c) || (*default && c == acc.currency);
                if !covered {
                    out.push(Warning {
                        kind: WarningKind::ThresholdWithoutCurrency,
                        rules: vec![policy.id.clone()],
                        owners: vec![policy.owner.clone()],
                        detail: format!(
                            "approval policy `{}` states no order total in {c}, which account `{}` may buy in: its orders in {c} never meet the threshold; add a `total_above_in` for {c}",
                            policy.id, acc.id
                        ),
                    });
                }
            }
        }
    }
}

fn self_approval(inner: &Built, out: &mut Warnings) {
    let mut seen = BTreeSet::new();
    // The policies' scopes by id, the first of an id as a search would find it: one lookup per
    // policy, not a pass over them all.
    let mut scopes: HashMap<&str, &crate::format::Scope> = HashMap::new();
    for p in inner.source.approval_policies.iter() {
        scopes.entry(p.id.as_str()).or_insert(&p.scope);
    }
    let mut segments = HashMap::new();
    for seg in inner.segments.iter() {
        segments.entry(&seg.id).or_insert(&seg.members);
    }
    for (pi, policy) in inner.approval_policies.iter().enumerate() {
        let Some(&scope) = scopes.get(policy.id.as_str()) else {
            continue;
        };
        let accounts: Vec<u32> = match scope {
            crate::format::Scope::Everyone => {
                (0..crate::model::validate::to_u32(inner.accounts.recs.len())).collect()
            }
            crate::format::Scope::Account(a) => {
                inner.accounts.lookup(a.as_str()).into_iter().collect()
            }
            crate::format::Scope::Subtree(a) => {
                let mut out = Vec::new();
                let mut stack: Vec<u32> = inner.accounts.lookup(a.as_str()).into_iter().collect();
                while let Some(i) = stack.pop() {
                    out.push(i);
                    if let Some(acc) = inner.accounts.get(i) {
                        stack.extend(acc.children.iter().copied());
                    }
                }
                out
            }
            crate::format::Scope::Segment(s) => segments
                .get(s)
                .map(|members| members.to_vec())
                .unwrap_or_default(),
            // Refused at build (G2): no policy reaches guests.
            crate::format::Scope::Guests => Vec::new(),
        };
        for (n, step) in policy.steps.iter().enumerate() {
            // Named approvers do not depend on the account: they are found once, and the one
            // warning the step can give (per policy, step and user) is given at the first
            // account where they may buy, so the walk stops there.
            let named_step = matches!(step, Approvers::Users(_));
            let mut named = None;
            for &account in &accounts {
                let Some(acc) = inner.accounts.get(account) else {
                    continue;
                };
                // Nobody excluded: who could approve at all.
                let eligible = match named.take() {
                    Some(e) => e,
                    None => {
                        approval::eligible(step, account, acc, &inner.accounts, &inner.users, None)
                            .0
                    }
                };
                let [only] = eligible.as_slice() else {
                    if named_step {
                        break;
                    }
                    continue;
                };
                let only = only.clone();
                if named_step {
                    named = Some(eligible);
                }
                let Some(user) = inner
                    .users
                    .lookup(only.as_str())
                    .and_then(|u| inner.users.get(u))
                else {
                    continue;
                };
                let may_buy = Entitled::new(user, account, &inner.accounts)
                    .may(crate::format::Permission::Buy);
                if may_buy && seen.insert((pi, n, only.clone())) {
                    let who = match step {
                        Approvers::Users(_) => "the only named approver".to_string(),
                        Approvers::Role(r) | Approvers::RoleEscalating(r) => {
                            format!("the only holder of role `{r}`")
                        }
                    };
                    out.push(warning(
                        WarningKind::SelfApprovalOnly,
                        vec![policy.id.clone()],
                        vec![policy.owner.clone()],
                        format!(
                            "step {} of approval policy `{}`: `{only}` is {who} for account `{}` and may also buy there, so their own orders would be unapprovable",
                            n.saturating_add(1),
                            policy.id,
                            acc.id
                        ),
                    ));
                }
                if may_buy && named_step {
                    break;
                }
            }
        }
    }
}

impl Snapshot {
    /// Warnings an operator should see before publishing, sorted by kind then rule: rules that
    /// can never decide anything, lists assigned nowhere, tiers that rise with quantity,
    /// assignments whose window has passed by `at`, approval steps only a buyer could approve,
    /// inclusions an exclusion as specific makes moot, accounts using the deprecated
    /// `inherit.price_lists: false`, prices under cost plus their minimum margin in lists that
    /// report them, and margins with no cost to apply to. Each names the rule ids and their
    /// owners.
    ///
    /// At most [`MAX_WARNINGS`] are listed, the first in that order; a last warning of kind
    /// [`WarningKind::MoreWarnings`] then counts the rest. Rules are compared only with the
    /// rules of the same scope (indexed by scope and id), so the cost grows with the data, not
    /// with its square.
    ///
    /// ```
    /// use tradeterms::{Dataset, Snapshot};
    /// let snapshot = Snapshot::from_dataset(&Dataset::from_json(include_str!("../../examples/data/demo.json"))?)?;
    /// for warning in snapshot.lint("2026-06-01T00:00:00Z".parse()?) {
    ///     println!("{warning}"); // what to fix, and the owner to ask
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn lint(&self, at: Timestamp) -> Vec<Warning> {
        let inner = self.inner();
        let mut out = Warnings::new(MAX_WARNINGS);
        shadowed(inner, &mut out);
        unassigned_and_tiers(inner, at, &mut out);
        moot_includes(inner, &mut out);
        self_approval(inner, &mut out);
        deprecated_inheritance(inner, &mut out);
        above_reference(inner, at, &mut out);
        thresholds_per_currency(inner, &mut out);
        never_applies(inner, &mut out);
        under_margin(inner, at, &mut out);
        out.finish()
    }
}
