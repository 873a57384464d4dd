//! Free attributes of accounts and SKUs, and the predicates over them that segments and
//! visibility targets are defined by.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

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
