//! Choosing one price among the assignments reaching an account (SEMANTICS P1-P8, W1-W8,
//! Q2-Q3).
//!
//! Candidates arrive in precedence order (most specific scope first, then priority, then id;
//! computed at build). Each goes through the hard filters in a fixed order (P3): assignment
//! window, list window, currency, entry (through relative lists), entry window, minimum
//! quantity. Among the eligible ones the account's policy decides (W1): under `precedence` the
//! first wins (W2); under `lowest_price` the strictly cheapest exact amount wins, an equal
//! amount keeping the earlier, more specific one (W3-W4); under `best_in_level` the first level
//! with an eligible candidate decides and the cheapest within it wins, an equal amount keeping
//! the earlier (higher priority, then id) (W9). The winner's list or entry may then
//! call for a quote instead of a price (Q2-Q3): no fall-through to a less specific list (W7).

use crate::decide::core::{Loss, Met, Party, QuoteWhy, Recorder, Verdict, WindowOf, Winner};
use crate::decide::reference;
use crate::decide::tiers::price_line;
use crate::error::ResolveError;
use crate::format::PricePolicy;
use crate::model::catalog::{LineQty, SkuRec};
use crate::model::context::Mismatch;
use crate::model::pricing::build::AssignmentRec;
use crate::model::pricing::{self, EntryMiss, EntryView, ListRec, PriceError};
use crate::model::snapshot::Built;
use jiff::Timestamp;

/// Selects the deciding candidate of a line and applies the quote thresholds to it.
pub(crate) fn select<'s, R: Recorder<'s>>(
    party: &Party<'s>,
    sku: u32,
    rec: &'s SkuRec,
    line: LineQty,
    recorder: &mut R,
) -> Result<Verdict<'s>, ResolveError> {
    let qty = line.qty;
    let inner = party.inner;
    let policy = party.account.policy;
    let mut best: Option<Winner<'s>> = None;
    for (index, rule) in party.candidates().iter().enumerate() {
        let level = &rule.level;
        // Whether an earlier candidate already won whatever this one's price (W2, W9).
        let decided = match (policy, &best) {
            (PricePolicy::Precedence, Some(_)) => true,
            (PricePolicy::BestInLevel, Some(b)) => b.level.class() != level.class(),
            _ => false,
        };
        if decided && !R::EXPLAINS {
            break;
        }
        // Most lists do not price a given SKU: when no one asks why, skip them unread.
        if !R::EXPLAINS && !inner.sku_lists.may_price(rule.list, sku) {
            continue;
        }
        // The list is read through the rule's copy of the assignment's list index, not the
        // assignment's own: the two reads are then independent, and their cache misses
        // overlap instead of the list's waiting for the assignment's (in-process A/B at
        // `large`, five rounds: uniform `quote_by` p50 1.31 -> 1.26 us, `resolve` 3.61 -> 3.45
        // us). INVARIANT: `rule.list` is `assignment.list` (`PriceRule::of`; a change to an
        // assignment rebuilds the rules), and both index this snapshot's tables.
        let list = inner.lists.get(rule.list as usize);
        let Some(assignment) = inner.assignments.get(rule.assignment as usize) else {
            continue;
        };
        let Some(list) = list else {
            continue;
        };
        let list: &'s ListRec = list;
        let met = Met {
            index,
            level,
            assignment,
            list,
        };
        let entry = match eligibility(inner, assignment, list, party, sku, rec, line) {
            Ok(entry) => entry,
            Err(why) => {
                recorder.lost(met, why);
                continue;
            }
        };
        // An earlier candidate already won: this one is not priced (W2, W9).
        if let (true, Some(b)) = (decided, &best) {
            recorder.eligible(met, None, b.best());
            continue;
        }
        let amount = price_line(&entry, entry.tier_mode(), qty, line.decimals, |s| {
            recorder.slice(s)
        })
        .map_err(|e| price_error(e, rec, list, line))?;
        let Some(amount) = amount else {
            // Eligibility checked the first tier; report it as the filter would have.
            recorder.lost(
                met,
                Loss::BelowMinimumQuantity {
                    min_qty: crate::quantity::Quantity::from_steps(
                        entry.first_min_qty(),
                        line.decimals,
                    ),
                },
            );
            continue;
        };
        // Strictly cheaper replaces; an equal amount keeps the earlier, more specific one.
        let best_now = match &mut best {
            Some(b) if amount >= b.exact => b.best(),
            slot => slot
                .insert(Winner {
                    index,
                    level,
                    assignment,
                    list,
                    entry,
                    exact: amount,
                    decimals: line.decimals,
                })
                .best(),
        };
        recorder.eligible(met, Some(amount), best_now);
    }
    let Some(winner) = best else {
        return Ok(Verdict::QuoteRequired(QuoteWhy::NoPrice));
    };
    // The deciding price may itself be "on quote": the line then needs a quote (Q2-Q3).
    if winner.list.quote_only {
        return Ok(Verdict::QuoteRequired(QuoteWhy::ListQuoteOnly(winner)));
    }
    if let Some(limit) = winner.entry.extra.quote_above
        && winner.entry.entry_qty(qty) > limit
    {
        return Ok(Verdict::QuoteRequired(QuoteWhy::AboveQuantity(
            winner, limit,
        )));
    }
    // The reference price is compared once the price is decided, and never changes it (P9).
    let reference = reference::compare(party, sku, rec, line, &winner)?;
    Ok(Verdict::Priced(winner, reference))
}

