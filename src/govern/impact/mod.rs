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
use crate::decide::resolution::Context;
use crate::error::ResolveError;
use crate::format::changeset::Changeset;
use crate::govern::impact::answer::{
    AnswerSummary, ApprovalChange, Impact, ImpactChange, ImpactOptions, Prepared, PreviewError,
    PriceMove,
};
use crate::govern::impact::reach::{Skus, merge, reach_of};
use crate::id::{AccountId, Sku};
use crate::model::scope::applicable_rules;
use crate::model::snapshot::{Built, Snapshot};
use jiff::Timestamp;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashSet};

/// The account's own view, for comparing snapshots: every permission and no role-limited
/// rule. `None` if the account does not exist in this snapshot.
fn account_view<'s>(
    inner: &'s Built,
    account: &AccountId,
    at: Timestamp,
    context: Option<&Context>,
) -> Option<Party<'s>> {
    let idx = inner.accounts.lookup(account.as_str())?;
    let acc = inner.accounts.get(idx)?;
    // An account is compared on every SKU a change reaches: index its visibility rules once.
    // Without a context, as a query that names none would see it, in the account's own
    // currency; in a context, as a query asked in it. A channel this version does not declare,
    // or a currency the account does not buy in, leaves the account absent in that context.
    let ctx = match context {
        None => crate::model::context::Ctx::plain(acc.currency),
        Some(c) => {
            let channel = match &c.channel {
                Some(ch) => Some(inner.channels.lookup(ch.as_str())?),
                None => None,
            };
            crate::decide::resolve::ctx_for(account, acc, channel, c).ok()?
        }
    };
    Some(Party::new(inner, idx, acc, Actor::AccountItself, at, ctx).index_visibility())
}

/// The account-level view of one SKU, borrowing from the snapshot: compared without copying
/// an id, turned into an [`AnswerSummary`] only for the pairs that differ.
#[derive(PartialEq, Eq)]
enum Seen<'s> {
    Absent,
    NotVisible,
    QuoteRequired,
    Priced {
        amount: Decimal,
        currency: crate::money::Currency,
        assignment: &'s crate::id::AssignmentId,
        list: &'s crate::id::PriceListId,
    },
}

impl Seen<'_> {
    fn summary(&self) -> AnswerSummary {
        match self {
            Seen::Absent => AnswerSummary::Absent,
            Seen::NotVisible => AnswerSummary::NotVisible,
            Seen::QuoteRequired => AnswerSummary::QuoteRequired,
            Seen::Priced {
                amount,
                currency,
                assignment,
                list,
            } => AnswerSummary::Priced {
                amount: *amount,
                currency: *currency,
                assignment: (*assignment).clone(),
                list: (*list).clone(),
            },
        }
    }
}

/// The account-level view of one SKU.
fn summarize<'s>(
    inner: &'s Built,
    party: Option<&Party<'s>>,
    sku: &Sku,
    qty: crate::quantity::Quantity,
) -> Result<Seen<'s>, ResolveError> {
    let Some(party) = party else {
        return Ok(Seen::Absent);
    };
    let Some(idx) = inner.catalog.lookup(sku.as_str()) else {
        return Ok(Seen::Absent);
    };
    let Some(rec) = inner.catalog.get(idx) else {
        return Ok(Seen::Absent);
    };
    Ok(match party.decide(idx, rec, qty, None, &mut Lean)? {
        Verdict::Priced(w, _) => Seen::Priced {
            amount: w.list.currency.round(w.exact),
            currency: w.list.currency,
            assignment: &w.assignment.id,
            list: &w.list.id,
        },
        Verdict::QuoteRequired(_) => Seen::QuoteRequired,
        Verdict::NotVisible
        | Verdict::Denied(_)
        | Verdict::PriceHidden(_)
        | Verdict::SignInForPrice => Seen::NotVisible,
    })
}

/// A stable 64-bit hash of an (account, SKU) pair (FNV-1a, then SplitMix64's finaliser), for
/// sampling the same changes on every run and machine.
fn pair_hash(account: &AccountId, sku: &Sku) -> u64 {
    let fnv = |h: u64, bytes: &[u8]| {
        bytes.iter().fold(h, |h, &b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        })
    };
    let h = fnv(0xcbf2_9ce4_8422_2325, account.as_str().as_bytes());
    let mut z = fnv(fnv(h, &[0xFF]), sku.as_str().as_bytes());
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A change kept for the sample, ordered by its pair's hash (then the pair, should two hash
/// alike): a max-heap of these keeps the lowest.
struct Sampled {
    /// The pair's hash, the pair, and the context's position in the options.
    key: (u64, AccountId, Sku, usize),
    change: ImpactChange,
}

