//! The catalogue: SKUs, their category paths and attributes.

use crate::error::{BuildProblem, EntityKind};
use crate::format::{Attributes, SkuData};
use crate::id::Sku;
use crate::model::id_map::IdMap;

/// A validated catalogue item.
#[derive(Clone, Debug)]
pub(crate) struct SkuRec {
    pub(crate) sku: Sku,
    pub(crate) name: String,
    pub(crate) categories: Vec<String>,
    pub(crate) attributes: Attributes,
    pub(crate) cost: Option<rust_decimal::Decimal>,
    pub(crate) lead_time_days: Option<u32>,
    pub(crate) quantity: Option<Box<crate::format::QuantityRule>>,
    pub(crate) quote_only: bool,
}

impl SkuRec {
    /// The item as data.
    pub(crate) fn to_data(&self) -> SkuData {
        SkuData {
            sku: self.sku.clone(),
            name: self.name.clone(),
            categories: self.categories.clone(),
            attributes: self.attributes.clone(),
            cost: self.cost,
            lead_time_days: self.lead_time_days,
            quantity: self.quantity.as_deref().copied(),
            quote_only: self.quote_only,
        }
    }
}

/// The catalogue, indexed in SKU order (so index order is the order of a price sheet).
#[derive(Clone, Debug, Default)]
pub(crate) struct Catalog {
    pub(crate) recs: Vec<SkuRec>,
    pub(crate) index: IdMap<Sku, u32>,
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
        self.index.get(sku).copied()
    }

    /// The catalogue as data (categories normalised: trimmed, sorted, unique).
    pub(crate) fn to_data(&self) -> Vec<SkuData> {
        self.recs.iter().map(SkuRec::to_data).collect()
    }

    pub(crate) fn build(data: &[SkuData], problems: &mut Vec<BuildProblem>) -> Catalog {
        let mut sorted: Vec<(usize, &SkuData)> = data.iter().enumerate().collect();
        sorted.sort_by(|a, b| a.1.sku.cmp(&b.1.sku));
        let mut recs: Vec<SkuRec> = Vec::with_capacity(data.len());
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
            if let Some(q) = &s.quantity {
                crate::model::validate::check_quantity_rule(
                    q,
                    EntityKind::Sku,
                    s.sku.as_str(),
                    problems,
                );
            }
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
                name: s.name.clone(),
                categories,
                attributes: s.attributes.clone(),
                cost: s.cost,
                lead_time_days: s.lead_time_days,
                quantity: s.quantity.map(Box::new),
                quote_only: s.quote_only,
            });
        }
        let index = recs
            .iter()
            .enumerate()
            .map(|(i, r)| (r.sku.clone(), crate::model::validate::to_u32(i)))
            .collect();
        Catalog { recs, index }
    }
}

/// The valid quantities nearest to `qty` under `rule`, below and above (both `qty` if it is
/// valid); `(None, None)` when no quantity is valid.
pub(crate) fn nearest_valid(
    rule: &crate::format::QuantityRule,
    qty: u64,
) -> (Option<u64>, Option<u64>) {
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
    use crate::format::QuantityRule;

    fn rule(min: Option<u64>, max: Option<u64>, increment: Option<u64>) -> QuantityRule {
        QuantityRule {
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
