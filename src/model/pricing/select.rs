//! Choosing one price among the candidate assignments of an account, and explaining the choice.

use super::build::AssignmentRec;
use super::{EntryMiss, EntryView, ListRec};
use crate::decide::resolution::{
    Candidate, CandidateStatus, Outcome, Price, Priced, QuoteReason, QuoteRequired, Source,
    Specificity, TierSlice, WindowOf,
};
use crate::error::ResolveError;
use crate::format::PricePolicy;
use crate::id::Sku;
use crate::model::pricing;
use crate::model::scope::Level;
use crate::money::Currency;
use crate::time::Window;
use jiff::Timestamp;
use rust_decimal::Decimal;

/// One order line as the selection sees it.
pub(crate) struct Line<'a> {
    pub(crate) sku_id: &'a Sku,
    pub(crate) sku: u32,
    pub(crate) categories: &'a [String],
    pub(crate) qty: u64,
    pub(crate) at: Timestamp,
}

/// The account-level inputs of a selection.
pub(crate) struct Account {
    pub(crate) currency: Currency,
    pub(crate) policy: PricePolicy,
}

/// One candidate's evaluation.
#[allow(clippy::large_enum_variant)] // a short-lived local, one per candidate
enum Eval<'a> {
    Lost(CandidateStatus),
    Eligible {
        entry: EntryView<'a>,
        amount: Option<(Vec<TierSlice>, Decimal)>,
    },
}

/// Selects and computes the price of a line among `candidates`, which must be in precedence
/// order (see [`crate::model::scope::applicable_rules`]).
pub(crate) fn select<'a, L: super::ListTable + ?Sized>(
    lists: &'a L,
    candidates: &[(Level, &'a AssignmentRec, &'a ListRec)],
    account: &Account,
    line: &Line<'_>,
    specificity: impl Fn(&Level) -> Specificity,
) -> Result<Outcome, ResolveError> {
    let mut evals: Vec<Eval> = Vec::with_capacity(candidates.len());
    for (_, rec, list) in candidates {
        evals.push(eligibility(lists, rec, list, account.currency, line)?);
    }
    let policy = account.policy;
    let overflow = |list: &ListRec| ResolveError::Overflow {
        sku: line.sku_id.clone(),
        list: list.id.clone(),
        qty: line.qty,
    };
    // Amounts: under precedence only the first eligible candidate needs one; under lowest
    // price every eligible candidate does, and an overflow anywhere is an error rather than a
    // guess about which candidate would have been cheapest.
    let mut best: Option<(usize, Decimal)> = None;
    for (i, ((_, _, list), eval)) in candidates.iter().zip(evals.iter_mut()).enumerate() {
        let Eval::Eligible { entry, amount } = eval else {
            continue;
        };
        if policy == PricePolicy::Precedence && best.is_some() {
            break;
        }
        let mut slices = Vec::new();
        let priced = pricing::price_line(entry, list.tier_mode, line.qty, |s| slices.push(s))
            .map_err(|()| overflow(list))?;
        // Eligibility already checked the first tier, so this is always `Some`.
        let Some(mine) = priced else { continue };
        *amount = Some((slices, mine));
        // Strictly cheaper replaces; an equal amount keeps the earlier (more specific) one.
        if best.is_none_or(|(_, b)| mine < b) {
            best = Some((i, mine));
        }
    }
    let winner = best.map(|(i, _)| i);
    let winner_id = winner
        .and_then(|w| candidates.get(w))
        .map(|(_, rec, _)| rec.id.clone());
    let winner_amount = best.map(|(_, amount)| amount);

    let mut explained = Vec::with_capacity(candidates.len());
    for (i, ((level, rec, list), eval)) in candidates.iter().zip(evals.iter()).enumerate() {
        let status = match (eval, &winner_id) {
            (Eval::Lost(s), _) => s.clone(),
            (Eval::Eligible { .. }, _) if Some(i) == winner => CandidateStatus::Won,
            (Eval::Eligible { amount, .. }, Some(w)) => match (amount, winner_amount) {
                (Some((_, mine)), Some(best)) if *mine > best => CandidateStatus::HigherPrice {
                    amount: *mine,
                    winner: w.clone(),
                },
                _ => CandidateStatus::LowerPrecedence { winner: w.clone() },
            },
            // An eligible candidate always produces a winner; kept total for safety.
            (Eval::Eligible { .. }, None) => CandidateStatus::NoEntry,
        };
        explained.push(Candidate {
            assignment: rec.id.clone(),
            list: list.id.clone(),
            specificity: specificity(level),
            priority: rec.priority,
            status,
        });
    }

    let won = winner.and_then(|w| Some((candidates.get(w)?, evals.get(w)?)));
    let Some((
        (level, rec, list),
        Eval::Eligible {
            entry,
            amount: Some((slices, exact)),
        },
    )) = won
    else {
        return Ok(Outcome::QuoteRequired(QuoteRequired {
            reason: QuoteReason::NoPrice,
            candidates: explained,
        }));
    };
    // The deciding price may itself be "on quote": the line then needs a quote rather than
    // falling through to a less specific list.
    let quote = if list.quote_only {
        Some(QuoteReason::ListQuoteOnly {
            assignment: rec.id.clone(),
            list: list.id.clone(),
        })
    } else {
        entry
            .extra
            .quote_above
            .filter(|&limit| line.qty > limit)
            .map(|quote_above| QuoteReason::AboveQuantity {
                list: list.id.clone(),
                quote_above,
            })
    };
    if let Some(reason) = quote {
        return Ok(Outcome::QuoteRequired(QuoteRequired {
            reason,
            candidates: explained,
        }));
    }
    let price = Price {
        currency: list.currency,
        tier_mode: list.tier_mode,
        slices: slices.clone(),
        exact_amount: *exact,
        amount: list.currency.round(*exact),
        adjustments: entry.adjustments(),
    };
    Ok(Outcome::Priced(Box::new(Priced {
        price,
        source: Source {
            assignment: rec.id.clone(),
            list: list.id.clone(),
            list_name: list.name.clone(),
            owner: list.owner.clone(),
            specificity: specificity(level),
            priority: rec.priority,
        },
        policy,
        candidates: explained,
        quantity_rule: entry.extra.quantity,
    })))
}

