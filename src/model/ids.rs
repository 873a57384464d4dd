//! The first check of a build and of a changeset: every id, of an entity or naming one, is a
//! valid id ([`IdFault::of`]). A refused id is reported by its path and a short, escaped prefix;
//! while any is refused nothing else is checked, so no later message repeats it in full.
//!
//! Paths are only formatted for a refused id: the walk itself allocates nothing.

use crate::error::{BuildProblem, EntityKind};
use crate::format::changeset::{Changeset, Entity, EntityRef, Op};
use crate::format::{
    AccountData, ApprovalPolicyData, Approvers, AssignmentData, Dataset, EntryData, OrderCondition,
    PaymentRuleData, PriceListData, RoleData, Scope, SegmentData, SkuData, Target, UserData,
    VisibilityRuleData,
};
use crate::id::IdFault;

/// Where an entity or a field is: formatted only when an id there is refused.
type At<'a> = &'a dyn Fn() -> String;

struct Ids<'p> {
    problems: &'p mut Vec<BuildProblem>,
    /// Whether price entries' ids are checked here; when not, the build checks them as it
    /// reads them ([`check_dataset_but_entries`]).
    entries: bool,
}

impl Ids<'_> {
    /// Checks an id that names something; `field` is appended to the path `at`.
    fn check(&mut self, kind: EntityKind, id: &str, at: At<'_>, field: &str) {
        if let Some(fault) = IdFault::of(id) {
            self.problems.push(BuildProblem::InvalidId {
                kind,
                field: format!("{}{field}", at()),
                id: crate::id::shown(id),
                fault,
            });
        }
    }

    /// Checks an entity's own id. An id that is exactly empty is left to the build, which
    /// reports it as [`BuildProblem::EmptyId`] with the entity's position.
    fn own(&mut self, kind: EntityKind, id: &str, at: At<'_>, field: &str) {
        if !id.is_empty() {
            self.check(kind, id, at, field);
        }
    }

    fn opt(&mut self, kind: EntityKind, id: Option<&str>, at: At<'_>, field: &str) {
        if let Some(id) = id {
            self.check(kind, id, at, field);
        }
    }

    fn all<'i>(
        &mut self,
        kind: EntityKind,
        ids: impl IntoIterator<Item = &'i str>,
        at: At<'_>,
        field: &str,
    ) {
        for (i, id) in ids.into_iter().enumerate() {
            self.check(kind, id, &|| format!("{}{field}[{i}]", at()), "");
        }
    }

    fn scope(&mut self, scope: &Scope, at: At<'_>) {
        match scope {
            Scope::Everyone | Scope::Guests => {}
            Scope::Segment(s) => self.check(EntityKind::Segment, s.as_str(), at, ".scope.segment"),
            Scope::Account(a) => self.check(EntityKind::Account, a.as_str(), at, ".scope.account"),
            Scope::Subtree(a) => self.check(EntityKind::Account, a.as_str(), at, ".scope.subtree"),
        }
    }

    fn roles(&mut self, roles: &[crate::id::RoleName], at: At<'_>) {
        self.all(
            EntityKind::Role,
            roles.iter().map(|r| r.as_str()),
            at,
            ".roles",
        );
    }

    fn experiment(&mut self, experiment: Option<&String>, at: At<'_>) {
        self.opt(
            EntityKind::Experiment,
            experiment.map(String::as_str),
            at,
            ".experiment",
        );
    }

    fn account(&mut self, a: &AccountData, at: At<'_>) {
        self.own(EntityKind::Account, a.id.as_str(), at, ".id");
        self.opt(
            EntityKind::Account,
            a.parent.as_ref().map(|p| p.as_str()),
            at,
            ".parent",
        );
    }

    fn role(&mut self, r: &RoleData, at: At<'_>) {
        self.own(EntityKind::Role, r.name.as_str(), at, ".name");
    }

    fn user(&mut self, u: &UserData, at: At<'_>) {
        self.own(EntityKind::User, u.id.as_str(), at, ".id");
        for (j, m) in u.memberships.iter().enumerate() {
            let at = &|| format!("{}.memberships[{j}]", at());
            self.check(EntityKind::Account, m.account.as_str(), at, ".account");
            self.roles(&m.roles, at);
        }
    }

    fn segment(&mut self, s: &SegmentData, at: At<'_>) {
        self.own(EntityKind::Segment, s.id.as_str(), at, ".id");
        self.all(
            EntityKind::Account,
            s.accounts.iter().map(|a| a.as_str()),
            at,
            ".accounts",
        );
    }

    fn sku(&mut self, s: &SkuData, at: At<'_>) {
        self.own(EntityKind::Sku, s.sku.as_str(), at, ".sku");
        self.all(
            EntityKind::Category,
            s.categories.iter().map(String::as_str),
            at,
            ".categories",
        );
        self.opt(
            EntityKind::Unit,
            s.base_unit.as_ref().map(|u| u.as_str()),
            at,
            ".base_unit",
        );
        for (j, u) in s.units.iter().enumerate() {
            self.check(
                EntityKind::Unit,
                u.unit.as_str(),
                at,
                &format!(".units[{j}].unit"),
            );
        }
    }

    fn entry(&mut self, e: &EntryData, at: At<'_>) {
        self.check(EntityKind::Sku, e.sku.as_str(), at, ".sku");
        self.opt(
            EntityKind::Unit,
            e.unit.as_ref().map(|u| u.as_str()),
            at,
            ".unit",
        );
    }

    fn price_list(&mut self, l: &PriceListData, at: At<'_>) {
        self.own(EntityKind::PriceList, l.id.as_str(), at, ".id");
        if self.entries {
            for (j, e) in l.entries.iter().enumerate() {
                self.entry(e, &|| format!("{}.entries[{j}]", at()));
            }
        }
        if let Some(r) = &l.relative {
            self.check(EntityKind::PriceList, r.base.as_str(), at, ".relative.base");
            for (j, a) in r.adjustments.iter().enumerate() {
                self.opt(
                    EntityKind::Category,
                    a.category.as_deref(),
                    &|| format!("{}.relative.adjustments[{j}]", at()),
                    ".category",
                );
                self.opt(
                    EntityKind::Sku,
                    a.sku.as_ref().map(|s| s.as_str()),
                    &|| format!("{}.relative.adjustments[{j}]", at()),
                    ".sku",
                );
            }
        }
    }

    fn assignment(&mut self, a: &AssignmentData, at: At<'_>) {
        self.own(EntityKind::Assignment, a.id.as_str(), at, ".id");
        self.check(
            EntityKind::PriceList,
            a.price_list.as_str(),
            at,
            ".price_list",
        );
        self.scope(&a.scope, at);
        self.channels(&a.channels, at);
        self.experiment(a.experiment.as_ref(), at);
    }

    fn visibility_rule(&mut self, r: &VisibilityRuleData, at: At<'_>) {
        self.own(EntityKind::VisibilityRule, &r.id, at, ".id");
        self.channels(&r.channels, at);
        self.scope(&r.scope, at);
        self.roles(&r.roles, at);
        match &r.target {
            Target::Sku(s) => self.check(EntityKind::Sku, s.as_str(), at, ".target.sku"),
            Target::Category(c) => self.check(EntityKind::Category, c, at, ".target.category"),
            Target::All | Target::Attributes(_) => {}
        }
        self.experiment(r.experiment.as_ref(), at);
    }

    /// The channels a rule is limited to (C2).
    fn channels(&mut self, channels: &[crate::id::ChannelId], at: At<'_>) {
        self.all(
            EntityKind::Channel,
            channels.iter().map(|c| c.as_str()),
            at,
            ".channels",
        );
    }

    fn payment_rule(&mut self, r: &PaymentRuleData, at: At<'_>) {
        self.own(EntityKind::PaymentRule, &r.id, at, ".id");
        self.channels(&r.channels, at);
        self.scope(&r.scope, at);
        self.roles(&r.roles, at);
        self.experiment(r.experiment.as_ref(), at);
    }

    fn approval_policy(&mut self, p: &ApprovalPolicyData, at: At<'_>) {
        self.own(EntityKind::ApprovalPolicy, &p.id, at, ".id");
        self.channels(&p.channels, at);
        self.scope(&p.scope, at);
        self.roles(&p.roles, at);
        self.opt(EntityKind::ApprovalPolicy, p.slot.as_deref(), at, ".slot");
        // Categories anywhere in the condition, walked without recursion (a condition built in
        // Rust may be nested arbitrarily deep; its depth is refused later).
        let mut stack = vec![&p.when];
        while let Some(c) = stack.pop() {
            match c {
                OrderCondition::Category(cat) => {
                    self.check(EntityKind::Category, cat, at, ".when (a category)")
                }
                OrderCondition::All(cs) | OrderCondition::Any(cs) => stack.extend(cs.iter()),
                _ => {}
            }
        }
        for (j, step) in p.steps.iter().enumerate() {
            let at = &|| format!("{}.steps[{j}]", at());
            match step {
                Approvers::Role(r) => self.check(EntityKind::Role, r.as_str(), at, ".role"),
                Approvers::RoleEscalating(r) => {
                    self.check(EntityKind::Role, r.as_str(), at, ".role_escalating")
                }
                Approvers::Users(us) => self.all(
                    EntityKind::User,
                    us.iter().map(|u| u.as_str()),
                    at,
                    ".users",
                ),
            }
        }
        self.experiment(p.experiment.as_ref(), at);
    }

    fn entity(&mut self, e: &Entity, at: At<'_>) {
        match e {
            Entity::Account(a) => self.account(a, &|| format!("{}.account", at())),
            Entity::Role(r) => self.role(r, &|| format!("{}.role", at())),
            Entity::User(u) => self.user(u, &|| format!("{}.user", at())),
            Entity::Segment(s) => self.segment(s, &|| format!("{}.segment", at())),
            Entity::Sku(s) => self.sku(s, &|| format!("{}.sku", at())),
            Entity::PriceList(l) => self.price_list(l, &|| format!("{}.price_list", at())),
            Entity::Assignment(a) => self.assignment(a, &|| format!("{}.assignment", at())),
            Entity::VisibilityRule(r) => {
                self.visibility_rule(r, &|| format!("{}.visibility_rule", at()))
            }
            Entity::PaymentRule(r) => self.payment_rule(r, &|| format!("{}.payment_rule", at())),
            Entity::ApprovalPolicy(p) => {
                self.approval_policy(p, &|| format!("{}.approval_policy", at()))
            }
            Entity::Experiment(x) => self.own(
                EntityKind::Experiment,
                &x.id,
                &|| format!("{}.experiment", at()),
                ".id",
            ),
        }
    }

    fn entity_ref(&mut self, r: &EntityRef, at: At<'_>) {
        let (kind, id, field) = match r {
            EntityRef::Account(id) => (EntityKind::Account, id.as_str(), ".account"),
            EntityRef::Role(id) => (EntityKind::Role, id.as_str(), ".role"),
            EntityRef::User(id) => (EntityKind::User, id.as_str(), ".user"),
            EntityRef::Segment(id) => (EntityKind::Segment, id.as_str(), ".segment"),
            EntityRef::Sku(id) => (EntityKind::Sku, id.as_str(), ".sku"),
            EntityRef::PriceList(id) => (EntityKind::PriceList, id.as_str(), ".price_list"),
            EntityRef::Entry { list, sku, unit } => {
                self.check(EntityKind::PriceList, list.as_str(), at, ".entry.list");
                self.opt(
                    EntityKind::Unit,
                    unit.as_ref().map(|u| u.as_str()),
                    at,
                    ".entry.unit",
                );
                (EntityKind::Sku, sku.as_str(), ".entry.sku")
            }
            EntityRef::Assignment(id) => (EntityKind::Assignment, id.as_str(), ".assignment"),
            EntityRef::VisibilityRule(id) => {
                (EntityKind::VisibilityRule, id.as_str(), ".visibility_rule")
            }
            EntityRef::PaymentRule(id) => (EntityKind::PaymentRule, id.as_str(), ".payment_rule"),
            EntityRef::ApprovalPolicy(id) => {
                (EntityKind::ApprovalPolicy, id.as_str(), ".approval_policy")
            }
            EntityRef::Experiment(id) => (EntityKind::Experiment, id.as_str(), ".experiment"),
        };
        self.check(kind, id, at, field);
    }
}

