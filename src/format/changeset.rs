//! Changesets as a host writes them: named, attributed, reasoned lists of operations on the
//! dataset's entities, and the log entry a snapshot keeps for each one applied. Applying them
//! is governance ([`crate::govern::changeset`]); here they are plain data.

use crate::format::experiment::ExperimentData;
use crate::format::{
    AccountData, ApprovalPolicyData, AssignmentData, EntryData, PaymentRuleData, PriceListData,
    RoleData, SegmentData, SkuData, UserData, VisibilityRuleData,
};
use crate::id::{AccountId, AssignmentId, PriceListId, RoleName, SegmentId, Sku, UserId};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Arc;

/// A whole entity of the dataset, for inserting or replacing.
///
/// ```
/// let e: tradeterms::Entity = serde_json::from_str(
///     r#"{ "sku": { "sku": "NEW-1", "name": "New item" } }"#).unwrap();
/// assert_eq!(e.key().to_string(), "SKU `NEW-1`");
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Entity {
    /// An account.
    Account(AccountData),
    /// A role.
    Role(RoleData),
    /// A user.
    User(UserData),
    /// A segment.
    Segment(SegmentData),
    /// A catalogue item.
    Sku(SkuData),
    /// A price list, with all its entries.
    PriceList(PriceListData),
    /// A price-list assignment.
    Assignment(AssignmentData),
    /// A visibility rule.
    VisibilityRule(VisibilityRuleData),
    /// A payment rule.
    PaymentRule(PaymentRuleData),
    /// An approval policy.
    ApprovalPolicy(ApprovalPolicyData),
    /// An experiment (a new salt draws new arms; a new share moves accounts between them).
    Experiment(ExperimentData),
}

/// Names one entity (or one price entry) of the dataset.
///
/// ```
/// use tradeterms::EntityRef;
/// let r: EntityRef = serde_json::from_str(r#"{ "assignment": "abb-holding" }"#).unwrap();
/// assert_eq!(r.to_string(), "assignment `abb-holding`");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum EntityRef {
    /// An account.
    Account(AccountId),
    /// A role.
    Role(RoleName),
    /// A user.
    User(UserId),
    /// A segment.
    Segment(SegmentId),
    /// A catalogue item.
    Sku(Sku),
    /// A price list.
    PriceList(PriceListId),
    /// One entry of a price list.
    Entry {
        /// The list.
        list: PriceListId,
        /// The SKU.
        sku: Sku,
        /// The entry's unit; the SKU's base unit if absent (U2).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unit: Option<crate::id::UnitId>,
    },
    /// A price-list assignment.
    Assignment(AssignmentId),
    /// A visibility rule.
    VisibilityRule(String),
    /// A payment rule.
    PaymentRule(String),
    /// An approval policy.
    ApprovalPolicy(String),
    /// An experiment.
    Experiment(String),
}

impl fmt::Display for EntityRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EntityRef::Account(id) => write!(f, "account `{id}`"),
            EntityRef::Role(id) => write!(f, "role `{id}`"),
            EntityRef::User(id) => write!(f, "user `{id}`"),
            EntityRef::Segment(id) => write!(f, "segment `{id}`"),
            EntityRef::Sku(id) => write!(f, "SKU `{id}`"),
            EntityRef::PriceList(id) => write!(f, "price list `{id}`"),
            EntityRef::Entry {
                list,
                sku,
                unit: None,
            } => write!(f, "entry `{sku}` of price list `{list}`"),
            EntityRef::Entry {
                list,
                sku,
                unit: Some(unit),
            } => write!(f, "entry `{sku}` in `{unit}` of price list `{list}`"),
            EntityRef::Assignment(id) => write!(f, "assignment `{id}`"),
            EntityRef::VisibilityRule(id) => write!(f, "visibility rule `{id}`"),
            EntityRef::PaymentRule(id) => write!(f, "payment rule `{id}`"),
            EntityRef::ApprovalPolicy(id) => write!(f, "approval policy `{id}`"),
            EntityRef::Experiment(id) => write!(f, "experiment `{id}`"),
        }
    }
}

