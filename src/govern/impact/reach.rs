//! What a change can reach: the difference between two snapshots (lists and the SKUs whose
//! entries changed, assignments, rules, segments, accounts, SKUs), mapped to the (account, SKU)
//! pairs their scopes reach. An over-approximation is safe, a miss is not: only these pairs are
//! re-resolved by the impact preview.

use crate::format::{Dataset, Scope};
use crate::id::{AccountId, PriceListId, Sku};
use crate::model::account::StoredAccount;
use crate::model::pricing::ListBody;
use crate::model::snapshot::Built;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// Which SKUs of an account may have changed.
#[derive(Clone, Debug)]
pub(crate) enum Skus {
    All,
    Some(BTreeSet<Sku>),
}

/// The (account, SKU) pairs a difference can reach.
#[derive(Debug, Default)]
pub(crate) struct Reach {
    pub(crate) all_accounts: Option<Skus>,
    pub(crate) accounts: BTreeMap<AccountId, Skus>,
}

impl Reach {
    fn add(&mut self, account: AccountId, skus: Skus) {
        let slot = self
            .accounts
            .entry(account)
            .or_insert(Skus::Some(BTreeSet::new()));
        merge(slot, skus);
    }

    fn add_all_accounts(&mut self, skus: Skus) {
        let slot = self.all_accounts.get_or_insert(Skus::Some(BTreeSet::new()));
        merge(slot, skus);
    }
}

pub(crate) fn merge(slot: &mut Skus, skus: Skus) {
    match (&mut *slot, skus) {
        (Skus::All, _) => {}
        (_, Skus::All) => *slot = Skus::All,
        (Skus::Some(a), Skus::Some(b)) => a.extend(b),
    }
}

/// Accounts a scope reaches in a snapshot (descendants included for a subtree, whatever their
/// inheritance: an over-approximation is safe, a miss is not).
fn scope_accounts(inner: &Built, scope: &Scope) -> Option<Vec<AccountId>> {
    let subtree = |root: &AccountId| {
        let mut out = Vec::new();
        let mut stack: Vec<u32> = inner.accounts.lookup(root.as_str()).into_iter().collect();
        while let Some(i) = stack.pop() {
            if let Some(a) = inner.accounts.get(i) {
                out.push(a.id.clone());
                stack.extend(a.children.iter().copied());
            }
        }
        out
    };
    match scope {
        Scope::Everyone => None,
        // Guests are no account: an impact preview compares accounts only (G8).
        Scope::Guests => Some(Vec::new()),
        Scope::Account(a) => Some(vec![a.clone()]),
        Scope::Subtree(a) => Some(subtree(a)),
        Scope::Segment(s) => Some(
            inner
                .segments
                .iter()
                .find(|seg| &seg.id == s)
                .map(|seg| {
                    seg.members
                        .iter()
                        .filter_map(|&m| inner.accounts.get(m).map(|a| a.id.clone()))
                        .collect()
                })
                .unwrap_or_default(),
        ),
    }
}

fn reach_scope(reach: &mut Reach, inner: &Built, scope: &Scope, skus: Skus) {
    match scope_accounts(inner, scope) {
        None => reach.add_all_accounts(skus),
        Some(accounts) => {
            for a in accounts {
                reach.add(a, skus.clone());
            }
        }
    }
}

/// Lists deriving, directly or not, from a list (the list included), by id. A cost list's
/// prices also move every list of its currency stating a margin over cost (P6d), and the lists
/// deriving from those.
fn with_derived(data: &Dataset, list: &PriceListId) -> BTreeSet<PriceListId> {
    let mut out = BTreeSet::from([list.clone()]);
    if let Some(cost) = data.price_lists.iter().find(|l| l.id == *list && l.cost) {
        out.extend(
            data.price_lists
                .iter()
                .filter(|l| l.currency == cost.currency && states_margins(l))
                .map(|l| l.id.clone()),
        );
    }
    loop {
        let before = out.len();
        for l in &data.price_lists {
            if let Some(rel) = &l.relative
                && out.contains(&rel.base)
            {
                out.insert(l.id.clone());
            }
        }
        if out.len() == before || out.len() > data.price_lists.len() {
            return out;
        }
    }
}

