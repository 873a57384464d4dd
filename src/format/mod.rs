//! The raw data a host hands to the engine: one JSON document, [`Dataset`].
//!
//! These types mirror the JSON format documented in the README. They are plain data: nothing is
//! checked when they are deserialised beyond their shape (unknown fields are rejected). Every rule
//! about their content is checked once, by [`Snapshot::from_dataset`](crate::Snapshot::from_dataset), which
//! reports all problems together.

pub(crate) mod changeset;
pub(crate) mod experiment;

use crate::id::{AccountId, AssignmentId, PriceListId, RoleName, SegmentId, Sku, UserId};
use crate::time::Window;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Everything the engine knows: accounts, users, roles, segments, catalogue, price lists and
/// their assignments.
///
/// ```
/// let json = r#"{
///   "accounts": [{ "id": "abb-corp", "name": "Abb Corp", "currency": "USD" }],
///   "catalog": [{ "sku": "DRILL-18V", "name": "18V drill", "categories": ["tools/power/drills"] }]
/// }"#;
/// let dataset: tradeterms::Dataset = serde_json::from_str(json).unwrap();
/// assert_eq!(dataset.accounts.len(), 1);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Dataset {
    /// The account forest.
    #[serde(default)]
    pub accounts: Vec<AccountData>,
    /// Roles defined by this dataset; they add to the presets (`viewer`, `buyer`, `approver`,
    /// `admin`) and replace a preset of the same name.
    #[serde(default)]
    pub roles: Vec<RoleData>,
    /// Users and their memberships.
    #[serde(default)]
    pub users: Vec<UserData>,
    /// Named groups of accounts.
    #[serde(default)]
    pub segments: Vec<SegmentData>,
    /// The catalogue.
    #[serde(default)]
    pub catalog: Vec<SkuData>,
    /// Price lists, absolute or relative.
    #[serde(default)]
    pub price_lists: Vec<PriceListData>,
    /// Which price list applies to whom.
    #[serde(default)]
    pub assignments: Vec<AssignmentData>,
    /// Catalogue visibility rules: which SKUs an account's users may see.
    #[serde(default)]
    pub visibility_rules: Vec<VisibilityRuleData>,
    /// Payment rules: allowed payment methods and terms.
    #[serde(default)]
    pub payment_rules: Vec<PaymentRuleData>,
    /// Approval policies: which orders need whose approval.
    #[serde(default)]
    pub approval_policies: Vec<ApprovalPolicyData>,
    /// Experiments with holdout cohorts; rules tagged with one apply to its treatment arm only.
    #[serde(default)]
    pub experiments: Vec<experiment::ExperimentData>,
}

impl Dataset {
    /// A copy without the price lists' entries and the catalogue (the snapshot keeps those in
    /// its own compact form).
    pub(crate) fn clone_without_entries(&self) -> Dataset {
        Dataset {
            // Accounts and the catalogue are kept, complete, by the snapshot itself.
            accounts: Vec::new(),
            roles: self.roles.clone(),
            users: self.users.clone(),
            segments: self.segments.clone(),
            // The snapshot's catalogue keeps every field; it is not stored twice.
            catalog: Vec::new(),
            price_lists: self
                .price_lists
                .iter()
                .map(|l| PriceListData {
                    entries: Vec::new(),
                    ..l.clone_header()
                })
                .collect(),
            assignments: self.assignments.clone(),
            visibility_rules: self.visibility_rules.clone(),
            payment_rules: self.payment_rules.clone(),
            approval_policies: self.approval_policies.clone(),
            experiments: self.experiments.clone(),
        }
    }
}

impl PriceListData {
    /// Everything but the entries.
    pub(crate) fn clone_header(&self) -> PriceListData {
        PriceListData {
            id: self.id.clone(),
            name: self.name.clone(),
            owner: self.owner.clone(),
            currency: self.currency.clone(),
            tier_mode: self.tier_mode,
            valid: self.valid,
            entries: Vec::new(),
            relative: self.relative.clone(),
            quote_only: self.quote_only,
        }
    }
}

