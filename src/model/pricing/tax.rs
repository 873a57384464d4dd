//! Net and gross prices (SEMANTICS C5): a list states whether its prices include tax, and no
//! policy compares a price that includes tax with one that does not. The engine computes no
//! tax, so the only safe answer to "which is cheaper, 100 net or 110 gross?" is to refuse the
//! configuration at build.

use super::{ListBody, ListRec};
use crate::error::BuildProblem;
use crate::format::PricePolicy;
use crate::model::account::Accounts;
use crate::model::pricing::build::AssignmentRec;
use crate::model::scope::AccountRules;
use crate::money::Currency;
use std::collections::BTreeMap;

/// A relative list's prices are derived from its base's, so they include tax exactly when the
/// base's do: a relative list that states otherwise is refused, naming both.
pub(crate) fn check_relative(lists: &[ListRec], problems: &mut Vec<BuildProblem>) {
    for l in lists {
        if let ListBody::Relative { base, .. } = &l.body
            && let Some(b) = lists.get(*base as usize)
            && b.tax_included != l.tax_included
        {
            problems.push(mixed(l, b, None));
        }
    }
}

/// Under `lowest_price` and `best_in_level` an account's candidates are compared by amount: two
/// lists reaching it in one currency, one net and one gross, are refused (the first such pair
/// per account and currency is named). Linear in the rules reaching each account.
pub(crate) fn check_accounts(
    accounts: &Accounts,
    rules: &[AccountRules],
    assignments: &[AssignmentRec],
    lists: &[ListRec],
    problems: &mut Vec<BuildProblem>,
) {
    for (acc, r) in accounts.recs.iter().zip(rules.iter()) {
        if acc.policy == PricePolicy::Precedence {
            continue;
        }
        // Per currency: the first net and the first gross list met.
        let mut seen: BTreeMap<Currency, [Option<&ListRec>; 2]> = BTreeMap::new();
        for rule in r.prices.iter() {
            let Some(list) = assignments
                .get(rule.assignment as usize)
                .and_then(|a| lists.get(a.list as usize))
            else {
                continue;
            };
            let slots = seen.entry(list.currency).or_default();
            if let Some(slot) = slots.get_mut(usize::from(list.tax_included)) {
                slot.get_or_insert(list);
            }
            if let [Some(net), Some(gross)] = *slots {
                // One problem per account is enough to say what to fix.
                problems.push(mixed(net, gross, Some(acc.id.clone())));
                break;
            }
        }
    }
}

fn mixed(a: &ListRec, b: &ListRec, account: Option<crate::id::AccountId>) -> BuildProblem {
    let (net, gross) = if a.tax_included { (b, a) } else { (a, b) };
    BuildProblem::MixedTaxBasis {
        net: net.id.clone(),
        gross: gross.id.clone(),
        account,
    }
}
