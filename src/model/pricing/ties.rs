//! The tie rule (SEMANTICS B7): two assignments that could decide the same price for the same
//! account with nothing to choose between them are refused at build, and a change to one list's
//! prices is checked against the few assignments it could newly tie with.

use super::build::AssignmentRec;
use super::{AdjustmentRec, ListBody, ListRec};
use crate::error::BuildProblem;
use crate::format::{PriceFallback, PricePolicy};
use crate::model::account::Accounts;
use crate::model::catalog::Catalog;
use crate::model::pricing;
use crate::model::scope::ScopeKey;
use crate::model::segment::SegmentRec;
use crate::model::validate::to_u32;
use crate::money::Currency;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The class an assignment competes in for ties: an account's own rules, segment rules (all
/// segments are equally specific), or everyone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum TieGroup {
    Own(u32),
    Segment,
    Everyone,
}

impl TieGroup {
    fn of(scope: ScopeKey) -> TieGroup {
        match scope {
            ScopeKey::Account(x) | ScopeKey::Subtree(x) => TieGroup::Own(x),
            ScopeKey::Segment(_) => TieGroup::Segment,
            ScopeKey::Everyone => TieGroup::Everyone,
        }
    }
}

/// Assignments grouped the way ties are checked, so that a change to one list's prices is
/// checked against the few assignments it could tie with, not all of them.
#[derive(Debug, Default)]
pub(crate) struct TieIndex {
    groups: BTreeMap<(TieGroup, i32), Vec<u32>>,
    by_list: HashMap<u32, Vec<u32>>,
    /// Relative lists deriving directly from a list.
    derived: HashMap<u32, Vec<u32>>,
}

impl TieIndex {
    pub(crate) fn build(assignments: &[AssignmentRec], lists: &[ListRec]) -> TieIndex {
        let mut index = TieIndex::default();
        for (i, a) in assignments.iter().enumerate() {
            index
                .groups
                .entry((TieGroup::of(a.scope), a.priority))
                .or_default()
                .push(to_u32(i));
            index.by_list.entry(a.list).or_default().push(to_u32(i));
        }
        for (i, l) in lists.iter().enumerate() {
            if let ListBody::Relative { base, .. } = &l.body {
                index.derived.entry(*base).or_default().push(to_u32(i));
            }
        }
        index
    }
}

/// What the tie rule needs to know.
pub(crate) struct Ties<'a, L: ?Sized> {
    pub(crate) assignments: &'a [AssignmentRec],
    pub(crate) lists: &'a L,
    pub(crate) accounts: &'a Accounts,
    pub(crate) segments: &'a [SegmentRec],
    pub(crate) catalog: &'a Catalog,
}

