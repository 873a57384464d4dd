//! Tier arithmetic (SEMANTICS T1-T6): the exact amount of a line from the tiers of the deciding
//! entry, volume or graduated, with checked arithmetic. Rounding is not done here: it happens
//! once, on the winner, with [`Currency::round`](crate::money::Currency::round).

use crate::decide::resolution::TierSlice;
use crate::format::TierMode;
use crate::model::pricing::{EntryView, PriceError};
use crate::money;
use crate::quantity::Quantity;
use rust_decimal::Decimal;

/// `n` steps of `10^-decimals` as an exact decimal (`n` itself at 0 decimals).
fn steps(n: u64, decimals: u32) -> Option<Decimal> {
    if decimals == 0 {
        return Some(Decimal::from(n));
    }
    Decimal::try_from_i128_with_scale(i128::from(n), decimals).ok()
}

/// Prices `qty` line units of an entry: the exact amount, calling `on_slice` for each tier's
/// share (one slice in volume mode, one per tier reached in graduated mode). `None` if `qty` is
/// below the first tier; `Err` on overflow, or when an adjustment makes a unit price the line
/// uses negative (P6c: only the tiers pricing the line are computed). Allocates nothing.
///
/// A price derived from the base-unit entry (U3) reaches its tier at the quantity in base
/// units (3 boxes of 100 reach the tier from 300), and its unit price is the base price times
/// the conversion; a graduated line is split in base units.
///
/// Quantities are counted in steps of `10^-decimals` (the SKU's precision, U6): tiers reach
/// and graduated positions are steps, and an amount is the unit price times the steps over
/// `10^decimals`, exact (U8). At 0 decimals a step is a unit and nothing changes.
pub(crate) fn price_line<'a>(
    entry: &EntryView<'a>,
    mode: TierMode,
    line_qty: u64,
    decimals: u32,
    mut on_slice: impl FnMut(TierSlice),
) -> Result<Option<Decimal>, PriceError<'a>> {
    let overflow = PriceError::Overflow;
    let per = entry.per_line_unit();
    // The quantity counted in the entry's unit.
    let qty = line_qty.checked_mul(per).ok_or(overflow)?;
    // INVARIANT: tiers strictly increase in min_qty from at least 1 (checked at build).
    let reached = entry.tiers.iter().take_while(|t| t.min_qty <= qty).count();
    let Some(top) = reached.checked_sub(1) else {
        return Ok(None);
    };
    match mode {
        TierMode::Volume => {
            let t = entry.tier(top)?.ok_or(overflow)?;
            let unit_price = money::mul(t.unit_price, Decimal::from(per)).ok_or(overflow)?;
            let amount = money::mul(unit_price, steps(line_qty, decimals).ok_or(overflow)?)
                .ok_or(overflow)?;
            on_slice(TierSlice {
                min_qty: Quantity::from_steps(t.min_qty, decimals),
                units: Quantity::from_steps(line_qty, decimals),
                unit_price,
                amount,
            });
            Ok(Some(amount))
        }
        TierMode::Graduated => {
            let mut total = Decimal::ZERO;
            for i in 0..reached {
                let t = entry.tier(i)?.ok_or(overflow)?;
                // Units at positions [t.min_qty, next.min_qty - 1], capped at qty.
                let last_pos = match entry.tiers.get(i.saturating_add(1)).filter(|_| i < top) {
                    Some(next) => next.min_qty.checked_sub(1).ok_or(overflow)?,
                    None => qty,
                };
                // The first tier also covers the positions below its minimum: a line that
                // qualifies for the list prices every unit, the first ones at the first tier.
                let first_pos = if i == 0 { 1 } else { t.min_qty };
                let units = last_pos
                    .checked_sub(first_pos)
                    .and_then(|d| d.checked_add(1))
                    .ok_or(overflow)?;
                let amount = money::mul(t.unit_price, steps(units, decimals).ok_or(overflow)?)
                    .ok_or(overflow)?;
                total = money::add(total, amount).ok_or(overflow)?;
                on_slice(TierSlice {
                    min_qty: Quantity::from_steps(t.min_qty, decimals),
                    units: Quantity::from_steps(units, decimals),
                    unit_price: t.unit_price,
                    amount,
                });
            }
            Ok(Some(total))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::id::PriceListId;
    use crate::model::pricing::table::{self, Tier};
    use crate::model::pricing::{ListBody, ListRec};
    use crate::money::Currency;
    use crate::time::Window;

    fn view(spec: &[(u64, i64)]) -> (Vec<Tier>, ListRec) {
        let tiers = spec
            .iter()
            .map(|&(m, p)| Tier {
                min_qty: m,
                unit_price: Decimal::from(p),
            })
            .collect();
        let list = ListRec {
            id: PriceListId::new("l"),
            name: String::new(),
            owner: String::new(),
            currency: Currency::PLACEHOLDER,
            tier_mode: TierMode::Volume,
            valid: Window::ALWAYS,
            quote_only: false,
            tax_included: false,
            derive_units: false,
            cost: false,
            margins: Default::default(),
            clamp: false,
            has_margins: false,
            cost_list: None,
            unit_tables: Vec::new(),
            body: ListBody::Absolute(table::PriceTable::default()),
        };
        (tiers, list)
    }

    fn price(
        tiers: &[Tier],
        list: &ListRec,
        mode: TierMode,
        qty: u64,
        decimals: u32,
    ) -> Option<(Vec<Quantity>, Decimal)> {
        let table = table::PriceTable::from_sorted(&[table::EntryRow {
            sku: 0,
            tiers: tiers.iter().copied().collect(),
            extra: None,
        }]);
        let entry = table.get(0).unwrap();
        let v = EntryView::absolute(entry.tiers, list);
        let mut units = Vec::new();
        price_line(&v, mode, qty, decimals, |s| units.push(s.units))
            .unwrap()
            .map(|a| (units, a))
    }

    #[test]
    fn graduated_splits_units_by_position() {
        let (t, l) = view(&[(1, 10), (10, 8), (100, 5)]);
        let (units, total) = price(&t, &l, TierMode::Graduated, 150, 0).unwrap();
        assert_eq!(
            units,
            vec![Quantity::from(9u64), 90u64.into(), 51u64.into()]
        );
        assert_eq!(total, Decimal::from(9 * 10 + 90 * 8 + 51 * 5));
    }

    #[test]
    fn below_first_tier_is_none() {
        let (t, l) = view(&[(5, 10)]);
        assert!(price(&t, &l, TierMode::Volume, 4, 0).is_none());
        assert!(price(&t, &l, TierMode::Graduated, 4, 0).is_none());
    }

    #[test]
    fn graduated_in_tenths_splits_steps_by_position() {
        // Tiers from 1 m and 10 m at 1 decimal (10 and 100 steps), 12.5 m (125 steps): the
        // first tier prices 0.1 to 9.9 m, the second 10.0 to 12.5 m.
        let (t, l) = view(&[(10, 2), (100, 1)]);
        let (units, total) = price(&t, &l, TierMode::Graduated, 125, 1).unwrap();
        let q = |s: &str| s.parse::<Quantity>().unwrap();
        assert_eq!(units, vec![q("9.9"), q("2.6")]);
        assert_eq!(total, "22.4".parse::<Decimal>().unwrap());
        let (units, total) = price(&t, &l, TierMode::Volume, 125, 1).unwrap();
        assert_eq!(units, vec![q("12.5")]);
        assert_eq!(total, "12.5".parse::<Decimal>().unwrap());
        assert!(price(&t, &l, TierMode::Volume, 9, 1).is_none());
    }
}
