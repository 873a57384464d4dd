//! Payment terms and methods, scoped like every other rule.
//!
//! For the terms and for the methods separately, the most specific applicable rule that sets
//! them wins (see [`crate::model::scope`] for the order): a restaurant chain on net 60 whose store
//! managers may also pay by card, and one store on net 30.

use crate::format::PaymentTerms;
use crate::id::RoleName;
use crate::model::scope::ScopedRule;

/// A validated payment rule.
#[derive(Clone, Debug)]
pub(crate) struct PayRule {
    pub(crate) id: String,
    pub(crate) owner: String,
    pub(crate) roles: Vec<RoleName>,
    pub(crate) terms: Option<PaymentTerms>,
    pub(crate) methods: Option<Vec<String>>,
    pub(crate) experiment: Option<u32>,
    /// The channels and countries it is limited to (C2).
    pub(crate) condition: crate::model::context::Condition,
}

impl ScopedRule for PayRule {
    fn roles(&self) -> &[RoleName] {
        &self.roles
    }

    fn experiment(&self) -> Option<u32> {
        self.experiment
    }
}

impl PayRule {
    /// Order among rules of equal specificity: by id (the build rejects two rules at the same
    /// scope and roles that set the same thing).
    pub(crate) fn tiebreak(a: &PayRule, b: &PayRule) -> std::cmp::Ordering {
        a.id.cmp(&b.id)
    }
}

/// Validates the dataset's payment rules and files them by scope. Two rules with the same scope
/// and the same roles that both set the terms (or both set the methods) are rejected: nothing
/// could choose between them.
pub(crate) fn build(
    data: &[crate::format::PaymentRuleData],
    ctx: &crate::model::validate::RuleContext<'_>,
    problems: &mut Vec<crate::error::BuildProblem>,
) -> (Vec<PayRule>, crate::model::scope::ScopeIndex) {
    use crate::error::{BuildProblem, EntityKind};
    let unique = crate::model::validate::unique_by_id(
        data,
        EntityKind::PaymentRule,
        |r| r.id.as_str(),
        problems,
    );
    let mut rules = Vec::with_capacity(unique.len());
    let mut index = crate::model::scope::ScopeIndex::default();
    // (scope, roles, what is set, experiment) -> the first rule setting it.
    type Setter = (
        crate::model::scope::ScopeKey,
        Vec<RoleName>,
        &'static str,
        Option<String>,
        (Vec<u32>, Vec<crate::country::Country>),
    );
    let mut setters: std::collections::BTreeMap<Setter, String> = std::collections::BTreeMap::new();
    for r in unique {
        crate::model::validate::check_owner(&r.owner, EntityKind::PaymentRule, &r.id, problems);
        let roles = crate::model::scope::check_rule_roles(
            &r.roles,
            ctx.roles,
            EntityKind::PaymentRule,
            &r.id,
            problems,
        );
        let scope = crate::model::scope::resolve_scope(
            &r.scope,
            EntityKind::PaymentRule,
            &r.id,
            ctx.accounts,
            ctx.segments,
            problems,
        );
        let experiment = crate::model::experiment::resolve_tag(
            r.experiment.as_ref(),
            ctx.experiments,
            EntityKind::PaymentRule,
            &r.id,
            problems,
        );
        let condition = crate::model::context::Condition::build(
            &r.channels,
            &r.countries,
            ctx.channels,
            EntityKind::PaymentRule,
            &r.id,
            problems,
        );
        let Some(scope) = scope else { continue };
        // Rules limited to different contexts may both set the same thing (C2); two with the
        // same conditions conflict as two without any do.
        let limits = (condition.channels.to_vec(), condition.countries.to_vec());
        for (what, sets) in [
            ("terms", r.terms.is_some()),
            ("methods", r.methods.is_some()),
        ] {
            if !sets {
                continue;
            }
            // Rules of different experiments (or one tagged, one not) apply to different arms
            // and may both set the same thing.
            match setters.entry((
                scope,
                roles.clone(),
                what,
                r.experiment.clone(),
                limits.clone(),
            )) {
                std::collections::btree_map::Entry::Occupied(first) => {
                    problems.push(BuildProblem::ConflictingRules {
                        kind: EntityKind::PaymentRule,
                        first: first.get().clone(),
                        second: r.id.clone(),
                        what: what.to_string(),
                    });
                }
                std::collections::btree_map::Entry::Vacant(v) => {
                    v.insert(r.id.clone());
                }
            }
        }
        index.insert(scope, crate::model::validate::to_u32(rules.len()));
        rules.push(PayRule {
            id: r.id.clone(),
            owner: r.owner.clone(),
            roles,
            terms: r.terms,
            methods: r.methods.clone(),
            experiment,
            condition,
        });
    }
    (rules, index)
}
