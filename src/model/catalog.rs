//! The catalogue: SKUs, their category paths and attributes.

use crate::error::{BuildProblem, EntityKind};
use crate::format::catalog::UnitData;
use crate::format::{Attributes, QuantityRule, SkuData};
use crate::id::{Sku, UnitId};
use crate::quantity::Quantity;
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::sync::Arc;

/// A validated catalogue item.
#[derive(Clone, Debug)]
pub(crate) struct SkuRec {
    pub(crate) sku: Sku,
    pub(crate) name: Box<str>,
    /// Category paths, trimmed, sorted and unique. Interned: every SKU with the same paths
    /// shares one allocation (a large catalogue has few distinct paths and many SKUs).
    pub(crate) categories: Arc<[String]>,
    /// `None` when the SKU has none (most do not): an empty map costs 24 bytes a SKU.
    attributes: Option<Box<Attributes>>,
    pub(crate) cost: Option<rust_decimal::Decimal>,
    pub(crate) lead_time_days: Option<u32>,
    pub(crate) quantity: Option<Box<StepRule>>,
    pub(crate) quote_only: bool,
    /// Decimals of its quantities (U6): every quantity of the SKU is held as a count of
    /// `10^-decimals` steps. At most [`Quantity::MAX_DECIMALS`].
    pub(crate) decimals: u8,
    /// The units it is sold in besides the base unit `each`; `None` for most SKUs (U1).
    pub(crate) units: Option<Box<Units>>,
}

/// The name of the base unit of a SKU that names none.
pub(crate) const DEFAULT_UNIT: &str = "each";

/// The units a SKU is sold in, when it declares any (U1).
#[derive(Clone, Debug, Default)]
pub(crate) struct Units {
    /// The base unit's name, when it is not `each`.
    pub(crate) base: Option<UnitId>,
    /// Further units, in the order declared: unit index `i + 1` is `others[i]`.
    pub(crate) others: Vec<UnitRec>,
}

/// A declared unit.
#[derive(Clone, Debug)]
pub(crate) struct UnitRec {
    pub(crate) id: UnitId,
    /// Base units in one of this unit (at least 1).
    pub(crate) contains: u64,
    /// Quantity rule of a line in this unit, in steps.
    pub(crate) quantity: Option<StepRule>,
}

/// A quantity rule counted in steps of a SKU's precision (U6).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub(crate) struct StepRule {
    pub(crate) min: Option<u64>,
    pub(crate) max: Option<u64>,
    pub(crate) increment: Option<u64>,
}

impl StepRule {
    /// The rule in steps of `10^-decimals`; `Err` with the first quantity finer than that (or
    /// too large to count).
    pub(crate) fn of(rule: &QuantityRule, decimals: u32) -> Result<StepRule, Quantity> {
        let steps = |q: Option<Quantity>| match q {
            None => Ok(None),
            Some(q) => q.to_steps(decimals).map(Some).map_err(|_| q),
        };
        Ok(StepRule {
            min: steps(rule.min)?,
            max: steps(rule.max)?,
            increment: steps(rule.increment)?,
        })
    }

    /// The rule as data.
    pub(crate) fn to_data(self, decimals: u32) -> QuantityRule {
        let q = |s: Option<u64>| s.map(|s| Quantity::from_steps(s, decimals));
        QuantityRule {
            min: q(self.min),
            max: q(self.max),
            increment: q(self.increment),
        }
    }
}

/// A SKU's quantity rule in steps, or the problem naming the SKU (and `what`, the unit or
/// entry the rule is on) when one of its quantities is finer than the SKU's precision.
pub(crate) fn step_rule(
    rule: &QuantityRule,
    sku: &Sku,
    decimals: u32,
    what: &str,
    problems: &mut Vec<BuildProblem>,
) -> Option<StepRule> {
    match StepRule::of(rule, decimals) {
        Ok(r) => Some(r),
        Err(qty) => {
            problems.push(BuildProblem::QuantityTooPrecise {
                sku: sku.clone(),
                what: what.to_string(),
                qty,
                decimals,
            });
            None
        }
    }
}

/// The unit a line counts in: its index among the SKU's units (0 is the base unit) and how many
/// base units one of it holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Unit {
    pub(crate) index: u16,
    pub(crate) contains: u64,
}

impl Unit {
    /// The base unit.
    pub(crate) const BASE: Unit = Unit {
        index: 0,
        contains: 1,
    };
}

