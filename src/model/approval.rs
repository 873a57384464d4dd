//! Approval policies: which orders need whose approval, scoped and inherited like every rule.
//!
//! A policy applies to an order when its condition holds. Policies sharing a `slot` override each
//! other (only the most specific applicable one is used), so a branch can replace its holding's
//! threshold. Each applicable policy contributes its chain of steps; each step lists the users
//! who may approve it. The requester never counts as an approver of their own order: a step no
//! one else can satisfy makes the order unapprovable.

use crate::error::{BuildProblem, EntityKind};
use crate::format::{ApprovalPolicyData, Approvers, OrderCondition};
use crate::id::{AccountId, RoleName, UserId};
use crate::model::access::Users;
use crate::model::account::{AccountRec, Accounts};
use crate::model::pricing::category_covers;
use crate::model::scope::{ScopeIndex, ScopedRule};
use crate::model::validate::{RuleContext, check_owner, to_u32, unique_by_id};
use rust_decimal::Decimal;

/// A validated approval policy.
#[derive(Clone, Debug)]
pub(crate) struct Policy {
    pub(crate) id: String,
    pub(crate) owner: String,
    pub(crate) roles: Vec<RoleName>,
    pub(crate) slot: String,
    pub(crate) when: OrderCondition,
    pub(crate) steps: Vec<Approvers>,
    pub(crate) experiment: Option<u32>,
}

impl ScopedRule for Policy {
    fn roles(&self) -> &[RoleName] {
        &self.roles
    }

    fn experiment(&self) -> Option<u32> {
        self.experiment
    }
}

impl Policy {
    pub(crate) fn tiebreak(a: &Policy, b: &Policy) -> std::cmp::Ordering {
        a.id.cmp(&b.id)
    }
}

/// Validates the dataset's approval policies and files them by scope.
pub(crate) fn build(
    data: &[ApprovalPolicyData],
    ctx: &RuleContext<'_>,
    users: &Users,
    problems: &mut Vec<BuildProblem>,
) -> (Vec<Policy>, ScopeIndex) {
    let unique = unique_by_id(
        data,
        EntityKind::ApprovalPolicy,
        |p| p.id.as_str(),
        problems,
    );
    let mut policies = Vec::with_capacity(unique.len());
    let mut index = ScopeIndex::default();
    for p in unique {
        check_owner(&p.owner, EntityKind::ApprovalPolicy, &p.id, problems);
        let roles = crate::model::scope::check_rule_roles(
            &p.roles,
            ctx.roles,
            EntityKind::ApprovalPolicy,
            &p.id,
            problems,
        );
        if p.steps.is_empty() {
            problems.push(BuildProblem::NoApprovalSteps {
                policy: p.id.clone(),
            });
        }
        for step in &p.steps {
            match step {
                Approvers::Role(r) | Approvers::RoleEscalating(r) => {
                    crate::model::scope::check_rule_roles(
                        std::slice::from_ref(r),
                        ctx.roles,
                        EntityKind::ApprovalPolicy,
                        &p.id,
                        problems,
                    );
                }
                Approvers::Users(list) => {
                    for u in list {
                        if users.lookup(u.as_str()).is_none() {
                            problems.push(BuildProblem::UnknownApprover {
                                policy: p.id.clone(),
                                user: u.to_string(),
                            });
                        }
                    }
                }
            }
        }
        let scope = crate::model::scope::resolve_scope(
            &p.scope,
            EntityKind::ApprovalPolicy,
            &p.id,
            ctx.accounts,
            ctx.segments,
            problems,
        );
        let experiment = crate::model::experiment::resolve_tag(
            p.experiment.as_ref(),
            ctx.experiments,
            EntityKind::ApprovalPolicy,
            &p.id,
            problems,
        );
        if let Some(scope) = scope {
            index.insert(scope, to_u32(policies.len()));
            policies.push(Policy {
                id: p.id.clone(),
                owner: p.owner.clone(),
                roles,
                slot: p.slot.clone().unwrap_or_else(|| p.id.clone()),
                when: p.when.clone(),
                steps: p.steps.clone(),
                experiment,
            });
        }
    }
    (policies, index)
}

/// What a condition sees of one line.
pub(crate) struct LineFacts<'a> {
    pub(crate) categories: &'a [String],
    pub(crate) qty: u64,
    /// The exact line amount, if the line is priced.
    pub(crate) amount: Option<Decimal>,
    /// The SKU's unit cost, if the catalogue gives one.
    pub(crate) cost: Option<Decimal>,
}

/// What a condition is evaluated on.
pub(crate) struct OrderFacts<'a> {
    pub(crate) subtotal: Decimal,
    pub(crate) lines: Vec<LineFacts<'a>>,
    pub(crate) spending_limit: Option<Decimal>,
}

/// Whether the condition holds, with a description of why; `Err` on overflow.
pub(crate) fn holds(c: &OrderCondition, facts: &OrderFacts<'_>) -> Result<Option<String>, ()> {
    Ok(match c {
        OrderCondition::TotalAbove(limit) => (facts.subtotal > *limit)
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

/// Who may approve a step for an order placed by `requester` at `account`: sorted ids and, for
/// an escalating step, the account where approvers were found.
pub(crate) fn eligible(
    step: &Approvers,
    account: u32,
    acc: &AccountRec,
    accounts: &Accounts,
    users: &Users,
    requester: u32,
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
                .filter(|(i, _)| *i != requester)
                .filter(|(i, _)| users.get(*i).is_some_and(|r| !r.disabled))
                .map(|(_, u)| u.clone())
                .collect();
            out.sort();
            out.dedup();
            (out, None)
        }
    }
}
