//! Configuration lint: warnings an operator should see before publishing, each naming the rules
//! involved and the owners to ask. None of them stops a build: the data is valid, but probably
//! not what was meant.

use crate::decide::approval;
use crate::decide::entitlement::Entitled;
use crate::decide::tiers::price_line;
use crate::format::{Approvers, Effect, PricePolicy};
use crate::model::pricing::ties::priced_skus;
use crate::model::pricing::{ListBody, category_covers};
use crate::model::scope::ScopeKey;
use crate::model::snapshot::{Built, Snapshot};
use crate::model::visibility::CompiledTarget;
use jiff::Timestamp;
use serde::Serialize;
use std::collections::BTreeSet;
use std::fmt;

/// What a warning is about.
///
/// ```
/// assert_eq!(tradeterms::WarningKind::UnassignedList.to_string(), "price list assigned nowhere");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
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
    /// A visibility inclusion that an exclusion at the same scope, on a broader target, makes
    /// moot (at equal specificity the exclusion wins).
    MootInclude,
    /// An account setting `inherit.price_lists: false`, deprecated: it drops the ancestors'
    /// lists but keeps segment and `everyone` lists, which is not "own lists only".
    /// `price_fallback` says how far the price search goes.
    DeprecatedPriceListInheritance,
    /// A contract price above the reference ("list") price of its currency at some tier
    /// boundary: the buyer would be shown a negative saving.
    AboveReference,
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
        })
    }
}

/// One lint warning.
///
/// ```
/// # fn f(w: &tradeterms::Warning) { println!("{w}"); }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
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

fn shadowed(inner: &Built, out: &mut Vec<Warning>) {
    let lists = &inner.lists;
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
    for a in inner.assignments.iter() {
        for b in inner.assignments.iter() {
            if a.scope != b.scope || b.priority <= a.priority || a.experiment != b.experiment {
                continue;
            }
            let (Some(la), Some(lb)) = (lists.get(a.list as usize), lists.get(b.list as usize))
            else {
                continue;
            };
            if la.currency != lb.currency
                || !contains(&b.valid, &a.valid)
                || !contains(&lb.valid, &la.valid)
            {
                continue;
            }
            let precedence = match a.scope {
                ScopeKey::Account(x) | ScopeKey::Subtree(x) => {
                    all_precedence(&mut std::iter::once(x))
                }
                ScopeKey::Segment(s) => inner
                    .segments
                    .get(s as usize)
                    .is_some_and(|seg| all_precedence(&mut seg.members.iter().copied())),
                ScopeKey::Everyone => all_precedence(
                    &mut (0..crate::model::validate::to_u32(inner.accounts.recs.len())),
                ),
            };
            if !precedence {
                continue;
            }
            // B must price, always and from the first unit, every SKU A prices.
            let ListBody::Absolute(tb) = &lb.body else {
                continue;
            };
            let skus_a = priced_skus(lists, a.list, &inner.catalog);
            let covers = skus_a.iter().all(|&s| {
                tb.get(s).is_some_and(|e| {
                    e.extra.valid.is_none() && e.tiers.get(0).is_some_and(|t| t.min_qty == 1)
                })
            });
            if covers && !skus_a.is_empty() {
                out.push(warning(
                    WarningKind::ShadowedAssignment,
                    vec![a.id.to_string(), b.id.to_string()],
                    vec![a.owner.clone(), b.owner.clone()],
                    format!(
                        "assignment `{}` (priority {}) never decides: `{}` (priority {}) has the same scope and prices every SKU of list `{}` whenever it is valid",
                        a.id, a.priority, b.id, b.priority, la.id
                    ),
                ));
                break;
            }
        }
    }
}

