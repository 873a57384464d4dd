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
//!
//! Here: `impact`, `preview` and the comparison of answers. What a difference reaches is
//! computed in `reach`; the answer types are in `answer`.

pub(crate) mod answer;
mod reach;

use crate::decide::approval::{self, OrderFacts};
use crate::decide::core::{Actor, Lean, Party, Verdict};
use crate::error::ResolveError;
use crate::format::changeset::Changeset;
use crate::govern::impact::answer::{
    AnswerSummary, ApprovalChange, Impact, ImpactChange, ImpactOptions, PreviewError, PriceMove,
};
use crate::govern::impact::reach::{Skus, merge, reach_of};
use crate::id::{AccountId, Sku};
use crate::model::scope::applicable_rules;
use crate::model::snapshot::{Built, Snapshot};
use jiff::Timestamp;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};

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
        Verdict::Priced(w, _) => AnswerSummary::Priced {
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
        |_| true,
        Some(&[]),
        &mut crate::model::experiment::Arms::new(&inner.experiments, acc, &inner.accounts),
        crate::model::approval::Policy::tiebreak,
    );
    let mut out = Vec::new();
    for (_, p, occupies) in approval::by_slot(&policies) {
        if !occupies {
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
