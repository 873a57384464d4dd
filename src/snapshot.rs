//! Build, then resolve: the validated, immutable [`Snapshot`] and its queries.

use crate::access::Users;
use crate::account::Accounts;
use crate::catalog::Catalog;
use crate::dataset::{Dataset, PricePolicy, Scope};
use crate::error::{BuildError, BuildProblem, EntityKind, ResolveError};
use crate::id::{AccountId, AssignmentId, SegmentId, Sku};
use crate::money::Currency;
use crate::pricing::table::{EntryRow, PriceTable, Tier};
use crate::pricing::{self, AdjustmentRec, EntryMiss, ListBody, ListRec};
use crate::resolution::{
    Candidate, CandidateStatus, Outcome, Price, Priced, Query, QuoteRequired, Resolution, Source,
    Specificity, TierSlice, WindowOf,
};
use crate::scope::{Level, ScopeIndex, ScopeKey};
use crate::time::Window;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

/// A validated assignment.
#[derive(Clone, Debug)]
pub(crate) struct AssignmentRec {
    pub(crate) id: AssignmentId,
    pub(crate) list: u32,
    pub(crate) scope: ScopeKey,
    pub(crate) priority: i32,
    pub(crate) valid: Window,
}

/// A validated segment.
#[derive(Clone, Debug)]
pub(crate) struct SegmentRec {
    pub(crate) id: SegmentId,
    pub(crate) members: Vec<u32>,
}

#[derive(Debug)]
pub(crate) struct Inner {
    pub(crate) version: u64,
    pub(crate) accounts: Accounts,
    pub(crate) users: Users,
    pub(crate) segments: Vec<SegmentRec>,
    pub(crate) catalog: Catalog,
    pub(crate) lists: Vec<ListRec>,
    pub(crate) assignments: Vec<AssignmentRec>,
    pub(crate) price_scopes: ScopeIndex,
}

/// A validated, immutable view of a [`Dataset`], ready to answer queries.
///
/// Built once with [`Snapshot::from_dataset`], which checks everything and reports every
/// problem; queries never re-validate. It is `Send + Sync` and cloning it is a reference-count
/// increment, so one snapshot can serve any number of threads.
///
/// ```
/// use tradeterms::{Dataset, Query, Snapshot};
/// let dataset: Dataset = serde_json::from_str(r#"{
///   "accounts": [{ "id": "acme", "name": "Acme", "currency": "USD" }],
///   "users": [{ "id": "ann", "name": "Ann", "memberships": [{ "account": "acme", "roles": ["buyer"] }] }],
///   "catalog": [{ "sku": "BOLT", "name": "Bolt" }],
///   "price_lists": [{ "id": "public", "name": "Public", "owner": "pricing", "currency": "USD",
///                     "entries": [{ "sku": "BOLT", "tiers": [{ "min_qty": 1, "unit_price": "0.25" }] }] }],
///   "assignments": [{ "id": "all", "price_list": "public", "scope": "everyone" }]
/// }"#).unwrap();
/// let snapshot = Snapshot::from_dataset(&dataset).unwrap();
/// let answer = snapshot.resolve(&Query::new("acme", "ann", "BOLT", 3, "2026-01-01T00:00:00Z".parse().unwrap())).unwrap();
/// assert_eq!(answer.outcome.price().unwrap().amount.to_string(), "0.75");
/// ```
#[derive(Clone, Debug)]
pub struct Snapshot {
    inner: Arc<Inner>,
}

const _: () = {
    const fn assert_send_sync_clone<T: Send + Sync + Clone>() {}
    assert_send_sync_clone::<Snapshot>();
};

