//! Approval policies: which orders need whose approval, scoped and inherited like every rule.
//! Compiled here; evaluated for an order in [`crate::decide::approval`].
//!
//! A policy applies to an order when its condition holds. Policies sharing a `slot` override each
//! other (only the most specific applicable one is used), so a branch can replace its holding's
//! threshold. Each applicable policy contributes its chain of steps; each step lists the users
//! who may approve it. The requester never counts as an approver of their own order: a step no
//! one else can satisfy makes the order unapprovable.

use crate::error::{BuildProblem, EntityKind};
use crate::format::{ApprovalPolicyData, Approvers, OrderCondition};
use crate::id::RoleName;
use crate::model::access::Users;
use crate::model::scope::{ScopeIndex, ScopedRule};
use crate::model::validate::{RuleContext, check_owner, to_u32, unique_by_id};

/// A validated approval policy.
#[derive(Clone, Debug)]
pub(crate) struct Policy {
    pub(crate) id: String,
    pub(crate) owner: String,
    pub(crate) roles: Vec<RoleName>,
    pub(crate) slot: String,
    pub(crate) when: OrderCondition,
    pub(crate) steps: Vec<Approvers>,
    /// Lower stages' steps come first in an order's chain (O11).
    pub(crate) stage: u32,
    pub(crate) experiment: Option<u32>,
    /// The channels and countries it is limited to (C2).
    pub(crate) condition: crate::model::context::Condition,
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
        // A condition is evaluated recursively for every order: bound its depth first, and keep
        // no copy of one that is too deep.
        if !crate::model::predicate::within_depth(&p.when, sub_conditions) {
            problems.push(BuildProblem::ConditionTooDeep {
                kind: EntityKind::ApprovalPolicy,
                id: p.id.clone(),
                max: crate::model::predicate::MAX_CONDITION_DEPTH,
            });
            continue;
        }
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
        let condition = crate::model::context::Condition::build(
            &p.channels,
            &p.countries,
            ctx.channels,
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
                stage: p.stage,
                experiment,
                condition,
            });
        }
    }
    (policies, index)
}

/// The sub-conditions of an order condition.
fn sub_conditions(c: &OrderCondition) -> &[OrderCondition] {
    match c {
        OrderCondition::All(cs) | OrderCondition::Any(cs) => cs,
        _ => &[],
    }
}