/// A line's quantity and the unit it counts in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct LineQty {
    /// The quantity in steps of `10^-decimals` of `unit`.
    pub(crate) qty: u64,
    pub(crate) unit: Unit,
    /// The SKU's quantity decimals (U6).
    pub(crate) decimals: u32,
}

/// The attributes of a SKU that has none.
static NO_ATTRIBUTES: Attributes = Attributes::new();

impl SkuRec {
    /// Its attributes.
    pub(crate) fn attributes(&self) -> &Attributes {
        self.attributes.as_deref().unwrap_or(&NO_ATTRIBUTES)
    }

    /// The unit named `name` (the base unit if `None`), if the SKU is sold in it.
    pub(crate) fn unit(&self, name: Option<&str>) -> Option<Unit> {
        let Some(name) = name else {
            return Some(Unit::BASE);
        };
        if name == self.base_unit() {
            return Some(Unit::BASE);
        }
        let units = self.units.as_deref()?;
        let pos = units.others.iter().position(|u| u.id.as_str() == name)?;
        Some(Unit {
            // The build refuses more than u16::MAX - 1 units per SKU.
            index: u16::try_from(pos.saturating_add(1)).ok()?,
            contains: units.others.get(pos)?.contains,
        })
    }

    /// How many units the SKU is sold in, its base unit included.
    pub(crate) fn unit_count(&self) -> usize {
        self.units
            .as_deref()
            .map_or(0, |u| u.others.len())
            .saturating_add(1)
    }

    /// The base unit's name.
    pub(crate) fn base_unit(&self) -> &str {
        self.units
            .as_deref()
            .and_then(|u| u.base.as_ref())
            .map_or(DEFAULT_UNIT, UnitId::as_str)
    }

    /// The name of the unit at `index`.
    pub(crate) fn unit_name(&self, unit: Unit) -> &str {
        match unit.index.checked_sub(1) {
            None => self.base_unit(),
            Some(i) => self
                .units
                .as_deref()
                .and_then(|u| u.others.get(usize::from(i)))
                .map_or(DEFAULT_UNIT, |u| u.id.as_str()),
        }
    }

    /// The quantity rule of a line in `unit`: the SKU's for the base unit, the unit's own
    /// otherwise (U4).
    pub(crate) fn quantity_rule(&self, unit: Unit) -> Option<&StepRule> {
        match unit.index.checked_sub(1) {
            None => self.quantity.as_deref(),
            Some(i) => self
                .units
                .as_deref()
                .and_then(|u| u.others.get(usize::from(i)))
                .and_then(|u| u.quantity.as_ref()),
        }
    }

    /// Its quantity decimals (U6).
    pub(crate) fn decimals(&self) -> u32 {
        u32::from(self.decimals)
    }

    /// The item as data.
    pub(crate) fn to_data(&self) -> SkuData {
        SkuData {
            sku: self.sku.clone(),
            name: self.name.to_string(),
            categories: self.categories.to_vec(),
            attributes: self.attributes().clone(),
            cost: self.cost,
            lead_time_days: self.lead_time_days,
            quantity: self.quantity.as_deref().map(|r| r.to_data(self.decimals())),
            quantity_decimals: self.decimals(),
            quote_only: self.quote_only,
            base_unit: self.units.as_deref().and_then(|u| u.base.clone()),
            units: self
                .units
                .as_deref()
                .map(|u| {
                    u.others
                        .iter()
                        .map(|o| UnitData {
                            unit: o.id.clone(),
                            contains: Decimal::from(o.contains),
                            quantity: o.quantity.map(|r| r.to_data(self.decimals())),
                        })
                        .collect()
                })
                .unwrap_or_default(),
        }
    }
}

/// The catalogue, indexed in SKU order (so index order is the order of a price sheet).
#[derive(Clone, Debug, Default)]
pub(crate) struct Catalog {
    pub(crate) recs: Vec<SkuRec>,
    /// SKU index by id: positions in `recs`, hashed by the SKU id, which is stored once, in its
    /// record (8 bytes a slot, two thirds full, instead of the 25 of an id-and-index map).
    /// A lookup compares the id in the record it finds, which the caller reads next anyway.
    index: crate::model::id_map::IdIndex,
}

impl Catalog {
    pub(crate) fn get(&self, idx: u32) -> Option<&SkuRec> {
        self.recs.get(idx as usize)
    }