impl Snapshot {
    /// Validates `dataset` and builds a snapshot at version 1. On failure every problem found is
    /// returned, each naming the ids involved.
    pub fn from_dataset(dataset: &Dataset) -> Result<Snapshot, BuildError> {
        let mut problems = Vec::new();
        let mut accounts = Accounts::build(&dataset.accounts, &mut problems);
        let segments = build_segments(dataset, &mut accounts, &mut problems);
        let users = Users::build(&dataset.roles, &dataset.users, &accounts, &mut problems);
        let catalog = Catalog::build(&dataset.catalog, &mut problems);
        let lists = build_lists(dataset, &catalog, &mut problems);
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
        let assignments = build_assignments(
            dataset,
            &accounts,
            &list_index,
            &segment_index,
            &mut problems,
        );
        if problems.is_empty() {
            check_ties(
                &assignments,
                &lists,
                &accounts,
                &segments,
                &catalog,
                &mut problems,
            );
        }
        if !problems.is_empty() {
            return Err(BuildError::new(problems));
        }
        let mut price_scopes = ScopeIndex::default();
        for (i, a) in assignments.iter().enumerate() {
            price_scopes.insert(a.scope, to_u32(i));
        }
        Ok(Snapshot {
            inner: Arc::new(Inner {
                version: 1,
                accounts,
                users,
                segments,
                catalog,
                lists,
                assignments,
                price_scopes,
            }),
        })
    }

    /// The version of this snapshot: 1 when built from a dataset.
    pub fn version(&self) -> u64 {
        self.inner.version
    }

