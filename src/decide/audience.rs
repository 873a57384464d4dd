//! Who reads an answer (issue 13, point 3; SEMANTICS A1-A3). An `Operator` answer explains
//! everything: every rule met, its owner, every losing candidate. A `Buyer` answer is what the
//! buyer's own screen may show: the decision, the price and its tiers, and the deciding list's
//! public name; no other contract, no owner, no hiding rule, no experiment. The decision is the
//! same for both: redaction runs on the finished answer, in this one module.

use crate::decide::order::answer::{Approval, Blocker, OrderAnswer};
use crate::decide::quote::QuoteOutcome;
use crate::decide::resolution::{Outcome, Payment, QuoteReason, Reference, Resolution};
use crate::decide::sheet::SheetLine;
use crate::error::ResolveError;
use serde::{Deserialize, Serialize};

/// Who an answer is for. `Operator` (the default) explains everything; `Buyer` keeps only what
/// the buyer may see: the decision, the price, the tier and the deciding list's public name.
///
/// ```
/// use tradeterms::{Audience, Dataset, Outcome, Query, Snapshot};
/// let dataset: Dataset = serde_json::from_str(include_str!("../../examples/data/demo.json")).unwrap();
/// let snapshot = Snapshot::from_dataset(&dataset).unwrap();
/// let at = "2026-06-01T00:00:00Z".parse().unwrap();
/// let q = Query::new("abb-north", "john", "DRILL-18V", 2, at).with_audience(Audience::Buyer);
/// let Outcome::Priced(p) = snapshot.resolve(&q).unwrap().outcome else { panic!() };
/// assert_eq!(p.price.amount.to_string(), "218.00");
/// assert!(p.source.is_none() && p.candidates.is_empty());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Audience {
    /// The seller's staff and tools: every rule, owner and candidate (A1).
    #[default]
    Operator,
    /// The buyer: the decision, the price, the tier and the deciding list's public name (A2).
    Buyer,
}

impl Audience {
    /// Whether this is the operator audience (serde skips the field then, so operator answers
    /// read as before audiences existed).
    pub fn is_operator(&self) -> bool {
        matches!(self, Audience::Operator)
    }
}

impl Resolution {
    /// The answer as `audience` may see it: unchanged for operators; for a buyer, without
    /// the rules that decided or lost, their owners, other lists and experiments (A2).
    pub fn for_audience(mut self, audience: Audience) -> Resolution {
        if audience.is_operator() {
            return self;
        }
        self.query.audience = audience;
        self.experiments.clear();
        self.visibility = None;
        self.outcome = self.outcome.for_audience(audience);
        self
    }
}

impl Outcome {
    /// The outcome as `audience` may see it (A2): a buyer's price keeps its amounts, tiers,
    /// quantity rule, reference amount and the deciding list's name.
    pub fn for_audience(self, audience: Audience) -> Outcome {
        if audience.is_operator() {
            return self;
        }
        match self {
            Outcome::Priced(mut p) => {
                p.source = None;
                p.candidates.clear();
                p.price.adjustments.clear();
                p.price.margins.clear();
                p.reference = p.reference.for_audience(audience);
                Outcome::Priced(p)
            }
            Outcome::QuoteRequired(mut q) => {
                q.candidates.clear();
                q.reason = q.reason.for_audience(audience);
                Outcome::QuoteRequired(q)
            }
            other => other,
        }
    }
}

impl Reference {
    /// The reference as `audience` may see it: a buyer sees the amount and the saving, not
    /// which list gave them (A2).
    #[must_use]
    pub fn for_audience(self, audience: Audience) -> Reference {
        match self {
            Reference::Compared(mut r) if !audience.is_operator() => {
                r.list = None;
                Reference::Compared(r)
            }
            other => other,
        }
    }
}