    /// The SKU named by an index held inside this snapshot (a price entry, a tie found).
    #[expect(
        clippy::indexing_slicing,
        reason = "INVARIANT: every SKU index a snapshot holds was given by this catalogue, and \
                  any change to the catalogue rebuilds the snapshot"
    )]
    pub(crate) fn sku_of(&self, idx: u32) -> &Sku {
        &self.recs[idx as usize].sku
    }

    pub(crate) fn lookup(&self, sku: &str) -> Option<u32> {
        self.index.find(sku, |i| {
            self.recs
                .get(i as usize)
                .is_some_and(|r| r.sku.as_str() == sku)
        })
    }

    /// The catalogue as data (categories normalised: trimmed, sorted, unique).
    pub(crate) fn to_data(&self) -> Vec<SkuData> {
        self.recs.iter().map(SkuRec::to_data).collect()
    }

    pub(crate) fn build(data: &[SkuData], problems: &mut Vec<BuildProblem>) -> Catalog {
        let mut sorted: Vec<(usize, &SkuData)> = data.iter().enumerate().collect();
        sorted.sort_by(|a, b| a.1.sku.cmp(&b.1.sku));
        let mut recs: Vec<SkuRec> = Vec::with_capacity(data.len());
        let mut category_sets: HashMap<Vec<String>, Arc<[String]>> = HashMap::new();
        for (position, s) in sorted {
            if s.sku.as_str().is_empty() {
                problems.push(BuildProblem::EmptyId {
                    kind: EntityKind::Sku,
                    position,
                });
                continue;
            }
            if recs.last().is_some_and(|prev| prev.sku == s.sku) {
                problems.push(BuildProblem::DuplicateId {
                    kind: EntityKind::Sku,
                    id: s.sku.to_string(),
                });
                continue;
            }
            let mut categories: Vec<String> = s
                .categories
                .iter()
                .map(|c| c.trim_matches('/').to_string())
                .collect();
            categories.sort();
            categories.dedup();
            let categories = match category_sets.get(&categories) {
                Some(shared) => Arc::clone(shared),
                None => {
                    let shared: Arc<[String]> = categories.iter().cloned().collect();
                    category_sets.insert(categories, Arc::clone(&shared));
                    shared
                }
            };
            let decimals = match u8::try_from(s.quantity_decimals) {
                Ok(d) if s.quantity_decimals <= Quantity::MAX_DECIMALS => d,
                _ => {
                    problems.push(BuildProblem::InvalidQuantityDecimals {
                        sku: s.sku.clone(),
                        decimals: s.quantity_decimals,
                        max: Quantity::MAX_DECIMALS,
                    });
                    0
                }
            };
            let quantity = s.quantity.as_ref().and_then(|q| {
                let r = step_rule(
                    q,
                    &s.sku,
                    u32::from(decimals),
                    "its quantity rule",
                    problems,
                )?;
                crate::model::validate::check_quantity_rule(
                    &r,
                    u32::from(decimals),
                    EntityKind::Sku,
                    s.sku.as_str(),
                    problems,
                );
                Some(r)
            });
            if let Some(c) = s.cost
                && c.is_sign_negative()
                && !c.is_zero()
            {
                problems.push(BuildProblem::NegativeCost {
                    sku: s.sku.clone(),
                    cost: c.to_string(),
                });
            }
            recs.push(SkuRec {
                sku: s.sku.clone(),
                name: s.name.as_str().into(),
                categories,
                attributes: (!s.attributes.is_empty()).then(|| Box::new(s.attributes.clone())),
                cost: s.cost,
                lead_time_days: s.lead_time_days,
                quantity: quantity.map(Box::new),
                quote_only: s.quote_only,
                units: units_of(s, u32::from(decimals), problems),
                decimals,
            });
        }
        recs.shrink_to_fit();
        let index = crate::model::id_map::IdIndex::build(recs.iter().map(|r| r.sku.as_str()));
        Catalog { recs, index }
    }
}

/// Most units a SKU may declare besides its base unit: unit indexes are `u16`, and no real
/// catalogue sells one item in more than a handful.
pub(crate) const MAX_UNITS: usize = 64;