    /// Every account id, in id order.
    pub fn account_ids(&self) -> impl Iterator<Item = &AccountId> + '_ {
        self.inner.accounts.recs.iter().map(|a| &a.id)
    }

    /// Every SKU, in SKU order.
    pub fn skus(&self) -> impl Iterator<Item = &Sku> + '_ {
        self.inner.catalog.recs.iter().map(|s| &s.sku)
    }

    /// An account's display name.
    pub fn account_name(&self, account: &AccountId) -> Option<&str> {
        let idx = self.inner.accounts.lookup(account.as_str())?;
        self.inner.accounts.get(idx).map(|a| a.name.as_str())
    }

    /// A catalogue item's display name.
    pub fn sku_name(&self, sku: &Sku) -> Option<&str> {
        let idx = self.inner.catalog.lookup(sku.as_str())?;
        self.inner.catalog.get(idx).map(|s| s.name.as_str())
    }

    /// Number of price entries stored in absolute lists (relative lists store none).
    pub fn price_entry_count(&self) -> usize {
        self.inner
            .lists
            .iter()
            .map(|l| match &l.body {
                ListBody::Absolute(t) => t.len(),
                ListBody::Relative { .. } => 0,
            })
            .sum()
    }

    /// The currency an account is priced in.
    pub fn account_currency(&self, account: &AccountId) -> Option<Currency> {
        let idx = self.inner.accounts.lookup(account.as_str())?;
        self.inner.accounts.get(idx).map(|a| a.currency)
    }

    /// Answers one query: whether the user may act for the account, and the explained price of
    /// the line. Errors only for the query's own inputs (an unknown id, a zero quantity) or an
    /// amount too large for exact arithmetic.
    pub fn resolve(&self, query: &Query) -> Result<Resolution, ResolveError> {
        let inner = &*self.inner;
        let account = inner
            .accounts
            .lookup(query.account.as_str())
            .ok_or_else(|| ResolveError::UnknownAccount(query.account.clone()))?;
        let user_idx = inner
            .users
            .lookup(query.user.as_str())
            .ok_or_else(|| ResolveError::UnknownUser(query.user.clone()))?;
        let sku = inner
            .catalog
            .lookup(query.sku.as_str())
            .ok_or_else(|| ResolveError::UnknownSku(query.sku.clone()))?;
        if query.qty == 0 {
            return Err(ResolveError::ZeroQuantity(query.sku.clone()));
        }
        let user = inner
            .users
            .get(user_idx)
            .ok_or_else(|| ResolveError::UnknownUser(query.user.clone()))?;
        let access = inner.users.access(user, account, &inner.accounts);
        let outcome = match (&access.view_catalog, &access.view_prices) {
            (crate::Grant::Refused(r), _) => Outcome::Denied(r.clone()),
            (_, crate::Grant::Refused(r)) => Outcome::PriceHidden(r.clone()),
            _ => self.price(account, sku, query)?,
        };
        Ok(Resolution {
            version: inner.version,
            query: query.clone(),
            access,
            outcome,
        })
    }

    /// Selects and computes the price of a line for an entitled user.
    fn price(&self, account: u32, sku: u32, query: &Query) -> Result<Outcome, ResolveError> {
        let inner = &*self.inner;
        let acc = inner
            .accounts
            .get(account)
            .ok_or_else(|| ResolveError::UnknownAccount(query.account.clone()))?;
        let sku_rec = inner
            .catalog
            .get(sku)
            .ok_or_else(|| ResolveError::UnknownSku(query.sku.clone()))?;

        // Every assignment that reaches the account, in precedence order: specificity class,
        // then priority (higher first), then assignment id (only to make the listing stable;
        // the build rejects ties that could decide a price).
        let mut reached: Vec<(Level, &AssignmentRec, &ListRec)> = Vec::new();
        inner.price_scopes.applicable(
            account,
            acc,
            &inner.accounts,
            |a| a.inherit.price_lists,
            |level, rule| {
                if let Some(rec) = inner.assignments.get(rule as usize)
                    && let Some(list) = inner.lists.get(rec.list as usize)
                {
                    reached.push((level, rec, list));
                }
            },
        );
        reached.sort_by(|(la, ra, _), (lb, rb, _)| {
            la.class()
                .cmp(&lb.class())
                .then_with(|| rb.priority.cmp(&ra.priority))
                .then_with(|| ra.id.cmp(&rb.id))
        });

        let mut evals: Vec<Eval> = Vec::with_capacity(reached.len());
        for (_, rec, list) in &reached {
            evals.push(self.eligibility(
                rec,
                list,
                acc.currency,
                sku,
                &sku_rec.categories,
                query,
            )?);
        }
        let policy = acc.policy;
        let overflow = |list: &ListRec| ResolveError::Overflow {
            sku: query.sku.clone(),
            list: list.id.clone(),
            qty: query.qty,
        };
        // Amounts: under precedence only the first eligible candidate needs one; under lowest
        // price every eligible candidate does, and an overflow anywhere is an error rather than
        // a guess about which candidate would have been cheapest.
        let mut best: Option<(usize, Decimal)> = None;
        for (i, ((_, _, list), eval)) in reached.iter().zip(evals.iter_mut()).enumerate() {
            let Eval::Eligible { tiers, amount, .. } = eval else {
                continue;
            };
            if policy == PricePolicy::Precedence && best.is_some() {
                break;
            }
            let priced = pricing::price_line(tiers, list.tier_mode, query.qty)
                .map_err(|()| overflow(list))?;
            // Eligibility already checked the first tier, so this is always `Some`.
            let Some(priced) = priced else { continue };
            let mine = priced.1;
            *amount = Some(priced);
            // Strictly cheaper replaces; an equal amount keeps the earlier (more specific) one.
            if best.is_none_or(|(_, b)| mine < b) {
                best = Some((i, mine));
            }
        }
        let winner = best.map(|(i, _)| i);

        let winner_id = winner
            .and_then(|w| reached.get(w))
            .map(|(_, rec, _)| rec.id.clone());
        let winner_amount = best.map(|(_, amount)| amount);
        let mut candidates = Vec::with_capacity(reached.len());
        for (i, ((level, rec, list), eval)) in reached.iter().zip(evals.iter()).enumerate() {
            let status = match (eval, &winner_id) {
                (Eval::Lost(s), _) => s.clone(),
                (Eval::Eligible { .. }, _) if Some(i) == winner => CandidateStatus::Won,
                (Eval::Eligible { amount, .. }, Some(w)) => match (amount, winner_amount) {
                    (Some((_, mine)), Some(best)) if *mine > best => CandidateStatus::HigherPrice {
                        amount: *mine,
                        winner: w.clone(),
                    },
                    _ => CandidateStatus::LowerPrecedence { winner: w.clone() },
                },
                // An eligible candidate always produces a winner; kept total for safety.
                (Eval::Eligible { .. }, None) => CandidateStatus::NoEntry,
            };
            candidates.push(Candidate {
                assignment: rec.id.clone(),
                list: list.id.clone(),
                specificity: self.specificity(level),
                priority: rec.priority,
                status,
            });
        }

        let won = winner.and_then(|w| Some((reached.get(w)?, evals.get(w)?)));
        let Some((
            (level, rec, list),
            Eval::Eligible {
                adjustments,
                amount: Some((slices, exact)),
                ..
            },
        )) = won
        else {
            return Ok(Outcome::QuoteRequired(QuoteRequired { candidates }));
        };
        let price = Price {
            currency: list.currency,
            tier_mode: list.tier_mode,
            slices: slices.clone(),
            exact_amount: *exact,
            amount: list.currency.round(*exact),
            adjustments: adjustments.clone(),
        };
        Ok(Outcome::Priced(Box::new(Priced {
            price,
            source: Source {
                assignment: rec.id.clone(),
                list: list.id.clone(),
                list_name: list.name.clone(),
                owner: list.owner.clone(),
                specificity: self.specificity(level),
                priority: rec.priority,
            },
            policy,
            candidates,
        })))
    }

    /// Whether one assignment can price the line: hard filters in a fixed order (assignment
    /// window, list window, currency, entry, entry window, minimum quantity).
    fn eligibility(
        &self,
        rec: &AssignmentRec,
        list: &ListRec,
        currency: Currency,
        sku: u32,
        categories: &[String],
        query: &Query,
    ) -> Result<Eval, ResolveError> {
        let at = query.at;
        let not_valid = |of: WindowOf, window: Window| {
            Eval::Lost(CandidateStatus::NotValid {
                of,
                window,
                not_yet: window.is_before(at),
            })
        };
        if !rec.valid.contains(at) {
            return Ok(not_valid(WindowOf::Assignment, rec.valid));
        }
        if !list.valid.contains(at) {
            return Ok(not_valid(WindowOf::List, list.valid));
        }
        if list.currency != currency {
            return Ok(Eval::Lost(CandidateStatus::OtherCurrency {
                currency: list.currency,
            }));
        }
        let entry = match pricing::lookup_entry(&self.inner.lists, list, sku, categories, at) {
            Ok(e) => e,
            Err(EntryMiss::NoEntry) => return Ok(Eval::Lost(CandidateStatus::NoEntry)),
            Err(EntryMiss::BaseNotValid { base, window }) => {
                return Ok(not_valid(WindowOf::BaseList(base), window));
            }
            Err(EntryMiss::Overflow) => {
                return Err(ResolveError::Overflow {
                    sku: query.sku.clone(),
                    list: list.id.clone(),
                    qty: query.qty,
                });
            }
        };
        if let Some(w) = entry.valid
            && !w.contains(at)
        {
            return Ok(not_valid(WindowOf::Entry, w));
        }
        let first = entry.tiers.first().map(|t| t.min_qty).unwrap_or(u64::MAX);
        if query.qty < first {
            return Ok(Eval::Lost(CandidateStatus::BelowMinimumQuantity {
                min_qty: first,
            }));
        }
        Ok(Eval::Eligible {
            tiers: entry.tiers,
            adjustments: entry.adjustments,
            amount: None,
        })
    }

    /// The public form of a scope level.
    fn specificity(&self, level: &Level) -> Specificity {
        let inner = &*self.inner;
        match level {
            Level::Own => Specificity::Account,
            Level::Ancestor { distance, account } => Specificity::Ancestor {
                distance: *distance,
                account: inner
                    .accounts
                    .get(*account)
                    .map(|a| a.id.clone())
                    .unwrap_or_else(|| AccountId::new("")),
            },
            Level::Segment(s) => Specificity::Segment(
                inner
                    .segments
                    .get(*s as usize)
                    .map(|s| s.id.clone())
                    .unwrap_or_else(|| SegmentId::new("")),
            ),
            Level::Everyone => Specificity::Everyone,
        }
    }
}

