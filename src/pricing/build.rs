//! Building price lists and assignments from the data, and rejecting ambiguous ties.

use super::table::{EntryExtra, EntryRow, PriceTable, Tier};
use super::{AdjustmentRec, ListBody, ListRec};
use crate::account::Accounts;
use crate::catalog::Catalog;
use crate::dataset::{Dataset, PricePolicy};
use crate::error::{BuildProblem, EntityKind};
use crate::id::{AssignmentId, Sku};
use crate::money::Currency;
use crate::pricing;
use crate::scope::{ScopeKey, resolve_scope};
use crate::segment::SegmentRec;
use crate::time::Window;
use crate::validate::{check_owner, check_window, to_u32, unique_by_id};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// A validated assignment.
#[derive(Clone, Debug)]
pub(crate) struct AssignmentRec {
    pub(crate) id: AssignmentId,
    pub(crate) list: u32,
    pub(crate) scope: ScopeKey,
    pub(crate) priority: i32,
    pub(crate) valid: Window,
}

impl crate::scope::ScopedRule for AssignmentRec {
    fn roles(&self) -> &[crate::id::RoleName] {
        &[]
    }
}

impl AssignmentRec {
    /// Order among assignments of equal specificity: higher priority first, then by id.
    pub(crate) fn tiebreak(a: &AssignmentRec, b: &AssignmentRec) -> std::cmp::Ordering {
        b.priority.cmp(&a.priority).then_with(|| a.id.cmp(&b.id))
    }
}

pub(crate) fn build_lists(
    dataset: &Dataset,
    catalog: &Catalog,
    problems: &mut Vec<BuildProblem>,
) -> Vec<ListRec> {
    let unique = unique_by_id(
        &dataset.price_lists,
        EntityKind::PriceList,
        |l| l.id.as_str(),
        problems,
    );
    let index: HashMap<&str, u32> = unique
        .iter()
        .enumerate()
        .map(|(i, l)| (l.id.as_str(), to_u32(i)))
        .collect();
    let mut lists = Vec::with_capacity(unique.len());
    for l in &unique {
        let currency = Currency::from_code(&l.currency).unwrap_or_else(|| {
            problems.push(BuildProblem::UnknownCurrency {
                kind: EntityKind::PriceList,
                id: l.id.to_string(),
                code: l.currency.clone(),
            });
            Currency::PLACEHOLDER
        });
        let valid = check_window(l.valid, EntityKind::PriceList, l.id.as_str(), problems);
        check_owner(&l.owner, EntityKind::PriceList, l.id.as_str(), problems);
        let body = match &l.relative {
            Some(rel) => {
                if !l.entries.is_empty() {
                    problems.push(BuildProblem::RelativeWithEntries { list: l.id.clone() });
                }
                if rel.adjustments.is_empty() {
                    problems.push(BuildProblem::InvalidAdjustment {
                        list: l.id.clone(),
                        detail: "a relative list needs at least one adjustment".into(),
                    });
                }
                let mut adjustments = Vec::with_capacity(rel.adjustments.len());
                for adj in &rel.adjustments {
                    if adj.percent < Decimal::from(-100) {
                        problems.push(BuildProblem::InvalidAdjustment {
                            list: l.id.clone(),
                            detail: format!(
                                "{} % would make prices negative: use -100 or more",
                                adj.percent
                            ),
                        });
                    }
                    let category = adj
                        .category
                        .as_ref()
                        .map(|c| c.trim_matches('/').to_string());
                    adjustments.push(AdjustmentRec {
                        depth: category
                            .as_deref()
                            .map(pricing::category_depth)
                            .unwrap_or(0),
                        category,
                        percent: adj.percent,
                    });
                }
                match index.get(rel.base.as_str()) {
                    Some(&base) => ListBody::Relative { base, adjustments },
                    None => {
                        problems.push(BuildProblem::DanglingReference {
                            from_kind: EntityKind::PriceList,
                            from: l.id.to_string(),
                            to_kind: EntityKind::PriceList,
                            to: rel.base.to_string(),
                        });
                        ListBody::Absolute(PriceTable::default())
                    }
                }
            }
            None => ListBody::Absolute(build_table(l, catalog, problems)),
        };
        lists.push(ListRec {
            id: l.id.clone(),
            name: l.name.clone(),
            owner: l.owner.clone(),
            currency,
            tier_mode: l.tier_mode,
            valid,
            quote_only: l.quote_only,
            body,
        });
    }
    check_relative_lists(&lists, problems);
    lists
}

