//! The tie rule (SEMANTICS B7): two assignments that could decide the same price for the same
//! account with nothing to choose between them are refused at build, and a change to one list's
//! prices is checked against the few assignments it could newly tie with.
//!
//! Ties are found without comparing every pair of a level. The assignments of one class (tie
//! level and priority) are bucketed by the SKUs their lists price; whether the accounts let an
//! assignment decide anything (precedence, currency, reach) is worked out once per class, scope
//! and currency, never per pair; inside a bucket, windows are joined by sorting. Assignments
//! joined by ties form a tie group, and each group is reported once.

use super::build::AssignmentRec;
use super::{AdjustmentRec, ListBody, ListRec, SkuLists};
use crate::error::{BuildProblem, quoted};
use crate::format::{PriceFallback, PricePolicy};
use crate::id::AssignmentId;
use crate::model::account::Accounts;
use crate::model::catalog::Catalog;
use crate::model::context::Condition;
use crate::model::pricing;
use crate::model::scope::ScopeKey;
use crate::model::segment::SegmentRec;
use crate::model::validate::to_u32;
use crate::money::Currency;
use crate::time::Window;
use jiff::Timestamp;
use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::rc::Rc;

use crate::error::TIE_NAMED as NAMED;

/// The class an assignment competes in for ties: an account's own rules, segment rules (all
/// segments are equally specific), or everyone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum TieGroup {
    Own(u32),
    Segment,
    /// Assignments scoped to guests (G6).
    Guests,
    Everyone,
}

