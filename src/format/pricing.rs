//! Prices as a host declares them: price lists (absolute, with tiered entries per SKU, or
//! relative to another list) and the assignments that apply a list to a scope.

use crate::format::catalog::QuantityRule;
use crate::format::scope::Scope;
use crate::id::{AssignmentId, PriceListId, Sku};
use crate::time::Window;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// How quantity tiers price an order line.
///
/// ```
/// let m: tradeterms::TierMode = serde_json::from_str("\"graduated\"").unwrap();
/// assert_eq!(m, tradeterms::TierMode::Graduated);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
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
    /// Smallest quantity this tier applies to (more than zero; within the SKU's
    /// `quantity_decimals`, such as `10` or `2.5`).
    pub min_qty: crate::quantity::Quantity,
    /// Price of one unit in this tier, as a decimal string.
    #[serde(with = "crate::money::decimal_str")]
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
    pub quote_above: Option<crate::quantity::Quantity>,
    /// The unit this entry prices, one the SKU declares; its base unit if absent. Tiers,
    /// `quantity` and `quote_above` count in this unit (SEMANTICS U2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<crate::id::UnitId>,
}

/// One adjustment of a relative list: what it targets (one SKU, a category and its
/// sub-categories, or every SKU), from which line quantity, and how it prices (SEMANTICS
/// P6a-P6c).
///
/// The price is computed in one order: the base's unit price x (100 + `percent`) / 100, plus
/// `amount` per unit, then rounded to a multiple of `round_to` (half away from zero) plus
/// `ending`. Or `price` sets the unit price outright.
///
/// ```
/// let a: tradeterms::AdjustmentData = serde_json::from_str(
///     r#"{ "category": "tools/power", "percent": "-20" }"#).unwrap();
/// assert_eq!(a.percent, rust_decimal::Decimal::from(-20));
///
/// // 12 % up, rounded to a .99 price point, for one SKU from 10 units.
/// let b: tradeterms::AdjustmentData = serde_json::from_str(r#"{ "sku": "DRILL-18V",
///     "min_qty": 10, "percent": "12", "round_to": "1", "ending": "-0.01" }"#).unwrap();
/// assert_eq!(b.min_qty, Some(10u64.into()));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AdjustmentData {
    /// The one SKU this adjustment is limited to (not with `category`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sku: Option<Sku>,
    /// The category this adjustment is limited to; every SKU if absent (and no `sku`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// The adjustment applies to lines of at least this quantity (counted in the entry's unit:
    /// base units for a derived price, SEMANTICS U3); every quantity if absent. May be a
    /// decimal (`2.5`) for SKUs sold by the metre or the kilogram (U9).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_qty: Option<crate::quantity::Quantity>,
    /// The change in percent, `-20` for 20 % off; at least `-100`; 0 if absent.
    #[serde(
        default,
        skip_serializing_if = "Decimal::is_zero",
        with = "crate::money::decimal_str"
    )]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub percent: Decimal,
    /// A fixed amount added to the unit price after `percent`, negative to take off (`"-2.00"`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::money::decimal_str::option"
    )]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub amount: Option<Decimal>,
    /// Rounds the unit price to a multiple of this (`"0.05"`, `"1"`), half away from zero;
    /// more than zero.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::money::decimal_str::option"
    )]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub round_to: Option<Decimal>,
    /// Added after rounding to `round_to` (`"-0.01"` for .99 prices); needs `round_to`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::money::decimal_str::option"
    )]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub ending: Option<Decimal>,
    /// A fixed unit price for the target, instead of `percent`, `amount` and rounding.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::money::decimal_str::option"
    )]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub price: Option<Decimal>,
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
    /// Adjustments; for a SKU and a line quantity the most specific applicable one decides: the
    /// one targeting the SKU, then the deepest matching category, then the one without a
    /// target (SEMANTICS P6a). A line no adjustment applies to has no entry in this list.
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
    /// Whether the list's prices include tax (gross); net if false. The engine computes no tax:
    /// every priced answer carries the flag, and no policy compares a gross price with a net
    /// one (SEMANTICS C5).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub tax_included: bool,
    /// A line in a unit this list has no entry for is priced from the base-unit entry, its
    /// tier found at the line's quantity in base units (SEMANTICS U3); otherwise the list has
    /// no price in that unit.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub derive_units: bool,
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
            tax_included: self.tax_included,
            derive_units: self.derive_units,
        }
    }
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
    /// The sales channels the rule is limited to (declared under `channels`); every channel if
    /// empty (SEMANTICS C2).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub channels: Vec<crate::id::ChannelId>,
    /// The ship-to countries (ISO 3166-1 alpha-2) the rule is limited to; every country if
    /// empty (SEMANTICS C2).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub countries: Vec<crate::country::Country>,
}
