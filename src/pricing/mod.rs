//! Price lists and the arithmetic of a line: tiers, relative lists, volume and graduated modes.
//!
//! An absolute list stores its entries in a [`table::PriceTable`]. A relative list stores only
//! its base and its percentage adjustments; its entry for a SKU is derived on lookup from the
//! base's entry, so a change to the base reaches every list derived from it at once.

pub(crate) mod build;
pub(crate) mod select;
pub(crate) mod table;

use crate::dataset::TierMode;
use crate::id::{PriceListId, Sku};
use crate::money::{self, Currency};
use crate::resolution::{Adjustment, TierSlice};
use crate::time::Window;
use rust_decimal::Decimal;
use table::{PriceTable, Tier};

/// How deep relative lists may derive from one another; deeper chains are a build error
/// (reported as a cycle would be unreasonable, so the build reports the chain's end).
pub(crate) const MAX_RELATIVE_DEPTH: usize = 16;

/// A percentage adjustment of a relative list.
#[derive(Clone, Debug)]
pub(crate) struct AdjustmentRec {
    pub(crate) category: Option<String>,
    pub(crate) depth: usize,
    pub(crate) percent: Decimal,
}

/// What a list holds.
#[derive(Clone, Debug)]
pub(crate) enum ListBody {
    Absolute(PriceTable),
    Relative {
        base: u32,
        adjustments: Vec<AdjustmentRec>,
    },
}

/// A validated price list.
#[derive(Clone, Debug)]
pub(crate) struct ListRec {
    pub(crate) id: PriceListId,
    pub(crate) name: String,
    pub(crate) owner: String,
    pub(crate) currency: Currency,
    pub(crate) tier_mode: TierMode,
    pub(crate) valid: Window,
    pub(crate) quote_only: bool,
    pub(crate) body: ListBody,
}

/// The price lists of a snapshot: a persistent vector so that a changed list is replaced without
/// copying the others.
pub(crate) type Lists = imbl::Vector<std::sync::Arc<ListRec>>;

/// Read access to lists by index, for both the build-time vector and the snapshot's lists.
pub(crate) trait ListTable {
    fn list(&self, i: u32) -> Option<&ListRec>;
}

impl ListTable for [ListRec] {
    fn list(&self, i: u32) -> Option<&ListRec> {
        self.get(i as usize)
    }
}

impl ListTable for Vec<ListRec> {
    fn list(&self, i: u32) -> Option<&ListRec> {
        self.get(i as usize)
    }
}

impl ListTable for Lists {
    fn list(&self, i: u32) -> Option<&ListRec> {
        self.get(i as usize).map(|l| &**l)
    }
}

/// Whether category path `cat` is `prefix` or lies under it (`tools/power` covers
/// `tools/power/drills` but not `tools/powerful`).
pub(crate) fn category_covers(prefix: &str, cat: &str) -> bool {
    match cat.strip_prefix(prefix) {
        Some(rest) => rest.is_empty() || rest.starts_with('/'),
        None => false,
    }
}

/// Number of levels of a category path.
pub(crate) fn category_depth(cat: &str) -> usize {
    cat.split('/').filter(|s| !s.is_empty()).count()
}

/// The adjustment a relative list applies to a SKU with these categories: the one with the
/// deepest category covering one of them, then the one without a category; at equal depth the
/// one listed first.
pub(crate) fn pick_adjustment<'a>(
    adjustments: &'a [AdjustmentRec],
    categories: &[String],
) -> Option<&'a AdjustmentRec> {
    let mut best: Option<&AdjustmentRec> = None;
    for adj in adjustments {
        let matches = match &adj.category {
            None => true,
            Some(c) => categories.iter().any(|sc| category_covers(c, sc)),
        };
        if matches && best.is_none_or(|b| adj.depth > b.depth) {
            best = Some(adj);
        }
    }
    best
}

/// An entry as seen through a list, with any relative adjustments applied.
#[derive(Clone, Debug)]
pub(crate) struct ResolvedEntry {
    pub(crate) tiers: Vec<Tier>,
    pub(crate) extra: table::EntryExtra,
    pub(crate) adjustments: Vec<Adjustment>,
}

/// Why a list has no usable entry.
#[derive(Clone, Debug)]
pub(crate) enum EntryMiss {
    NoEntry,
    BaseNotValid { base: PriceListId, window: Window },
    Overflow,
}

