//! What `resolve_order` returns: the order asked about, each line's answer, what blocks
//! checkout, the approval chain and the subtotal, with how each renders for people.

use crate::decide::audience::Audience;
use crate::decide::resolution::{
    Access, Context, Outcome, Payment, QuoteReason, Refusal, Resolution, RuleRef,
};
use crate::format::{Approvers, QuantityRule};
use crate::id::{AccountId, PriceListId, Sku, UserId};
use crate::money::Money;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::fmt;

/// An order to resolve: lines for one account, placed by one user, at one instant.
///
/// ```
/// let o: tradeterms::Order = serde_json::from_str(r#"{
///   "account": "abb-north", "user": "john", "at": "2026-06-01T00:00:00Z",
///   "lines": [{ "sku": "DRILL-18V", "qty": 2 }, { "sku": "SCREW-100", "qty": 48, "lead_time_days": 3 }] }"#).unwrap();
/// assert_eq!(o.lines.len(), 2);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Order {
    /// The account ordered for.
    pub account: AccountId,
    /// The requester.
    pub user: UserId,
    /// When the order is placed.
    pub at: Timestamp,
    /// The lines.
    pub lines: Vec<OrderLine>,
    /// Who will read the answer: `Operator` (the default) or `Buyer` (SEMANTICS A1-A3).
    #[serde(default, skip_serializing_if = "Audience::is_operator")]
    pub audience: Audience,
    /// The sales channel, ship-to country and currency of the order (C1-C3); every line is
    /// priced in that one currency.
    #[serde(default, skip_serializing_if = "Context::is_empty")]
    pub context: Context,
}

crate::format::builder!(Order;
    set with_lines(lines: Vec<OrderLine>),
    set with_at(at: Timestamp),
);

impl Order {
    /// An order for the operator audience.
    ///
    /// ```
    /// use tradeterms::{Order, OrderLine};
    /// let o = Order::new("abb-north", "john", "2026-06-01T00:00:00Z".parse().unwrap(),
    ///     vec![OrderLine::new("DRILL-18V", 2)]);
    /// assert_eq!(o.lines.len(), 1);
    /// ```
    pub fn new(
        account: impl Into<AccountId>,
        user: impl Into<UserId>,
        at: Timestamp,
        lines: Vec<OrderLine>,
    ) -> Order {
        Order {
            account: account.into(),
            user: user.into(),
            at,
            lines,
            audience: Audience::Operator,
            context: Context::default(),
        }
    }

    /// The same order, placed in `context`.
    #[must_use]
    pub fn with_context(self, context: Context) -> Order {
        Order { context, ..self }
    }

    /// The same order, answered for `audience`.
    #[must_use]
    pub fn with_audience(self, audience: Audience) -> Order {
        Order { audience, ..self }
    }
}

/// One line of an order.
///
/// ```
/// let l: tradeterms::OrderLine = serde_json::from_str(r#"{ "sku": "BOLT", "qty": 12 }"#).unwrap();
/// assert_eq!(l.qty, 12);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct OrderLine {
    /// The SKU.
    pub sku: Sku,
    /// Quantity, more than zero; decimals within the SKU's `quantity_decimals` (`12.5` metres
    /// of cable, SEMANTICS U6).
    pub qty: crate::quantity::Quantity,
    /// The unit `qty` counts in: one the SKU declares, its base unit if absent (SEMANTICS U2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<crate::id::UnitId>,
    /// Lead time for this line in days, overriding the catalogue's (a supplier quote, say).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead_time_days: Option<u32>,
}

impl OrderLine {
    /// A line of `qty` of `sku` in its base unit: a constructor, so a field added later
    /// breaks no caller that uses it.
    ///
    /// ```
    /// use tradeterms::OrderLine;
    /// let line = OrderLine::new("SCREW-100", 3).in_unit("pallet").with_lead_time(10);
    /// assert_eq!(line.qty, 3);
    /// assert_eq!((line.unit.unwrap().as_str(), line.lead_time_days), ("pallet", Some(10)));
    /// ```
    pub fn new(sku: impl Into<Sku>, qty: impl Into<crate::quantity::Quantity>) -> OrderLine {
        OrderLine {
            sku: sku.into(),
            qty: qty.into(),
            unit: None,
            lead_time_days: None,
        }
    }