/// The SKU's declared units, validated (U1): names unique (the base unit's included), each a
/// whole number of at least 1 base units, each unit's quantity rule satisfiable.
fn units_of(s: &SkuData, decimals: u32, problems: &mut Vec<BuildProblem>) -> Option<Box<Units>> {
    if s.units.is_empty()
        && s.base_unit
            .as_ref()
            .is_none_or(|b| b.as_str() == DEFAULT_UNIT)
    {
        return None;
    }
    let base = s
        .base_unit
        .clone()
        .unwrap_or_else(|| UnitId::new(DEFAULT_UNIT));
    let bad = |problems: &mut Vec<BuildProblem>, unit: &UnitId, problem: String| {
        problems.push(BuildProblem::InvalidUnit {
            sku: s.sku.clone(),
            unit: unit.clone(),
            problem,
        });
    };
    if s.units.len() > MAX_UNITS {
        if let Some(u) = s.units.get(MAX_UNITS) {
            bad(
                problems,
                &u.unit,
                format!("beyond the {MAX_UNITS} units a SKU may declare: sell it as another SKU"),
            );
        }
        return None;
    }
    let mut seen: std::collections::BTreeSet<&str> = std::collections::BTreeSet::new();
    seen.insert(base.as_str());
    let mut others = Vec::with_capacity(s.units.len());
    for u in &s.units {
        if !seen.insert(u.unit.as_str()) {
            bad(
                problems,
                &u.unit,
                "twice (the base unit counts): give each unit one line".into(),
            );
            continue;
        }
        let contains = if u.contains.fract().is_zero() && u.contains >= Decimal::ONE {
            u64::try_from(u.contains.trunc()).ok()
        } else {
            None
        };
        let Some(contains) = contains else {
            bad(
                problems,
                &u.unit,
                format!(
                    "as {} base units: a unit holds a whole number of at least 1 base units (and at most {})",
                    u.contains,
                    u64::MAX
                ),
            );
            continue;
        };
        let quantity = u.quantity.as_ref().and_then(|q| {
            let what = format!("the quantity rule of its unit `{}`", u.unit);
            let r = step_rule(q, &s.sku, decimals, &what, problems)?;
            crate::model::validate::check_quantity_rule(
                &r,
                decimals,
                EntityKind::Sku,
                &format!("{} (unit {})", s.sku, u.unit),
                problems,
            );
            Some(r)
        });
        others.push(UnitRec {
            id: u.unit.clone(),
            contains,
            quantity,
        });
    }
    Some(Box::new(Units {
        base: s.base_unit.clone().filter(|b| b.as_str() != DEFAULT_UNIT),
        others,
    }))
}

/// The valid quantities nearest to `qty` under `rule`, below and above (both `qty` if it is
/// valid); `(None, None)` when no quantity is valid.
pub(crate) fn nearest_valid(rule: &StepRule, qty: u64) -> (Option<u64>, Option<u64>) {
    let inc = rule.increment.unwrap_or(1).max(1);
    let min = rule.min.unwrap_or(1).max(1);
    let max = rule.max.unwrap_or(u64::MAX);
    let ceil_to = |x: u64| x.div_ceil(inc).checked_mul(inc);
    let floor_to = |x: u64| x.checked_div(inc).and_then(|d| d.checked_mul(inc));
    let (Some(lowest), Some(highest)) = (ceil_to(min), floor_to(max)) else {
        return (None, None);
    };
    if lowest > highest {
        return (None, None);
    }
    let below = if qty < lowest {
        None
    } else {
        floor_to(qty).map(|b| b.min(highest))
    };
    let above = if qty > highest {
        None
    } else {
        ceil_to(qty).map(|a| a.max(lowest))
    };
    (below, above)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(min: Option<u64>, max: Option<u64>, increment: Option<u64>) -> StepRule {
        StepRule {
            min,
            max,
            increment,
        }
    }

    #[test]
    fn nearest_valid_quantities_for_a_case_pack() {
        let r = rule(None, None, Some(12));
        assert_eq!(nearest_valid(&r, 12), (Some(12), Some(12)));
        assert_eq!(nearest_valid(&r, 13), (Some(12), Some(24)));
        assert_eq!(nearest_valid(&r, 5), (None, Some(12)));
        let r = rule(Some(24), Some(60), Some(12));
        assert_eq!(nearest_valid(&r, 13), (None, Some(24)));
        assert_eq!(nearest_valid(&r, 100), (Some(60), None));
        assert_eq!(nearest_valid(&r, 50), (Some(48), Some(60)));
        assert_eq!(
            nearest_valid(&rule(Some(5), Some(7), Some(10)), 6),
            (None, None)
        );
        assert_eq!(
            nearest_valid(&rule(None, None, None), u64::MAX),
            (Some(u64::MAX), Some(u64::MAX))
        );
    }
}