/// Whether a list or one of its adjustments states a margin over cost (P6d).
fn states_margins(l: &crate::format::PriceListData) -> bool {
    l.min_margin.is_some()
        || l.max_margin.is_some()
        || l.relative.as_ref().is_some_and(|r| {
            r.adjustments
                .iter()
                .any(|a| a.min_margin.is_some() || a.max_margin.is_some())
        })
}

/// Adds the accounts reached by the assignments of these lists, for these SKUs.
fn reach_lists(reach: &mut Reach, inner: &Built, lists: &BTreeSet<PriceListId>, skus: &Skus) {
    for a in &inner.source.assignments {
        if lists.contains(&a.price_list) {
            reach_scope(reach, inner, &a.scope, skus.clone());
        }
    }
}

/// SKUs whose entries differ between two versions of one list.
fn changed_entries(before: &Built, after: &Built, list: &PriceListId) -> Skus {
    let table = |inner: &Built| {
        inner
            .list_index
            .get(list)
            .and_then(|&i| inner.lists.get(i as usize))
            .and_then(|l| match &l.body {
                ListBody::Absolute(t) => Some(t.clone()),
                ListBody::Relative { .. } => None,
            })
    };
    let (Some(a), Some(b)) = (table(before), table(after)) else {
        return Skus::All;
    };
    let rows =
        |inner: &Built, t: &crate::model::pricing::table::PriceTable| -> BTreeMap<Sku, String> {
            t.iter()
                .filter_map(|(sku, e)| {
                    let id = inner.catalog.get(sku)?.sku.clone();
                    Some((id, format!("{:?}{:?}", e.tiers, e.extra)))
                })
                .collect()
        };
    if Arc::ptr_eq(&before.model, &after.model) {
        // Same catalogue: compare chunk by chunk, sharing skipped.
        let skus: BTreeSet<Sku> = a
            .diff_skus(&b)
            .into_iter()
            .filter_map(|s| before.catalog.get(s).map(|r| r.sku.clone()))
            .collect();
        return Skus::Some(skus);
    }
    let (ra, rb) = (rows(before, &a), rows(after, &b));
    let mut skus = BTreeSet::new();
    for (k, v) in &ra {
        if rb.get(k) != Some(v) {
            skus.insert(k.clone());
        }
    }
    for k in rb.keys() {
        if !ra.contains_key(k) {
            skus.insert(k.clone());
        }
    }
    Skus::Some(skus)
}

/// Items of one kind that differ between two datasets, by id.
fn differing<'a, T: PartialEq, K: Ord + Clone>(
    before: &'a [T],
    after: &'a [T],
    key: impl Fn(&T) -> K,
) -> Vec<(Option<&'a T>, Option<&'a T>)> {
    let a: BTreeMap<K, &T> = before.iter().map(|x| (key(x), x)).collect();
    let b: BTreeMap<K, &T> = after.iter().map(|x| (key(x), x)).collect();
    let keys: BTreeSet<K> = a.keys().chain(b.keys()).cloned().collect();
    keys.into_iter()
        .filter_map(|k| {
            let (x, y) = (a.get(&k).copied(), b.get(&k).copied());
            (x != y).then_some((x, y))
        })
        .collect()
}

