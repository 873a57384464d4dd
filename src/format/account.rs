//! Accounts as a host declares them: the forest of holdings, subsidiaries and branches, each
//! with its currency, attributes and the settings it may inherit from its ancestors (price
//! policy, catalogue mode, lead-time limit, which rule kinds reach it from above).

use crate::format::predicate::Attributes;
use crate::id::AccountId;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How an account picks one price among several applicable lists.
///
/// ```
/// use tradeterms::PricePolicy;
/// let p: PricePolicy = serde_json::from_str("\"lowest_price\"").unwrap();
/// assert_eq!(p, PricePolicy::LowestPrice);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PricePolicy {
    /// The most specific scope wins (own account, nearest ancestor, segment, everyone), then the
    /// highest priority.
    #[default]
    Precedence,
    /// The lowest price at the asked quantity among all candidates wins.
    LowestPrice,
    /// The first level with a candidate that can price the line decides (own account, nearest
    /// ancestor, ..., segments, everyone), and within it the lowest price wins; equal prices
    /// then go by priority, then id. What a buyer in two buying groups expects: the better of
    /// the two group prices, never a less specific list.
    BestInLevel,
}

/// Renders the policy for people, as it is written in the data with spaces for underscores:
/// "precedence", "lowest price", "best in level".
///
/// ```
/// assert_eq!(tradeterms::PricePolicy::BestInLevel.to_string(), "best in level");
/// ```
impl std::fmt::Display for PricePolicy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            PricePolicy::Precedence => "precedence",
            PricePolicy::LowestPrice => "lowest price",
            PricePolicy::BestInLevel => "best in level",
        })
    }
}

/// Which rule kinds an account receives from its ancestors. Each kind is set separately: a
/// subsidiary may inherit its holding's assortment but not its payment terms.
///
/// ```
/// let i: tradeterms::Inheritance = serde_json::from_str(r#"{ "price_lists": false }"#).unwrap();
/// assert!(!i.price_lists);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, default)]
#[non_exhaustive]
pub struct Inheritance {
    /// Whether price-list assignments made to an ancestor "and its descendants" reach this
    /// account. `false` is "own lists only" (OroCommerce's fallback setting).
    pub price_lists: bool,
    /// Whether an ancestor's "and descendants" visibility rules reach this account.
    pub visibility: bool,
    /// Whether an ancestor's "and descendants" payment rules reach this account.
    pub payment_terms: bool,
    /// Whether an ancestor's "and descendants" approval policies reach this account.
    pub approvals: bool,
}

impl Default for Inheritance {
    fn default() -> Self {
        Inheritance {
            price_lists: true,
            visibility: true,
            payment_terms: true,
            approvals: true,
        }
    }
}

/// Whether an account's catalogue shows everything unless excluded, or nothing unless included.
///
/// ```
/// let m: tradeterms::CatalogMode = serde_json::from_str("\"curated\"").unwrap();
/// assert_eq!(m, tradeterms::CatalogMode::Curated);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CatalogMode {
    /// Every SKU is visible unless a rule excludes it.
    #[default]
    Open,
    /// No SKU is visible unless a rule includes it (a school sees only its uniforms).
    Curated,
}

/// How far an account's price-list search may go from the account (SEMANTICS S10): nested
/// levels, each adding the next scope of assignments. Set on an account, it is inherited by the
/// accounts below that set none; it always says how far *that* account's own search goes.
///
/// ```
/// let f: tradeterms::PriceFallback = serde_json::from_str("\"tree\"").unwrap();
/// assert_eq!(f, tradeterms::PriceFallback::Tree);
/// assert!(tradeterms::PriceFallback::Own < tradeterms::PriceFallback::Everyone);
/// ```
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PriceFallback {
    /// Only assignments made to the account itself (alone or with its descendants).
    Own,
    /// Plus its ancestors' subtree assignments (as `inherit.price_lists` allows).
    Tree,
    /// Plus the assignments to segments it belongs to.
    Segments,
    /// Plus assignments to everyone: the whole search, and the default.
    #[default]
    Everyone,
}

/// One customer account.
///
/// ```
/// let a: tradeterms::AccountData = serde_json::from_str(
///     r#"{ "id": "abb-north", "name": "Abb Corp North", "parent": "abb-corp", "currency": "USD",
///          "attributes": { "region": "north" }, "price_policy": "lowest_price" }"#,
/// ).unwrap();
/// assert_eq!(a.parent.unwrap().as_str(), "abb-corp");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct AccountData {
    /// Unique id.
    pub id: AccountId,
    /// Display name.
    pub name: String,
    /// The parent account; `None` for a top-level account (a holding or an independent
    /// customer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<AccountId>,
    /// Default currency (ISO 4217): a query that names no currency is priced in it.
    pub currency: String,
    /// Further currencies (ISO 4217) the account may buy in, when a query asks for one
    /// (SEMANTICS C3).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub currencies: Vec<String>,
    /// Free attributes (type, region, tier...).
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "crate::format::predicate::attributes::deserialize"
    )]
    pub attributes: Attributes,
    /// Selection policy; `None` inherits the parent's (the root default is `precedence`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_policy: Option<PricePolicy>,
    /// How far the price-list search goes; `None` inherits the parent's (the root default is
    /// `everyone`: the whole search).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_fallback: Option<PriceFallback>,
    /// The longest lead time, in days, the account's contract accepts; `None` inherits the
    /// parent's (no limit at the root).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_lead_time_days: Option<u32>,
    /// Catalogue mode; `None` inherits the parent's (the root default is `open`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub catalog_mode: Option<CatalogMode>,
    /// What this account receives from its ancestors.
    #[serde(default)]
    pub inherit: Inheritance,
}

impl AccountData {
    /// A top-level account buying in `currency`, inheriting everything, with the dataset's default policies.
    ///
    /// ```
    /// let a = tradeterms::AccountData::new("abb-north", "Abb North", "USD").with_parent("abb-corp");
    /// assert_eq!(a.parent.unwrap().as_str(), "abb-corp");
    /// ```
    pub fn new(
        id: impl Into<AccountId>,
        name: impl Into<String>,
        currency: impl Into<String>,
    ) -> Self {
        AccountData {
            id: id.into(),
            name: name.into(),
            currency: currency.into(),
            ..AccountData::default()
        }
    }
}

crate::format::builder!(AccountData;
    into with_id(id: AccountId),
    into with_name(name: String),
    some_into with_parent(parent: AccountId),
    into with_currency(currency: String),
    set with_currencies(currencies: Vec<String>),
    set with_attributes(attributes: Attributes),
    some with_price_policy(price_policy: PricePolicy),
    some with_price_fallback(price_fallback: PriceFallback),
    some with_max_lead_time_days(max_lead_time_days: u32),
    some with_catalog_mode(catalog_mode: CatalogMode),
    set with_inherit(inherit: Inheritance),
);

crate::format::builder!(Inheritance;
    set with_price_lists(price_lists: bool),
    set with_visibility(visibility: bool),
    set with_payment_terms(payment_terms: bool),
    set with_approvals(approvals: bool),
);
