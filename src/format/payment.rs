//! Payment rules as a host declares them: the terms and the methods allowed for the accounts
//! (and roles) in a scope.

use crate::format::scope::Scope;
use crate::id::RoleName;
use serde::{Deserialize, Serialize};

/// When an invoice is due.
///
/// ```
/// use tradeterms::PaymentTerms;
/// let t: PaymentTerms = serde_json::from_str(r#"{ "net_days": 60 }"#).unwrap();
/// assert_eq!(t, PaymentTerms::NetDays(60));
/// assert_eq!(t.to_string(), "net 60 days");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PaymentTerms {
    /// Due this many days after the invoice.
    NetDays(u32),
    /// Due on receipt.
    DueOnReceipt,
}

impl std::fmt::Display for PaymentTerms {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PaymentTerms::NetDays(n) => write!(f, "net {n} days"),
            PaymentTerms::DueOnReceipt => f.write_str("due on receipt"),
        }
    }
}

/// A payment rule: the terms and/or the methods for the accounts (and roles) in its scope. For
/// each of the two, the most specific rule that sets it wins.
///
/// ```
/// let r: tradeterms::PaymentRuleData = serde_json::from_str(r#"{
///   "id": "chain-net60", "owner": "credit@seller.example", "scope": { "subtree": "bistro-group" },
///   "terms": { "net_days": 60 }, "methods": ["invoice"] }"#).unwrap();
/// assert_eq!(r.methods.unwrap(), vec!["invoice".to_string()]);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct PaymentRuleData {
    /// Unique id.
    pub id: String,
    /// The person or team answerable for the rule.
    pub owner: String,
    /// Which accounts it applies to.
    pub scope: Scope,
    /// If not empty, only for users holding one of these roles at the account.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<RoleName>,
    /// Payment terms, if this rule sets them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terms: Option<PaymentTerms>,
    /// Allowed payment methods (`invoice`, `purchase_order`, `card`...), if this rule sets them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub methods: Option<Vec<String>>,
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

impl PaymentRuleData {
    /// A rule for every role and context that sets nothing yet (`with_terms`, `with_methods`).
    ///
    /// ```
    /// use tradeterms::{PaymentRuleData, PaymentTerms, Scope};
    /// let r = PaymentRuleData::new("abb-net30", "credit", Scope::Subtree("abb-corp".into()))
    ///     .with_terms(PaymentTerms::NetDays(30));
    /// assert_eq!(r.terms, Some(PaymentTerms::NetDays(30)));
    /// ```
    pub fn new(id: impl Into<String>, owner: impl Into<String>, scope: Scope) -> Self {
        PaymentRuleData {
            id: id.into(),
            owner: owner.into(),
            scope,
            ..PaymentRuleData::default()
        }
    }
}

crate::format::builder!(PaymentRuleData;
    into with_id(id: String),
    into with_owner(owner: String),
    set with_scope(scope: Scope),
    set with_roles(roles: Vec<RoleName>),
    some with_terms(terms: PaymentTerms),
    some with_methods(methods: Vec<String>),
    some_into with_experiment(experiment: String),
    set with_channels(channels: Vec<crate::id::ChannelId>),
    set with_countries(countries: Vec<crate::country::Country>),
);
