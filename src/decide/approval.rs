//! Approval evaluation (SEMANTICS O6-O10): whether a policy's condition holds for an order, and
//! who may approve each step. The policies themselves are compiled in
//! [`crate::model::approval`]; the order totals they read come from [`crate::decide::order`].

use crate::format::{Approvers, OrderCondition};
use crate::id::{AccountId, UserId};
use crate::model::access::Users;
use crate::model::account::{AccountRec, Accounts};
use crate::model::approval::Policy;
use crate::model::pricing::category_covers;
use crate::model::scope::ScopeLevel;
use rust_decimal::Decimal;
use std::collections::BTreeSet;

/// The applicable policies in precedence order, each with whether it occupies its slot (O6):
/// the first policy of a slot takes it, whether or not its condition holds; the others of that
/// slot are overridden.
pub(crate) fn by_slot<'a>(
    policies: &'a [(ScopeLevel, &'a Policy)],
) -> impl Iterator<Item = (&'a ScopeLevel, &'a Policy, bool)> + 'a {
    let mut taken: BTreeSet<&str> = BTreeSet::new();
    policies
        .iter()
        .map(move |(level, policy)| (level, *policy, taken.insert(policy.slot.as_str())))
}

/// What a condition sees of one line.
pub(crate) struct LineFacts<'a> {
    pub(crate) categories: &'a [String],
    /// The line's quantity in base units.
    pub(crate) qty: crate::quantity::Quantity,
    /// The exact line amount, if the line is priced.
    pub(crate) amount: Option<Decimal>,
    /// The SKU's unit cost, if the catalogue gives one.
    pub(crate) cost: Option<Decimal>,
}

/// What a condition is evaluated on.
pub(crate) struct OrderFacts<'a> {
    pub(crate) subtotal: Decimal,
    /// The order's currency and the ordering account's default one: a threshold applies only
    /// to orders in its currency (C3).
    pub(crate) currency: crate::money::Currency,
    pub(crate) account_currency: crate::money::Currency,
    pub(crate) lines: Vec<LineFacts<'a>>,
    pub(crate) spending_limit: Option<Decimal>,
}

/// Whether the condition holds, with a description of why; `Err` on overflow.
pub(crate) fn holds(c: &OrderCondition, facts: &OrderFacts<'_>) -> Result<Option<String>, ()> {
    Ok(match c {
        OrderCondition::TotalAbove(limit) => {
            (facts.currency == facts.account_currency && facts.subtotal > *limit).then(|| {
                format!(
                    "subtotal {} is above {limit} {}",
                    facts.subtotal, facts.currency
                )
            })
        }
        OrderCondition::TotalAboveIn(limit) => (facts.currency == limit.currency
            && facts.subtotal > limit.amount)
            .then(|| format!("subtotal {} is above {limit}", facts.subtotal)),
        OrderCondition::LineQtyAbove(n) => facts
            .lines
            .iter()
            .map(|l| l.qty)
            .max()
            .filter(|q| q > n)
            .map(|q| format!("a line quantity of {q} is above {n}")),
        OrderCondition::LinesAbove(n) => {
            let count = u64::try_from(facts.lines.len()).unwrap_or(u64::MAX);
            (count > *n).then(|| format!("{count} lines is more than {n}"))
        }
        OrderCondition::Category(cat) => {
            let cat = cat.trim_matches('/');
            facts
                .lines
                .iter()
                .any(|l| l.categories.iter().any(|c| category_covers(cat, c)))
                .then(|| format!("a SKU in category `{cat}` is ordered"))
        }
        OrderCondition::SpendingLimitExceeded => match facts.spending_limit {
            Some(limit) if facts.subtotal > limit => Some(format!(
                "subtotal {} exceeds the requester's spending limit {limit}",
                facts.subtotal
            )),
            _ => None,
        },
        OrderCondition::MarginBelowPercent(floor) => {
            // margin < floor  <=>  amount * (100 - floor) < cost * qty * 100; no division.
            let keep = Decimal::ONE_HUNDRED.checked_sub(*floor).ok_or(())?;
            let mut found = None;
            for l in &facts.lines {
                let (Some(amount), Some(cost), qty) = (l.amount, l.cost, l.qty) else {
                    continue;
                };
                let lhs = amount.checked_mul(keep).ok_or(())?;
                let rhs = cost
                    .checked_mul(Decimal::from(qty))
                    .and_then(|c| c.checked_mul(Decimal::ONE_HUNDRED))
                    .ok_or(())?;
                if lhs < rhs {
                    found = Some(format!("a line's margin is below {floor} % of its price"));
                    break;
                }
            }
            found
        }
        OrderCondition::All(cs) => {
            let mut why = Vec::with_capacity(cs.len());
            for c in cs {
                match holds(c, facts)? {
                    Some(w) => why.push(w),
                    None => return Ok(None),
                }
            }
            Some(why.join(" and "))
        }
        OrderCondition::Any(cs) => {
            let mut why = Vec::new();
            for c in cs {
                if let Some(w) = holds(c, facts)? {
                    why.push(w);
                }
            }
            (!why.is_empty()).then(|| why.join("; "))
        }
    })
}

/// Who may approve a step for an order placed by `requester` at `account` (O9): sorted ids
/// and, for an escalating step, the account where approvers were found. The requester never
/// counts; `None` asks who could approve at all.
pub(crate) fn eligible(
    step: &Approvers,
    account: u32,
    acc: &AccountRec,
    accounts: &Accounts,
    users: &Users,
    requester: Option<u32>,
) -> (Vec<UserId>, Option<AccountId>) {
    match step {
        Approvers::Role(role) => (
            users.holding_role_at(role, account, accounts, requester),
            None,
        ),
        Approvers::RoleEscalating(role) => {
            for &level in std::iter::once(&account).chain(acc.ancestors.iter()) {
                let found = users.holding_role_at(role, level, accounts, requester);
                if !found.is_empty() {
                    return (found, accounts.get(level).map(|a| a.id.clone()));
                }
            }
            (Vec::new(), None)
        }
        Approvers::Users(list) => {
            let mut out: Vec<UserId> = list
                .iter()
                .filter_map(|u| users.lookup(u.as_str()).map(|i| (i, u)))
                .filter(|(i, _)| Some(*i) != requester)
                .filter(|(i, _)| users.get(*i).is_some_and(|r| !r.disabled))
                .map(|(_, u)| u.clone())
                .collect();
            out.sort();
            out.dedup();
            (out, None)
        }
    }
}