pub(crate) fn reach_of(before: &Built, after: &Built) -> Reach {
    let mut reach = Reach::default();
    let (sa, sb) = (&before.source, &after.source);
    // Price lists: entries and settings.
    let ids: BTreeSet<&PriceListId> = sa
        .price_lists
        .iter()
        .chain(&sb.price_lists)
        .map(|l| &l.id)
        .collect();
    let headers = |d: &'_ Dataset| -> BTreeMap<PriceListId, usize> {
        d.price_lists
            .iter()
            .enumerate()
            .map(|(i, l)| (l.id.clone(), i))
            .collect()
    };
    let (ha, hb) = (headers(sa), headers(sb));
    for id in ids {
        // The same shared list in both versions: nothing in it changed. (Checked first: it is
        // one pointer comparison, and it is the answer for almost every list.)
        let same = match (
            before
                .list_index
                .get(id)
                .and_then(|&i| before.lists.get(i as usize)),
            after
                .list_index
                .get(id)
                .and_then(|&i| after.lists.get(i as usize)),
        ) {
            (Some(p), Some(q)) => Arc::ptr_eq(p, q),
            _ => false,
        };
        if same {
            continue;
        }
        let header_a = ha.get(id).and_then(|&i| sa.price_lists.get(i));
        let header_b = hb.get(id).and_then(|&i| sb.price_lists.get(i));
        let skus = if header_a != header_b {
            Skus::All
        } else {
            match changed_entries(before, after, id) {
                Skus::Some(s) if s.is_empty() => continue,
                other => other,
            }
        };
        for (inner, data) in [(before, sa), (after, sb)] {
            reach_lists(&mut reach, inner, &with_derived(data, id), &skus);
        }
    }
    if Arc::ptr_eq(&before.model, &after.model) {
        return reach;
    }
    for (x, y) in differing(&sa.assignments, &sb.assignments, |a| a.id.clone()) {
        if let Some(a) = x {
            reach_scope(&mut reach, before, &a.scope, Skus::All);
        }
        if let Some(a) = y {
            reach_scope(&mut reach, after, &a.scope, Skus::All);
        }
    }
    for (x, y) in differing(&sa.visibility_rules, &sb.visibility_rules, |r| r.id.clone()) {
        if let Some(r) = x {
            reach_scope(&mut reach, before, &r.scope, Skus::All);
        }
        if let Some(r) = y {
            reach_scope(&mut reach, after, &r.scope, Skus::All);
        }
    }
    for (x, y) in differing(&sa.segments, &sb.segments, |s| s.id.clone()) {
        for (inner, seg) in [(before, x), (after, y)] {
            if let Some(seg) = seg {
                reach_scope(
                    &mut reach,
                    inner,
                    &Scope::Segment(seg.id.clone()),
                    Skus::All,
                );
            }
        }
    }
    // An experiment's salt or share moves accounts between its arms: every rule tagged with
    // it, in either version, reaches its scope anew.
    for (x, y) in differing(&sa.experiments, &sb.experiments, |x| x.id.clone()) {
        let Some(id) = x.or(y).map(|x| &x.id) else {
            continue;
        };
        for (inner, data) in [(before, sa), (after, sb)] {
            let tagged = |e: &Option<String>| e.as_ref() == Some(id);
            for a in data.assignments.iter().filter(|a| tagged(&a.experiment)) {
                reach_scope(&mut reach, inner, &a.scope, Skus::All);
            }
            for r in data
                .visibility_rules
                .iter()
                .filter(|r| tagged(&r.experiment))
            {
                reach_scope(&mut reach, inner, &r.scope, Skus::All);
            }
        }
    }
    let (aa, ab): (Vec<_>, Vec<_>) = (
        before
            .accounts
            .data
            .iter()
            .map(StoredAccount::to_data)
            .collect(),
        after
            .accounts
            .data
            .iter()
            .map(StoredAccount::to_data)
            .collect(),
    );
    for (x, y) in differing(&aa, &ab, |a| a.id.clone()) {
        for (inner, acc) in [(before, x), (after, y)] {
            if let Some(acc) = acc {
                reach_scope(
                    &mut reach,
                    inner,
                    &Scope::Subtree(acc.id.clone()),
                    Skus::All,
                );
                reach.add(acc.id.clone(), Skus::All);
            }
        }
        // A change to its attributes moves only the account itself into or out of predicate
        // segments, and the account is already reached with every SKU above.
    }
    let (ca, cb) = (before.catalog.to_data(), after.catalog.to_data());
    let sku_changes = differing(&ca, &cb, |s| s.sku.clone());
    if !sku_changes.is_empty() {
        let skus: BTreeSet<Sku> = sku_changes
            .iter()
            .filter_map(|(x, y)| x.or(*y).map(|s| s.sku.clone()))
            .collect();
        reach.add_all_accounts(Skus::Some(skus));
    }
    reach
}