impl PartialEq for Sampled {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

impl Eq for Sampled {}

impl PartialOrd for Sampled {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Sampled {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key.cmp(&other.key)
    }
}

/// The changes found so far: every one while under the limit, then a bounded sample; the
/// counts and the largest moves are kept exactly either way.
struct Changes {
    limit: usize,
    sample_size: usize,
    listed: Vec<ImpactChange>,
    /// The context position of each listed change.
    listed_contexts: Vec<usize>,
    sample: Option<BinaryHeap<Sampled>>,
    total: usize,
    accounts: usize,
    /// The SKUs with a change (only counted: no order is leaked).
    skus: HashSet<Sku>,
    increase: Option<PriceMove>,
    decrease: Option<PriceMove>,
}

impl Changes {
    fn new(limit: usize) -> Changes {
        Changes {
            limit,
            sample_size: limit.min(Impact::SAMPLE),
            listed: Vec::new(),
            listed_contexts: Vec::new(),
            sample: None,
            total: 0,
            accounts: 0,
            skus: HashSet::new(),
            increase: None,
            decrease: None,
        }
    }

    /// Records one (account, SKU) whose answer changes. The change itself is built only if it
    /// is kept: listed while under the limit, or among the sample's lowest hashes after.
    fn record(
        &mut self,
        account: &AccountId,
        sku: &Sku,
        (ci, context): (usize, Option<&Context>),
        before: &Seen<'_>,
        after: &Seen<'_>,
    ) {
        self.total = self.total.saturating_add(1);
        if !self.skus.contains(sku) {
            self.skus.insert(sku.clone());
        }
        let percent = percent(before, after);
        if let Some(p) = percent {
            // As `max_by` over every change in order would pick: the last of equal moves.
            let mv = || PriceMove {
                account: account.clone(),
                sku: sku.clone(),
                percent: p,
            };
            if p.is_sign_positive() && !p.is_zero() {
                if self.increase.as_ref().is_none_or(|m| p >= m.percent) {
                    self.increase = Some(mv());
                }
            } else if p.is_sign_negative() && self.decrease.as_ref().is_none_or(|m| p <= m.percent)
            {
                self.decrease = Some(mv());
            }
        }
        let change = || ImpactChange {
            account: account.clone(),
            sku: sku.clone(),
            before: before.summary(),
            after: after.summary(),
            percent,
            context: context.cloned(),
        };
        if self.sample.is_none() && self.listed.len() < self.limit {
            self.listed.push(change());
            self.listed_contexts.push(ci);
            return;
        }
        let sample_size = self.sample_size;
        let sample = self.sample.get_or_insert_with(|| {
            // The limit is reached: the changes listed so far become the sample's candidates.
            let mut sample = BinaryHeap::new();
            for (c, ci) in std::mem::take(&mut self.listed)
                .into_iter()
                .zip(std::mem::take(&mut self.listed_contexts))
            {
                push_bounded(
                    &mut sample,
                    sample_size,
                    pair_hash(&c.account, &c.sku),
                    ci,
                    c,
                );
            }
            sample
        });
        let hash = pair_hash(account, sku);
        let kept = sample.len() < sample_size
            || sample.peek().is_some_and(|top| {
                (hash, account, sku, ci) < (top.key.0, &top.key.1, &top.key.2, top.key.3)
            });
        if kept {
            push_bounded(sample, sample_size, hash, ci, change());
        }
    }
}

/// Adds a change to the sample, dropping the highest hash beyond `size`.
fn push_bounded(
    sample: &mut BinaryHeap<Sampled>,
    size: usize,
    hash: u64,
    ci: usize,
    c: ImpactChange,
) {
    sample.push(Sampled {
        key: (hash, c.account.clone(), c.sku.clone(), ci),
        change: c,
    });
    if sample.len() > size {
        sample.pop();
    }
}

fn percent(before: &Seen<'_>, after: &Seen<'_>) -> Option<Decimal> {
    let (Seen::Priced { amount: a, .. }, Seen::Priced { amount: b, .. }) = (before, after) else {
        return None;
    };
    if a.is_zero() {
        return None;
    }
    let diff = b.checked_sub(*a)?;
    let pct = diff.checked_mul(Decimal::ONE_HUNDRED)?.checked_div(*a)?;
    // Rounded to two decimals, then written with two decimals ("+10.00 %", not "+10 %"), in
    // text and JSON alike. Rescaling up never fails (at worst it keeps fewer decimals).
    let mut pct = pct.round_dp_with_strategy(2, crate::money::ROUNDING);
    pct.rescale(2);
    Some(pct)
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
    // An order of that total in the account's default currency.
    let facts = OrderFacts {
        subtotal: total,
        currency: acc.currency,
        account_currency: acc.currency,
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
                policy: Some(p.id.clone()),
            })?;
        if holds.is_some() {
            out.push(p.id.clone());
        }
    }
    Ok(out)
}

