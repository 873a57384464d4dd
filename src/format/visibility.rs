//! Catalogue visibility rules as a host declares them: which SKUs (all, one, a category, those
//! matching a predicate) an account's users may or may not see.

use crate::format::predicate::Predicate;
use crate::format::scope::Scope;
use crate::id::{RoleName, Sku};
use serde::{Deserialize, Serialize};

/// Which SKUs a visibility rule is about.
///
/// ```
/// use tradeterms::Target;
/// let t: Target = serde_json::from_str(r#"{ "category": "uniforms/lincoln" }"#).unwrap();
/// assert_eq!(t, Target::Category("uniforms/lincoln".into()));
/// assert_eq!(serde_json::from_str::<Target>(r#""all""#).unwrap(), Target::All);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Target {
    /// Every SKU.
    #[default]
    All,
    /// One SKU.
    Sku(Sku),
    /// A category and its sub-categories.
    Category(String),
    /// SKUs whose attributes satisfy the predicate.
    Attributes(Predicate),
}

/// What a visibility rule does.
///
/// ```
/// let e: tradeterms::Effect = serde_json::from_str("\"exclude\"").unwrap();
/// assert_eq!(e, tradeterms::Effect::Exclude);
/// ```
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    /// Hide the targeted SKUs (listed first: at equal specificity an exclusion wins).
    Exclude,
    /// Show the targeted SKUs.
    #[default]
    Include,
}

/// A catalogue visibility rule.
///
/// ```
/// let r: tradeterms::VisibilityRuleData = serde_json::from_str(r#"{
///   "id": "lincoln-uniforms", "owner": "school-programs@seller.example",
///   "scope": { "account": "lincoln-high" }, "target": { "category": "uniforms/lincoln" },
///   "effect": "include" }"#).unwrap();
/// assert!(r.roles.is_empty());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct VisibilityRuleData {
    /// Unique id.
    pub id: String,
    /// The person or team answerable for the rule.
    pub owner: String,
    /// Which accounts it applies to.
    pub scope: Scope,
    /// If not empty, the rule applies only to users holding one of these roles at the account;
    /// such a rule is more specific than one for every user at the same scope.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<RoleName>,
    /// Which SKUs.
    pub target: Target,
    /// Include or exclude.
    pub effect: Effect,
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

impl VisibilityRuleData {
    /// A rule for every role, in every context, outside any experiment.
    ///
    /// ```
    /// use tradeterms::{Effect, Scope, Target, VisibilityRuleData};
    /// let r = VisibilityRuleData::new("hide-tools", "merch", Scope::Subtree("abb-corp".into()),
    ///     Target::Category("tools".into()), Effect::Exclude);
    /// assert_eq!(r.effect, Effect::Exclude);
    /// ```
    pub fn new(
        id: impl Into<String>,
        owner: impl Into<String>,
        scope: Scope,
        target: Target,
        effect: Effect,
    ) -> Self {
        VisibilityRuleData {
            id: id.into(),
            owner: owner.into(),
            scope,
            target,
            effect,
            ..VisibilityRuleData::default()
        }
    }
}

crate::format::builder!(VisibilityRuleData;
    into with_id(id: String),
    into with_owner(owner: String),
    set with_scope(scope: Scope),
    set with_roles(roles: Vec<RoleName>),
    set with_target(target: Target),
    set with_effect(effect: Effect),
    some_into with_experiment(experiment: String),
    set with_channels(channels: Vec<crate::id::ChannelId>),
    set with_countries(countries: Vec<crate::country::Country>),
);