impl<L: super::ListTable + ?Sized> Ties<'_, L> {
    /// Whether a list in `currency`, reaching account `i` at a level its search needs `reach`
    /// for, could decide a price for it with nothing but priority to choose: the account
    /// selects by precedence, is priced in that currency (a list in another currency never
    /// prices for it, P8) and searches that far (S10).
    fn decides(&self, i: u32, currency: Currency, reach: PriceFallback) -> bool {
        self.accounts.get(i).is_some_and(|a| {
            a.policy == PricePolicy::Precedence && a.currency == currency && a.fallback >= reach
        })
    }

    /// The root and every descendant reached through accounts that inherit price lists.
    fn any_deciding_in_subtree(&self, root: u32, currency: Currency) -> bool {
        let mut stack = vec![root];
        while let Some(i) = stack.pop() {
            // The root is reached as its own; its descendants through the tree.
            let reach = if i == root {
                PriceFallback::Own
            } else {
                PriceFallback::Tree
            };
            if self.decides(i, currency, reach) {
                return true;
            }
            if let Some(a) = self.accounts.get(i) {
                for &c in a.children.iter() {
                    if self.accounts.get(c).is_some_and(|c| c.inherit.price_lists) {
                        stack.push(c);
                    }
                }
            }
        }
        false
    }

    /// Whether two assignments of one group and priority could both decide a price for the
    /// same account with nothing to choose between them, SKUs aside.
    fn could_tie(&self, group: TieGroup, a: &AssignmentRec, b: &AssignmentRec) -> bool {
        let (Some(la), Some(lb)) = (self.lists.list(a.list), self.lists.list(b.list)) else {
            return false;
        };
        if la.currency != lb.currency
            || !a.valid.overlaps(&b.valid)
            || !la.valid.overlaps(&lb.valid)
        {
            return false;
        }
        let currency = la.currency;
        match (group, a.scope, b.scope) {
            (TieGroup::Own(x), ScopeKey::Subtree(_), ScopeKey::Subtree(_)) => {
                self.any_deciding_in_subtree(x, currency)
            }
            (TieGroup::Own(x), _, _) => self.decides(x, currency, PriceFallback::Own),
            (TieGroup::Segment, ScopeKey::Segment(sa), ScopeKey::Segment(sb)) => {
                match (
                    self.segments.get(sa as usize),
                    self.segments.get(sb as usize),
                ) {
                    (Some(ma), Some(mb)) => ma.members.iter().any(|m| {
                        mb.members.binary_search(m).is_ok()
                            && self.decides(*m, currency, PriceFallback::Segments)
                    }),
                    _ => false,
                }
            }
            (TieGroup::Everyone, _, _) => (0..to_u32(self.accounts.recs.len()))
                .any(|i| self.decides(i, currency, PriceFallback::Everyone)),
            _ => false,
        }
    }

    fn problem(
        &self,
        group: TieGroup,
        a: &AssignmentRec,
        b: &AssignmentRec,
        sku: u32,
    ) -> BuildProblem {
        let scope = match group {
            TieGroup::Own(x) => format!("account `{}`", self.accounts.id_of(x)),
            TieGroup::Segment => "segment members".to_string(),
            TieGroup::Everyone => "everyone".to_string(),
        };
        let (first, second) = if a.id <= b.id { (a, b) } else { (b, a) };
        BuildProblem::AmbiguousAssignments {
            first: first.id.to_string(),
            second: second.id.to_string(),
            scope,
            priority: a.priority,
            sku: self.catalog.sku_of(sku).clone(),
        }
    }

    /// Checks every pair of assignments.
    pub(crate) fn check_all(&self, index: &TieIndex, problems: &mut Vec<BuildProblem>) {
        let mut sku_sets: HashMap<u32, Vec<u32>> = HashMap::new();
        for ((group, _), members) in &index.groups {
            for (i, &ai) in members.iter().enumerate() {
                for &bi in members.iter().skip(i.saturating_add(1)) {
                    let (Some(a), Some(b)) = (
                        self.assignments.get(ai as usize),
                        self.assignments.get(bi as usize),
                    ) else {
                        continue;
                    };
                    if !self.could_tie(*group, a, b) {
                        continue;
                    }
                    for l in [a.list, b.list] {
                        sku_sets
                            .entry(l)
                            .or_insert_with(|| priced_skus(self.lists, l, self.catalog));
                    }
                    let (Some(sa), Some(sb)) = (sku_sets.get(&a.list), sku_sets.get(&b.list))
                    else {
                        continue;
                    };
                    if let Some(common) = first_common(sa, sb) {
                        problems.push(self.problem(*group, a, b, common));
                    }
                }
            }
        }
    }

    /// Checks only the pairs a list newly pricing `sku` could create: assignments of the list
    /// and of every list derived from it, against their group.
    pub(crate) fn check_new_entry(
        &self,
        index: &TieIndex,
        list: u32,
        sku: u32,
        problems: &mut Vec<BuildProblem>,
    ) {
        // Every list derived from it, however many: each list is visited once, so the walk is
        // bounded by the number of lists (the build refuses relative cycles).
        let mut affected = vec![list];
        let mut visited: BTreeSet<u32> = BTreeSet::from([list]);
        let mut k = 0;
        while let Some(&l) = affected.get(k) {
            k = k.saturating_add(1);
            for &d in index.derived.get(&l).into_iter().flatten() {
                if visited.insert(d) {
                    affected.push(d);
                }
            }
        }
        let mut seen = BTreeSet::new();
        for l in affected {
            if !prices(self.lists, l, sku, self.catalog) {
                continue;
            }
            for &ai in index.by_list.get(&l).into_iter().flatten() {
                let Some(a) = self.assignments.get(ai as usize) else {
                    continue;
                };
                let group = TieGroup::of(a.scope);
                for &bi in index.groups.get(&(group, a.priority)).into_iter().flatten() {
                    let Some(b) = self.assignments.get(bi as usize) else {
                        continue;
                    };
                    if bi == ai || !seen.insert((ai.min(bi), ai.max(bi))) {
                        continue;
                    }
                    if self.could_tie(group, a, b) && prices(self.lists, b.list, sku, self.catalog)
                    {
                        problems.push(self.problem(group, a, b, sku));
                    }
                }
            }
        }
    }
}

/// Rejects two assignments that could decide the same price under the precedence policy with
/// nothing to choose between them: same specificity class for some account whose policy is
/// precedence and whose currency is the lists' currency, same priority, overlapping windows,
/// and a SKU both lists price.
pub(crate) fn check_ties(
    assignments: &[AssignmentRec],
    lists: &[ListRec],
    accounts: &Accounts,
    segments: &[SegmentRec],
    catalog: &Catalog,
    problems: &mut Vec<BuildProblem>,
) {
    let index = TieIndex::build(assignments, lists);
    Ties {
        assignments,
        lists,
        accounts,
        segments,
        catalog,
    }
    .check_all(&index, problems);
}

/// Whether a list prices a SKU (deriving through relative lists, windows aside).
pub(crate) fn prices<L: super::ListTable + ?Sized>(
    lists: &L,
    list: u32,
    sku: u32,
    catalog: &Catalog,
) -> bool {
    let cats = catalog
        .get(sku)
        .map(|s| s.categories.as_slice())
        .unwrap_or(&[]);
    let mut cur = list;
    for _ in 0..=pricing::MAX_RELATIVE_DEPTH {
        match lists.list(cur).map(|l| &l.body) {
            Some(ListBody::Absolute(table)) => return table.get(sku).is_some(),
            Some(ListBody::Relative { base, adjustments }) => {
                if pricing::pick_adjustment(adjustments, cats).is_none() {
                    return false;
                }
                cur = *base;
            }
            None => return false,
        }
    }
    false
}

/// The SKU indexes a list prices (derived through relative lists), sorted.
pub(crate) fn priced_skus<L: super::ListTable + ?Sized>(
    lists: &L,
    list: u32,
    catalog: &Catalog,
) -> Vec<u32> {
    let mut chain: Vec<&[AdjustmentRec]> = Vec::new();
    let mut cur = list;
    for _ in 0..=pricing::MAX_RELATIVE_DEPTH {
        match lists.list(cur).map(|l| &l.body) {
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
            std::cmp::Ordering::Less => i = i.saturating_add(1),
            std::cmp::Ordering::Greater => j = j.saturating_add(1),
            std::cmp::Ordering::Equal => return Some(x),
        }
    }
    None
}