fn unassigned_and_tiers(inner: &Built, at: Timestamp, out: &mut Vec<Warning>) {
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
        if !used.contains(&crate::model::validate::to_u32(i)) {
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
                    let sku = inner.catalog.sku_of(sku);
                    out.push(warning(
                        WarningKind::RisingTier,
                        vec![list.id.to_string()],
                        vec![list.owner.clone()],
                        format!(
                            "in list `{}`, SKU `{sku}` costs {} from {} units but {} from {}: buying more costs more per unit",
                            list.id, y.unit_price, y.min_qty, x.unit_price, x.min_qty
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

fn moot_includes(inner: &Built, out: &mut Vec<Warning>) {
    // Rules are compared by scope, roles and experiment, which the index does not keep per
    // rule: rebuild the scope keys from the source data.
    let source = &inner.source.visibility_rules;
    for inc in source.iter().filter(|r| r.effect == Effect::Include) {
        for exc in source.iter().filter(|r| r.effect == Effect::Exclude) {
            if inc.scope != exc.scope || inc.roles != exc.roles || inc.experiment != exc.experiment
            {
                continue;
            }
            let compiled = |id: &str| inner.visibility_rules.iter().find(|r| r.id == id);
            let (Some(i), Some(e)) = (compiled(&inc.id), compiled(&exc.id)) else {
                continue;
            };
            if target_covers(&e.target, &i.target, inner) {
                out.push(warning(
                    WarningKind::MootInclude,
                    vec![inc.id.clone(), exc.id.clone()],
                    vec![inc.owner.clone(), exc.owner.clone()],
                    format!(
                        "include `{}` never shows anything: exclude `{}` has the same scope and a target at least as broad, and exclusion wins at equal specificity",
                        inc.id, exc.id
                    ),
                ));
                break;
            }
        }
    }
}

/// Assigned lists pricing a SKU above a reference list of their currency at one of the tier
/// boundaries of either entry (P9): one warning per (list, reference list, SKU), naming the
/// quantities. Each assigned list is compared with each reference list once, entry by entry.
fn above_reference(inner: &Built, at: Timestamp, out: &mut Vec<Warning>) {
    let references = inner.references.lists();
    if references.is_empty() {
        return;
    }
    let assigned: BTreeSet<u32> = inner.assignments.iter().map(|a| a.list).collect();
    fn priced<'a>(
        inner: &'a Built,
        list: &'a crate::model::pricing::ListRec,
        sku: u32,
        qty: u64,
        at: Timestamp,
    ) -> Option<(rust_decimal::Decimal, crate::model::pricing::EntryView<'a>)> {
        let rec = inner.catalog.get(sku)?;
        let entry =
            crate::model::pricing::lookup_entry(&inner.lists, list, sku, &rec.categories, at)
                .ok()?;
        let exact = price_line(&entry, entry.tier_mode(), qty, |_| {}).ok()??;
        Some((list.currency.round(exact), entry))
    }
    let line = |list, sku, qty| priced(inner, list, sku, qty, at);
    for &li in &assigned {
        let Some(list) = inner.lists.get(li as usize) else {
            continue;
        };
        for &ri in references.iter().filter(|&&r| r != li) {
            let Some(reference) = inner.lists.get(ri as usize) else {
                continue;
            };
            if reference.currency != list.currency {
                continue;
            }
            for sku in crate::model::pricing::ties::priced_skus(&inner.lists, li, &inner.catalog) {
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

/// Accounts still limiting their price search with the deprecated flag (S10).
fn deprecated_inheritance(inner: &Built, out: &mut Vec<Warning>) {
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

fn self_approval(inner: &Built, out: &mut Vec<Warning>) {
    let mut seen = BTreeSet::new();
    for (pi, policy) in inner.approval_policies.iter().enumerate() {
        let Some(scope) = inner
            .source
            .approval_policies
            .iter()
            .find(|p| p.id == policy.id)
            .map(|p| &p.scope)
        else {
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
            crate::format::Scope::Segment(s) => inner
                .segments
                .iter()
                .find(|seg| &seg.id == s)
                .map(|seg| seg.members.clone())
                .unwrap_or_default(),
        };
        for (n, step) in policy.steps.iter().enumerate() {
            for &account in &accounts {
                let Some(acc) = inner.accounts.get(account) else {
                    continue;
                };
                // Nobody excluded: who could approve at all.
                let (eligible, _) =
                    approval::eligible(step, account, acc, &inner.accounts, &inner.users, None);
                let [only] = eligible.as_slice() else {
                    continue;
                };
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
            }
        }
    }
}

impl Snapshot {
    /// Warnings an operator should see before publishing, sorted by kind then rule: rules that
    /// can never decide anything, lists assigned nowhere, tiers that rise with quantity,
    /// assignments whose window has passed by `at`, approval steps only a buyer could approve,
    /// inclusions a broader exclusion makes moot, and accounts using the deprecated
    /// `inherit.price_lists: false`. Each names the rule ids and their owners.
    pub fn lint(&self, at: Timestamp) -> Vec<Warning> {
        let inner = self.inner();
        let mut out = Vec::new();
        shadowed(inner, &mut out);
        unassigned_and_tiers(inner, at, &mut out);
        moot_includes(inner, &mut out);
        self_approval(inner, &mut out);
        deprecated_inheritance(inner, &mut out);
        above_reference(inner, at, &mut out);
        out.sort();
        out
    }
}
