//! The catalogue as a host declares it: SKUs with their categories, attributes, cost, lead
//! time and the quantities an order line may have.

use crate::format::predicate::Attributes;
use crate::id::Sku;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

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
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "crate::format::predicate::attributes::deserialize"
    )]
    pub attributes: Attributes,
    /// What one unit costs the seller, for margin floors (a decimal string in the currency of
    /// the prices it is compared with).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::money::decimal_str::option"
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
