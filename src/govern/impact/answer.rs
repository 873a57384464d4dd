//! What an impact preview returns: the options it compares at, each (account, SKU) whose
//! answer moves with its before and after, the approval policies a reference order would now
//! trigger, the largest price moves, and why a preview failed; with how each renders.

use crate::error::ResolveError;
use crate::govern::changeset::ApplyError;
use crate::id::{AccountId, AssignmentId, PriceListId, Sku};
use crate::model::snapshot::Snapshot;
use crate::money::Currency;
use jiff::Timestamp;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::fmt;

/// What to compare.
///
/// ```
/// let o = tradeterms::ImpactOptions::at("2026-06-01T00:00:00Z".parse().unwrap());
/// assert_eq!(o.qty, 1);
/// assert_eq!(o.max_changes, tradeterms::ImpactOptions::DEFAULT_MAX_CHANGES);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ImpactOptions {
    /// The instant answers are compared at.
    pub at: Timestamp,
    /// The quantity prices are compared at: a whole one, or one every SKU compared can count
    /// (a quantity finer than a SKU's `quantity_decimals` is
    /// [`ResolveError::QuantityTooPrecise`](crate::ResolveError::QuantityTooPrecise), U7).
    pub qty: crate::quantity::Quantity,
    /// If set, also compare which approval policies an order of this subtotal would trigger,
    /// per account.
    pub reference_order_total: Option<Decimal>,
    /// The most (account, SKU) changes listed one by one. Beyond it the answer is a summary
    /// ([`Impact::limit_reached`]): the counts and largest moves stay exact, and
    /// [`Impact::changes`] holds a deterministic sample of at most [`Impact::SAMPLE`] changes.
    /// Memory stays proportional to the limit, however many pairs the change moves.
    pub max_changes: usize,
    /// The contexts answers are compared in (SEMANTICS C1-C3): each (account, SKU) is compared
    /// once per context, and each change names its context. Empty (the default): once, in no
    /// context and the account's default currency. An account that does not buy in a
    /// context's currency is absent in that context. At most
    /// [`ImpactOptions::MAX_CONTEXTS`].
    pub contexts: Vec<crate::decide::resolution::Context>,
}

crate::format::builder!(ImpactOptions;
    into with_qty(qty: crate::quantity::Quantity),
    some with_reference_order_total(reference_order_total: Decimal),
    set with_max_changes(max_changes: usize),
    set with_at(at: Timestamp),
);

impl ImpactOptions {
    /// The most contexts one comparison takes: each multiplies the pairs compared.
    pub const MAX_CONTEXTS: usize = 32;

    /// The same options, comparing in each of `contexts`.
    #[must_use]
    pub fn with_contexts(self, contexts: Vec<crate::decide::resolution::Context>) -> ImpactOptions {
        ImpactOptions { contexts, ..self }
    }

    /// The default for [`ImpactOptions::max_changes`].
    pub const DEFAULT_MAX_CHANGES: usize = 10_000;

    /// Compare unit prices at `at`, without approvals, listing up to
    /// [`ImpactOptions::DEFAULT_MAX_CHANGES`] changes.
    pub fn at(at: Timestamp) -> ImpactOptions {
        ImpactOptions {
            at,
            qty: crate::quantity::Quantity::ONE,
            reference_order_total: None,
            max_changes: ImpactOptions::DEFAULT_MAX_CHANGES,
            contexts: Vec::new(),
        }
    }
}

/// An account's answer for a SKU, as compared by the impact preview.
///
/// ```
/// use tradeterms::AnswerSummary;
/// assert_eq!(AnswerSummary::NotVisible.to_string(), "not visible");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
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
        #[serde(with = "crate::money::decimal_str")]
        #[cfg_attr(feature = "schema", schemars(with = "Decimal"))]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct ImpactChange {
    /// The account.
    pub account: AccountId,
    /// The SKU.
    pub sku: Sku,
    /// The answer before.
    pub before: AnswerSummary,
    /// The answer after.
    pub after: AnswerSummary,
    /// For a price change, the change in percent, always with two decimals (`10.00`); `None`
    /// from a zero price.
    #[serde(with = "crate::money::decimal_str::option")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<Decimal>"))]
    pub percent: Option<Decimal>,
    /// The context compared in, when the options named contexts (C1-C3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<crate::decide::resolution::Context>,
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct PriceMove {
    /// The account.
    pub account: AccountId,
    /// The SKU.
    pub sku: Sku,
    /// The change in percent, always with two decimals (`-3.50`).
    #[serde(with = "crate::money::decimal_str")]
    #[cfg_attr(feature = "schema", schemars(with = "Decimal"))]
    pub percent: Decimal,
}

