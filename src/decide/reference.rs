//! The reference ("list") price of a priced line and the saving against it (SEMANTICS P9),
//! compared by `select` once the price is decided.
//! Computed after the decision and never feeding back into it.

use crate::decide::core::{Party, Winner};
use crate::decide::resolution::{NoReference, Reference, ReferencePrice, TierSlice};
use crate::decide::tiers::price_line;
use crate::error::ResolveError;
use crate::model::catalog::{LineQty, SkuRec};
use crate::model::pricing::{self, EntryMiss};
use crate::money::ROUNDING;
use rust_decimal::Decimal;

/// The reference price of the winner's line: the reference list named for the account (or its
/// nearest ancestor, else every account) in the winner's currency, priced at the same quantity
/// with its own tier mode.
pub(crate) fn compare(
    party: &Party<'_>,
    sku: u32,
    rec: &SkuRec,
    line: LineQty,
    winner: &Winner<'_>,
) -> Result<Reference, ResolveError> {
    let qty = line.qty;
    let inner = party.inner;
    let none = |reason| Ok(Reference::None { reason });
    if inner.references.is_empty() {
        return none(NoReference::NoReferenceList);
    }
    let currency = winner.list.currency;
    let Some(li) = inner
        .references
        .for_account(party.index, &party.account.ancestors, currency)
    else {
        return none(NoReference::NoReferenceList);
    };
    let Some(list) = inner.lists.get(li as usize) else {
        return none(NoReference::NoReferenceList);
    };
    let at = party.at;
    if !list.valid.contains(at) {
        return none(NoReference::NotValid);
    }
    if list.quote_only {
        return none(NoReference::OnQuote);
    }
    let entry = match pricing::lookup_entry(&inner.lists, list, sku, line, &rec.categories, at) {
        Ok(e) => e,
        Err(EntryMiss::NoEntry) => return none(NoReference::NoEntry),
        Err(EntryMiss::BaseNotValid { .. }) => return none(NoReference::NotValid),
    };
    if entry.extra.valid.is_some_and(|w| !w.contains(at)) {
        return none(NoReference::NotValid);
    }
    if entry
        .extra
        .quote_above
        .is_some_and(|limit| entry.entry_qty(qty) > limit)
    {
        return none(NoReference::OnQuote);
    }
    let overflow = || ResolveError::Overflow {
        sku: rec.sku.clone(),
        list: Some(list.id.clone()),
        qty: crate::quantity::Quantity::from_steps(qty, line.decimals),
    };
    let mut slices: [Option<TierSlice>; 2] = [None, None];
    let mut count = 0usize;
    let exact = price_line(&entry, entry.tier_mode(), qty, line.decimals, |s| {
        if let Some(slot) = slices.get_mut(count) {
            *slot = Some(s);
        }
        count = count.saturating_add(1);
    })
    .map_err(|e| crate::decide::select::price_error(e, rec, list, line))?;
    let Some(exact) = exact else {
        // Below the reference entry's first tier: it does not price this quantity.
        return none(NoReference::NoEntry);
    };
    let amount = currency.round(exact);
    let saving = amount
        .checked_sub(currency.round(winner.exact))
        .ok_or_else(overflow)?;
    let saving_percent = if amount.is_zero() {
        None
    } else {
        let mut percent = saving
            .checked_mul(Decimal::ONE_HUNDRED)
            .and_then(|x| x.checked_div(amount))
            .ok_or_else(overflow)?
            .round_dp_with_strategy(2, ROUNDING);
        // Two decimals always, so 25 % reads and serialises as 25.00.
        percent.rescale(2);
        Some(percent)
    };
    let unit_price = match (count, &slices) {
        (1, [Some(only), _]) => Some(only.unit_price),
        _ => None,
    };
    Ok(Reference::Compared(Box::new(ReferencePrice {
        list: Some(list.id.clone()),
        unit_price,
        amount,
        saving,
        saving_percent,
    })))
}