impl ResolveError {
    /// The error as `audience` may see it: an overflow a buyer can cause with an absurd
    /// quantity, or a negative price, names no list (it may be another contract or the
    /// reference list) and no approval policy (A2).
    #[must_use]
    pub fn for_audience(self, audience: Audience) -> ResolveError {
        if audience.is_operator() {
            return self;
        }
        match self {
            ResolveError::Overflow { sku, qty, .. } => ResolveError::Overflow {
                sku,
                list: None,
                qty,
            },
            ResolveError::NegativePrice { sku, .. } => {
                ResolveError::NegativePrice { sku, list: None }
            }
            ResolveError::ConditionOverflow { .. } => {
                ResolveError::ConditionOverflow { policy: None }
            }
            other => other,
        }
    }
}

impl QuoteReason {
    /// The reason as `audience` may see it: a buyer learns which list is quote-only, not the
    /// assignment that gave it to their account (A2).
    #[must_use]
    pub fn for_audience(self, audience: Audience) -> QuoteReason {
        match self {
            QuoteReason::ListQuoteOnly { list, .. } if !audience.is_operator() => {
                QuoteReason::ListQuoteOnly {
                    assignment: None,
                    list,
                }
            }
            other => other,
        }
    }
}

impl QuoteOutcome {
    /// The lean verdict as `audience` may see it: a buyer's price names no assignment and no
    /// reference list (A2).
    pub fn for_audience(self, audience: Audience) -> QuoteOutcome {
        match self {
            QuoteOutcome::Priced {
                amount,
                exact_amount,
                currency,
                tax_included,
                assignment: _,
                reference,
            } if !audience.is_operator() => QuoteOutcome::Priced {
                amount,
                exact_amount,
                currency,
                tax_included,
                assignment: None,
                reference: reference.for_audience(audience),
            },
            other => other,
        }
    }
}

impl SheetLine {
    /// The line as `audience` may see it (A2).
    #[must_use]
    pub fn for_audience(self, audience: Audience) -> SheetLine {
        if audience.is_operator() {
            return self;
        }
        SheetLine {
            sku: self.sku,
            unit: self.unit,
            visibility: None,
            outcome: self.outcome.for_audience(audience),
        }
    }
}

impl Payment {
    /// The payment options as `audience` may see them: a buyer sees the terms and methods in
    /// force, not the rules that set them (A2).
    pub fn for_audience(self, audience: Audience) -> Payment {
        match self {
            Payment::Options(mut o) if !audience.is_operator() => {
                o.experiments.clear();
                for d in o.terms.iter_mut() {
                    d.rule = None;
                    d.overridden.clear();
                }
                for d in o.methods.iter_mut() {
                    d.rule = None;
                    d.overridden.clear();
                }
                Payment::Options(o)
            }
            other => other,
        }
    }
}

impl OrderAnswer {
    /// The order answer as `audience` may see it: each line as [`Resolution::for_audience`],
    /// approval steps with their condition and approvers but not the policy behind them,
    /// payment as [`Payment::for_audience`], no experiments (A2).
    pub fn for_audience(mut self, audience: Audience) -> OrderAnswer {
        if audience.is_operator() {
            return self;
        }
        self.lines = self
            .lines
            .into_iter()
            .map(|mut l| {
                l.resolution = l.resolution.for_audience(audience);
                l
            })
            .collect();
        self.blockers = self
            .blockers
            .into_iter()
            .map(|b| match b {
                Blocker::Unapprovable { step, .. } => Blocker::Unapprovable { policy: None, step },
                Blocker::QuoteRequired {
                    line,
                    sku,
                    reason,
                    may_request_quote,
                } => Blocker::QuoteRequired {
                    line,
                    sku,
                    reason: reason.for_audience(audience),
                    may_request_quote,
                },
                other => other,
            })
            .collect();
        self.approval = Approval {
            status: self.approval.status,
            steps: self
                .approval
                .steps
                .into_iter()
                .map(|mut s| {
                    s.policy = None;
                    s
                })
                .collect(),
            overridden: Vec::new(),
        };
        self.payment = self.payment.for_audience(audience);
        self.experiments.clear();
        self
    }
}
