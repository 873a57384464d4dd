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

/// What a list does with a unit price outside its margins over cost (SEMANTICS P6d-P6f).
///
/// ```
/// let m: tradeterms::MarginMode = serde_json::from_str("\"clamp\"").unwrap();
/// assert_eq!(m, tradeterms::MarginMode::Clamp);
/// assert_eq!(tradeterms::MarginMode::default(), tradeterms::MarginMode::Report);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum MarginMode {
    /// The price stands as written; the operator's explanation and `lint` report it.
    #[default]
    Report,
    /// The price is raised to the floor (or lowered to the ceiling), and the explanation says so.
    Clamp,
}

impl MarginMode {
    /// Whether this is the default, `Report` (serde skips the field then).
    ///
    /// ```
    /// assert!(tradeterms::MarginMode::Report.is_report());
    /// assert!(!tradeterms::MarginMode::Clamp.is_report());
    /// ```
    pub fn is_report(&self) -> bool {
        matches!(self, MarginMode::Report)
    }
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
#[non_exhaustive]
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
#[non_exhaustive]
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
/// `ending`. Or `price` sets the unit price outright. Then `min_margin` and `max_margin`
/// (percent over the SKU's cost, from the currency's cost list) hold it between a floor and a
/// ceiling, as the list's `margin` mode says (SEMANTICS P6d-P6f).
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
///
/// // Cost + 12 % rounded to .99, never under cost + 5 % (on a list whose base is the cost list).
/// let c: tradeterms::AdjustmentData = serde_json::from_str(r#"{ "percent": "12",
///     "round_to": "1", "ending": "-0.01", "min_margin": "5" }"#).unwrap();
/// assert_eq!(c.min_margin, Some(rust_decimal::Decimal::from(5)));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
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
    /// The least margin over cost, in percent (`"5"`: at least cost x 1.05), for what this
    /// adjustment targets; replaces the list's `min_margin` (SEMANTICS P6d).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::money::decimal_str::option"
    )]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub min_margin: Option<Decimal>,
    /// The most margin over cost, in percent, for what this adjustment targets; replaces the
    /// list's `max_margin` (SEMANTICS P6d).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::money::decimal_str::option"
    )]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub max_margin: Option<Decimal>,
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
#[non_exhaustive]
pub struct RelativeData {
    /// The list the prices derive from (same currency).
    pub base: PriceListId,
    /// Adjustments; for a SKU and a line quantity the most specific applicable one decides: the
    /// one targeting the SKU, then the deepest matching category, then the one without a
    /// target (SEMANTICS P6a). A line no adjustment applies to has no entry in this list.
    pub adjustments: Vec<AdjustmentData>,
}

/// A price list: absolute (its own entries) or relative (derived from another list), or the
/// cost list of its currency (`cost`).
///
/// ```
/// let l: tradeterms::PriceListData = serde_json::from_str(r#"{
///     "id": "public-usd", "name": "Public", "owner": "pricing@seller.example", "currency": "USD",
///     "entries": [{ "sku": "DRILL-18V", "tiers": [{ "min_qty": 1, "unit_price": "99.00" }] }]
/// }"#).unwrap();
/// assert_eq!(l.entries.len(), 1);
///
/// // What the SKUs cost, and a cost-plus contract never under cost + 5 %, clamped.
/// let cost: tradeterms::PriceListData = serde_json::from_str(r#"{
///     "id": "cost-usd", "name": "Cost", "owner": "finance@seller.example", "currency": "USD",
///     "cost": true,
///     "entries": [{ "sku": "DRILL-18V", "tiers": [{ "min_qty": 1, "unit_price": "61.00" }] }]
/// }"#).unwrap();
/// let plus: tradeterms::PriceListData = serde_json::from_str(r#"{
///     "id": "cost-plus", "name": "Cost plus 12", "owner": "sales@seller.example",
///     "currency": "USD", "min_margin": "5", "margin": "clamp",
///     "relative": { "base": "cost-usd", "adjustments": [{ "percent": "12" }] }
/// }"#).unwrap();
/// assert!(cost.cost && plus.margin == tradeterms::MarginMode::Clamp);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
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
    /// A cost list: what each SKU costs the seller in this currency (at most one per currency).
    /// Never assigned, never a reference list, never shown to a buyer; a relative list may
    /// derive from it (cost-plus) and margins are measured against it (SEMANTICS P6d).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub cost: bool,
    /// The least margin over cost, in percent, of every price of this list; an adjustment's
    /// own `min_margin` replaces it for what the adjustment targets (SEMANTICS P6d).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::money::decimal_str::option"
    )]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub min_margin: Option<Decimal>,
    /// The most margin over cost, in percent, of every price of this list; an adjustment's
    /// own `max_margin` replaces it for what the adjustment targets (SEMANTICS P6d).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::money::decimal_str::option"
    )]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub max_margin: Option<Decimal>,
    /// What a price outside its margins becomes: `report` (the default) prices it as written
    /// and reports it, `clamp` raises it to the floor or lowers it to the ceiling (P6e).
    #[serde(default, skip_serializing_if = "MarginMode::is_report")]
    pub margin: MarginMode,
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
            cost: self.cost,
            min_margin: self.min_margin,
            max_margin: self.max_margin,
            margin: self.margin,
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
#[non_exhaustive]
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