/// Whether one assignment can price the line: hard filters in a fixed order (assignment window,
/// list window, currency, entry, entry window, minimum quantity).
fn eligibility<'a, L: super::ListTable + ?Sized>(
    lists: &'a L,
    rec: &AssignmentRec,
    list: &'a ListRec,
    currency: Currency,
    line: &Line<'_>,
) -> Result<Eval<'a>, ResolveError> {
    let at = line.at;
    let not_valid = |of: WindowOf, window: Window| {
        Eval::Lost(CandidateStatus::NotValid {
            of,
            window,
            not_yet: window.is_before(at),
        })
    };
    if !rec.valid.contains(at) {
        return Ok(not_valid(WindowOf::Assignment, rec.valid));
    }
    if !list.valid.contains(at) {
        return Ok(not_valid(WindowOf::List, list.valid));
    }
    if list.currency != currency {
        return Ok(Eval::Lost(CandidateStatus::OtherCurrency {
            currency: list.currency,
        }));
    }
    let entry = match pricing::lookup_entry(lists, list, line.sku, line.categories, at) {
        Ok(e) => e,
        Err(EntryMiss::NoEntry) => return Ok(Eval::Lost(CandidateStatus::NoEntry)),
        Err(EntryMiss::BaseNotValid { base, window }) => {
            return Ok(not_valid(WindowOf::BaseList(base), window));
        }
    };
    if let Some(w) = entry.extra.valid
        && !w.contains(at)
    {
        return Ok(not_valid(WindowOf::Entry, w));
    }
    let first = entry.first_min_qty();
    if line.qty < first {
        return Ok(Eval::Lost(CandidateStatus::BelowMinimumQuantity {
            min_qty: first,
        }));
    }
    Ok(Eval::Eligible {
        entry,
        amount: None,
    })
}