impl Entity {
    /// The reference naming this entity.
    pub fn key(&self) -> EntityRef {
        match self {
            Entity::Account(a) => EntityRef::Account(a.id.clone()),
            Entity::Role(r) => EntityRef::Role(r.name.clone()),
            Entity::User(u) => EntityRef::User(u.id.clone()),
            Entity::Segment(s) => EntityRef::Segment(s.id.clone()),
            Entity::Sku(s) => EntityRef::Sku(s.sku.clone()),
            Entity::PriceList(l) => EntityRef::PriceList(l.id.clone()),
            Entity::Assignment(a) => EntityRef::Assignment(a.id.clone()),
            Entity::VisibilityRule(r) => EntityRef::VisibilityRule(r.id.clone()),
            Entity::PaymentRule(r) => EntityRef::PaymentRule(r.id.clone()),
            Entity::ApprovalPolicy(p) => EntityRef::ApprovalPolicy(p.id.clone()),
            Entity::Experiment(x) => EntityRef::Experiment(x.id.clone()),
        }
    }
}

/// One operation of a changeset.
///
/// ```
/// let op: tradeterms::Op = serde_json::from_str(r#"{ "set_entry": { "list": "public-usd",
///     "entry": { "sku": "DRILL-18V", "tiers": [{ "min_qty": 1, "unit_price": "135.00" }] } } }"#).unwrap();
/// assert!(matches!(op, tradeterms::Op::SetEntry { .. }));
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Op {
    /// Inserts an entity, or replaces the one with the same id.
    Upsert(Entity),
    /// Removes an entity (or a price entry); it must exist.
    Remove(EntityRef),
    /// Inserts or replaces one entry of an absolute price list.
    SetEntry {
        /// The list.
        list: PriceListId,
        /// The entry.
        entry: EntryData,
    },
}

impl Op {
    /// What the operation touches.
    pub fn touches(&self) -> EntityRef {
        match self {
            Op::Upsert(e) => e.key(),
            Op::Remove(r) => r.clone(),
            Op::SetEntry { list, entry } => EntityRef::Entry {
                list: list.clone(),
                sku: entry.sku.clone(),
                unit: entry.unit.clone(),
            },
        }
    }
}

/// A change to the data: who made it, why, when, against which version, and what it does.
///
/// ```
/// let cs: tradeterms::Changeset = serde_json::from_str(r#"{
///   "id": "cs-1", "author": "maria@seller.example", "reason": "drill price increase",
///   "at": "2026-06-01T09:00:00Z", "base_version": 1,
///   "ops": [{ "remove": { "entry": { "list": "public-usd", "sku": "DRILL-18V" } } }] }"#).unwrap();
/// assert_eq!(cs.ops.len(), 1);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Changeset {
    /// Unique id of the changeset.
    pub id: String,
    /// Who made it.
    pub author: String,
    /// Why.
    pub reason: String,
    /// When it was made (supplied by the host; the engine reads no clock).
    pub at: Timestamp,
    /// The snapshot version it was prepared against; applying it to another version is refused.
    pub base_version: u64,
    /// The operations, applied in order.
    pub ops: Vec<Op>,
}

impl Changeset {
    /// A changeset with no operations yet, prepared against `base_version`.
    ///
    /// ```
    /// use tradeterms::{Changeset, EntityRef, Op};
    /// let c = Changeset::new("raise-drills", "maria@seller.example", "supplier increase",
    ///     "2026-06-01T00:00:00Z".parse().unwrap(), 1)
    ///     .with_ops(vec![Op::Remove(EntityRef::PriceList("promo".into()))]);
    /// assert_eq!(c.ops.len(), 1);
    /// ```
    pub fn new(
        id: impl Into<String>,
        author: impl Into<String>,
        reason: impl Into<String>,
        at: Timestamp,
        base_version: u64,
    ) -> Changeset {
        Changeset {
            id: id.into(),
            author: author.into(),
            reason: reason.into(),
            at,
            base_version,
            ops: Vec::new(),
        }
    }
}

crate::format::builder!(Changeset;
    into with_id(id: String),
    into with_author(author: String),
    into with_reason(reason: String),
    set with_at(at: Timestamp),
    set with_base_version(base_version: u64),
    set with_ops(ops: Vec<Op>),
);

/// One entry of a snapshot's change log.
///
/// ```
/// # fn f(e: &tradeterms::LogEntry) { println!("v{} {} by {}", e.version, e.changeset.id, e.changeset.author); }
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct LogEntry {
    /// The version the changeset produced.
    pub version: u64,
    /// The changeset itself (id, author, reason, time and operations).
    pub changeset: Arc<Changeset>,
    /// Every entity it touched.
    pub touched: Vec<EntityRef>,
}