impl TieGroup {
    fn of(scope: ScopeKey) -> TieGroup {
        match scope {
            ScopeKey::Account(x) | ScopeKey::Subtree(x) => TieGroup::Own(x),
            ScopeKey::Segment(_) => TieGroup::Segment,
            ScopeKey::Guests => TieGroup::Guests,
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

    /// `lists` and every list derived from them, however many: each list is visited once, so
    /// the walk is bounded by the number of lists (the build refuses relative cycles).
    fn with_derived(&self, lists: impl IntoIterator<Item = u32>) -> Vec<u32> {
        let mut out: Vec<u32> = Vec::new();
        let mut visited: BTreeSet<u32> = BTreeSet::new();
        for l in lists {
            if visited.insert(l) {
                out.push(l);
            }
        }
        let mut k = 0;
        while let Some(&l) = out.get(k) {
            k = k.saturating_add(1);
            for &d in self.derived.get(&l).into_iter().flatten() {
                if visited.insert(d) {
                    out.push(d);
                }
            }
        }
        out
    }
}

/// Which accounts an assignment could decide a price for with nothing but priority to choose,
/// as far as the tie rule needs it: two assignments of one class tie only when their reaches
/// meet (and their windows overlap and their lists share a SKU).
#[derive(Clone, Debug)]
enum Reach {
    /// Meets every other `All` of its class: an `everyone` assignment when some account is
    /// decided at that level, an own-account one when the account (or, for two subtrees, an
    /// inheriting descendant) is.
    All,
    /// The deciding members of the assignment's segment, sorted: two meet when they share one.
    Members(Rc<[u32]>),
}

impl Reach {
    fn meets(&self, other: &Reach) -> bool {
        match (self, other) {
            (Reach::All, Reach::All) => true,
            (Reach::Members(a), Reach::Members(b)) => first_common(a, b).is_some(),
            _ => false,
        }
    }
}

/// What the accounts decide, worked out once per scope and currency during one check.
#[derive(Default)]
struct Deciders {
    everyone: HashMap<Currency, bool>,
    own: HashMap<(u32, Currency), bool>,
    subtree: HashMap<(u32, Currency), bool>,
    segment: HashMap<(u32, Currency), Rc<[u32]>>,
}

/// One assignment as a tie candidate.
#[derive(Clone, Debug)]
struct Item {
    idx: u32,
    currency: Currency,
    valid: Window,
    list_valid: Window,
    reach: Reach,
    /// The channels and countries the assignment is limited to (C2).
    condition: Rc<Condition>,
}

/// Tie groups under construction (union-find over assignment indexes); each root keeps the
/// first SKU, in catalogue order, on which two of its group tie. Only assignments that tie are
/// in it, so it costs nothing for the others.
#[derive(Default)]
struct Forest {
    parent: HashMap<u32, u32>,
    sku: HashMap<u32, u32>,
}

impl Forest {
    fn find(&mut self, x: u32) -> u32 {
        let mut root = x;
        while let Some(&p) = self.parent.get(&root) {
            if p == root {
                break;
            }
            root = p;
        }
        let mut cur = x;
        while cur != root {
            let next = self.parent.insert(cur, root).unwrap_or(root);
            cur = next;
        }
        root
    }

    fn same(&mut self, a: u32, b: u32) -> bool {
        self.find(a) == self.find(b)
    }

    /// Records that `a` and `b` tie on `sku`.
    fn join(&mut self, a: u32, b: u32, sku: u32) {
        let (ra, rb) = (self.find(a), self.find(b));
        let (root, child) = (ra.min(rb), ra.max(rb));
        let mut first = sku;
        for r in [ra, rb] {
            if let Some(&s) = self.sku.get(&r) {
                first = first.min(s);
            }
        }
        self.parent.entry(root).or_insert(root);
        if root != child {
            self.parent.insert(child, root);
            self.sku.remove(&child);
        }
        self.sku.insert(root, first);
    }

    /// The groups, each with its members (two or more) and its first SKU.
    fn groups(mut self) -> Vec<(Vec<u32>, u32)> {
        let mut nodes: Vec<u32> = self.parent.keys().copied().collect();
        nodes.sort_unstable();
        let mut by_root: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
        for n in nodes {
            let r = self.find(n);
            by_root.entry(r).or_default().push(n);
        }
        by_root
            .into_iter()
            .filter_map(|(r, members)| self.sku.get(&r).map(|&s| (members, s)))
            .collect()
    }
}

/// What the tie rule needs to know.
pub(crate) struct Ties<'a, L: ?Sized> {
    pub(crate) assignments: &'a [AssignmentRec],
    pub(crate) lists: &'a L,
    pub(crate) accounts: &'a Accounts,
    pub(crate) segments: &'a [SegmentRec],
    pub(crate) catalog: &'a Catalog,
    /// Whether guests see prices on some channel: guests select by precedence in every
    /// currency, so `guests` and `everyone` assignments can then tie for them (G6).
    pub(crate) guests_priced: bool,
}

impl<L: super::ListTable + ?Sized> Ties<'_, L> {
    /// Whether a list in `currency`, reaching account `i` at a level its search needs `reach`
    /// for, could decide a price for it with nothing but priority to choose: the account
    /// selects by precedence, is priced in that currency (a list in another currency never
    /// prices for it, P8) and searches that far (S10).
    fn decides(&self, i: u32, currency: Currency, reach: PriceFallback) -> bool {
        self.accounts.get(i).is_some_and(|a| {
            a.policy == PricePolicy::Precedence && a.buys_in(currency) && a.fallback >= reach
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

    /// Whom assignment `a` of class `group`, on a list in `currency`, could decide a price for
    /// with nothing but priority to choose; `None` when nobody. Two assignments of a class
    /// could tie, SKUs and windows aside, exactly when their reaches meet: both scoped to
    /// account `x` with `x` deciding (or both subtrees of `x` with `x` or an inheriting
    /// descendant deciding), both segments with a deciding member in common, both everyone
    /// with any account deciding.
    fn reach(
        &self,
        deciders: &mut Deciders,
        group: TieGroup,
        a: &AssignmentRec,
        currency: Currency,
    ) -> Option<Reach> {
        let all = match (group, a.scope) {
            (TieGroup::Everyone, _) => {
                self.guests_priced
                    || *deciders.everyone.entry(currency).or_insert_with(|| {
                        (0..to_u32(self.accounts.recs.len()))
                            .any(|i| self.decides(i, currency, PriceFallback::Everyone))
                    })
            }
            (TieGroup::Guests, _) => self.guests_priced,
            (TieGroup::Own(x), scope) => {
                let own = *deciders
                    .own
                    .entry((x, currency))
                    .or_insert_with(|| self.decides(x, currency, PriceFallback::Own));
                own || (matches!(scope, ScopeKey::Subtree(_))
                    && *deciders
                        .subtree
                        .entry((x, currency))
                        .or_insert_with(|| self.any_deciding_in_subtree(x, currency)))
            }
            (TieGroup::Segment, ScopeKey::Segment(s)) => {
                let members = deciders
                    .segment
                    .entry((s, currency))
                    .or_insert_with(|| {
                        self.segments
                            .get(s as usize)
                            .map(|seg| {
                                seg.members
                                    .iter()
                                    .copied()
                                    .filter(|&m| self.decides(m, currency, PriceFallback::Segments))
                                    .collect()
                            })
                            .unwrap_or_default()
                    })
                    .clone();
                return (!members.is_empty()).then_some(Reach::Members(members));
            }
            _ => false,
        };
        all.then_some(Reach::All)
    }

    /// Assignment `ai` as a tie candidate of its class, with its list; `None` when it could
    /// decide a price for nobody.
    fn item(&self, deciders: &mut Deciders, ai: u32) -> Option<(u32, Item)> {
        let a = self.assignments.get(ai as usize)?;
        let list = self.lists.list(a.list)?;
        let reach = self.reach(deciders, TieGroup::of(a.scope), a, list.currency)?;
        Some((
            a.list,
            Item {
                idx: ai,
                currency: list.currency,
                valid: a.valid,
                list_valid: list.valid,
                reach,
                condition: Rc::new(a.condition.clone()),
            },
        ))
    }

    fn problem(
        &self,
        group: TieGroup,
        priority: i32,
        ids: &[&AssignmentId],
        sku: u32,
    ) -> BuildProblem {
        let scope = match group {
            TieGroup::Own(x) => format!("account {}", quoted(self.accounts.id_of(x).as_str())),
            TieGroup::Segment => "segment members".to_string(),
            TieGroup::Guests => "guests".to_string(),
            TieGroup::Everyone => "everyone".to_string(),
        };
        BuildProblem::AmbiguousAssignments {
            assignments: ids.iter().take(NAMED).map(|id| id.to_string()).collect(),
            more: ids.len().saturating_sub(NAMED),
            scope,
            priority,
            sku: self.catalog.sku_of(sku).clone(),
        }
    }

    /// One problem a tie group, in the order of their classes, then of their first ids.
    fn report(
        &self,
        forest: Forest,
        keep: impl Fn(&[u32]) -> bool,
        problems: &mut Vec<BuildProblem>,
    ) {
        let mut groups: Vec<((TieGroup, i32), Vec<&AssignmentId>, u32)> = Vec::new();
        for (members, sku) in forest.groups() {
            if !keep(&members) {
                continue;
            }
            let recs: Vec<&AssignmentRec> = members
                .iter()
                .filter_map(|&m| self.assignments.get(m as usize))
                .collect();
            let Some(first) = recs.first() else { continue };
            let class = (TieGroup::of(first.scope), first.priority);
            let mut ids: Vec<&AssignmentId> = recs.iter().map(|a| &a.id).collect();
            ids.sort();
            groups.push((class, ids, sku));
        }
        groups.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
        for ((group, priority), ids, sku) in groups {
            problems.push(self.problem(group, priority, &ids, sku));
        }
    }

    /// Checks every assignment: each tie group is reported once.
    pub(crate) fn check_all(&self, index: &TieIndex, problems: &mut Vec<BuildProblem>) {
        let mut deciders = Deciders::default();
        let mut sku_sets: HashMap<u32, Vec<u32>> = HashMap::new();
        let mut forest = Forest::default();
        for members in index.groups.values() {
            if members.len() < 2 {
                continue;
            }
            // The class's candidates, by list: assignments on one list price the same SKUs.
            let mut by_list: BTreeMap<u32, Vec<Item>> = BTreeMap::new();
            for &ai in members {
                if let Some((list, item)) = self.item(&mut deciders, ai) {
                    by_list.entry(list).or_default().push(item);
                }
            }
            if by_list
                .values()
                .fold(0usize, |n, v| n.saturating_add(v.len()))
                < 2
            {
                continue;
            }
            let mut pairs: Vec<(u32, u32)> = Vec::new();
            for &l in by_list.keys() {
                let skus = sku_sets
                    .entry(l)
                    .or_insert_with(|| priced_skus(self.lists, l, self.catalog));
                pairs.extend(skus.iter().map(|&s| (s, l)));
            }
            pairs.sort_unstable();
            // The lists pricing each SKU, in SKU order, currency by currency (lists in two
            // currencies never tie). SKUs priced by the same lists of a currency tie the same
            // assignments: each such set of lists is linked once, at its first SKU, so a list
            // pricing many SKUs beside lists of other currencies is linked once, not per SKU.
            let currency_of = |l: &u32| by_list.get(l).and_then(|v| v.first()).map(|i| i.currency);
            let mut seen: HashSet<Vec<u32>> = HashSet::new();
            let mut prepared: HashMap<u32, Option<Prepared>> = HashMap::new();
            for run in pairs.chunk_by(|x, y| x.0 == y.0) {
                let Some(&(sku, _)) = run.first() else {
                    continue;
                };
                let mut lists: Vec<u32> = run.iter().map(|&(_, l)| l).collect();
                lists.sort_by_key(|l| (currency_of(l), *l));
                for same in lists.chunk_by(|a, b| currency_of(a) == currency_of(b)) {
                    let count = same.iter().fold(0usize, |n, l| {
                        n.saturating_add(by_list.get(l).map_or(0, Vec::len))
                    });
                    if count < 2 || seen.contains(same) {
                        continue;
                    }
                    seen.insert(same.to_vec());
                    // Each list's own assignments are linked once, at its first SKU (the
                    // first met here); its ties with the other lists, at every SKU, are found
                    // by looking the others' candidates up in the largest list's runs, so a
                    // list pricing many SKUs is not linked again for each.
                    for &l in same {
                        if let (Some(own), Entry::Vacant(slot)) =
                            (by_list.get(&l), prepared.entry(l))
                        {
                            let mut own = own.clone();
                            link(&mut own, sku, &mut forest);
                            slot.insert(prepare(&own));
                        }
                    }
                    let largest = same.iter().copied().max_by_key(|l| {
                        (by_list.get(l).map_or(0, Vec::len), std::cmp::Reverse(*l))
                    });
                    let mut others: Vec<Item> = same
                        .iter()
                        .filter(|&&l| Some(l) != largest)
                        .flat_map(|l| by_list.get(l).into_iter().flatten().cloned())
                        .collect();
                    let big = largest.and_then(|l| prepared.get(&l));
                    match big {
                        Some(Some(big)) if others.iter().all(well_formed) => {
                            for x in &others {
                                big.meet(x, sku, &mut forest);
                            }
                            link(&mut others, sku, &mut forest);
                        }
                        _ => {
                            let mut items: Vec<Item> = same
                                .iter()
                                .flat_map(|l| by_list.get(l).into_iter().flatten().cloned())
                                .collect();
                            link(&mut items, sku, &mut forest);
                        }
                    }
                }
            }
        }
        self.report(forest, |_| true, problems);
    }

    /// Checks only the ties that lists newly pricing SKUs could create (each `(list, sku)`
    /// a SKU the list did not price before): the assignments of those lists and of every list
    /// derived from them, against the assignments of their class that price the SKU, found
    /// through `sku_lists` rather than by scanning the class.
    pub(crate) fn check_new_entries(
        &self,
        index: &TieIndex,
        sku_lists: &SkuLists,
        new: impl IntoIterator<Item = (u32, u32)>,
        problems: &mut Vec<BuildProblem>,
    ) {
        let mut by_sku: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
        for (list, sku) in new {
            by_sku.entry(sku).or_default().push(list);
        }
        let mut deciders = Deciders::default();
        let mut forest = Forest::default();
        let mut affected: BTreeSet<u32> = BTreeSet::new();
        let class_of = |ai: u32| {
            self.assignments
                .get(ai as usize)
                .map(|a| (TieGroup::of(a.scope), a.priority))
        };
        for (sku, changed) in by_sku {
            let mut classes: BTreeSet<(TieGroup, i32)> = BTreeSet::new();
            for l in index.with_derived(changed) {
                if !prices(self.lists, l, sku, self.catalog) {
                    continue;
                }
                for &ai in index.by_list.get(&l).into_iter().flatten() {
                    affected.insert(ai);
                    classes.extend(class_of(ai));
                }
            }
            if classes.is_empty() {
                continue;
            }
            let mut buckets: BTreeMap<(TieGroup, i32), Vec<Item>> = BTreeMap::new();
            for l in index.with_derived(sku_lists.absolute_lists(sku)) {
                if !prices(self.lists, l, sku, self.catalog) {
                    continue;
                }
                for &ai in index.by_list.get(&l).into_iter().flatten() {
                    let Some(class) = class_of(ai).filter(|c| classes.contains(c)) else {
                        continue;
                    };
                    if let Some((_, item)) = self.item(&mut deciders, ai) {
                        buckets.entry(class).or_default().push(item);
                    }
                }
            }
            for items in buckets.values_mut() {
                link_by_currency(items, sku, &mut forest);
            }
        }
        // A valid snapshot has no ties: every group found holds a new one.
        self.report(
            forest,
            |members| members.iter().any(|m| affected.contains(m)),
            problems,
        );
    }
}

/// Links the candidates of one bucket (one class and SKU), currency by currency.
fn link_by_currency(items: &mut [Item], sku: u32, forest: &mut Forest) {
    items.sort_by(|a, b| a.currency.cmp(&b.currency).then(a.idx.cmp(&b.idx)));
    for same in items.chunk_by_mut(|a, b| a.currency == b.currency) {
        link(same, sku, forest);
    }
}

/// The key under which candidates are interchangeable for the tie rule: the same windows, reach
/// and condition tie the same others.
type Shape = (
    Option<Timestamp>,
    Option<Timestamp>,
    Option<Timestamp>,
    Option<Timestamp>,
    Option<Rc<[u32]>>,
    Rc<Condition>,
);

fn shape(i: &Item) -> Shape {
    let members = match &i.reach {
        Reach::All => None,
        Reach::Members(m) => Some(m.clone()),
    };
    (
        i.list_valid.from,
        i.list_valid.until,
        i.valid.from,
        i.valid.until,
        members,
        i.condition.clone(),
    )
}

/// Joins the candidates of one bucket (one class, SKU and currency) that tie: assignment
/// windows that overlap, list windows that overlap, reaches that meet and conditions that can
/// hold together (C4). Candidates of one shape (windows, reach, condition) tie each other and
/// the same others, so they are joined at once and one of them stands for all; segment reaches
/// are linked member by member; the rest is `link_all`.
fn link(items: &mut [Item], sku: u32, forest: &mut Forest) {
    if items.len() < 2 {
        return;
    }
    let well_formed = items
        .iter()
        .all(|i| i.valid.is_well_formed() && i.list_valid.is_well_formed());
    if !well_formed {
        // Not from a valid dataset (the build refuses such windows): compared pair by pair.
        pairwise(items, sku, forest);
        return;
    }
    items.sort_by(|a, b| shape(a).cmp(&shape(b)).then(a.idx.cmp(&b.idx)));
    let mut reps: Vec<Item> = Vec::new();
    for same in items.chunk_by(|a, b| shape(a) == shape(b)) {
        let mut it = same.iter();
        let Some(first) = it.next() else { continue };
        for other in it {
            forest.join(first.idx, other.idx, sku);
        }
        reps.push(first.clone());
    }
    if reps.iter().all(|i| matches!(i.reach, Reach::All)) {
        link_all(&reps, sku, forest);
        return;
    }
    // Segment reaches: two meet when they share a deciding member.
    let mut by_member: BTreeMap<u32, Vec<Item>> = BTreeMap::new();
    for item in &reps {
        if let Reach::Members(members) = &item.reach {
            for &m in members.iter() {
                by_member.entry(m).or_default().push(item.clone());
            }
        }
    }
    for sub in by_member.values() {
        link_all(sub, sku, forest);
    }
}

/// The candidates of one list window and condition, as the connected runs of their assignment
/// windows: each run's span (from, until) and the candidate standing for it, in time order.
struct Runs {
    list_valid: Window,
    condition: Rc<Condition>,
    runs: Vec<(Option<Timestamp>, Option<Timestamp>, u32)>,
}

/// The later of two ends (`None`: forever).
fn later(a: Option<Timestamp>, b: Option<Timestamp>) -> Option<Timestamp> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        _ => None,
    }
}

/// Joins well-formed candidates whose reaches all meet. Candidates sharing a list window and
/// condition meet on those, so a sweep on assignment windows joins them and leaves disjoint
/// runs; two such groups whose list windows overlap and whose conditions can hold together
/// are then joined run against run, in time order, finding the few groups each condition can
/// meet through an index of channels and countries rather than trying every two.
fn link_all(items: &[Item], sku: u32, forest: &mut Forest) {
    if items.len() < 2 {
        return;
    }
    let mut sorted: Vec<&Item> = items.iter().collect();
    sorted.sort_by(|a, b| {
        (
            a.list_valid.from,
            a.list_valid.until,
            &a.condition,
            a.valid.from,
            a.idx,
        )
            .cmp(&(
                b.list_valid.from,
                b.list_valid.until,
                &b.condition,
                b.valid.from,
                b.idx,
            ))
    });
    let mut groups: Vec<Runs> = Vec::new();
    for same in sorted.chunk_by(|a, b| a.list_valid == b.list_valid && a.condition == b.condition) {
        let Some(head) = same.first() else { continue };
        let mut runs: Vec<(Option<Timestamp>, Option<Timestamp>, u32)> = Vec::new();
        for item in same {
            match runs.last_mut() {
                Some((_, end, first)) if starts_before(item.valid.from, *end) => {
                    forest.join(*first, item.idx, sku);
                    *end = later(*end, item.valid.until);
                }
                _ => runs.push((item.valid.from, item.valid.until, item.idx)),
            }
        }
        groups.push(Runs {
            list_valid: head.list_valid,
            condition: head.condition.clone(),
            runs,
        });
    }
    if groups.len() < 2 {
        return;
    }
    // Which groups each condition can meet: open conditions meet every one; the others only
    // those sharing a channel (or limiting none) and sharing a country (or limiting none).
    let mut open: Vec<usize> = Vec::new();
    let mut by_channel: HashMap<u32, Vec<usize>> = HashMap::new();
    let mut by_country: HashMap<crate::country::Country, Vec<usize>> = HashMap::new();
    let (mut no_channel, mut no_country): (Vec<usize>, Vec<usize>) = (Vec::new(), Vec::new());
    for (g, group) in groups.iter().enumerate() {
        let c = &group.condition;
        if c.is_open() {
            open.push(g);
            continue;
        }
        if c.channels.is_empty() {
            no_channel.push(g);
        }
        if c.countries.is_empty() {
            no_country.push(g);
        }
        for &ch in c.channels.iter() {
            by_channel.entry(ch).or_default().push(g);
        }
        for &co in c.countries.iter() {
            by_country.entry(co).or_default().push(g);
        }
    }
    let mut candidates: Vec<usize> = Vec::new();
    for (g, group) in groups.iter().enumerate() {
        candidates.clear();
        let c = &group.condition;
        if c.is_open() {
            // Open against open here; against the others from their side.
            candidates.extend(open.iter().copied().filter(|&h| h > g));
        } else {
            candidates.extend(open.iter().copied());
            let count =
                |keys: &[usize], extra: usize| keys.iter().fold(extra, |n, &k| n.saturating_add(k));
            let via_channels: Vec<usize> = c
                .channels
                .iter()
                .map(|ch| by_channel.get(ch).map_or(0, Vec::len))
                .collect();
            let via_countries: Vec<usize> = c
                .countries
                .iter()
                .map(|co| by_country.get(co).map_or(0, Vec::len))
                .collect();
            let use_channels = !c.channels.is_empty()
                && (c.countries.is_empty()
                    || count(&via_channels, no_channel.len())
                        <= count(&via_countries, no_country.len()));
            let mut conditioned: Vec<usize> = if use_channels {
                c.channels
                    .iter()
                    .flat_map(|ch| by_channel.get(ch).into_iter().flatten().copied())
                    .chain(no_channel.iter().copied())
                    .collect()
            } else {
                c.countries
                    .iter()
                    .flat_map(|co| by_country.get(co).into_iter().flatten().copied())
                    .chain(no_country.iter().copied())
                    .collect()
            };
            conditioned.retain(|&h| h > g);
            conditioned.sort_unstable();
            conditioned.dedup();
            candidates.extend(conditioned);
        }
        for &h in &candidates {
            let Some(other) = groups.get(h) else { continue };
            if h == g
                || !group.list_valid.overlaps(&other.list_valid)
                || group.condition.disjoint(&other.condition)
            {
                continue;
            }
            join_runs(&group.runs, &other.runs, sku, forest);
        }
    }
}

/// Joins the runs of two groups that overlap in time (both sorted and disjoint): the runs of
/// the smaller are looked up in the larger.
fn join_runs(
    a: &[(Option<Timestamp>, Option<Timestamp>, u32)],
    b: &[(Option<Timestamp>, Option<Timestamp>, u32)],
    sku: u32,
    forest: &mut Forest,
) {
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    for &(from, until, rep) in small {
        // The first run of `large` ending after `from`; ends grow with starts, runs being
        // disjoint.
        let start = large.partition_point(|&(_, end, _)| !starts_before(from, end));
        for &(other_from, _, other) in large.iter().skip(start) {
            if !starts_before(other_from, until) {
                break;
            }
            forest.join(rep, other, sku);
        }
    }
}

fn well_formed(i: &Item) -> bool {
    i.valid.is_well_formed() && i.list_valid.is_well_formed()
}

/// One list's candidates of a class and currency, ready to be met by others: per segment
/// member (`None` for reaches that all meet), its groups of one list window and condition as
/// runs of assignment windows. `None` from `prepare` when a window is not well formed.
struct Prepared {
    by_key: HashMap<Option<u32>, Vec<Runs>>,
}

fn prepare(items: &[Item]) -> Option<Prepared> {
    if !items.iter().all(well_formed) {
        return None;
    }
    let mut keyed: HashMap<Option<u32>, Vec<&Item>> = HashMap::new();
    for item in items {
        match &item.reach {
            Reach::All => keyed.entry(None).or_default().push(item),
            Reach::Members(members) => {
                for &m in members.iter() {
                    keyed.entry(Some(m)).or_default().push(item);
                }
            }
        }
    }
    let mut by_key: HashMap<Option<u32>, Vec<Runs>> = HashMap::new();
    for (key, mut sorted) in keyed {
        sorted.sort_by(|a, b| {
            (&a.condition, a.valid.from, a.idx).cmp(&(&b.condition, b.valid.from, b.idx))
        });
        let groups = by_key.entry(key).or_default();
        for same in
            sorted.chunk_by(|a, b| a.list_valid == b.list_valid && a.condition == b.condition)
        {
            let Some(head) = same.first() else { continue };
            let mut runs: Vec<(Option<Timestamp>, Option<Timestamp>, u32)> = Vec::new();
            for item in same {
                match runs.last_mut() {
                    Some((_, end, _)) if starts_before(item.valid.from, *end) => {
                        *end = later(*end, item.valid.until);
                    }
                    _ => runs.push((item.valid.from, item.valid.until, item.idx)),
                }
            }
            groups.push(Runs {
                list_valid: head.list_valid,
                condition: head.condition.clone(),
                runs,
            });
        }
    }
    Some(Prepared { by_key })
}

impl Prepared {
    /// Joins `x` (a well-formed candidate of another list) to every run of this list it ties
    /// with: a shared reach, overlapping list windows, conditions that can hold together and an
    /// assignment window overlapping the run's span (so overlapping one of its candidates).
    fn meet(&self, x: &Item, sku: u32, forest: &mut Forest) {
        let keys: Vec<Option<u32>> = match &x.reach {
            Reach::All => vec![None],
            Reach::Members(members) => members.iter().map(|&m| Some(m)).collect(),
        };
        let probe = [(x.valid.from, x.valid.until, x.idx)];
        for key in keys {
            for group in self.by_key.get(&key).into_iter().flatten() {
                if group.list_valid.overlaps(&x.list_valid)
                    && !group.condition.disjoint(&x.condition)
                {
                    join_runs(&probe, &group.runs, sku, forest);
                }
            }
        }
    }
}

/// Whether `from` is before `end` (`None`: since always, forever).
fn starts_before(from: Option<Timestamp>, end: Option<Timestamp>) -> bool {
    match (from, end) {
        (Some(f), Some(e)) => f < e,
        _ => true,
    }
}

/// Compares items pairwise in order of their assignment windows' starts, stopping for each at
/// the first that starts after its window ends; pairs already in one group are skipped. Only
/// for windows a valid dataset never has.
fn pairwise(items: &mut [Item], sku: u32, forest: &mut Forest) {
    items.sort_by(|a, b| a.valid.from.cmp(&b.valid.from).then(a.idx.cmp(&b.idx)));
    for (i, a) in items.iter().enumerate() {
        for b in items.iter().skip(i.saturating_add(1)) {
            if !starts_before(b.valid.from, a.valid.until) {
                break;
            }
            if a.valid.overlaps(&b.valid)
                && a.list_valid.overlaps(&b.list_valid)
                && !forest.same(a.idx, b.idx)
                && a.reach.meets(&b.reach)
                && !a.condition.disjoint(&b.condition)
            {
                forest.join(a.idx, b.idx, sku);
            }
        }
    }
}

/// Rejects two assignments that could decide the same price under the precedence policy with
/// nothing to choose between them: same specificity class for some account whose policy is
/// precedence and whose currency is the lists' currency, same priority, overlapping windows,
/// and a SKU both lists price. Each group of assignments joined by such ties is one problem.
pub(crate) fn check_ties(
    assignments: &[AssignmentRec],
    lists: &[ListRec],
    accounts: &Accounts,
    segments: &[SegmentRec],
    catalog: &Catalog,
    guests_priced: bool,
    problems: &mut Vec<BuildProblem>,
) {
    let index = TieIndex::build(assignments, lists);
    Ties {
        assignments,
        lists,
        accounts,
        segments,
        catalog,
        guests_priced,
    }
    .check_all(&index, problems);
}

/// Whether a list prices a SKU at some quantity (deriving through relative lists, windows
/// aside).
pub(crate) fn prices<L: super::ListTable + ?Sized>(
    lists: &L,
    list: u32,
    sku: u32,
    catalog: &Catalog,
) -> bool {
    let cats = catalog.get(sku).map(|s| &s.categories[..]).unwrap_or(&[]);
    let mut cur = list;
    for _ in 0..=pricing::MAX_RELATIVE_DEPTH {
        match lists.list(cur).map(|l| &l.body) {
            Some(ListBody::Absolute(table)) => return table.get(sku).is_some(),
            Some(ListBody::Relative { base, adjustments }) => {
                // At some quantity (B7 is conservative about `min_qty`).
                if pricing::pick_adjustment(adjustments, sku, cats, u64::MAX, 0).is_none() {
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
                        let cats = catalog.get(sku).map(|s| &s.categories[..]).unwrap_or(&[]);
                        chain.iter().all(|adjs| {
                            pricing::pick_adjustment(adjs, sku, cats, u64::MAX, 0).is_some()
                        })
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

#[cfg(test)]
mod tests {
    //! The grouped check against the plain pairwise rule it replaced, on generated data.
    #![allow(
        clippy::unwrap_used,
        clippy::indexing_slicing,
        clippy::arithmetic_side_effects,
        clippy::cast_possible_truncation,
        reason = "test code: a panic is a failed test, and its arithmetic runs on small values"
    )]

    use super::*;
    use crate::format::pricing::{
        AdjustmentData, AssignmentData, EntryData, PriceListData, RelativeData, TierData,
    };
    use crate::format::{AccountData, Dataset, Inheritance, Scope, SegmentData, SkuData};
    use crate::model::pricing::ListTable;
    use crate::model::pricing::build::{build_assignments, build_lists};
    use crate::model::pricing::table::{EntryRow, Tier};
    use crate::model::segment::build_segments;
    use crate::model::validate::RuleContext;

    /// The rule as it was written before the grouping: whether two assignments of one class
    /// could tie, SKUs aside.
    fn could_tie(
        t: &Ties<'_, [ListRec]>,
        group: TieGroup,
        a: &AssignmentRec,
        b: &AssignmentRec,
    ) -> bool {
        let (Some(la), Some(lb)) = (t.lists.list(a.list), t.lists.list(b.list)) else {
            return false;
        };
        if la.currency != lb.currency
            || a.condition.disjoint(&b.condition)
            || !a.valid.overlaps(&b.valid)
            || !la.valid.overlaps(&lb.valid)
        {
            return false;
        }
        let currency = la.currency;
        match (group, a.scope, b.scope) {
            (TieGroup::Own(x), ScopeKey::Subtree(_), ScopeKey::Subtree(_)) => {
                t.any_deciding_in_subtree(x, currency)
            }
            (TieGroup::Own(x), _, _) => t.decides(x, currency, PriceFallback::Own),
            (TieGroup::Segment, ScopeKey::Segment(sa), ScopeKey::Segment(sb)) => {
                let (ma, mb) = (&t.segments[sa as usize], &t.segments[sb as usize]);
                ma.members.iter().any(|m| {
                    mb.members.binary_search(m).is_ok()
                        && t.decides(*m, currency, PriceFallback::Segments)
                })
            }
            (TieGroup::Everyone, _, _) => {
                t.guests_priced
                    || (0..to_u32(t.accounts.recs.len()))
                        .any(|i| t.decides(i, currency, PriceFallback::Everyone))
            }
            (TieGroup::Guests, _, _) => t.guests_priced,
            _ => false,
        }
    }

    /// Every tying pair, joined into groups with the first SKU on which two tie, as problems.
    fn pairwise_reference(t: &Ties<'_, [ListRec]>, index: &TieIndex) -> Vec<BuildProblem> {
        let mut forest = Forest::default();
        for (&(group, _), members) in &index.groups {
            for (i, &ai) in members.iter().enumerate() {
                for &bi in &members[i + 1..] {
                    let (a, b) = (&t.assignments[ai as usize], &t.assignments[bi as usize]);
                    if !could_tie(t, group, a, b) {
                        continue;
                    }
                    let sa = priced_skus(t.lists, a.list, t.catalog);
                    let sb = priced_skus(t.lists, b.list, t.catalog);
                    if let Some(sku) = first_common(&sa, &sb) {
                        forest.join(ai, bi, sku);
                    }
                }
            }
        }
        let mut problems = Vec::new();
        t.report(forest, |_| true, &mut problems);
        problems
    }

    /// A small xorshift generator: the same data on every run.
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: u64) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0 % n
        }
        fn coin(&mut self) -> bool {
            self.below(2) == 0
        }
    }

    fn window(rng: &mut Rng) -> Option<Window> {
        let t = |d: u32| Some(format!("2026-0{d}-01T00:00:00Z").parse().unwrap());
        match rng.below(8) {
            0 => Some(Window {
                from: t(1),
                until: t(3),
            }),
            6 => Some(Window {
                from: t(5),
                until: t(7),
            }),
            7 => Some(Window {
                from: t(6),
                until: None,
            }),
            1 => Some(Window {
                from: t(2),
                until: t(4),
            }),
            2 => Some(Window {
                from: t(3),
                until: None,
            }),
            3 => Some(Window {
                from: None,
                until: t(2),
            }),
            _ => None,
        }
    }

    fn dataset(rng: &mut Rng) -> Dataset {
        let currency = |rng: &mut Rng| if rng.below(4) == 0 { "EUR" } else { "USD" }.to_string();
        let accounts: Vec<AccountData> = (0..6)
            .map(|i| AccountData {
                id: format!("acc{i}").into(),
                name: "A".into(),
                parent: (i > 0 && rng.coin()).then(|| format!("acc{}", rng.below(i)).into()),
                currency: currency(rng),
                price_policy: Some(if rng.below(3) == 0 {
                    PricePolicy::LowestPrice
                } else {
                    PricePolicy::Precedence
                }),
                price_fallback: match rng.below(5) {
                    0 => Some(PriceFallback::Own),
                    1 => Some(PriceFallback::Tree),
                    2 => Some(PriceFallback::Segments),
                    _ => None,
                },
                inherit: Inheritance {
                    price_lists: rng.below(4) != 0,
                    ..Inheritance::default()
                },
                ..AccountData::default()
            })
            .collect();
        let segments = (0..2)
            .map(|s| SegmentData {
                id: format!("seg{s}").into(),
                name: "S".into(),
                accounts: (0..6)
                    .filter(|_| rng.below(3) == 0)
                    .map(|i| format!("acc{i}").into())
                    .collect(),
                ..SegmentData::default()
            })
            .collect();
        let catalog = (0..4)
            .map(|k| SkuData {
                sku: format!("S{k}").into(),
                name: "S".into(),
                categories: vec![if k % 2 == 0 { "a" } else { "b" }.into()],
                ..SkuData::default()
            })
            .collect();
        let mut price_lists: Vec<PriceListData> = (0..4)
            .map(|l| PriceListData {
                id: format!("L{l}").into(),
                name: "L".into(),
                owner: "o".into(),
                currency: currency(rng),
                valid: window(rng),
                entries: (0..4)
                    .filter(|_| rng.below(3) == 0)
                    .map(|k| EntryData {
                        sku: format!("S{k}").into(),
                        tiers: vec![TierData {
                            min_qty: 1u64.into(),
                            unit_price: 1.into(),
                        }],
                        ..EntryData::default()
                    })
                    .collect(),
                ..PriceListData::default()
            })
            .collect();
        for r in 0..2 {
            let base = rng.below(4 + r) as usize;
            price_lists.push(PriceListData {
                id: format!("R{r}").into(),
                name: "R".into(),
                owner: "o".into(),
                currency: price_lists[base].currency.clone(),
                valid: window(rng),
                relative: Some(RelativeData {
                    base: price_lists[base].id.clone(),
                    adjustments: vec![AdjustmentData {
                        category: rng.coin().then(|| "a".to_string()),
                        percent: (-5).into(),
                        ..AdjustmentData::default()
                    }],
                }),
                ..PriceListData::default()
            });
        }
        let assignments = (0..10)
            .map(|i| AssignmentData {
                id: format!("as{i}").into(),
                price_list: price_lists[rng.below(6) as usize].id.clone(),
                scope: match rng.below(6) {
                    0 => Scope::Everyone,
                    5 => Scope::Guests,
                    1 => Scope::Segment(format!("seg{}", rng.below(2)).into()),
                    2 => Scope::Subtree(format!("acc{}", rng.below(3)).into()),
                    _ => Scope::Account(format!("acc{}", rng.below(3)).into()),
                },
                priority: rng.below(2) as i32,
                valid: window(rng),
                // Mostly open, sometimes limited to channels or countries (C4).
                channels: (0..2)
                    .filter(|_| rng.below(5) == 0)
                    .map(|c| format!("ch{c}").into())
                    .collect(),
                countries: ["DE", "FR"]
                    .into_iter()
                    .filter(|_| rng.below(5) == 0)
                    .map(|c| c.parse().unwrap())
                    .collect(),
                ..AssignmentData::default()
            })
            .collect();
        Dataset {
            channels: (0..2)
                .map(|c| crate::format::ChannelData {
                    id: format!("ch{c}").into(),
                    name: "C".into(),
                    guest_prices: c == 0 && rng.coin(),
                })
                .collect(),
            accounts,
            segments,
            catalog,
            price_lists,
            assignments,
            ..Dataset::default()
        }
    }

    struct Built {
        assignments: Vec<AssignmentRec>,
        lists: Vec<ListRec>,
        accounts: Accounts,
        segments: Vec<SegmentRec>,
        catalog: Catalog,
        guests_priced: bool,
    }

    impl Built {
        fn ties(&self) -> Ties<'_, [ListRec]> {
            Ties {
                assignments: &self.assignments,
                lists: &self.lists,
                accounts: &self.accounts,
                segments: &self.segments,
                catalog: &self.catalog,
                guests_priced: self.guests_priced,
            }
        }
    }

