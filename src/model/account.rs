//! The account forest: holdings, subsidiaries, branches.
//!
//! Built once: parents are resolved to indexes, cycles and excessive depth are reported, and each
//! account keeps its ancestor chain (nearest first) and its effective settings, so that on the
//! resolve path "is A an ancestor of B" and "which policy applies" are slice scans, never walks
//! over the data.

use crate::error::{BuildProblem, EntityKind};
use crate::format::{AccountData, CatalogMode, Inheritance, PriceFallback, PricePolicy};
use crate::id::AccountId;
use crate::model::id_map::IdMap;
use crate::money::Currency;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Deepest allowed account tree (a top-level account has depth 1). Commerce platforms allow 5;
/// this leaves room while keeping ancestor chains short.
pub const MAX_DEPTH: usize = 16;

/// A validated account.
#[derive(Clone, Debug)]
pub(crate) struct AccountRec {
    pub(crate) id: AccountId,
    pub(crate) name: String,
    /// INVARIANT: ancestors nearest first, excluding the account itself; no repeats.
    pub(crate) ancestors: Arc<[u32]>,
    pub(crate) children: Arc<[u32]>,
    pub(crate) currency: Currency,
    /// Further currencies the account may buy in (C3), sorted, without the default.
    pub(crate) currencies: Arc<[Currency]>,
    pub(crate) policy: PricePolicy,
    /// How far the account's own price-list search goes (effective: nearest set, S10).
    pub(crate) fallback: PriceFallback,
    pub(crate) catalog_mode: CatalogMode,
    pub(crate) max_lead_time_days: Option<u32>,
    pub(crate) inherit: Inheritance,
    /// Segments the account belongs to, sorted by segment index.
    pub(crate) segments: Arc<[u32]>,
}

impl AccountRec {
    /// The settings a guest is decided with (G1, G4): no account, no ancestor, no segment;
    /// `precedence`, the whole search, an `open` catalogue. Its currency is never read: a
    /// guest's currency is the one the query names.
    pub(crate) fn guest() -> AccountRec {
        AccountRec {
            id: AccountId::new(""),
            name: "guests".to_string(),
            ancestors: Arc::new([]),
            children: Arc::new([]),
            currency: Currency::PLACEHOLDER,
            currencies: Arc::new([]),
            policy: PricePolicy::Precedence,
            fallback: PriceFallback::Everyone,
            catalog_mode: CatalogMode::Open,
            max_lead_time_days: None,
            inherit: Inheritance::default(),
            segments: Arc::new([]),
        }
    }
}

/// All accounts, indexed.
#[derive(Clone, Debug, Default)]
pub(crate) struct Accounts {
    /// A flat array, not a persistent vector: every query reads its account's record, and at
    /// 100,000 accounts a persistent vector's lookup follows three levels of nodes (a cache
    /// miss each) where an array takes one. A change to the account tree copies it once.
    pub(crate) recs: Arc<Vec<AccountRec>>,
    /// Account index by id: positions in `recs` hashed by the id in the record, which is stored
    /// once ([`IdIndex`](crate::model::id_map::IdIndex)): one slot read, then the record the
    /// caller reads next anyway.
    pub(crate) index: Arc<crate::model::id_map::IdIndex>,
    /// Each account as given, aligned with `recs`: what changes and exports start from.
    pub(crate) data: imbl::Vector<StoredAccount>,
}

/// An account as given, its attributes shared with every account that has the same ones.
///
/// Accounts mostly draw their attributes from a few values (a type, a region), and a map of
/// them costs over 600 bytes an account (a `BTreeMap` node holds eleven slots); interned, an
/// account pays a pointer.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct StoredAccount {
    /// The account as given, except its attributes (left empty): they are in `attributes`.
    pub(crate) data: AccountData,
    attributes: Arc<crate::format::Attributes>,
}

impl StoredAccount {
    /// The account stored, its attributes interned in `shared`.
    fn interned(
        a: &AccountData,
        shared: &mut std::collections::HashMap<
            crate::format::Attributes,
            Arc<crate::format::Attributes>,
        >,
    ) -> StoredAccount {
        let attributes = match shared.get(&a.attributes) {
            Some(s) => Arc::clone(s),
            None => {
                let s = Arc::new(a.attributes.clone());
                shared.insert(a.attributes.clone(), Arc::clone(&s));
                s
            }
        };
        StoredAccount::with(a, attributes)
    }