/// An attribute value on an account or a SKU: text, a number or a flag.
///
/// ```
/// use tradeterms::AttrValue;
/// let v: AttrValue = serde_json::from_str("\"school\"").unwrap();
/// assert_eq!(v, AttrValue::Text("school".into()));
/// let n: AttrValue = serde_json::from_str("3").unwrap();
/// assert_eq!(n, AttrValue::Number(3.into()));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum AttrValue {
    /// A flag.
    Flag(bool),
    /// Text, such as a type or a region.
    Text(String),
    /// A number, such as a tier level or a head count.
    Number(Decimal),
}

/// Free attributes, sorted by name.
pub type Attributes = BTreeMap<String, AttrValue>;

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
pub enum PricePolicy {
    /// The most specific scope wins (own account, nearest ancestor, segment, everyone), then the
    /// highest priority.
    #[default]
    Precedence,
    /// The lowest price at the asked quantity among all candidates wins.
    LowestPrice,
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
pub enum CatalogMode {
    /// Every SKU is visible unless a rule excludes it.
    #[default]
    Open,
    /// No SKU is visible unless a rule includes it (a school sees only its uniforms).
    Curated,
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
pub struct AccountData {
    /// Unique id.
    pub id: AccountId,
    /// Display name.
    pub name: String,
    /// The parent account; `None` for a top-level account (a holding or an independent
    /// customer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<AccountId>,
    /// Default currency (ISO 4217): the account is priced in this currency only.
    pub currency: String,
    /// Free attributes (type, region, tier...).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: Attributes,
    /// Selection policy; `None` inherits the parent's (the root default is `precedence`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_policy: Option<PricePolicy>,
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

/// A permission a role can grant.
///
/// ```
/// let p: tradeterms::Permission = serde_json::from_str("\"view_prices\"").unwrap();
/// assert_eq!(p, tradeterms::Permission::ViewPrices);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// See the account's catalogue.
    ViewCatalog,
    /// See prices.
    ViewPrices,
    /// Place orders.
    Buy,
    /// Ask for a quote.
    RequestQuote,
    /// Approve other people's orders.
    Approve,
    /// Manage the account (users, settings).
    Manage,
}

impl Permission {
    /// Every permission, in a fixed order.
    pub const ALL: [Permission; 6] = [
        Permission::ViewCatalog,
        Permission::ViewPrices,
        Permission::Buy,
        Permission::RequestQuote,
        Permission::Approve,
        Permission::Manage,
    ];

    /// The name used in JSON and messages.
    pub fn name(self) -> &'static str {
        match self {
            Permission::ViewCatalog => "view_catalog",
            Permission::ViewPrices => "view_prices",
            Permission::Buy => "buy",
            Permission::RequestQuote => "request_quote",
            Permission::Approve => "approve",
            Permission::Manage => "manage",
        }
    }
}

/// A role: a named set of permissions.
///
/// ```
/// let r: tradeterms::RoleData = serde_json::from_str(
///     r#"{ "name": "marketing", "permissions": ["view_catalog"] }"#).unwrap();
/// assert_eq!(r.permissions.len(), 1);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RoleData {
    /// The role's name, used in memberships.
    pub name: RoleName,
    /// What the role allows.
    pub permissions: Vec<Permission>,
}

/// How far down the account tree a membership reaches.
///
/// ```
/// let r: tradeterms::Reach = serde_json::from_str("\"subtree\"").unwrap();
/// assert_eq!(r, tradeterms::Reach::Subtree);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Reach {
    /// This account only.
    #[default]
    Account,
    /// This account and all its descendants.
    Subtree,
}