    /// The parts of a snapshot the tie rule reads, or `None` when the data has other problems.
    fn build(ds: &Dataset) -> Option<Built> {
        let mut problems = Vec::new();
        let mut accounts = Accounts::build(&ds.accounts, &mut problems);
        let segments = build_segments(ds, &mut accounts, &mut problems);
        let catalog = Catalog::build(&ds.catalog, &mut problems);
        let (lists, _) = build_lists(ds, &catalog, &mut problems);
        let list_index: HashMap<&str, u32> = lists
            .iter()
            .enumerate()
            .map(|(i, l)| (l.id.as_str(), to_u32(i)))
            .collect();
        let segment_index: HashMap<&str, u32> = segments
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.as_str(), to_u32(i)))
            .collect();
        let roles = BTreeSet::new();
        let experiments = HashMap::new();
        let channels = crate::model::context::Channels::build(&ds.channels, &mut problems);
        let ctx = RuleContext {
            accounts: &accounts,
            segments: &segment_index,
            roles: &roles,
            catalog: &catalog,
            experiments: &experiments,
            channels: &channels,
        };
        let assignments = build_assignments(ds, &list_index, &lists, &ctx, &mut problems);
        problems.is_empty().then_some(Built {
            assignments,
            lists,
            accounts,
            segments,
            catalog,
            guests_priced: channels.any_guest_prices(),
        })
    }

    #[test]
    fn the_grouped_check_finds_the_groups_the_pairwise_rule_finds() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let (mut checked, mut tied, mut several) = (0, 0, 0);
        for _ in 0..3_000 {
            let Some(b) = build(&dataset(&mut rng)) else {
                continue;
            };
            let index = TieIndex::build(&b.assignments, &b.lists);
            let mut found = Vec::new();
            b.ties().check_all(&index, &mut found);
            assert_eq!(found, pairwise_reference(&b.ties(), &index));
            checked += 1;
            tied += usize::from(!found.is_empty());
            several += usize::from(found.iter().any(|p| {
                matches!(p, BuildProblem::AmbiguousAssignments { assignments, .. } if assignments.len() > 2)
            }));
        }
        // The generator reaches both outcomes and groups of more than two.
        assert!(
            checked > 1_000 && tied > 200 && checked - tied > 200 && several > 20,
            "{checked} {tied} {several}"
        );
    }

    #[test]
    fn a_new_entry_finds_the_ties_a_whole_check_finds() {
        let mut rng = Rng(0x2545_F491_4F6C_DD1D);
        let mut tied = 0;
        for _ in 0..3_000 {
            let Some(mut b) = build(&dataset(&mut rng)) else {
                continue;
            };
            let index = TieIndex::build(&b.assignments, &b.lists);
            let mut before = Vec::new();
            b.ties().check_all(&index, &mut before);
            if !before.is_empty() {
                continue;
            }
            // A tie-free snapshot; give one absolute list a SKU it lacks.
            let list = rng.below(4) as u32;
            let sku = rng.below(4) as u32;
            let ListBody::Absolute(table) = &b.lists[list as usize].body else {
                continue;
            };
            if table.get(sku).is_some() {
                continue;
            }
            let sku_lists = SkuLists::build(&b.lists, b.catalog.recs.len()).with_added(list, sku);
            b.lists[list as usize].body = ListBody::Absolute(table.with_entry(EntryRow {
                sku,
                tiers: smallvec::smallvec![Tier {
                    min_qty: 1,
                    unit_price: 2.into(),
                }],
                extra: None,
            }));
            let (mut whole, mut new) = (Vec::new(), Vec::new());
            b.ties().check_all(&index, &mut whole);
            b.ties()
                .check_new_entries(&index, &sku_lists, [(list, sku)], &mut new);
            assert_eq!(new, whole);
            tied += usize::from(!new.is_empty());
        }
        assert!(tied > 50, "{tied}");
    }
}