    /// The same line, with `qty` counted in `unit` (SEMANTICS U2).
    #[must_use]
    pub fn in_unit(self, unit: impl Into<crate::id::UnitId>) -> OrderLine {
        OrderLine {
            unit: Some(unit.into()),
            ..self
        }
    }

    /// The same line, with its own lead time in days.
    #[must_use]
    pub fn with_lead_time(self, days: u32) -> OrderLine {
        OrderLine {
            lead_time_days: Some(days),
            ..self
        }
    }
}

/// Where a quantity rule comes from.
///
/// ```
/// let s = tradeterms::QuantitySource::Sku;
/// assert_eq!(s.to_string(), "the SKU");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum QuantitySource {
    /// The catalogue item.
    Sku,
    /// The deciding price entry of this list.
    Entry(PriceListId),
}

impl fmt::Display for QuantitySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QuantitySource::Sku => f.write_str("the SKU"),
            QuantitySource::Entry(l) => write!(f, "the entry of list `{l}`"),
        }
    }
}

/// A quantity that breaks a quantity rule, with the nearest quantities that would not.
///
/// ```
/// use tradeterms::{QuantitySource, QuantityViolation};
/// let v: QuantityViolation = serde_json::from_str(
///     r#"{ "source": "sku", "rule": { "increment": 12 }, "below": 12, "above": 24 }"#).unwrap();
/// assert_eq!(v.source, QuantitySource::Sku);
/// assert!(v.to_string().contains("12 or 24"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct QuantityViolation {
    /// Which rule.
    pub source: QuantitySource,
    /// The rule.
    pub rule: QuantityRule,
    /// The nearest valid quantity below, if any.
    pub below: Option<crate::quantity::Quantity>,
    /// The nearest valid quantity above, if any.
    pub above: Option<crate::quantity::Quantity>,
}

impl fmt::Display for QuantityViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "quantity breaks the rule of {} (", self.source)?;
        let mut parts = Vec::new();
        if let Some(m) = self.rule.min {
            parts.push(format!("min {m}"));
        }
        if let Some(m) = self.rule.max {
            parts.push(format!("max {m}"));
        }
        if let Some(i) = self.rule.increment {
            parts.push(format!("multiples of {i}"));
        }
        write!(f, "{})", parts.join(", "))?;
        match (self.below, self.above) {
            (Some(b), Some(a)) => write!(f, "; nearest valid: {b} or {a}"),
            (Some(b), None) => write!(f, "; nearest valid: {b}"),
            (None, Some(a)) => write!(f, "; nearest valid: {a}"),
            (None, None) => f.write_str("; no quantity is valid"),
        }
    }
}

/// A line whose lead time is longer than the account's contract accepts.
///
/// ```
/// let b: tradeterms::LeadTimeBreach =
///     serde_json::from_str(r#"{ "lead_time_days": 21, "max_lead_time_days": 14 }"#).unwrap();
/// assert_eq!(b.to_string(), "lead time 21 days exceeds the contract's 14 days");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct LeadTimeBreach {
    /// The line's lead time.
    pub lead_time_days: u32,
    /// The contract's maximum.
    pub max_lead_time_days: u32,
}

impl fmt::Display for LeadTimeBreach {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "lead time {} days exceeds the contract's {} days",
            self.lead_time_days, self.max_lead_time_days
        )
    }
}

/// One line of the order answer.
///
/// ```
/// # fn f(l: &tradeterms::LineAnswer) { let _ = l.resolution.outcome.price(); }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct LineAnswer {
    /// The line as `resolve` answers it.
    pub resolution: Resolution,
    /// Quantity rules the line breaks.
    pub quantity_violations: Vec<QuantityViolation>,
    /// Set when the line does not meet the contract's lead time (a flag, not a blocker).
    pub lead_time_breach: Option<LeadTimeBreach>,
}