impl TierData {
    /// A tier from `min_qty` units at `unit_price`.
    ///
    /// ```
    /// let t = tradeterms::TierData::new(10, "89.00".parse().unwrap());
    /// assert_eq!(t.min_qty, 10);
    /// ```
    pub fn new(min_qty: impl Into<crate::quantity::Quantity>, unit_price: Decimal) -> Self {
        TierData {
            min_qty: min_qty.into(),
            unit_price,
        }
    }
}

crate::format::builder!(TierData;
    into with_min_qty(min_qty: crate::quantity::Quantity),
    set with_unit_price(unit_price: Decimal),
);

impl EntryData {
    /// An entry in the SKU's base unit, always valid, with no quantity rule of its own.
    ///
    /// ```
    /// use tradeterms::{EntryData, TierData};
    /// let e = EntryData::new("DRILL-18V", vec![TierData::new(1, "99.00".parse().unwrap())]);
    /// assert_eq!(e.tiers.len(), 1);
    /// ```
    pub fn new(sku: impl Into<Sku>, tiers: Vec<TierData>) -> Self {
        EntryData {
            sku: sku.into(),
            tiers,
            ..EntryData::default()
        }
    }
}

crate::format::builder!(EntryData;
    into with_sku(sku: Sku),
    set with_tiers(tiers: Vec<TierData>),
    some with_valid(valid: Window),
    some with_quantity(quantity: QuantityRule),
    some_into with_quote_above(quote_above: crate::quantity::Quantity),
    some_into with_unit(unit: crate::id::UnitId),
);

crate::format::builder!(AdjustmentData;
    some_into with_sku(sku: Sku),
    some_into with_category(category: String),
    some_into with_min_qty(min_qty: crate::quantity::Quantity),
    set with_percent(percent: Decimal),
    some with_amount(amount: Decimal),
    some with_round_to(round_to: Decimal),
    some with_ending(ending: Decimal),
    some with_price(price: Decimal),
    some with_min_margin(min_margin: Decimal),
    some with_max_margin(max_margin: Decimal),
);

impl RelativeData {
    /// A relative list deriving from `base` through `adjustments`.
    ///
    /// ```
    /// use tradeterms::{AdjustmentData, RelativeData};
    /// let r = RelativeData::new("public-usd", vec![AdjustmentData::default().with_percent((-20).into())]);
    /// assert_eq!(r.adjustments.len(), 1);
    /// ```
    pub fn new(base: impl Into<PriceListId>, adjustments: Vec<AdjustmentData>) -> Self {
        RelativeData {
            base: base.into(),
            adjustments,
        }
    }
}

crate::format::builder!(RelativeData;
    into with_base(base: PriceListId),
    set with_adjustments(adjustments: Vec<AdjustmentData>),
);

impl PriceListData {
    /// An absolute list with no entries yet, volume tiers, net prices, always valid.
    ///
    /// ```
    /// use tradeterms::{EntryData, PriceListData, TierData};
    /// let l = PriceListData::new("public-usd", "Public", "pricing@seller.example", "USD")
    ///     .with_entries(vec![EntryData::new("DRILL-18V", vec![TierData::new(1, "99.00".parse().unwrap())])]);
    /// assert_eq!(l.entries.len(), 1);
    /// ```
    pub fn new(
        id: impl Into<PriceListId>,
        name: impl Into<String>,
        owner: impl Into<String>,
        currency: impl Into<String>,
    ) -> Self {
        PriceListData {
            id: id.into(),
            name: name.into(),
            owner: owner.into(),
            currency: currency.into(),
            ..PriceListData::default()
        }
    }
}

crate::format::builder!(PriceListData;
    into with_id(id: PriceListId),
    into with_name(name: String),
    into with_owner(owner: String),
    into with_currency(currency: String),
    set with_tier_mode(tier_mode: TierMode),
    some with_valid(valid: Window),
    set with_entries(entries: Vec<EntryData>),
    some with_relative(relative: RelativeData),
    set with_quote_only(quote_only: bool),
    set with_tax_included(tax_included: bool),
    set with_derive_units(derive_units: bool),
    set with_cost(cost: bool),
    some with_min_margin(min_margin: Decimal),
    some with_max_margin(max_margin: Decimal),
    set with_margin(margin: MarginMode),
);

impl AssignmentData {
    /// An assignment at priority 0, always valid, in every context.
    ///
    /// ```
    /// use tradeterms::{AssignmentData, Scope};
    /// let a = AssignmentData::new("abb-contract", "abb-usd", Scope::Subtree("abb-corp".into()))
    ///     .with_priority(10);
    /// assert_eq!(a.priority, 10);
    /// ```
    pub fn new(
        id: impl Into<AssignmentId>,
        price_list: impl Into<PriceListId>,
        scope: Scope,
    ) -> Self {
        AssignmentData {
            id: id.into(),
            price_list: price_list.into(),
            scope,
            ..AssignmentData::default()
        }
    }
}

crate::format::builder!(AssignmentData;
    into with_id(id: AssignmentId),
    into with_price_list(price_list: PriceListId),
    set with_scope(scope: Scope),
    set with_priority(priority: i32),
    some with_valid(valid: Window),
    some_into with_owner(owner: String),
    some_into with_experiment(experiment: String),
    set with_channels(channels: Vec<crate::id::ChannelId>),
    set with_countries(countries: Vec<crate::country::Country>),
);