/// A user's membership in one account.
///
/// ```
/// let m: tradeterms::MembershipData = serde_json::from_str(
///     r#"{ "account": "abb-corp", "roles": ["buyer"], "reach": "subtree" }"#).unwrap();
/// assert!(!m.disabled);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct MembershipData {
    /// The account acted for.
    pub account: AccountId,
    /// Roles held there.
    pub roles: Vec<RoleName>,
    /// Whether the membership also covers the account's descendants.
    #[serde(default)]
    pub reach: Reach,
    /// A disabled membership grants nothing.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub disabled: bool,
    /// The most this user may order per order through this membership, in the account's
    /// currency, as a decimal string.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "rust_decimal::serde::str_option"
    )]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub spending_limit: Option<Decimal>,
}

/// A user.
///
/// ```
/// let u: tradeterms::UserData = serde_json::from_str(
///     r#"{ "id": "john", "name": "John", "memberships": [] }"#).unwrap();
/// assert_eq!(u.id.as_str(), "john");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct UserData {
    /// Unique id.
    pub id: UserId,
    /// Display name.
    pub name: String,
    /// A disabled user is denied everything.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub disabled: bool,
    /// The accounts the user may act for.
    #[serde(default)]
    pub memberships: Vec<MembershipData>,
}

/// A named group of accounts.
///
/// ```
/// let s: tradeterms::SegmentData = serde_json::from_str(
///     r#"{ "id": "wholesale", "name": "Wholesale", "accounts": ["austin-hardware"] }"#).unwrap();
/// assert_eq!(s.accounts.len(), 1);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct SegmentData {
    /// Unique id.
    pub id: SegmentId,
    /// Display name.
    pub name: String,
    /// Member accounts listed explicitly.
    #[serde(default)]
    pub accounts: Vec<AccountId>,
    /// Accounts whose attributes satisfy this predicate are members too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<Predicate>,
}

/// A condition over attributes (of an account for segments, of a SKU for visibility targets).
/// An entity without the attribute does not satisfy a comparison on it.
///
/// ```
/// use tradeterms::Predicate;
/// let p: Predicate = serde_json::from_str(r#"{ "all": [
///     { "eq": { "attr": "type", "value": "school" } },
///     { "in": { "attr": "region", "values": ["midwest", "west"] } },
///     { "not": { "gte": { "attr": "pupils", "value": 2000 } } }
/// ] }"#).unwrap();
/// assert!(matches!(p, Predicate::All(ref v) if v.len() == 3));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Predicate {
    /// The attribute equals the value.
    Eq(AttrCmp),
    /// The attribute equals one of the values.
    In(AttrIn),
    /// The attribute is a number greater than the value.
    Gt(AttrCmp),
    /// The attribute is a number greater than or equal to the value.
    Gte(AttrCmp),
    /// The attribute is a number less than the value.
    Lt(AttrCmp),
    /// The attribute is a number less than or equal to the value.
    Lte(AttrCmp),
    /// Every sub-condition holds.
    All(Vec<Predicate>),
    /// At least one sub-condition holds.
    Any(Vec<Predicate>),
    /// The sub-condition does not hold.
    Not(Box<Predicate>),
}

/// An attribute compared with one value.
///
/// ```
/// let c: tradeterms::AttrCmp = serde_json::from_str(r#"{ "attr": "tier", "value": 2 }"#).unwrap();
/// assert_eq!(c.attr, "tier");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AttrCmp {
    /// Attribute name.
    pub attr: String,
    /// The value compared with.
    pub value: AttrValue,
}

/// An attribute compared with a set of values.
///
/// ```
/// let c: tradeterms::AttrIn = serde_json::from_str(r#"{ "attr": "region", "values": ["west"] }"#).unwrap();
/// assert_eq!(c.values.len(), 1);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AttrIn {
    /// Attribute name.
    pub attr: String,
    /// The accepted values.
    pub values: Vec<AttrValue>,
}

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
}

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
}

