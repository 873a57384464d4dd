//! Impact preview: which customers' answers a change moves, before it is published.
//!
//! `before.impact(&after, &options)` lists every (account, SKU) whose answer differs between two
//! snapshots: price old -> new with the change in percent, visibility gained or lost, quote
//! required or no longer, and, for a reference order total, which approval policies an order of
//! that size would trigger. Only the (account, SKU) pairs the difference can reach are
//! re-resolved: the difference between the two snapshots is found first (lists that changed and
//! the SKUs whose entries changed, assignments, rules, accounts, segments, SKUs), then mapped to
//! the accounts their scopes reach.
//!
//! Answers are compared as the account sees them: through a user holding every permission and
//! no role-limited rule, at the instant and quantity of the options.

use crate::decide::approval::{self, OrderFacts};
use crate::decide::core::{Actor, Lean, Party, Verdict};
use crate::error::ResolveError;
use crate::format::changeset::Changeset;
use crate::format::{Dataset, Scope};
use crate::govern::changeset::ApplyError;
use crate::id::{AccountId, AssignmentId, PriceListId, Sku};
use crate::model::pricing::ListBody;
use crate::model::scope::applicable_rules;
use crate::model::snapshot::{Built, Snapshot};
use crate::money::Currency;
use jiff::Timestamp;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::Arc;

/// What to compare.
///
/// ```
/// let o = tradeterms::ImpactOptions::at("2026-06-01T00:00:00Z".parse().unwrap());
/// assert_eq!(o.qty, 1);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImpactOptions {
    /// The instant answers are compared at.
    pub at: Timestamp,
    /// The quantity prices are compared at.
    pub qty: u64,
    /// If set, also compare which approval policies an order of this subtotal would trigger,
    /// per account.
    pub reference_order_total: Option<Decimal>,
}

impl ImpactOptions {
    /// Compare unit prices at `at`, without approvals.
    pub fn at(at: Timestamp) -> ImpactOptions {
        ImpactOptions {
            at,
            qty: 1,
            reference_order_total: None,
        }
    }
}

/// An account's answer for a SKU, as compared by the impact preview.
///
/// ```
/// use tradeterms::AnswerSummary;
/// assert_eq!(AnswerSummary::NotVisible.to_string(), "not visible");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerSummary {
    /// The account or the SKU does not exist in this snapshot.
    Absent,
    /// The SKU is not in the account's catalogue.
    NotVisible,
    /// The line needs a quote.
    QuoteRequired,
    /// A price.
    Priced {
        /// The line amount.
        amount: Decimal,
        /// Its currency.
        currency: Currency,
        /// The deciding assignment.
        assignment: AssignmentId,
        /// Its list.
        list: PriceListId,
    },
}

impl fmt::Display for AnswerSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AnswerSummary::Absent => f.write_str("absent"),
            AnswerSummary::NotVisible => f.write_str("not visible"),
            AnswerSummary::QuoteRequired => f.write_str("quote required"),
            AnswerSummary::Priced {
                amount,
                currency,
                list,
                ..
            } => write!(f, "{amount} {currency} from `{list}`"),
        }
    }
}

/// One (account, SKU) whose answer changes.
///
/// ```
/// # fn f(c: &tradeterms::ImpactChange) { println!("{c}"); }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ImpactChange {
    /// The account.
    pub account: AccountId,
    /// The SKU.
    pub sku: Sku,
    /// The answer before.
    pub before: AnswerSummary,
    /// The answer after.
    pub after: AnswerSummary,
    /// For a price change, the change in percent (two decimals; `None` from a zero price).
    pub percent: Option<Decimal>,
}

impl fmt::Display for ImpactChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` / `{}`: {} -> {}",
            self.account, self.sku, self.before, self.after
        )?;
        if let Some(p) = self.percent {
            let sign = if p.is_sign_positive() { "+" } else { "" };
            write!(f, " ({sign}{p} %)")?;
        }
        Ok(())
    }
}

/// An account whose reference order would trigger other approval policies.
///
/// ```
/// # fn f(c: &tradeterms::ApprovalChange) { let _ = &c.after; }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ApprovalChange {
    /// The account.
    pub account: AccountId,
    /// Policies triggered before.
    pub before: Vec<String>,
    /// Policies triggered after.
    pub after: Vec<String>,
}

/// The largest price move in one direction.
///
/// ```
/// # fn f(m: &tradeterms::PriceMove) { let _ = m.percent; }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PriceMove {
    /// The account.
    pub account: AccountId,
    /// The SKU.
    pub sku: Sku,
    /// The change in percent.
    pub percent: Decimal,
}

/// Everything a change moves.
///
/// ```
/// # fn f(i: &tradeterms::Impact) { println!("{i}"); }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Impact {
    /// The version compared from.
    pub before_version: u64,
    /// The version compared to.
    pub after_version: u64,
    /// Every (account, SKU) whose answer changes, by account then SKU.
    pub changes: Vec<ImpactChange>,
    /// Accounts whose reference order would trigger other approval policies.
    pub approval_changes: Vec<ApprovalChange>,
    /// Number of accounts with at least one change.
    pub accounts_affected: usize,
    /// Number of SKUs with at least one change.
    pub skus_affected: usize,
    /// The largest price increase.
    pub largest_increase: Option<PriceMove>,
    /// The largest price decrease.
    pub largest_decrease: Option<PriceMove>,
    /// How many (account, SKU) pairs the preview re-resolved: the pairs the change could reach.
    pub pairs_examined: usize,
}