/// One candidate's evaluation.
enum Eval {
    Lost(CandidateStatus),
    Eligible {
        tiers: Vec<Tier>,
        adjustments: Vec<crate::Adjustment>,
        amount: Option<(Vec<TierSlice>, Decimal)>,
    },
}

fn to_u32(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

/// Sorts items by id, reporting empty and duplicate ids; returns the unique ones with their
/// original positions.
fn unique_by_id<'a, T>(
    items: &'a [T],
    kind: EntityKind,
    id: impl Fn(&T) -> &str,
    problems: &mut Vec<BuildProblem>,
) -> Vec<&'a T> {
    let mut sorted: Vec<(usize, &T)> = items.iter().enumerate().collect();
    sorted.sort_by(|a, b| id(a.1).cmp(id(b.1)));
    let mut out: Vec<&T> = Vec::with_capacity(items.len());
    let mut last_dup: Option<&str> = None;
    for (position, item) in sorted {
        let this = id(item);
        if this.is_empty() {
            problems.push(BuildProblem::EmptyId { kind, position });
            continue;
        }
        if out.last().is_some_and(|prev| id(prev) == this) {
            if last_dup != Some(this) {
                problems.push(BuildProblem::DuplicateId {
                    kind,
                    id: this.to_string(),
                });
                last_dup = Some(this);
            }
            continue;
        }
        out.push(item);
    }
    out
}

