//! The raw data a host hands to the engine: one JSON document, [`Dataset`].
//!
//! These types mirror the JSON format documented in the README. They are plain data: nothing is
//! checked when they are deserialised beyond their shape (unknown fields are rejected). Every rule
//! about their content is checked once, by [`Snapshot::from_dataset`](crate::Snapshot::from_dataset), which
//! reports all problems together.
//!
//! One file per domain concept, mirroring `model`: accounts (`account`), who may act for them
//! (`access`), attributes and predicates (`predicate`), segments (`segment`), the scope every
//! rule uses (`scope`), the catalogue (`catalog`), price lists and assignments (`pricing`), the
//! rule kinds (`visibility`, `payment`, `approval`, `experiment`) and changesets (`changeset`).
//! The types the rest of the crate names are re-exported here (`crate::format::X`); the few only
//! the generator builds (memberships, relative lists, attribute comparisons) keep their module
//! path. `json` reads a dataset or a changeset with errors that name the field.
//!
//! May import only the leaf modules (`id`, `money`, `time`, `error`, `country`): the raw format knows
//! nothing of the model built from it.

/// `with_<field>` builder methods for an input type, one per field. The input types are
/// `#[non_exhaustive]`, so a host cannot write them as struct literals: it starts from `new`
/// (or `Default`) and sets what it needs, and a field added in a later release breaks no one.
/// `set` takes the field's type, `into` anything that converts into it (ids, names), `some` and
/// `some_into` the value of an optional field.
macro_rules! builder {
    ($ty:ident; $($kind:ident $setter:ident($field:ident: $fty:ty)),* $(,)?) => {
        impl $ty {
            $(crate::format::builder!(@$kind $ty $setter $field $fty);)*
        }
    };
    (@set $ty:ident $setter:ident $field:ident $fty:ty) => {
        #[doc = concat!("With [`", stringify!($ty), "::", stringify!($field), "`] set to `", stringify!($field), "`.")]
        #[must_use]
        pub fn $setter(mut self, $field: $fty) -> Self {
            self.$field = $field;
            self
        }
    };
    (@into $ty:ident $setter:ident $field:ident $fty:ty) => {
        #[doc = concat!("With [`", stringify!($ty), "::", stringify!($field), "`] set to `", stringify!($field), "`.")]
        #[must_use]
        pub fn $setter(mut self, $field: impl Into<$fty>) -> Self {
            self.$field = $field.into();
            self
        }
    };
    (@some $ty:ident $setter:ident $field:ident $fty:ty) => {
        #[doc = concat!("With [`", stringify!($ty), "::", stringify!($field), "`] set to `Some(", stringify!($field), ")`.")]
        #[must_use]
        pub fn $setter(mut self, $field: $fty) -> Self {
            self.$field = Some($field);
            self
        }
    };
    (@some_into $ty:ident $setter:ident $field:ident $fty:ty) => {
        #[doc = concat!("With [`", stringify!($ty), "::", stringify!($field), "`] set to `Some(", stringify!($field), ")`.")]
        #[must_use]
        pub fn $setter(mut self, $field: impl Into<$fty>) -> Self {
            self.$field = Some($field.into());
            self
        }
    };
}
pub(crate) use builder;

pub(crate) mod access;
pub(crate) mod account;
pub(crate) mod approval;
pub(crate) mod catalog;
pub(crate) mod changeset;
pub(crate) mod channel;
pub(crate) mod experiment;
pub(crate) mod json;
pub(crate) mod payment;
pub(crate) mod predicate;
pub(crate) mod pricing;
pub(crate) mod reference;
pub(crate) mod scope;
pub(crate) mod segment;
pub(crate) mod visibility;

pub(crate) use access::{Permission, Reach, RoleData, UserData};
pub(crate) use account::{AccountData, CatalogMode, Inheritance, PriceFallback, PricePolicy};
pub(crate) use approval::{ApprovalPolicyData, Approvers, OrderCondition};
pub(crate) use catalog::{QuantityRule, SkuData};
pub(crate) use channel::ChannelData;
pub(crate) use payment::{PaymentRuleData, PaymentTerms};
pub(crate) use predicate::{AttrValue, Attributes, Predicate};
pub(crate) use pricing::{AssignmentData, EntryData, PriceListData, TierData, TierMode};
pub(crate) use scope::Scope;
pub(crate) use segment::SegmentData;
use serde::{Deserialize, Serialize};
pub(crate) use visibility::{Effect, Target, VisibilityRuleData};

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
#[non_exhaustive]
pub struct Dataset {
    /// The account forest.
    #[serde(default)]
    pub accounts: Vec<AccountData>,
    /// The sales channels queries may name and rules may be limited to (SEMANTICS C1).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub channels: Vec<ChannelData>,
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
    /// Reference lists ("list prices") priced answers are compared with, per currency and
    /// optionally per account subtree.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reference_lists: Vec<reference::ReferenceListData>,
}

impl Dataset {
    /// A copy without the price lists' entries and the catalogue (the snapshot keeps those in
    /// its own compact form).
    pub(crate) fn clone_without_entries(&self) -> Dataset {
        Dataset {
            // Accounts and the catalogue are kept, complete, by the snapshot itself.
            accounts: Vec::new(),
            channels: self.channels.clone(),
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
            reference_lists: self.reference_lists.clone(),
        }
    }
}

builder!(Dataset;
    set with_accounts(accounts: Vec<AccountData>),
    set with_channels(channels: Vec<ChannelData>),
    set with_roles(roles: Vec<RoleData>),
    set with_users(users: Vec<UserData>),
    set with_segments(segments: Vec<SegmentData>),
    set with_catalog(catalog: Vec<SkuData>),
    set with_price_lists(price_lists: Vec<PriceListData>),
    set with_assignments(assignments: Vec<AssignmentData>),
    set with_visibility_rules(visibility_rules: Vec<VisibilityRuleData>),
    set with_payment_rules(payment_rules: Vec<PaymentRuleData>),
    set with_approval_policies(approval_policies: Vec<ApprovalPolicyData>),
    set with_experiments(experiments: Vec<experiment::ExperimentData>),
    set with_reference_lists(reference_lists: Vec<reference::ReferenceListData>),
);