impl Snapshot {
    /// Lists every (account, SKU) whose answer differs between `self` and `after`, re-resolving
    /// only the pairs the difference can reach. Beyond [`ImpactOptions::max_changes`] changes,
    /// the answer is a summary: exact counts and largest moves, and a deterministic sample of
    /// the changes ([`Impact::limit_reached`]). Each pair reached is still compared (the counts
    /// are exact), but only the kept changes are held in memory.
    ///
    /// # Errors
    /// [`ResolveError`] when an answer compared cannot be computed: a price or an approval
    /// condition that overflows exact decimal arithmetic in either snapshot.
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
        // C1-C3: the contexts compared in; none named compares once without a context.
        if options.contexts.len() > ImpactOptions::MAX_CONTEXTS {
            return Err(ResolveError::TooManyContexts {
                count: options.contexts.len(),
                max: ImpactOptions::MAX_CONTEXTS,
            });
        }
        for c in &options.contexts {
            if let Some(ch) = &c.channel
                && b.channels.lookup(ch.as_str()).is_none()
                && a.channels.lookup(ch.as_str()).is_none()
            {
                return Err(ResolveError::UnknownChannel(ch.clone()));
            }
        }
        let contexts: Vec<Option<&Context>> = if options.contexts.is_empty() {
            vec![None]
        } else {
            options.contexts.iter().map(Some).collect()
        };
        let mut changes = Changes::new(options.max_changes);
        let mut examined = 0usize;
        for (account, skus) in &pairs {
            let list: Vec<&Sku> = match skus {
                Skus::All => all_skus().iter().collect(),
                Skus::Some(s) => s.iter().collect(),
            };
            let before_count = changes.total;
            for (ci, &context) in contexts.iter().enumerate() {
                let view_b = account_view(b, account, options.at, context);
                let view_a = account_view(a, account, options.at, context);
                for sku in &list {
                    examined = examined.saturating_add(1);
                    let before = summarize(b, view_b.as_ref(), sku, options.qty)?;
                    let after = summarize(a, view_a.as_ref(), sku, options.qty)?;
                    if before != after {
                        changes.record(account, sku, (ci, context), &before, &after);
                    }
                }
            }
            if changes.total != before_count {
                changes.accounts = changes.accounts.saturating_add(1);
            }
        }
        let mut approval_changes = Vec::new();
        if let Some(total) = options.reference_order_total {
            let policies_changed = b.source.approval_policies != a.source.approval_policies
                || b.accounts.data != a.accounts.data
                || b.source.segments != a.source.segments
                || b.source.experiments != a.source.experiments;
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
        let limit_reached = changes.sample.is_some();
        let listed = match changes.sample {
            Some(sample) => {
                let mut kept: Vec<Sampled> = sample.into_vec();
                kept.sort_by(|x, y| {
                    (&x.key.1, &x.key.2, x.key.3).cmp(&(&y.key.1, &y.key.2, y.key.3))
                });
                kept.into_iter().map(|s| s.change).collect()
            }
            None => changes.listed,
        };
        Ok(Impact {
            before_version: b.version,
            after_version: a.version,
            largest_increase: changes.increase,
            largest_decrease: changes.decrease,
            changes: listed,
            total_changes: changes.total,
            limit_reached,
            approval_changes,
            accounts_affected: changes.accounts,
            skus_affected: changes.skus.len(),
            pairs_examined: examined,
        })
    }

    /// Applies `changeset` to a copy and reports its impact, without publishing anything: the
    /// answer holds the snapshot the change makes, which
    /// [`Engine::publish_prepared`](crate::Engine::publish_prepared) publishes as it is, and
    /// the [`Impact`] against `self`.
    ///
    /// # Errors
    /// [`PreviewError::Apply`] when the changeset cannot be applied (as [`Snapshot::apply`]
    /// refuses it), [`PreviewError::Resolve`] when an answer compared overflows exact
    /// arithmetic (as [`Snapshot::impact`]).
    ///
    /// ```
    /// use tradeterms::{Changeset, Dataset, ImpactOptions, Snapshot};
    /// let v1 = Snapshot::from_dataset(&Dataset::from_json(include_str!("../../../examples/data/demo.json"))?)?;
    /// let change = Changeset::from_json(include_str!("../../../examples/data/changeset.json"))?;
    /// let prepared = v1.preview(&change, &ImpactOptions::at("2026-06-01T00:00:00Z".parse()?))?;
    /// let impact = prepared.impact();
    /// assert_eq!((impact.before_version, impact.after_version), (1, 2));
    /// assert!(impact.total_changes > 0);
    /// assert_eq!(v1.version(), 1); // nothing published
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn preview(
        &self,
        changeset: &Changeset,
        options: &ImpactOptions,
    ) -> Result<Prepared, PreviewError> {
        let after = self.apply(changeset).map_err(PreviewError::Apply)?;
        let impact = self
            .impact(&after, options)
            .map_err(PreviewError::Resolve)?;
        Ok(Prepared {
            base: self.clone(),
            snapshot: after,
            impact,
            changeset: changeset.id.clone(),
        })
    }
}