fn check_window(
    window: Option<Window>,
    kind: EntityKind,
    id: &str,
    problems: &mut Vec<BuildProblem>,
) -> Window {
    let w = window.unwrap_or(Window::ALWAYS);
    if !w.is_well_formed() {
        problems.push(BuildProblem::ReversedWindow {
            kind,
            id: id.to_string(),
            window: w.to_string(),
        });
    }
    w
}

fn build_segments(
    dataset: &Dataset,
    accounts: &mut Accounts,
    problems: &mut Vec<BuildProblem>,
) -> Vec<SegmentRec> {
    let unique = unique_by_id(
        &dataset.segments,
        EntityKind::Segment,
        |s| s.id.as_str(),
        problems,
    );
    let mut per_account: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    let mut segments = Vec::with_capacity(unique.len());
    for (si, s) in unique.iter().enumerate() {
        let mut members = Vec::with_capacity(s.accounts.len());
        for a in &s.accounts {
            match accounts.lookup(a.as_str()) {
                Some(idx) => members.push(idx),
                None => problems.push(BuildProblem::DanglingReference {
                    from_kind: EntityKind::Segment,
                    from: s.id.to_string(),
                    to_kind: EntityKind::Account,
                    to: a.to_string(),
                }),
            }
        }
        members.sort_unstable();
        members.dedup();
        for &m in &members {
            per_account.entry(m).or_default().push(to_u32(si));
        }
        segments.push(SegmentRec {
            id: s.id.clone(),
            members,
        });
    }
    for (account, segs) in per_account {
        if let Some(rec) = accounts.recs.get_mut(account as usize) {
            rec.segments = Arc::from(segs);
        }
    }
    segments
}

fn build_lists(
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
            valid,
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

fn build_assignments(
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
        let scope = match &a.scope {
            Scope::Everyone => Some(ScopeKey::Everyone),
            Scope::Segment(s) => segments.get(s.as_str()).map(|&i| ScopeKey::Segment(i)),
            Scope::Account(id) => accounts.lookup(id.as_str()).map(ScopeKey::Account),
            Scope::Subtree(id) => accounts.lookup(id.as_str()).map(ScopeKey::Subtree),
        };
        if scope.is_none() {
            match &a.scope {
                Scope::Segment(s) => problems.push(dangling(EntityKind::Segment, s.as_str())),
                Scope::Account(id) | Scope::Subtree(id) => {
                    problems.push(dangling(EntityKind::Account, id.as_str()))
                }
                Scope::Everyone => {}
            }
        }
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
fn check_ties(
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