    fn with(a: &AccountData, attributes: Arc<crate::format::Attributes>) -> StoredAccount {
        StoredAccount {
            data: AccountData {
                id: a.id.clone(),
                name: a.name.clone(),
                parent: a.parent.clone(),
                currency: a.currency.clone(),
                currencies: a.currencies.clone(),
                attributes: crate::format::Attributes::new(),
                price_policy: a.price_policy,
                price_fallback: a.price_fallback,
                max_lead_time_days: a.max_lead_time_days,
                catalog_mode: a.catalog_mode,
                inherit: a.inherit,
            },
            attributes,
        }
    }

    /// Its attributes.
    pub(crate) fn attributes(&self) -> &crate::format::Attributes {
        &self.attributes
    }

    /// The account as data.
    pub(crate) fn to_data(&self) -> AccountData {
        AccountData {
            attributes: (*self.attributes).clone(),
            ..self.data.clone()
        }
    }
}

impl Accounts {
    pub(crate) fn get(&self, idx: u32) -> Option<&AccountRec> {
        self.recs.get(idx as usize)
    }

    /// The id of an account named by an index held inside this snapshot (a membership, an
    /// ancestor chain, a scope level).
    #[expect(
        clippy::indexing_slicing,
        reason = "INVARIANT: every account index a snapshot holds was given by this table, and \
                  a snapshot never removes or reorders accounts without rebuilding every index \
                  (the account-tree path of a changeset only re-parents existing accounts)"
    )]
    pub(crate) fn id_of(&self, idx: u32) -> &AccountId {
        &self.recs[idx as usize].id
    }

    pub(crate) fn lookup(&self, id: &str) -> Option<u32> {
        self.index.find(id, |i| {
            self.recs
                .get(i as usize)
                .is_some_and(|r| r.id.as_str() == id)
        })
    }

    /// Validates the forest. Accounts are indexed in id order so that indexes, and everything
    /// derived from them, do not depend on the order of the input.
    pub(crate) fn build(data: &[AccountData], problems: &mut Vec<BuildProblem>) -> Accounts {
        let mut sorted: Vec<&AccountData> = Vec::with_capacity(data.len());
        for (position, a) in data.iter().enumerate() {
            if a.id.as_str().is_empty() {
                problems.push(BuildProblem::EmptyId {
                    kind: EntityKind::Account,
                    position,
                });
            } else {
                sorted.push(a);
            }
        }
        sorted.sort_by(|a, b| a.id.cmp(&b.id));
        let mut unique: Vec<&AccountData> = Vec::with_capacity(sorted.len());
        for a in sorted {
            match unique.last() {
                Some(prev) if prev.id == a.id => {
                    if !matches!(problems.last(), Some(BuildProblem::DuplicateId { kind: EntityKind::Account, id }) if id == a.id.as_str())
                    {
                        problems.push(BuildProblem::DuplicateId {
                            kind: EntityKind::Account,
                            id: a.id.to_string(),
                        });
                    }
                }
                _ => unique.push(a),
            }
        }
        let index: IdMap<AccountId, u32> = unique
            .iter()
            .enumerate()
            .map(|(i, a)| (a.id.clone(), crate::model::validate::to_u32(i)))
            .collect();

        let mut parent: Vec<Option<u32>> = Vec::with_capacity(unique.len());
        for a in &unique {
            let p = match &a.parent {
                None => None,
                Some(pid) => match index.get(pid) {
                    Some(&p) => Some(p),
                    None => {
                        problems.push(BuildProblem::DanglingReference {
                            from_kind: EntityKind::Account,
                            from: a.id.to_string(),
                            to_kind: EntityKind::Account,
                            to: pid.to_string(),
                        });
                        None
                    }
                },
            };
            parent.push(p);
        }

        // Ancestor chains, with cycle detection. `state`: 0 unvisited, 1 on the current path,
        // 2 done. Accounts on a cycle are reported once per cycle and treated as roots afterwards
        // so that the rest of the build can continue and report further problems.
        let n = unique.len();
        let mut chains: Vec<Option<Vec<u32>>> = vec![None; n];
        let mut on_cycle = vec![false; n];
        for start in 0..n {
            let mut path: Vec<usize> = Vec::new();
            let mut cur = Some(start);
            let mut seen_on_path: BTreeMap<usize, usize> = BTreeMap::new();
            while let Some(c) = cur {
                if chains.get(c).is_some_and(|ch| ch.is_some()) {
                    break;
                }
                if let Some(&pos) = seen_on_path.get(&c) {
                    let cycle = path.get(pos..).unwrap_or_default();
                    let mut ids: Vec<AccountId> = cycle
                        .iter()
                        .filter_map(|&i| unique.get(i).map(|a| a.id.clone()))
                        .collect();
                    ids.sort();
                    problems.push(BuildProblem::AccountCycle { accounts: ids });
                    for &i in cycle {
                        if let Some(flag) = on_cycle.get_mut(i) {
                            *flag = true;
                        }
                        if let Some(ch) = chains.get_mut(i) {
                            *ch = Some(Vec::new());
                        }
                    }
                    break;
                }
                seen_on_path.insert(c, path.len());
                path.push(c);
                cur = parent.get(c).copied().flatten().map(|p| p as usize);
            }
            // Unwind: each account's chain is its parent followed by the parent's chain.
            for &c in path.iter().rev() {
                if chains.get(c).is_some_and(|ch| ch.is_some()) {
                    continue;
                }
                let chain = match parent.get(c).copied().flatten() {
                    Some(p) => {
                        let mut v = vec![p];
                        if let Some(Some(pc)) = chains.get(p as usize) {
                            v.extend_from_slice(pc);
                        }
                        v
                    }
                    None => Vec::new(),
                };
                if let Some(slot) = chains.get_mut(c) {
                    *slot = Some(chain);
                }
            }
        }

        let mut children: Vec<Vec<u32>> = vec![Vec::new(); n];
        for (i, p) in parent.iter().enumerate() {
            if let (Some(p), false) = (p, on_cycle.get(i).copied().unwrap_or(false))
                && let Some(ch) = children.get_mut(*p as usize)
            {
                ch.push(crate::model::validate::to_u32(i));
            }
        }

        let mut recs = Vec::with_capacity(n);
        for (i, a) in unique.iter().enumerate() {
            let chain = chains.get(i).cloned().flatten().unwrap_or_default();
            if chain.len().saturating_add(1) > MAX_DEPTH {
                problems.push(BuildProblem::TooDeep {
                    account: a.id.clone(),
                    depth: chain.len().saturating_add(1),
                    limit: MAX_DEPTH,
                });
            }
            let currency = match Currency::from_code(&a.currency) {
                Some(c) => c,
                None => {
                    problems.push(BuildProblem::UnknownCurrency {
                        kind: EntityKind::Account,
                        id: a.id.to_string(),
                        code: a.currency.clone(),
                    });
                    // Placeholder so the build can go on collecting problems; the build fails.
                    Currency::PLACEHOLDER
                }
            };
            let currencies = further_currencies(a, currency, problems);
            recs.push(AccountRec {
                id: a.id.clone(),
                name: a.name.clone(),
                ancestors: Arc::from(chain),
                children: Arc::from(children.get(i).cloned().unwrap_or_default()),
                currency,
                currencies,
                policy: PricePolicy::Precedence,
                fallback: PriceFallback::Everyone,
                catalog_mode: CatalogMode::Open,
                max_lead_time_days: None,
                inherit: a.inherit,
                segments: Arc::from(Vec::new()),
            });
        }
        // Effective policy: the nearest explicitly set one, self included; root default is
        // precedence.
        let policies: Vec<Option<PricePolicy>> = unique.iter().map(|a| a.price_policy).collect();
        let modes: Vec<Option<CatalogMode>> = unique.iter().map(|a| a.catalog_mode).collect();
        let fallbacks: Vec<Option<PriceFallback>> =
            unique.iter().map(|a| a.price_fallback).collect();
        let lead_times: Vec<Option<u32>> = unique.iter().map(|a| a.max_lead_time_days).collect();
        for (i, rec) in recs.iter_mut().enumerate() {
            rec.policy = nearest_set(&policies, i, &rec.ancestors).unwrap_or_default();
            rec.fallback = nearest_set(&fallbacks, i, &rec.ancestors).unwrap_or_default();
            rec.catalog_mode = nearest_set(&modes, i, &rec.ancestors).unwrap_or_default();
            rec.max_lead_time_days = nearest_set(&lead_times, i, &rec.ancestors);
        }
        Accounts {
            recs: Arc::new(recs),
            index: Arc::new(crate::model::id_map::IdIndex::build(
                unique.iter().map(|a| a.id.as_str()),
            )),
            data: {
                let mut shared = std::collections::HashMap::new();
                unique
                    .into_iter()
                    .map(|a| StoredAccount::interned(a, &mut shared))
                    .collect()
            },
        }
    }

    /// The accounts with `changes` (existing accounts, same attributes) applied, recomputing
    /// only the subtrees they head: ancestor chains, children, effective settings. `None` when a
    /// change cannot be applied this way (a new account, or changed attributes, which can move
    /// accounts between predicate segments); the caller then rebuilds. Problems found are the
    /// ones a build would report.
    pub(crate) fn with_changes(
        &self,
        changes: &[&AccountData],
        problems: &mut Vec<BuildProblem>,
    ) -> Option<(Accounts, std::collections::BTreeSet<u32>)> {
        use std::collections::{BTreeMap, BTreeSet};
        // Whole-entity upserts: the last one of each account is its final state.
        let mut finals: BTreeMap<u32, &AccountData> = BTreeMap::new();
        for change in changes {
            let idx = self.lookup(change.id.as_str())?;
            if *self.data.get(idx as usize)?.attributes() != change.attributes {
                return None;
            }
            finals.insert(idx, change);
        }
        // Validate the final state, as a build would.
        let mut parents: BTreeMap<u32, Option<u32>> = BTreeMap::new();
        for (&idx, change) in &finals {
            let parent = match &change.parent {
                None => None,
                Some(pid) => match self.lookup(pid.as_str()) {
                    Some(p) => Some(p),
                    None => {
                        problems.push(BuildProblem::DanglingReference {
                            from_kind: EntityKind::Account,
                            from: change.id.to_string(),
                            to_kind: EntityKind::Account,
                            to: pid.to_string(),
                        });
                        None
                    }
                },
            };
            parents.insert(idx, parent);
            match Currency::from_code(&change.currency) {
                None => problems.push(BuildProblem::UnknownCurrency {
                    kind: EntityKind::Account,
                    id: change.id.to_string(),
                    code: change.currency.clone(),
                }),
                Some(c) => {
                    further_currencies(change, c, problems);
                }
            }
        }
        let parent_of = |i: u32| -> Option<u32> {
            match parents.get(&i) {
                Some(p) => *p,
                None => self.get(i).and_then(|r| r.ancestors.first().copied()),
            }
        };
        let mut reported: BTreeSet<Vec<AccountId>> = BTreeSet::new();
        for &start in finals.keys() {
            let mut path = vec![start];
            let mut cur = parent_of(start);
            while let Some(c) = cur {
                if let Some(pos) = path.iter().position(|&p| p == c) {
                    let mut ids: Vec<AccountId> = path
                        .get(pos..)
                        .unwrap_or_default()
                        .iter()
                        .filter_map(|&a| self.get(a).map(|r| r.id.clone()))
                        .collect();
                    ids.sort();
                    if reported.insert(ids.clone()) {
                        problems.push(BuildProblem::AccountCycle { accounts: ids });
                    }
                    break;
                }
                if path.len() > self.recs.len() {
                    break;
                }
                path.push(c);
                cur = parent_of(c);
            }
        }
        if !problems.is_empty() {
            return Some((self.clone(), BTreeSet::new()));
        }

        // Apply: the accounts' own fields and the children of old and new parents.
        let mut next = self.clone();
        for (&idx, change) in &finals {
            let parent = parents.get(&idx).copied().flatten();
            let old_parent = next.get(idx)?.ancestors.first().copied();
            if old_parent != parent {
                if let Some(op) = old_parent {
                    let rec = Arc::make_mut(&mut next.recs).get_mut(op as usize)?;
                    rec.children = rec.children.iter().copied().filter(|&c| c != idx).collect();
                }
                if let Some(np) = parent {
                    let rec = Arc::make_mut(&mut next.recs).get_mut(np as usize)?;
                    let mut children: Vec<u32> = rec.children.to_vec();
                    if let Err(pos) = children.binary_search(&idx) {
                        children.insert(pos, idx);
                    }
                    rec.children = Arc::from(children);
                }
            }
            if let Some(slot) = next.data.get_mut(idx as usize) {
                // Same attributes (checked above): keep the shared ones.
                *slot = StoredAccount::with(change, Arc::clone(&slot.attributes));
            }
            let rec = Arc::make_mut(&mut next.recs).get_mut(idx as usize)?;
            rec.name = change.name.clone();
            rec.currency = Currency::from_code(&change.currency)?;
            rec.currencies = further_currencies(change, rec.currency, &mut Vec::new());
            rec.inherit = change.inherit;
            // Parent pointer for the recomputation below.
            rec.ancestors = match parent {
                Some(p) => Arc::from(vec![p]),
                None => Arc::from(Vec::new()),
            };
        }
        // Recompute each changed account's subtree top-down, shallowest first, so that a
        // parent's chain and settings are final before its children's.
        let depth = |i: u32| {
            let mut d = 0usize;
            let mut cur = parent_of(i);
            while let Some(c) = cur {
                d = d.saturating_add(1);
                if d > self.recs.len() {
                    break;
                }
                cur = parent_of(c);
            }
            d
        };
        let mut order: Vec<u32> = finals.keys().copied().collect();
        order.sort_by_key(|&i| depth(i));
        let mut affected = BTreeSet::new();
        for root in order {
            let mut stack = vec![(root, parent_of(root))];
            while let Some((node, parent)) = stack.pop() {
                let (chain, (policy, fallback), mode, lead) = match parent
                    .and_then(|p| next.get(p).map(|r| (p, r)))
                {
                    Some((p, prec)) => {
                        let mut chain = Vec::with_capacity(prec.ancestors.len().saturating_add(1));
                        chain.push(p);
                        chain.extend_from_slice(&prec.ancestors);
                        (
                            chain,
                            (Some(prec.policy), Some(prec.fallback)),
                            Some(prec.catalog_mode),
                            prec.max_lead_time_days,
                        )
                    }
                    None => (Vec::new(), (None, None), None, None),
                };
                let own = &next.data.get(node as usize)?.data;
                let (own_policy, own_mode, own_lead) =
                    (own.price_policy, own.catalog_mode, own.max_lead_time_days);
                if chain.len().saturating_add(1) > MAX_DEPTH {
                    problems.push(BuildProblem::TooDeep {
                        account: own.id.clone(),
                        depth: chain.len().saturating_add(1),
                        limit: MAX_DEPTH,
                    });
                }
                let rec = Arc::make_mut(&mut next.recs).get_mut(node as usize)?;
                rec.ancestors = Arc::from(chain);
                rec.policy = own_policy.or(policy).unwrap_or_default();
                rec.fallback = own.price_fallback.or(fallback).unwrap_or_default();
                rec.catalog_mode = own_mode.or(mode).unwrap_or_default();
                rec.max_lead_time_days = own_lead.or(lead);
                affected.insert(node);
                for &c in rec.children.iter() {
                    stack.push((c, Some(node)));
                }
            }
        }
        Some((next, affected))
    }
}