/// A catalogue item.
///
/// ```
/// let s: tradeterms::SkuData = serde_json::from_str(
///     r#"{ "sku": "DRILL-18V", "name": "18V drill", "categories": ["tools/power/drills"] }"#).unwrap();
/// assert_eq!(s.categories[0], "tools/power/drills");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct SkuData {
    /// Unique SKU.
    pub sku: Sku,
    /// Display name.
    pub name: String,
    /// Category paths, `/`-separated from the root (`tools/power/drills`).
    #[serde(default)]
    pub categories: Vec<String>,
    /// Free attributes.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: Attributes,
    /// What one unit costs the seller, for margin floors (a decimal string in the currency of
    /// the prices it is compared with).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "rust_decimal::serde::str_option"
    )]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub cost: Option<Decimal>,
    /// Days from order to delivery.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead_time_days: Option<u32>,
    /// Minimum, maximum and increment of an order line for this SKU.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<QuantityRule>,
    /// This SKU is sold on quote only: it is never priced directly.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub quote_only: bool,
}

/// Allowed quantities of an order line: at least `min`, at most `max`, a multiple of
/// `increment` (a case pack of 12).
///
/// ```
/// let r: tradeterms::QuantityRule = serde_json::from_str(r#"{ "increment": 12 }"#).unwrap();
/// assert_eq!(r.increment, Some(12));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct QuantityRule {
    /// Smallest quantity (at least 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<u64>,
    /// Largest quantity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<u64>,
    /// Quantities must be multiples of this (at least 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub increment: Option<u64>,
}

/// How quantity tiers price an order line.
///
/// ```
/// let m: tradeterms::TierMode = serde_json::from_str("\"graduated\"").unwrap();
/// assert_eq!(m, tradeterms::TierMode::Graduated);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum TierMode {
    /// Every unit is priced at the highest tier reached ("range" pricing).
    #[default]
    Volume,
    /// Each unit is priced in the tier its position falls in ("slab" pricing).
    Graduated,
}

/// One quantity tier of a price entry.
///
/// ```
/// let t: tradeterms::TierData = serde_json::from_str(r#"{ "min_qty": 10, "unit_price": "8.50" }"#).unwrap();
/// assert_eq!(t.min_qty, 10);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct TierData {
    /// Smallest quantity this tier applies to (at least 1).
    pub min_qty: u64,
    /// Price of one unit in this tier, as a decimal string.
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub unit_price: Decimal,
}

/// The price of one SKU in a list.
///
/// ```
/// let e: tradeterms::EntryData = serde_json::from_str(
///     r#"{ "sku": "DRILL-18V", "tiers": [{ "min_qty": 1, "unit_price": "99.00" }] }"#).unwrap();
/// assert_eq!(e.tiers.len(), 1);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct EntryData {
    /// The SKU priced.
    pub sku: Sku,
    /// Tiers, `min_qty` strictly increasing.
    pub tiers: Vec<TierData>,
    /// When this entry is valid; always if absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid: Option<Window>,
    /// Quantity rule of this entry (checked on order lines priced by it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<QuantityRule>,
    /// Above this quantity the price is on quote ("call for pricing above 1,000 units").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote_above: Option<u64>,
}

/// One adjustment of a relative list: a percentage applied to every SKU, or to the SKUs of a
/// category and its sub-categories.
///
/// ```
/// let a: tradeterms::AdjustmentData = serde_json::from_str(
///     r#"{ "category": "tools/power", "percent": "-20" }"#).unwrap();
/// assert_eq!(a.percent, rust_decimal::Decimal::from(-20));
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AdjustmentData {
    /// The category this adjustment is limited to; every SKU if absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// The change in percent, `-20` for 20 % off; at least `-100`.
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub percent: Decimal,
}