/// Looks up the entry of `list` for `sku`, deriving through relative lists.
pub(crate) fn lookup_entry<L: ListTable + ?Sized>(
    lists: &L,
    list: &ListRec,
    sku: u32,
    categories: &[String],
    at: jiff::Timestamp,
) -> Result<ResolvedEntry, EntryMiss> {
    let mut chain: Vec<(&ListRec, &AdjustmentRec)> = Vec::new();
    let mut cur = list;
    loop {
        match &cur.body {
            ListBody::Absolute(table) => {
                let entry = table.get(sku).ok_or(EntryMiss::NoEntry)?;
                let mut tiers = entry.tiers.to_vec();
                let mut adjustments = Vec::with_capacity(chain.len());
                // Apply the innermost adjustment first: list = base * a1, outer = list * a2.
                let mut base_id = cur.id.clone();
                for (rel, adj) in chain.iter().rev() {
                    for t in tiers.iter_mut() {
                        t.unit_price = money::adjust_by_percent(t.unit_price, adj.percent)
                            .ok_or(EntryMiss::Overflow)?;
                    }
                    adjustments.push(Adjustment {
                        list: rel.id.clone(),
                        base: base_id.clone(),
                        category: adj.category.clone(),
                        percent: adj.percent,
                    });
                    base_id = rel.id.clone();
                }
                adjustments.reverse();
                return Ok(ResolvedEntry {
                    tiers,
                    extra: entry.extra,
                    adjustments,
                });
            }
            ListBody::Relative { base, adjustments } => {
                let adj = pick_adjustment(adjustments, categories).ok_or(EntryMiss::NoEntry)?;
                chain.push((cur, adj));
                let next = lists.list(*base).ok_or(EntryMiss::NoEntry)?;
                if !next.valid.contains(at) {
                    return Err(EntryMiss::BaseNotValid {
                        base: next.id.clone(),
                        window: next.valid,
                    });
                }
                if chain.len() > MAX_RELATIVE_DEPTH {
                    return Err(EntryMiss::NoEntry);
                }
                cur = next;
            }
        }
    }
}

/// Prices `qty` units with these tiers. `None` if `qty` is below the first tier. `Err` on
/// overflow.
pub(crate) fn price_line(
    tiers: &[Tier],
    mode: TierMode,
    qty: u64,
) -> Result<Option<(Vec<TierSlice>, Decimal)>, ()> {
    // INVARIANT: tiers are non-empty with strictly increasing min_qty >= 1 (checked at build).
    let reached: Vec<&Tier> = tiers.iter().take_while(|t| t.min_qty <= qty).collect();
    let Some(top) = reached.last() else {
        return Ok(None);
    };
    match mode {
        TierMode::Volume => {
            let amount = money::mul(top.unit_price, Decimal::from(qty)).ok_or(())?;
            Ok(Some((
                vec![TierSlice {
                    min_qty: top.min_qty,
                    units: qty,
                    unit_price: top.unit_price,
                    amount,
                }],
                amount,
            )))
        }
        TierMode::Graduated => {
            let mut slices = Vec::with_capacity(reached.len());
            let mut total = Decimal::ZERO;
            for (i, t) in reached.iter().enumerate() {
                // Units at positions [t.min_qty, next.min_qty - 1], capped at qty.
                let last_pos = match reached.get(i.saturating_add(1)) {
                    Some(next) => next.min_qty.checked_sub(1).ok_or(())?,
                    None => qty,
                };
                // The first tier also covers the positions below its minimum: a line that
                // qualifies for the list prices every unit, the first ones at the first tier.
                let first_pos = if i == 0 { 1 } else { t.min_qty };
                let units = last_pos
                    .checked_sub(first_pos)
                    .and_then(|d| d.checked_add(1))
                    .ok_or(())?;
                let amount = money::mul(t.unit_price, Decimal::from(units)).ok_or(())?;
                total = money::add(total, amount).ok_or(())?;
                slices.push(TierSlice {
                    min_qty: t.min_qty,
                    units,
                    unit_price: t.unit_price,
                    amount,
                });
            }
            Ok(Some((slices, total)))
        }
    }
}

/// Short description of an entry for messages: `list/sku`.
pub(crate) fn entry_label(list: &PriceListId, sku: &Sku) -> String {
    format!("{list}/{sku}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiers(spec: &[(u64, i64)]) -> Vec<Tier> {
        spec.iter()
            .map(|&(m, p)| Tier {
                min_qty: m,
                unit_price: Decimal::from(p),
            })
            .collect()
    }

    #[test]
    fn graduated_splits_units_by_position() {
        let t = tiers(&[(1, 10), (10, 8), (100, 5)]);
        let (slices, total) = price_line(&t, TierMode::Graduated, 150).unwrap().unwrap();
        let units: Vec<u64> = slices.iter().map(|s| s.units).collect();
        assert_eq!(units, vec![9, 90, 51]);
        assert_eq!(total, Decimal::from(9 * 10 + 90 * 8 + 51 * 5));
    }

    #[test]
    fn below_first_tier_is_none() {
        let t = tiers(&[(5, 10)]);
        assert!(price_line(&t, TierMode::Volume, 4).unwrap().is_none());
        assert!(price_line(&t, TierMode::Graduated, 4).unwrap().is_none());
    }

    #[test]
    fn category_prefix_respects_segments() {
        assert!(category_covers("tools/power", "tools/power/drills"));
        assert!(category_covers("tools/power", "tools/power"));
        assert!(!category_covers("tools/power", "tools/powerful"));
    }
}