fn build_table(
    l: &crate::dataset::PriceListData,
    catalog: &Catalog,
    problems: &mut Vec<BuildProblem>,
) -> PriceTable {
    let mut rows: Vec<EntryRow> = Vec::with_capacity(l.entries.len());
    for e in &l.entries {
        let label = pricing::entry_label(&l.id, &e.sku);
        let Some(sku) = catalog.lookup(e.sku.as_str()) else {
            problems.push(BuildProblem::DanglingReference {
                from_kind: EntityKind::PriceList,
                from: l.id.to_string(),
                to_kind: EntityKind::Sku,
                to: e.sku.to_string(),
            });
            continue;
        };
        if e.tiers.is_empty() {
            problems.push(BuildProblem::EmptyTiers {
                list: l.id.clone(),
                sku: e.sku.clone(),
            });
        }
        let mut previous: Option<u64> = None;
        for t in &e.tiers {
            if t.min_qty == 0 {
                problems.push(BuildProblem::ZeroQuantity {
                    list: l.id.clone(),
                    sku: e.sku.clone(),
                });
            }
            if let Some(p) = previous
                && t.min_qty <= p
            {
                problems.push(BuildProblem::TiersNotIncreasing {
                    list: l.id.clone(),
                    sku: e.sku.clone(),
                    previous: p,
                    next: t.min_qty,
                });
            }
            if t.unit_price.is_sign_negative() && !t.unit_price.is_zero() {
                problems.push(BuildProblem::NegativePrice {
                    list: l.id.clone(),
                    sku: e.sku.clone(),
                    min_qty: t.min_qty,
                    price: t.unit_price.to_string(),
                });
            }
            previous = Some(t.min_qty);
        }
        let valid = e
            .valid
            .map(|w| check_window(Some(w), EntityKind::PriceEntry, &label, problems));
        if let Some(q) = &e.quantity {
            crate::validate::check_quantity_rule(q, EntityKind::PriceEntry, &label, problems);
        }
        if e.quote_above == Some(0) {
            problems.push(BuildProblem::InvalidQuantityRule {
                kind: EntityKind::PriceEntry,
                id: label.clone(),
                detail: "quote_above must be at least 1".into(),
            });
        }
        rows.push(EntryRow {
            sku,
            tiers: e
                .tiers
                .iter()
                .map(|t| Tier {
                    min_qty: t.min_qty,
                    unit_price: t.unit_price,
                })
                .collect(),
            extra: EntryExtra {
                valid,
                quantity: e.quantity,
                quote_above: e.quote_above,
            },
        });
    }
    rows.sort_by_key(|r| r.sku);
    let mut deduped: Vec<EntryRow> = Vec::with_capacity(rows.len());
    for r in rows {
        if deduped.last().is_some_and(|p| p.sku == r.sku) {
            let sku = catalog
                .get(r.sku)
                .map(|s| s.sku.clone())
                .unwrap_or_else(|| Sku::new(""));
            problems.push(BuildProblem::DuplicateId {
                kind: EntityKind::PriceEntry,
                id: pricing::entry_label(&l.id, &sku),
            });
            continue;
        }
        deduped.push(r);
    }
    PriceTable::from_sorted(&deduped)
}

