//! Catalogue visibility: which SKUs an account's users may see.
//!
//! Rules are scoped like every other rule (see [`crate::model::scope`]) and target every SKU, one SKU,
//! a category and its sub-categories, or SKUs matching an attribute predicate. The most specific
//! scope with a rule targeting the SKU decides; at that scope (and the same role limitation) the
//! most specific target decides ([`TargetRank`]: the SKU, then the deepest category, then every
//! SKU or an attribute predicate); only at equal target specificity does an exclusion beat an
//! inclusion. With no rule targeting the SKU, the account's catalogue mode decides: `open` shows
//! it, `curated` hides it. A SKU that is not visible is never priced.

use crate::format::{Effect, Target};
use crate::id::RoleName;
use crate::model::catalog::SkuRec;
use crate::model::predicate;
use crate::model::pricing::{category_covers, category_depth};
use crate::model::scope::ScopedRule;

/// What a compiled rule targets.
#[derive(Clone, Debug)]
pub(crate) enum CompiledTarget {
    All,
    Sku(u32),
    Category(String),
    Attributes(crate::format::Predicate),
}

/// How specific a rule's target is (SEMANTICS V8); a greater rank is more specific. Every SKU
/// and an attribute predicate rank lowest and alike (a predicate has no place in the category
/// tree, and `not` or `any` may match every SKU), then a category by its depth (`tools/power`
/// above `tools`), then one SKU. It depends on the rule alone, never on the SKU asked about, so
/// rules are put in order once, at build, and the first rule targeting a SKU still decides.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum TargetRank {
    /// `all` or an attribute predicate.
    Broad,
    /// A category, with its number of levels.
    Category(usize),
    /// One SKU.
    Sku,
}

impl CompiledTarget {
    /// How specific the target is (V8).
    pub(crate) fn rank(&self) -> TargetRank {
        match self {
            CompiledTarget::All | CompiledTarget::Attributes(_) => TargetRank::Broad,
            CompiledTarget::Category(c) => TargetRank::Category(category_depth(c)),
            CompiledTarget::Sku(_) => TargetRank::Sku,
        }
    }
}

/// A validated visibility rule.
#[derive(Clone, Debug)]
pub(crate) struct VisRule {
    pub(crate) id: String,
    pub(crate) owner: String,
    pub(crate) roles: Vec<RoleName>,
    pub(crate) target: CompiledTarget,
    /// `target.rank()`, kept so that ordering and explaining do not recount category levels.
    pub(crate) rank: TargetRank,
    pub(crate) effect: Effect,
    pub(crate) experiment: Option<u32>,
    /// The channels and countries it is limited to (C2).
    pub(crate) condition: crate::model::context::Condition,
}

impl ScopedRule for VisRule {
    fn roles(&self) -> &[RoleName] {
        &self.roles
    }

    fn experiment(&self) -> Option<u32> {
        self.experiment
    }
}

impl VisRule {
    pub(crate) fn matches(&self, sku: u32, rec: &SkuRec) -> bool {
        match &self.target {
            CompiledTarget::All => true,
            CompiledTarget::Sku(s) => *s == sku,
            CompiledTarget::Category(c) => rec.categories.iter().any(|sc| category_covers(c, sc)),
            CompiledTarget::Attributes(p) => predicate::eval(p, rec.attributes()),
        }
    }

    /// Order among rules of equal scope specificity (same level, same role limitation): the
    /// more specific target first (V8), then exclusions (V4), then by id.
    pub(crate) fn tiebreak(a: &VisRule, b: &VisRule) -> std::cmp::Ordering {
        // SEMANTICS V4: an exclusion beats an inclusion at equal specificity, stated here
        // rather than left to the declaration order of `Effect`.
        let rank = |e: Effect| match e {
            Effect::Exclude => 0u8,
            Effect::Include => 1,
        };
        b.rank
            .cmp(&a.rank)
            .then_with(|| rank(a.effect).cmp(&rank(b.effect)))
            .then_with(|| a.id.cmp(&b.id))
    }
}

/// Compiles a target against the catalogue.
pub(crate) fn compile_target(
    target: &Target,
    catalog: &crate::model::catalog::Catalog,
    rule_id: &str,
    schema: &predicate::AttrSchema,
    problems: &mut Vec<crate::error::BuildProblem>,
) -> Option<CompiledTarget> {
    use crate::error::{BuildProblem, EntityKind};
    match target {
        Target::All => Some(CompiledTarget::All),
        Target::Sku(s) => match catalog.lookup(s.as_str()) {
            Some(i) => Some(CompiledTarget::Sku(i)),
            None => {
                problems.push(BuildProblem::DanglingReference {
                    from_kind: EntityKind::VisibilityRule,
                    from: rule_id.to_string(),
                    to_kind: EntityKind::Sku,
                    to: s.to_string(),
                });
                None
            }
        },
        Target::Category(c) => Some(CompiledTarget::Category(c.trim_matches('/').to_string())),
        Target::Attributes(p) => {
            let before = problems.len();
            predicate::check(p, schema, EntityKind::VisibilityRule, rule_id, problems);
            // Only a checked (so bounded) predicate is copied into the model.
            (problems.len() == before).then(|| CompiledTarget::Attributes(p.clone()))
        }
    }
}

/// Validates the dataset's visibility rules and files them by scope.
pub(crate) fn build(
    data: &[crate::format::VisibilityRuleData],
    ctx: &crate::model::validate::RuleContext<'_>,
    problems: &mut Vec<crate::error::BuildProblem>,
) -> (Vec<VisRule>, crate::model::scope::ScopeIndex) {
    use crate::error::EntityKind;
    let schema =
        predicate::AttrSchema::from_attributes(ctx.catalog.recs.iter().map(|s| s.attributes()));
    let unique = crate::model::validate::unique_by_id(
        data,
        EntityKind::VisibilityRule,
        |r| r.id.as_str(),
        problems,
    );
    let mut rules = Vec::with_capacity(unique.len());
    let mut index = crate::model::scope::ScopeIndex::default();
    for r in unique {
        crate::model::validate::check_owner(&r.owner, EntityKind::VisibilityRule, &r.id, problems);
        let roles = crate::model::scope::check_rule_roles(
            &r.roles,
            ctx.roles,
            EntityKind::VisibilityRule,
            &r.id,
            problems,
        );
        let scope = crate::model::scope::resolve_scope(
            &r.scope,
            EntityKind::VisibilityRule,
            &r.id,
            ctx.accounts,
            ctx.segments,
            problems,
        );
        let target = compile_target(&r.target, ctx.catalog, &r.id, &schema, problems);
        let experiment = crate::model::experiment::resolve_tag(
            r.experiment.as_ref(),
            ctx.experiments,
            EntityKind::VisibilityRule,
            &r.id,
            problems,
        );
        let condition = crate::model::context::Condition::build(
            &r.channels,
            &r.countries,
            ctx.channels,
            EntityKind::VisibilityRule,
            &r.id,
            problems,
        );
        if let (Some(scope), Some(target)) = (scope, target) {
            index.insert(scope, crate::model::validate::to_u32(rules.len()));
            rules.push(VisRule {
                id: r.id.clone(),
                owner: r.owner.clone(),
                roles,
                rank: target.rank(),
                target,
                effect: r.effect,
                experiment,
                condition,
            });
        }
    }
    (rules, index)
}