/// Why an order cannot be placed as it stands.
///
/// ```
/// use tradeterms::Blocker;
/// let b = Blocker::NotVisible { line: 0, sku: "X".into() };
/// assert_eq!(b.to_string(), "line 1 (`X`): not in this account's catalogue");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", tag = "blocker")]
#[non_exhaustive]
pub enum Blocker {
    /// The requester may not order for the account.
    MayNotBuy {
        /// Why.
        refusal: Refusal,
    },
    /// The requester may not see the catalogue or the prices.
    Denied {
        /// The line (from 0).
        line: usize,
        /// Its SKU.
        sku: Sku,
        /// Why.
        refusal: Refusal,
    },
    /// The SKU is not visible to the requester.
    NotVisible {
        /// The line (from 0).
        line: usize,
        /// Its SKU.
        sku: Sku,
    },
    /// The line needs a quote.
    QuoteRequired {
        /// The line (from 0).
        line: usize,
        /// Its SKU.
        sku: Sku,
        /// Why.
        reason: QuoteReason,
        /// Whether the requester may ask for one.
        may_request_quote: bool,
    },
    /// The quantity breaks a quantity rule.
    Quantity {
        /// The line (from 0).
        line: usize,
        /// Its SKU.
        sku: Sku,
        /// The rule broken and the nearest valid quantities.
        violation: QuantityViolation,
    },
    /// An approval step no one but the requester could approve.
    Unapprovable {
        /// The step's policy; absent in a `Buyer` answer (A2).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        policy: Option<String>,
        /// The step's position in its policy's chain (from 1).
        step: usize,
    },
}

impl fmt::Display for Blocker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = |line: &usize, sku: &Sku| format!("line {} (`{sku}`)", line.saturating_add(1));
        match self {
            Blocker::MayNotBuy { refusal } => write!(f, "the requester may not order: {refusal}"),
            Blocker::Denied { line, sku, refusal } => write!(f, "{}: {refusal}", at(line, sku)),
            Blocker::NotVisible { line, sku } => {
                write!(f, "{}: not in this account's catalogue", at(line, sku))
            }
            Blocker::QuoteRequired {
                line,
                sku,
                reason,
                may_request_quote,
            } => write!(
                f,
                "{}: needs a quote ({reason}); the requester {} request one",
                at(line, sku),
                if *may_request_quote { "may" } else { "may not" }
            ),
            Blocker::Quantity {
                line,
                sku,
                violation,
            } => write!(f, "{}: {violation}", at(line, sku)),
            Blocker::Unapprovable {
                policy: Some(policy),
                step,
            } => write!(
                f,
                "step {step} of approval policy `{policy}` has no eligible approver other than the requester"
            ),
            Blocker::Unapprovable { policy: None, step } => write!(
                f,
                "approval step {step} has no eligible approver other than the requester"
            ),
        }
    }
}

/// One approval step the order needs.
///
/// ```
/// # fn f(s: &tradeterms::ApprovalStep) { let _ = s.eligible.is_empty(); }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct ApprovalStep {
    /// The policy that requires it; absent in a `Buyer` answer (A2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<RuleRef>,
    /// Why the policy applies to this order.
    pub condition: String,
    /// Position in the policy's chain, from 1.
    pub step: usize,
    /// Who may approve, as the policy states it.
    pub approvers: Approvers,
    /// For an escalating step: the account where approvers were found.
    pub escalated_to: Option<AccountId>,
    /// The users who may approve this step (never the requester), sorted.
    pub eligible: Vec<UserId>,
}

/// Whether and how the order must be approved.
///
/// ```
/// use tradeterms::ApprovalStatus;
/// assert_eq!(ApprovalStatus::AutoApproved.to_string(), "auto-approved: no approval policy applies");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ApprovalStatus {
    /// No policy applies: the order needs no approval.
    AutoApproved,
    /// The steps listed must approve, in order.
    Required,
    /// Some step has no eligible approver other than the requester.
    Unapprovable,
    /// Not evaluated: the requester may not act for the account, so the account's approval
    /// policies and approvers are not shown to them (SEMANTICS O12).
    NotEvaluated,
}

impl fmt::Display for ApprovalStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ApprovalStatus::AutoApproved => "auto-approved: no approval policy applies",
            ApprovalStatus::Required => "approval required",
            ApprovalStatus::NotEvaluated => {
                "not evaluated: the requester may not act for this account"
            }
            ApprovalStatus::Unapprovable => {
                "unapprovable: a step has no eligible approver other than the requester"
            }
        })
    }
}

