//! The catalogue as a host declares it: SKUs with their categories, attributes, cost, lead
//! time and the quantities an order line may have.

use crate::format::predicate::Attributes;
use crate::id::Sku;
use crate::quantity::Quantity;
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
#[non_exhaustive]
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
    /// What one unit costs the seller, for the approval condition `margin_below_percent` (a
    /// decimal string in the currency of the prices it is compared with). Price margins over
    /// cost (`min_margin`, `max_margin`) read the currency's cost list instead (SEMANTICS P6d).
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
    /// How many decimals its quantities may have: 0 (whole units) by default, 1 for cable sold
    /// by the decimetre, 3 for grams of a kilogram; at most [`Quantity::MAX_DECIMALS`]. Every
    /// quantity of the SKU (query, order line, tier `min_qty`, quantity rule) must be a whole
    /// number of `10^-quantity_decimals` (SEMANTICS U6).
    ///
    /// [`Quantity::MAX_DECIMALS`]: crate::Quantity::MAX_DECIMALS
    #[serde(default, skip_serializing_if = "crate::format::catalog::is_zero")]
    pub quantity_decimals: u32,
    /// This SKU is sold on quote only: it is never priced directly.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub quote_only: bool,
    /// The unit quantities, prices and `quantity` are counted in when a line names no unit;
    /// `each` if absent (SEMANTICS U1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_unit: Option<crate::id::UnitId>,
    /// Further units the SKU is sold in, each a whole number of base units (U1).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub units: Vec<UnitData>,
}

/// A unit a SKU is sold in besides its base unit: a box of 100, a pallet of 4,000.
///
/// ```
/// let u: tradeterms::UnitData = serde_json::from_str(r#"{ "unit": "box", "contains": 100 }"#).unwrap();
/// assert_eq!(u.contains, rust_decimal::Decimal::from(100));
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct UnitData {
    /// The unit's name, unique within the SKU.
    pub unit: crate::id::UnitId,
    /// How many base units one of this unit holds: a whole number, at least 1. Read exactly, so
    /// that `0`, `-1` or `2.5` are build errors naming the SKU and the unit.
    #[serde(with = "crate::format::predicate::exact_number")]
    #[cfg_attr(feature = "schema", schemars(with = "f64"))]
    pub contains: Decimal,
    /// Minimum, maximum and increment of an order line in this unit (the SKU's `quantity`
    /// applies to lines in the base unit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<QuantityRule>,
}

/// Allowed quantities of an order line: at least `min`, at most `max`, a multiple of
/// `increment` (a case pack of 12).
///
/// ```
/// let r: tradeterms::QuantityRule = serde_json::from_str(r#"{ "increment": 12 }"#).unwrap();
/// assert_eq!(r.increment, Some(12u64.into()));
/// let m: tradeterms::QuantityRule = serde_json::from_str(r#"{ "min": 0.5, "increment": "0.5" }"#).unwrap();
/// assert_eq!(m.min, Some("0.5".parse().unwrap()));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct QuantityRule {
    /// Smallest quantity (more than zero; one step of the SKU's precision if absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<Quantity>,
    /// Largest quantity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<Quantity>,
    /// Quantities must be multiples of this (more than zero; `0.5` for half metres).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub increment: Option<Quantity>,
}

/// Whether a count is zero (to leave a default out of the JSON).
pub(crate) fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl SkuData {
    /// A SKU in no category, sold in `each`, with no attributes or quantity rule.
    ///
    /// ```
    /// let s = tradeterms::SkuData::new("DRILL-18V", "18V drill").with_categories(vec!["tools/power".into()]);
    /// assert_eq!(s.categories.len(), 1);
    /// ```
    pub fn new(sku: impl Into<Sku>, name: impl Into<String>) -> Self {
        SkuData {
            sku: sku.into(),
            name: name.into(),
            ..SkuData::default()
        }
    }
}

crate::format::builder!(SkuData;
    into with_sku(sku: Sku),
    into with_name(name: String),
    set with_categories(categories: Vec<String>),
    set with_attributes(attributes: Attributes),
    some with_cost(cost: Decimal),
    some with_lead_time_days(lead_time_days: u32),
    some with_quantity(quantity: QuantityRule),
    set with_quantity_decimals(quantity_decimals: u32),
    set with_quote_only(quote_only: bool),
    some_into with_base_unit(base_unit: crate::id::UnitId),
    set with_units(units: Vec<UnitData>),
);

impl UnitData {
    /// A unit holding `contains` base units, with no quantity rule of its own.
    ///
    /// ```
    /// let u = tradeterms::UnitData::new("carton", 10.into());
    /// assert_eq!(u.contains, 10.into());
    /// ```
    pub fn new(unit: impl Into<crate::id::UnitId>, contains: Decimal) -> Self {
        UnitData {
            unit: unit.into(),
            contains,
            quantity: None,
        }
    }
}

crate::format::builder!(UnitData;
    into with_unit(unit: crate::id::UnitId),
    set with_contains(contains: Decimal),
    some with_quantity(quantity: QuantityRule),
);

crate::format::builder!(QuantityRule;
    some_into with_min(min: crate::quantity::Quantity),
    some_into with_max(max: crate::quantity::Quantity),
    some_into with_increment(increment: crate::quantity::Quantity),
);