/// Relative lists: no cycles, and the currency of their base.
fn check_relative_lists(lists: &[ListRec], problems: &mut Vec<BuildProblem>) {
    let base_of = |i: usize| match lists.get(i).map(|l| &l.body) {
        Some(ListBody::Relative { base, .. }) => Some(*base as usize),
        _ => None,
    };
    let mut reported: BTreeSet<Vec<crate::PriceListId>> = BTreeSet::new();
    for (i, list) in lists.iter().enumerate() {
        let Some(b) = base_of(i) else { continue };
        if let Some(base) = lists.get(b)
            && base.currency != list.currency
        {
            problems.push(BuildProblem::MixedCurrency {
                list: list.id.clone(),
                currency: list.currency.to_string(),
                base: base.id.clone(),
                base_currency: base.currency.to_string(),
            });
        }
        // Walk the chain; a revisit is a cycle.
        let mut path = vec![i];
        let mut cur = b;
        loop {
            if let Some(pos) = path.iter().position(|&p| p == cur) {
                let mut ids: Vec<crate::PriceListId> = path
                    .get(pos..)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|&p| lists.get(p).map(|l| l.id.clone()))
                    .collect();
                ids.sort();
                if reported.insert(ids.clone()) {
                    problems.push(BuildProblem::RelativeCycle { lists: ids });
                }
                break;
            }
            path.push(cur);
            match base_of(cur) {
                Some(next) if path.len() <= lists.len() => cur = next,
                _ => break,
            }
        }
        if path.len() > pricing::MAX_RELATIVE_DEPTH + 1 && reported.insert(vec![list.id.clone()]) {
            problems.push(BuildProblem::InvalidAdjustment {
                list: list.id.clone(),
                detail: format!(
                    "it derives through more than {} relative lists: derive from an absolute list more directly",
                    pricing::MAX_RELATIVE_DEPTH
                ),
            });
        }
    }
}

pub(crate) fn build_assignments(
    dataset: &Dataset,
    accounts: &Accounts,
    lists: &HashMap<&str, u32>,
    segments: &HashMap<&str, u32>,
    problems: &mut Vec<BuildProblem>,
) -> Vec<AssignmentRec> {
    let unique = unique_by_id(
        &dataset.assignments,
        EntityKind::Assignment,
        |a| a.id.as_str(),
        problems,
    );
    let mut out = Vec::with_capacity(unique.len());
    for a in unique {
        let dangling = |to_kind: EntityKind, to: &str| BuildProblem::DanglingReference {
            from_kind: EntityKind::Assignment,
            from: a.id.to_string(),
            to_kind,
            to: to.to_string(),
        };
        let list = lists.get(a.price_list.as_str()).copied();
        if list.is_none() {
            problems.push(dangling(EntityKind::PriceList, a.price_list.as_str()));
        }
        let scope = resolve_scope(
            &a.scope,
            EntityKind::Assignment,
            a.id.as_str(),
            accounts,
            segments,
            problems,
        );
        let valid = check_window(a.valid, EntityKind::Assignment, a.id.as_str(), problems);
        if let (Some(list), Some(scope)) = (list, scope) {
            out.push(AssignmentRec {
                id: a.id.clone(),
                list,
                scope,
                priority: a.priority,
                valid,
            });
        }
    }
    out
}