/// The approval requirement of an order.
///
/// ```
/// let a: tradeterms::Approval = serde_json::from_str(
///     r#"{ "status": "auto_approved", "steps": [], "overridden": [] }"#).unwrap();
/// assert_eq!(a.status, tradeterms::ApprovalStatus::AutoApproved);
/// assert!(a.steps.is_empty());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Approval {
    /// The verdict.
    pub status: ApprovalStatus,
    /// Every step required, policy by policy in precedence order.
    pub steps: Vec<ApprovalStep>,
    /// Applicable policies replaced by a more specific policy of the same slot.
    pub overridden: Vec<RuleRef>,
}

/// The answer to a whole order.
///
/// ```
/// # fn f(a: &tradeterms::OrderAnswer) { println!("{a}"); }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[must_use = "an answer that is not read decides nothing"]
#[non_exhaustive]
pub struct OrderAnswer {
    /// The snapshot version that produced the answer.
    pub version: u64,
    /// The account ordered for.
    pub account: AccountId,
    /// The requester.
    pub user: UserId,
    /// When.
    pub at: Timestamp,
    /// What the requester may do for the account.
    pub access: Access,
    /// Each line, in order.
    pub lines: Vec<LineAnswer>,
    /// Sum of the priced lines' rounded amounts, in the account's currency; absent when the
    /// requester may not see the account's catalogue (the currency is the account's, too).
    pub subtotal: Option<Money>,
    /// Whether the order can be placed as it stands (no blockers).
    pub orderable: bool,
    /// Everything that stops the order, line by line.
    pub blockers: Vec<Blocker>,
    /// The approval requirement.
    pub approval: Approval,
    /// Payment terms and methods.
    pub payment: Payment,
    /// Every experiment whose rules reached the order (prices, visibility, approvals, payment),
    /// with the account's arm in each.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub experiments: Vec<crate::model::experiment::ExperimentArm>,
}

impl fmt::Display for OrderAnswer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "order for account `{}` by user `{}` at {} (snapshot v{})",
            self.account, self.user, self.at, self.version
        )?;
        for (i, l) in self.lines.iter().enumerate() {
            let q = &l.resolution.query;
            let what = match &l.resolution.outcome {
                Outcome::Priced(p) => format!("{} {}", p.price.amount, p.price.currency),
                Outcome::QuoteRequired(qr) => format!("quote required: {}", qr.reason),
                Outcome::NotVisible => "not visible".to_string(),
                Outcome::SignInForPrice => "sign in for price".to_string(),
                Outcome::PriceHidden(r) | Outcome::Denied(r) => format!("no price: {r}"),
            };
            writeln!(
                f,
                "  {}. {} x `{}`: {what}",
                i.saturating_add(1),
                q.qty,
                q.sku
            )?;
            if let Outcome::Priced(p) = &l.resolution.outcome {
                match &p.source {
                    Some(s) => writeln!(f, "     from list `{}` via `{}`", s.list, s.assignment)?,
                    None => writeln!(f, "     from {}", p.list_name)?,
                }
            }
            for v in &l.quantity_violations {
                writeln!(f, "     {v}")?;
            }
            if let Some(b) = &l.lead_time_breach {
                writeln!(f, "     does not meet the contract: {b}")?;
            }
        }
        if let Some(subtotal) = &self.subtotal {
            writeln!(f, "  subtotal: {subtotal}")?;
        }
        if self.orderable {
            writeln!(f, "  orderable as it stands")?;
        } else {
            writeln!(f, "  NOT ORDERABLE as it stands:")?;
            for b in &self.blockers {
                writeln!(f, "    - {b}")?;
            }
        }
        writeln!(f, "  {}", self.approval.status)?;
        for s in &self.approval.steps {
            let who = if s.eligible.is_empty() {
                "nobody but the requester".to_string()
            } else {
                s.eligible
                    .iter()
                    .map(|u| format!("`{u}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            match &s.policy {
                Some(policy) => write!(f, "    step {} of {policy}: {who}", s.step)?,
                None => write!(f, "    step {}: {who}", s.step)?,
            }
            if let Some(a) = &s.escalated_to {
                write!(f, " (escalated to `{a}`)")?;
            }
            writeln!(f, " because {}", s.condition)?;
        }
        for o in &self.approval.overridden {
            writeln!(f, "    overridden policy: {o}")?;
        }
        let payment = self.payment.to_string();
        for (i, line) in payment.lines().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "  {line}")?;
        }
        Ok(())
    }
}