/// A list whose prices derive from another list.
///
/// ```
/// let r: tradeterms::RelativeData = serde_json::from_str(
///     r#"{ "base": "public-usd", "adjustments": [{ "percent": "-20" }] }"#).unwrap();
/// assert_eq!(r.base.as_str(), "public-usd");
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RelativeData {
    /// The list the prices derive from (same currency).
    pub base: PriceListId,
    /// Adjustments; for a SKU the one with the deepest matching category applies, then the one
    /// without a category. A SKU no adjustment matches has no entry in this list.
    pub adjustments: Vec<AdjustmentData>,
}

/// A price list: absolute (its own entries) or relative (derived from another list).
///
/// ```
/// let l: tradeterms::PriceListData = serde_json::from_str(r#"{
///     "id": "public-usd", "name": "Public", "owner": "pricing@seller.example", "currency": "USD",
///     "entries": [{ "sku": "DRILL-18V", "tiers": [{ "min_qty": 1, "unit_price": "99.00" }] }]
/// }"#).unwrap();
/// assert_eq!(l.entries.len(), 1);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PriceListData {
    /// Unique id.
    pub id: PriceListId,
    /// Display name.
    pub name: String,
    /// The person or team answerable for this list.
    pub owner: String,
    /// ISO 4217 currency of every price in the list.
    pub currency: String,
    /// How tiers price a line.
    #[serde(default)]
    pub tier_mode: TierMode,
    /// When the list is valid; always if absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid: Option<Window>,
    /// Entries of an absolute list.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub entries: Vec<EntryData>,
    /// Set for a relative list (which then has no entries of its own).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relative: Option<RelativeData>,
    /// Every SKU this list prices is on quote: when this list decides, the line needs a quote.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub quote_only: bool,
}

/// Who a rule applies to.
///
/// ```
/// use tradeterms::Scope;
/// let s: Scope = serde_json::from_str(r#"{ "subtree": "abb-corp" }"#).unwrap();
/// assert_eq!(s, Scope::Subtree("abb-corp".into()));
/// let e: Scope = serde_json::from_str(r#""everyone""#).unwrap();
/// assert_eq!(e, Scope::Everyone);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Every account.
    #[default]
    Everyone,
    /// The accounts of a segment.
    Segment(SegmentId),
    /// One account only.
    Account(AccountId),
    /// An account and all its descendants.
    Subtree(AccountId),
}

/// Assigns a price list to a scope.
///
/// ```
/// let a: tradeterms::AssignmentData = serde_json::from_str(r#"{
///     "id": "abb-contract", "price_list": "abb-usd", "scope": { "subtree": "abb-corp" }, "priority": 10
/// }"#).unwrap();
/// assert_eq!(a.priority, 10);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AssignmentData {
    /// Unique id.
    pub id: AssignmentId,
    /// The list assigned.
    pub price_list: PriceListId,
    /// Who it applies to.
    pub scope: Scope,
    /// Higher wins among assignments of equal specificity.
    #[serde(default)]
    pub priority: i32,
    /// When the assignment is valid; always if absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid: Option<Window>,
    /// Who answers for the assignment; its price list's owner if absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// If set, the rule applies only to accounts in this experiment's treatment arm.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub experiment: Option<String>,
}

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
pub enum OrderCondition {
    /// The order subtotal is above this amount (in the account's currency).
    TotalAbove(
        #[serde(with = "rust_decimal::serde::str")]
        #[cfg_attr(feature = "schema", schemars(with = "String"))]
        Decimal,
    ),
    /// Some line's quantity is above this.
    LineQtyAbove(u64),
    /// The order has more lines than this.
    LinesAbove(u64),
    /// Some line's SKU is in this category (or below it).
    Category(String),
    /// The subtotal exceeds the requester's per-order spending limit.
    SpendingLimitExceeded,
    /// Some line's margin, against the SKU's cost, is below this percentage of its price.
    MarginBelowPercent(
        #[serde(with = "rust_decimal::serde::str")]
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
    /// If set, the rule applies only to accounts in this experiment's treatment arm.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub experiment: Option<String>,
}