/// Rejects two assignments that could decide the same price under the precedence policy with
/// nothing to choose between them: same specificity class for some account whose policy is
/// precedence, same priority, same currency, overlapping windows, and a SKU both lists price.
pub(crate) fn check_ties(
    assignments: &[AssignmentRec],
    lists: &[ListRec],
    accounts: &Accounts,
    segments: &[SegmentRec],
    catalog: &Catalog,
    problems: &mut Vec<BuildProblem>,
) {
    // Group by the class a rule competes in: an account's own rules, segment rules, everyone.
    #[derive(PartialEq, Eq, PartialOrd, Ord)]
    enum Group {
        Own(u32),
        Segment,
        Everyone,
    }
    let mut groups: BTreeMap<(Group, i32), Vec<&AssignmentRec>> = BTreeMap::new();
    for a in assignments {
        let g = match a.scope {
            ScopeKey::Account(x) | ScopeKey::Subtree(x) => Group::Own(x),
            ScopeKey::Segment(_) => Group::Segment,
            ScopeKey::Everyone => Group::Everyone,
        };
        groups.entry((g, a.priority)).or_default().push(a);
    }
    let precedence = |i: u32| {
        accounts
            .get(i)
            .is_some_and(|a| a.policy == PricePolicy::Precedence)
    };
    let any_precedence_in_subtree = |root: u32| {
        // The root and every descendant reached through accounts that inherit price lists.
        let mut stack = vec![root];
        while let Some(i) = stack.pop() {
            if precedence(i) {
                return true;
            }
            if let Some(a) = accounts.get(i) {
                for &c in a.children.iter() {
                    if accounts.get(c).is_some_and(|c| c.inherit.price_lists) {
                        stack.push(c);
                    }
                }
            }
        }
        false
    };
    let mut sku_sets: HashMap<u32, Vec<u32>> = HashMap::new();
    for ((group, priority), members) in &groups {
        for (i, a) in members.iter().enumerate() {
            for b in members.iter().skip(i + 1) {
                let (Some(la), Some(lb)) = (lists.get(a.list as usize), lists.get(b.list as usize))
                else {
                    continue;
                };
                if la.currency != lb.currency
                    || !a.valid.overlaps(&b.valid)
                    || !la.valid.overlaps(&lb.valid)
                {
                    continue;
                }
                let contested = match (group, a.scope, b.scope) {
                    (Group::Own(x), ScopeKey::Subtree(_), ScopeKey::Subtree(_)) => {
                        any_precedence_in_subtree(*x)
                    }
                    (Group::Own(x), _, _) => precedence(*x),
                    (Group::Segment, ScopeKey::Segment(sa), ScopeKey::Segment(sb)) => {
                        let (ma, mb) = (
                            segments.get(sa as usize).map(|s| &s.members),
                            segments.get(sb as usize).map(|s| &s.members),
                        );
                        match (ma, mb) {
                            (Some(ma), Some(mb)) => ma
                                .iter()
                                .any(|m| mb.binary_search(m).is_ok() && precedence(*m)),
                            _ => false,
                        }
                    }
                    (Group::Everyone, _, _) => (0..to_u32(accounts.recs.len())).any(precedence),
                    _ => false,
                };
                if !contested {
                    continue;
                }
                for l in [a.list, b.list] {
                    sku_sets
                        .entry(l)
                        .or_insert_with(|| priced_skus(lists, l, catalog));
                }
                let (Some(sa), Some(sb)) = (sku_sets.get(&a.list), sku_sets.get(&b.list)) else {
                    continue;
                };
                if let Some(common) = first_common(sa, sb) {
                    let scope = match group {
                        Group::Own(x) => format!(
                            "account `{}`",
                            accounts.get(*x).map(|r| r.id.as_str()).unwrap_or("")
                        ),
                        Group::Segment => "segment members".to_string(),
                        Group::Everyone => "everyone".to_string(),
                    };
                    problems.push(BuildProblem::AmbiguousAssignments {
                        first: a.id.to_string(),
                        second: b.id.to_string(),
                        scope,
                        priority: *priority,
                        sku: catalog
                            .get(common)
                            .map(|s| s.sku.clone())
                            .unwrap_or_else(|| Sku::new("")),
                    });
                }
            }
        }
    }
}

/// The SKU indexes a list prices (derived through relative lists), sorted.
fn priced_skus(lists: &[ListRec], list: u32, catalog: &Catalog) -> Vec<u32> {
    let mut chain: Vec<&[AdjustmentRec]> = Vec::new();
    let mut cur = list;
    for _ in 0..=pricing::MAX_RELATIVE_DEPTH {
        match lists.get(cur as usize).map(|l| &l.body) {
            Some(ListBody::Absolute(table)) => {
                return table
                    .iter()
                    .map(|(sku, _)| sku)
                    .filter(|&sku| {
                        let cats = catalog
                            .get(sku)
                            .map(|s| s.categories.as_slice())
                            .unwrap_or(&[]);
                        chain
                            .iter()
                            .all(|adjs| pricing::pick_adjustment(adjs, cats).is_some())
                    })
                    .collect();
            }
            Some(ListBody::Relative { base, adjustments }) => {
                chain.push(adjustments);
                cur = *base;
            }
            None => return Vec::new(),
        }
    }
    Vec::new()
}

fn first_common(a: &[u32], b: &[u32]) -> Option<u32> {
    let (mut i, mut j) = (0, 0);
    while let (Some(&x), Some(&y)) = (a.get(i), b.get(j)) {
        match x.cmp(&y) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => return Some(x),
        }
    }
    None
}
