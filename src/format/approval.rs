//! Approval policies as a host declares them: the condition on an order that makes a policy
//! apply, and the chain of approvers it then requires.

use crate::format::scope::Scope;
use crate::id::{RoleName, UserId};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// A condition on a whole order that makes an approval policy apply.
///
/// ```
/// use tradeterms::OrderCondition;
/// let c: OrderCondition = serde_json::from_str(r#"{ "any": [
///     { "total_above": "5000" }, { "line_qty_above": 100 }, "spending_limit_exceeded" ] }"#).unwrap();
/// assert!(matches!(c, OrderCondition::Any(ref v) if v.len() == 3));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum OrderCondition {
    /// The order subtotal is above this amount, in the ordering account's default currency:
    /// it applies only to orders in that currency (SEMANTICS C3).
    TotalAbove(
        #[serde(with = "crate::money::decimal_str")]
        #[cfg_attr(feature = "schema", schemars(with = "String"))]
        Decimal,
    ),
    /// The order subtotal is above this amount in this currency: it applies only to orders in
    /// that currency (`{ "total_above_in": { "currency": "CAD", "amount": "7000" } }`, C3).
    TotalAboveIn(crate::money::Money),
    /// Some line's quantity, in base units, is above this (a decimal for SKUs with
    /// `quantity_decimals`).
    LineQtyAbove(crate::quantity::Quantity),
    /// The order has more lines than this.
    LinesAbove(u64),
    /// Some line's SKU is in this category (or below it).
    Category(String),
    /// The subtotal exceeds the requester's per-order spending limit.
    SpendingLimitExceeded,
    /// Some line's margin, against the SKU's cost, is below this percentage of its price.
    MarginBelowPercent(
        #[serde(with = "crate::money::decimal_str")]
        #[cfg_attr(feature = "schema", schemars(with = "String"))]
        Decimal,
    ),
    /// Every sub-condition holds.
    All(Vec<OrderCondition>),
    /// At least one sub-condition holds.
    Any(Vec<OrderCondition>),
}

/// Who can satisfy one approval step.
///
/// ```
/// use tradeterms::Approvers;
/// let a: Approvers = serde_json::from_str(r#"{ "role_escalating": "approver" }"#).unwrap();
/// assert!(matches!(a, Approvers::RoleEscalating(_)));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Approvers {
    /// Users holding this role at the ordering account (directly or through a subtree
    /// membership).
    Role(RoleName),
    /// Users holding this role at the ordering account or, if nobody other than the requester
    /// does, at the nearest ancestor where someone does (escalation up the hierarchy).
    RoleEscalating(RoleName),
    /// These named users.
    Users(Vec<UserId>),
}

/// An approval policy: when its condition holds for an order, its steps must be approved in
/// order.
///
/// ```
/// let p: tradeterms::ApprovalPolicyData = serde_json::from_str(r#"{
///   "id": "big-orders", "owner": "finance@buyer.example", "scope": { "subtree": "abb-corp" },
///   "when": { "total_above": "10000" },
///   "steps": [{ "role": "approver" }, { "users": ["cfo"] }] }"#).unwrap();
/// assert_eq!(p.steps.len(), 2);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ApprovalPolicyData {
    /// Unique id.
    pub id: String,
    /// The person or team answerable for the policy.
    pub owner: String,
    /// Which accounts' orders it applies to.
    pub scope: Scope,
    /// If not empty, it applies only to orders placed by users holding one of these roles.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<RoleName>,
    /// Policies sharing a slot override each other: only the most specific applicable one is
    /// used, so a branch can replace its holding's threshold. Defaults to the policy's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slot: Option<String>,
    /// When the policy applies.
    pub when: OrderCondition,
    /// The approval chain, in order.
    pub steps: Vec<Approvers>,
    /// Where the policy's steps come in the order's approval chain: lower stages first (a team
    /// lead at stage 1 before finance at stage 2), policies of one stage in precedence order.
    /// Defaults to 0, so renaming a policy never reorders a chain whose stages are set.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub stage: u32,
    /// If set, the rule applies only to accounts in this experiment's treatment arm.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub experiment: Option<String>,
    /// The sales channels the rule is limited to (declared under `channels`); every channel if
    /// empty (SEMANTICS C2).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub channels: Vec<crate::id::ChannelId>,
    /// The ship-to countries (ISO 3166-1 alpha-2) the rule is limited to; every country if
    /// empty (SEMANTICS C2).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub countries: Vec<crate::country::Country>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl ApprovalPolicyData {
    /// A policy for every role and context, in stage 0, outside any experiment.
    ///
    /// ```
    /// use tradeterms::{ApprovalPolicyData, Approvers, OrderCondition, Scope};
    /// let p = ApprovalPolicyData::new("big-orders", "finance", Scope::Subtree("abb-corp".into()),
    ///     OrderCondition::TotalAbove("10000".parse().unwrap()), vec![Approvers::Role("approver".into())]);
    /// assert_eq!(p.steps.len(), 1);
    /// ```
    pub fn new(
        id: impl Into<String>,
        owner: impl Into<String>,
        scope: Scope,
        when: OrderCondition,
        steps: Vec<Approvers>,
    ) -> Self {
        ApprovalPolicyData {
            id: id.into(),
            owner: owner.into(),
            scope,
            when,
            steps,
            roles: Vec::new(),
            slot: None,
            stage: 0,
            experiment: None,
            channels: Vec::new(),
            countries: Vec::new(),
        }
    }
}

crate::format::builder!(ApprovalPolicyData;
    into with_id(id: String),
    into with_owner(owner: String),
    set with_scope(scope: Scope),
    set with_roles(roles: Vec<RoleName>),
    some_into with_slot(slot: String),
    set with_when(when: OrderCondition),
    set with_steps(steps: Vec<Approvers>),
    set with_stage(stage: u32),
    some_into with_experiment(experiment: String),
    set with_channels(channels: Vec<crate::id::ChannelId>),
    set with_countries(countries: Vec<crate::country::Country>),
);