/// The value set on the account itself or, failing that, on its nearest ancestor that sets one.
fn nearest_set<T: Copy>(explicit: &[Option<T>], me: usize, ancestors: &[u32]) -> Option<T> {
    explicit.get(me).copied().flatten().or_else(|| {
        ancestors
            .iter()
            .find_map(|&a| explicit.get(a as usize).copied().flatten())
    })
}

/// The further currencies an account may buy in (C3), sorted, each once, without its default;
/// a code that is not an ISO 4217 currency with minor units is an `UnknownCurrency`.
fn further_currencies(
    a: &AccountData,
    default: Currency,
    problems: &mut Vec<BuildProblem>,
) -> Arc<[Currency]> {
    let mut out: Vec<Currency> = a
        .currencies
        .iter()
        .filter_map(|code| {
            let c = Currency::from_code(code);
            if c.is_none() {
                problems.push(BuildProblem::UnknownCurrency {
                    kind: EntityKind::Account,
                    id: a.id.to_string(),
                    code: code.clone(),
                });
            }
            c
        })
        .filter(|c| *c != default)
        .collect();
    out.sort();
    out.dedup();
    Arc::from(out)
}

impl AccountRec {
    /// Whether the account may buy in `currency`: its default or one it declares (C3).
    pub(crate) fn buys_in(&self, currency: Currency) -> bool {
        currency == self.currency || self.currencies.binary_search(&currency).is_ok()
    }
}