/// Everything a change moves.
///
/// ```
/// # fn f(i: &tradeterms::Impact) { println!("{i}"); }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[must_use = "an answer that is not read decides nothing"]
#[non_exhaustive]
pub struct Impact {
    /// The version compared from.
    pub before_version: u64,
    /// The version compared to.
    pub after_version: u64,
    /// Every (account, SKU) whose answer changes, by account then SKU; when
    /// [`Impact::limit_reached`], a sample of them (still by account then SKU): the changes
    /// whose (account, SKU) hash lowest under a fixed hash, the same on every run.
    pub changes: Vec<ImpactChange>,
    /// How many (account, SKU) answers change: `changes.len()` unless the limit was reached.
    pub total_changes: usize,
    /// Whether more answers change than [`ImpactOptions::max_changes`]: `changes` is then a
    /// sample, and every count and largest move is still exact.
    pub limit_reached: bool,
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
    /// How many (account, SKU) pairs the preview re-resolved (once per context compared): the
    /// pairs the change could reach. A stable diagnostic of what a preview cost, not part of
    /// the answer's meaning: two previews with the same changes may examine different counts
    /// as the reach computation gets sharper.
    pub pairs_examined: usize,
}

impl Impact {
    /// The most changes listed as a sample when the limit is reached (fewer if
    /// [`ImpactOptions::max_changes`] is lower).
    ///
    /// ```
    /// assert_eq!(tradeterms::Impact::SAMPLE, 100);
    /// ```
    pub const SAMPLE: usize = 100;
}

impl fmt::Display for Impact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "impact of v{} -> v{}: {} change(s), {} account(s), {} SKU(s) affected ({} pairs examined)",
            self.before_version,
            self.after_version,
            self.total_changes,
            self.accounts_affected,
            self.skus_affected,
            self.pairs_examined
        )?;
        if self.limit_reached {
            writeln!(
                f,
                "  more changes than the limit: a sample of {} is listed",
                self.changes.len()
            )?;
        }
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

/// A change applied but not yet published: the snapshot it makes, with its impact. What
/// [`Snapshot::preview`] returns; [`Engine::publish_prepared`](crate::Engine::publish_prepared)
/// publishes the snapshot as it is, without applying the changeset again, if the snapshot it
/// was prepared from is still the one served.
///
/// ```
/// use tradeterms::{Changeset, Dataset, ImpactOptions, Snapshot};
/// let v1 = Snapshot::from_dataset(&Dataset::from_json(include_str!("../../../examples/data/demo.json"))?)?;
/// let change = Changeset::from_json(include_str!("../../../examples/data/changeset.json"))?;
/// let prepared = v1.preview(&change, &ImpactOptions::at("2026-06-01T00:00:00Z".parse()?))?;
/// assert_eq!((prepared.base_version(), prepared.snapshot().version()), (1, 2));
/// assert_eq!(prepared.changeset_id(), change.id);
/// println!("{}", prepared.impact());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
#[must_use = "an answer that is not read decides nothing"]
pub struct Prepared {
    pub(crate) base: Snapshot,
    pub(crate) snapshot: Snapshot,
    pub(crate) impact: Impact,
    pub(crate) changeset: String,
}

impl Prepared {
    /// What the change moves.
    pub fn impact(&self) -> &Impact {
        &self.impact
    }

    /// What the change moves, the snapshot dropped.
    pub fn into_impact(self) -> Impact {
        self.impact
    }

    /// The snapshot the change makes, at the base version + 1.
    pub fn snapshot(&self) -> &Snapshot {
        &self.snapshot
    }

    /// The snapshot the change makes, the impact dropped.
    pub fn into_snapshot(self) -> Snapshot {
        self.snapshot
    }

    /// The version the change was applied to.
    pub fn base_version(&self) -> u64 {
        self.base.version()
    }

    /// The id of the changeset applied.
    pub fn changeset_id(&self) -> &str {
        &self.changeset
    }
}

/// Why a preview failed.
///
/// ```
/// # fn f(e: tradeterms::PreviewError) { println!("{e}"); }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PreviewError {
    /// The changeset could not be applied.
    #[error(transparent)]
    Apply(ApplyError),
    /// An answer could not be computed.
    #[error(transparent)]
    Resolve(ResolveError),
}

impl PreviewError {
    /// The stable, machine-readable code of the error inside: an [`ApplyError::code`] or a
    /// [`ResolveError::code`] (the two sets of codes do not overlap).
    ///
    /// ```
    /// use tradeterms::{ApplyError, PreviewError};
    /// let e = PreviewError::Apply(ApplyError::VersionExhausted { version: u64::MAX });
    /// assert_eq!(e.code(), "version_exhausted");
    /// assert_eq!(serde_json::to_value(&e).unwrap()["code"], "version_exhausted");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            PreviewError::Apply(e) => e.code(),
            PreviewError::Resolve(e) => e.code(),
        }
    }
}

/// Serialises as the error inside: its `code`, its fields and its `message`.
impl Serialize for PreviewError {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            PreviewError::Apply(e) => e.serialize(serializer),
            PreviewError::Resolve(e) => e.serialize(serializer),
        }
    }
}