impl fmt::Display for Impact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "impact of v{} -> v{}: {} change(s), {} account(s), {} SKU(s) affected ({} pairs examined)",
            self.before_version,
            self.after_version,
            self.changes.len(),
            self.accounts_affected,
            self.skus_affected,
            self.pairs_examined
        )?;
        if let Some(m) = &self.largest_increase {
            writeln!(
                f,
                "  largest increase: +{} % for `{}` / `{}`",
                m.percent, m.account, m.sku
            )?;
        }
        if let Some(m) = &self.largest_decrease {
            writeln!(
                f,
                "  largest decrease: {} % for `{}` / `{}`",
                m.percent, m.account, m.sku
            )?;
        }
        for c in &self.changes {
            writeln!(f, "  - {c}")?;
        }
        for a in &self.approval_changes {
            writeln!(
                f,
                "  - approvals for `{}`: [{}] -> [{}]",
                a.account,
                a.before.join(", "),
                a.after.join(", ")
            )?;
        }
        Ok(())
    }
}

/// Which SKUs of an account may have changed.
#[derive(Clone, Debug)]
enum Skus {
    All,
    Some(BTreeSet<Sku>),
}

/// The (account, SKU) pairs a difference can reach.
#[derive(Debug, Default)]
struct Reach {
    all_accounts: Option<Skus>,
    accounts: BTreeMap<AccountId, Skus>,
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

fn merge(slot: &mut Skus, skus: Skus) {
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

/// Lists deriving, directly or not, from a list (the list included), by id.
fn with_derived(data: &Dataset, list: &PriceListId) -> BTreeSet<PriceListId> {
    let mut out = BTreeSet::from([list.clone()]);
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

fn reach_of(before: &Built, after: &Built) -> Reach {
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
    let (aa, ab): (Vec<_>, Vec<_>) = (
        before.accounts.data.iter().cloned().collect(),
        after.accounts.data.iter().cloned().collect(),
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

/// The account's own view, for comparing snapshots: every permission and no role-limited
/// rule. `None` if the account does not exist in this snapshot.
fn account_view<'s>(inner: &'s Built, account: &AccountId, at: Timestamp) -> Option<Party<'s>> {
    let idx = inner.accounts.lookup(account.as_str())?;
    let acc = inner.accounts.get(idx)?;
    Some(Party::new(inner, idx, acc, Actor::AccountItself, at))
}

/// The account-level view of one SKU.
fn summarize<'s>(
    inner: &'s Built,
    party: Option<&Party<'s>>,
    sku: &Sku,
    qty: u64,
) -> Result<AnswerSummary, ResolveError> {
    let Some(party) = party else {
        return Ok(AnswerSummary::Absent);
    };
    let Some(idx) = inner.catalog.lookup(sku.as_str()) else {
        return Ok(AnswerSummary::Absent);
    };
    let Some(rec) = inner.catalog.get(idx) else {
        return Ok(AnswerSummary::Absent);
    };
    Ok(match party.decide(idx, rec, qty, &mut Lean)? {
        Verdict::Priced(w) => AnswerSummary::Priced {
            amount: w.list.currency.round(w.exact),
            currency: w.list.currency,
            assignment: w.assignment.id.clone(),
            list: w.list.id.clone(),
        },
        Verdict::QuoteRequired(_) => AnswerSummary::QuoteRequired,
        Verdict::NotVisible | Verdict::Denied(_) | Verdict::PriceHidden(_) => {
            AnswerSummary::NotVisible
        }
    })
}

fn percent(before: &AnswerSummary, after: &AnswerSummary) -> Option<Decimal> {
    let (AnswerSummary::Priced { amount: a, .. }, AnswerSummary::Priced { amount: b, .. }) =
        (before, after)
    else {
        return None;
    };
    if a.is_zero() {
        return None;
    }
    let diff = b.checked_sub(*a)?;
    let pct = diff.checked_mul(Decimal::ONE_HUNDRED)?.checked_div(*a)?;
    Some(pct.round_dp_with_strategy(2, crate::money::ROUNDING))
}

/// Approval policies an order of `total` at `account` triggers (conditions on lines do not
/// hold for an order without lines).
fn reference_policies(
    inner: &Built,
    account: &AccountId,
    total: Decimal,
) -> Result<Vec<String>, ResolveError> {
    let Some(idx) = inner.accounts.lookup(account.as_str()) else {
        return Ok(Vec::new());
    };
    let Some(acc) = inner.accounts.get(idx) else {
        return Ok(Vec::new());
    };
    let facts = OrderFacts {
        subtotal: total,
        lines: Vec::new(),
        spending_limit: None,
    };
    let policies = applicable_rules(
        &inner.approval_scopes,
        &inner.approval_policies,
        idx,
        acc,
        &inner.accounts,
        |a| a.inherit.approvals,
        Some(&[]),
        &mut crate::model::experiment::Arms::new(&inner.experiments, acc, &inner.accounts),
        crate::model::approval::Policy::tiebreak,
    );
    let mut slots = BTreeSet::new();
    let mut out = Vec::new();
    for (_, p) in policies {
        if !slots.insert(p.slot.as_str()) {
            continue;
        }
        let holds =
            approval::holds(&p.when, &facts).map_err(|()| ResolveError::ConditionOverflow {
                policy: p.id.clone(),
            })?;
        if holds.is_some() {
            out.push(p.id.clone());
        }
    }
    Ok(out)
}

impl Snapshot {
    /// Lists every (account, SKU) whose answer differs between `self` and `after`, re-resolving
    /// only the pairs the difference can reach.
    pub fn impact(
        &self,
        after: &Snapshot,
        options: &ImpactOptions,
    ) -> Result<Impact, ResolveError> {
        let (b, a) = (self.inner(), after.inner());
        let reach = reach_of(b, a);
        // Every account and SKU of either version: built only when a change reaches them all.
        let all_accounts = || -> BTreeSet<AccountId> {
            b.accounts
                .recs
                .iter()
                .chain(a.accounts.recs.iter())
                .map(|r| r.id.clone())
                .collect()
        };
        let all_skus = std::cell::OnceCell::new();
        let all_skus = || -> &BTreeSet<Sku> {
            all_skus.get_or_init(|| {
                b.catalog
                    .recs
                    .iter()
                    .chain(a.catalog.recs.iter())
                    .map(|r| r.sku.clone())
                    .collect()
            })
        };
        let mut pairs: BTreeMap<AccountId, Skus> = reach.accounts;
        if let Some(skus) = reach.all_accounts {
            for acc in &all_accounts() {
                let slot = pairs
                    .entry(acc.clone())
                    .or_insert(Skus::Some(BTreeSet::new()));
                merge(slot, skus.clone());
            }
        }
        let mut changes = Vec::new();
        let mut examined = 0usize;
        for (account, skus) in &pairs {
            let view_b = account_view(b, account, options.at);
            let view_a = account_view(a, account, options.at);
            let list: Vec<&Sku> = match skus {
                Skus::All => all_skus().iter().collect(),
                Skus::Some(s) => s.iter().collect(),
            };
            for sku in list {
                examined = examined.saturating_add(1);
                let before = summarize(b, view_b.as_ref(), sku, options.qty)?;
                let after = summarize(a, view_a.as_ref(), sku, options.qty)?;
                if before != after {
                    changes.push(ImpactChange {
                        account: account.clone(),
                        sku: sku.clone(),
                        percent: percent(&before, &after),
                        before,
                        after,
                    });
                }
            }
        }
        let mut approval_changes = Vec::new();
        if let Some(total) = options.reference_order_total {
            let policies_changed = b.source.approval_policies != a.source.approval_policies
                || b.accounts.data != a.accounts.data
                || b.source.segments != a.source.segments;
            if policies_changed {
                for account in &all_accounts() {
                    let before = reference_policies(b, account, total)?;
                    let after = reference_policies(a, account, total)?;
                    if before != after {
                        approval_changes.push(ApprovalChange {
                            account: account.clone(),
                            before,
                            after,
                        });
                    }
                }
            }
        }
        let accounts_affected = changes
            .iter()
            .map(|c| &c.account)
            .collect::<BTreeSet<_>>()
            .len();
        let skus_affected = changes
            .iter()
            .map(|c| &c.sku)
            .collect::<BTreeSet<_>>()
            .len();
        let moves = |up: bool| {
            changes
                .iter()
                .filter_map(|c| c.percent.map(|p| (p, c)))
                .filter(|(p, _)| {
                    if up {
                        p.is_sign_positive() && !p.is_zero()
                    } else {
                        p.is_sign_negative()
                    }
                })
                .max_by(|(p, _), (q, _)| if up { p.cmp(q) } else { q.cmp(p) })
                .map(|(p, c)| PriceMove {
                    account: c.account.clone(),
                    sku: c.sku.clone(),
                    percent: p,
                })
        };
        Ok(Impact {
            before_version: b.version,
            after_version: a.version,
            largest_increase: moves(true),
            largest_decrease: moves(false),
            changes,
            approval_changes,
            accounts_affected,
            skus_affected,
            pairs_examined: examined,
        })
    }

    /// Applies `changeset` to a copy and reports its impact, without publishing anything.
    pub fn preview(
        &self,
        changeset: &Changeset,
        options: &ImpactOptions,
    ) -> Result<Impact, PreviewError> {
        let after = self.apply(changeset).map_err(PreviewError::Apply)?;
        self.impact(&after, options).map_err(PreviewError::Resolve)
    }
}

/// Why a preview failed.
///
/// ```
/// # fn f(e: tradeterms::PreviewError) { println!("{e}"); }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PreviewError {
    /// The changeset could not be applied.
    #[error(transparent)]
    Apply(ApplyError),
    /// An answer could not be computed.
    #[error(transparent)]
    Resolve(ResolveError),
}