/// Checks every id of a dataset, in the order of its fields.
pub(crate) fn check_dataset(data: &Dataset, problems: &mut Vec<BuildProblem>) {
    walk_dataset(data, problems, true);
}

/// [`check_dataset`] except the ids in price entries (a SKU and a unit each): the pass a
/// build starts with. Reading ten million entries' SKU texts twice, once here and once to
/// look them up, cost a tenth of a large build, so the build checks each entry's ids where it
/// looks its SKU up ([`entry_ids_valid`]) and, when one is refused or the build fails for any
/// other reason, runs [`check_dataset`] for the full, ordered report: the answer is the same
/// as checking every id first.
pub(crate) fn check_dataset_but_entries(data: &Dataset, problems: &mut Vec<BuildProblem>) {
    walk_dataset(data, problems, false);
}

/// Whether a price entry's ids (its SKU and unit) are valid ids: what the build checks for
/// each entry it reads, once [`check_dataset_but_entries`] has checked the others.
pub(crate) fn entry_ids_valid(e: &EntryData) -> bool {
    IdFault::of(e.sku.as_str()).is_none()
        && e.unit
            .as_ref()
            .is_none_or(|u| IdFault::of(u.as_str()).is_none())
}

fn walk_dataset(data: &Dataset, problems: &mut Vec<BuildProblem>, entries: bool) {
    let mut ids = Ids { problems, entries };
    for (i, a) in data.accounts.iter().enumerate() {
        ids.account(a, &|| format!("accounts[{i}]"));
    }
    for (i, c) in data.channels.iter().enumerate() {
        ids.own(
            EntityKind::Channel,
            c.id.as_str(),
            &|| format!("channels[{i}]"),
            ".id",
        );
    }
    for (i, r) in data.roles.iter().enumerate() {
        ids.role(r, &|| format!("roles[{i}]"));
    }
    for (i, u) in data.users.iter().enumerate() {
        ids.user(u, &|| format!("users[{i}]"));
    }
    for (i, s) in data.segments.iter().enumerate() {
        ids.segment(s, &|| format!("segments[{i}]"));
    }
    for (i, s) in data.catalog.iter().enumerate() {
        ids.sku(s, &|| format!("catalog[{i}]"));
    }
    // Every entry's SKU id is checked (when `entries`): on several threads for a large dataset
    // (each list's problems in order, the lists in input order, as on one thread).
    let lists: Vec<(usize, &crate::format::PriceListData)> =
        data.price_lists.iter().enumerate().collect();
    let found = crate::model::parallel::map_chunks(
        &lists,
        |(_, l)| {
            if entries {
                l.entries.len().saturating_add(1)
            } else {
                1
            }
        },
        100_000,
        |chunk| {
            let mut found = Vec::new();
            let mut ids = Ids {
                problems: &mut found,
                entries,
            };
            for (i, l) in chunk {
                ids.price_list(l, &|| format!("price_lists[{i}]"));
            }
            found
        },
    );
    ids.problems.extend(found);
    for (i, a) in data.assignments.iter().enumerate() {
        ids.assignment(a, &|| format!("assignments[{i}]"));
    }
    for (i, r) in data.visibility_rules.iter().enumerate() {
        ids.visibility_rule(r, &|| format!("visibility_rules[{i}]"));
    }
    for (i, r) in data.payment_rules.iter().enumerate() {
        ids.payment_rule(r, &|| format!("payment_rules[{i}]"));
    }
    for (i, p) in data.approval_policies.iter().enumerate() {
        ids.approval_policy(p, &|| format!("approval_policies[{i}]"));
    }
    for (i, x) in data.experiments.iter().enumerate() {
        ids.own(
            EntityKind::Experiment,
            &x.id,
            &|| format!("experiments[{i}]"),
            ".id",
        );
    }
    for (i, r) in data.reference_lists.iter().enumerate() {
        let at = &|| format!("reference_lists[{i}]");
        ids.check(EntityKind::PriceList, r.list.as_str(), at, ".list");
        ids.opt(
            EntityKind::Account,
            r.account.as_ref().map(|a| a.as_str()),
            at,
            ".account",
        );
    }
}

/// Checks a changeset's own id and every id its operations carry; paths start at the
/// changeset (`ops[2].upsert.account.parent`).
pub(crate) fn check_changeset(changeset: &Changeset, problems: &mut Vec<BuildProblem>) {
    let mut ids = Ids {
        problems,
        entries: true,
    };
    ids.check(EntityKind::Changeset, &changeset.id, &String::new, "id");
    for (i, op) in changeset.ops.iter().enumerate() {
        match op {
            Op::Upsert(e) => ids.entity(e, &|| format!("ops[{i}].upsert")),
            Op::Remove(r) => ids.entity_ref(r, &|| format!("ops[{i}].remove")),
            Op::SetEntry { list, entry } => {
                let at = &|| format!("ops[{i}].set_entry");
                ids.check(EntityKind::PriceList, list.as_str(), at, ".list");
                ids.entry(entry, &|| format!("{}.entry", at()));
            }
        }
    }
}