/// Whether one assignment can price the line: the hard filters in their fixed order (P3).
fn eligibility<'s>(
    inner: &'s Built,
    assignment: &AssignmentRec,
    list: &'s ListRec,
    party: &Party<'_>,
    sku: u32,
    rec: &SkuRec,
    line: LineQty,
) -> Result<EntryView<'s>, Loss<'s>> {
    let at: Timestamp = party.at;
    // C2: a candidate limited to other channels or countries first, so the explanation says
    // so rather than naming a window.
    match assignment.condition.check(&party.ctx) {
        Ok(()) => {}
        Err(Mismatch::Channel) => return Err(Loss::OtherChannel),
        Err(Mismatch::Country) => return Err(Loss::OtherCountry),
    }
    if !assignment.valid.contains(at) {
        return Err(Loss::NotValid {
            of: WindowOf::Assignment,
            window: assignment.valid,
        });
    }
    if !list.valid.contains(at) {
        return Err(Loss::NotValid {
            of: WindowOf::List,
            window: list.valid,
        });
    }
    if list.currency != party.ctx.currency {
        return Err(Loss::OtherCurrency);
    }
    // An absolute list the SKU index says cannot price the SKU has no entry for it: the same
    // loss its lookup would give, without reading its table (an explanation meets every
    // candidate, most of which do not price the SKU).
    if matches!(list.body, pricing::ListBody::Absolute(_))
        && !inner.sku_lists.may_price(assignment.list, sku)
    {
        return Err(Loss::NoEntry);
    }
    let entry = match pricing::lookup_entry(&inner.lists, list, sku, line, &rec.categories, at) {
        Ok(e) => e,
        Err(EntryMiss::NoEntry) => return Err(Loss::NoEntry),
        Err(EntryMiss::BaseNotValid { base, window }) => {
            return Err(Loss::NotValid {
                of: WindowOf::BaseList(base),
                window,
            });
        }
    };
    if let Some(window) = entry.extra.valid
        && !window.contains(at)
    {
        return Err(Loss::NotValid {
            of: WindowOf::Entry,
            window,
        });
    }
    // Tier minimums count in the entry's unit: base units for a derived price (U3).
    let min_qty = entry.first_min_qty();
    if entry.entry_qty(line.qty) < min_qty {
        return Err(Loss::BelowMinimumQuantity {
            min_qty: crate::quantity::Quantity::from_steps(min_qty, line.decimals),
        });
    }
    Ok(entry)
}

/// The error of a line `list` could not price: an overflow names the candidate list (T6), a
/// negative unit price the relative list whose adjustment made it (P6c).
pub(crate) fn price_error(
    e: PriceError<'_>,
    rec: &SkuRec,
    list: &ListRec,
    line: LineQty,
) -> ResolveError {
    match e {
        PriceError::Overflow => ResolveError::Overflow {
            sku: rec.sku.clone(),
            list: Some(list.id.clone()),
            qty: crate::quantity::Quantity::from_steps(line.qty, line.decimals),
        },
        PriceError::Negative(by) => ResolveError::NegativePrice {
            sku: rec.sku.clone(),
            list: Some(by.clone()),
        },
    }
}
