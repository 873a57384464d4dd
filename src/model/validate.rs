//! Shared checks used while building a snapshot: ids, windows, owners.

use crate::error::{BuildProblem, EntityKind};
use crate::time::Window;

/// The most rows one table of a snapshot (accounts, users, SKUs, lists, rules of one kind) may
/// hold: they are indexed by `u32`. Checked by [`check_sizes`] before any index is taken.
pub(crate) const MAX_ROWS: usize = u32::MAX as usize;

/// The most tiers one price entry may have; with at most `CHUNK` entries a storage chunk, every
/// position inside a chunk fits a `u32`. Checked for every entry, at build and by changesets.
pub(crate) const MAX_TIERS: usize = 1_024;

/// The index of a row: its position in a table that [`check_sizes`] (tables), [`MAX_TIERS`]
/// (tiers) or the storage chunk size (positions in a chunk) bounds below `u32::MAX`.
#[expect(
    clippy::cast_possible_truncation,
    reason = "INVARIANT: every table is refused at build when longer than MAX_ROWS, every entry \
              when it has more than MAX_TIERS tiers, and changesets that add rows go through the \
              same checks, so no position passed here exceeds u32::MAX"
)]
pub(crate) fn to_u32(i: usize) -> u32 {
    i as u32
}

/// Refuses tables too long to index (at most one problem a kind).
pub(crate) fn check_sizes(data: &crate::format::Dataset, problems: &mut Vec<BuildProblem>) {
    check_sizes_against(data, MAX_ROWS, problems);
}

fn check_sizes_against(
    data: &crate::format::Dataset,
    max: usize,
    problems: &mut Vec<BuildProblem>,
) {
    let tables = [
        (EntityKind::Account, data.accounts.len()),
        (EntityKind::User, data.users.len()),
        (EntityKind::Role, data.roles.len()),
        (EntityKind::Segment, data.segments.len()),
        (EntityKind::Sku, data.catalog.len()),
        (EntityKind::PriceList, data.price_lists.len()),
        (EntityKind::Assignment, data.assignments.len()),
        (EntityKind::VisibilityRule, data.visibility_rules.len()),
        (EntityKind::PaymentRule, data.payment_rules.len()),
        (EntityKind::ApprovalPolicy, data.approval_policies.len()),
        (EntityKind::Experiment, data.experiments.len()),
        (
            EntityKind::PriceEntry,
            data.price_lists
                .iter()
                .fold(0usize, |n, l| n.saturating_add(l.entries.len())),
        ),
    ];
    for (kind, count) in tables {
        if count > max {
            problems.push(BuildProblem::TooLarge { kind, count, max });
        }
    }
}

/// Sorts items by id, reporting empty and duplicate ids; returns the unique ones with their
/// original positions.
pub(crate) fn unique_by_id<'a, T>(
    items: &'a [T],
    kind: EntityKind,
    id: impl Fn(&T) -> &str,
    problems: &mut Vec<BuildProblem>,
) -> Vec<&'a T> {
    let mut sorted: Vec<(usize, &T)> = items.iter().enumerate().collect();
    sorted.sort_by(|a, b| id(a.1).cmp(id(b.1)));
    let mut out: Vec<&T> = Vec::with_capacity(items.len());
    let mut last_dup: Option<&str> = None;
    for (position, item) in sorted {
        let this = id(item);
        if this.is_empty() {
            problems.push(BuildProblem::EmptyId { kind, position });
            continue;
        }
        if out.last().is_some_and(|prev| id(prev) == this) {
            if last_dup != Some(this) {
                problems.push(BuildProblem::DuplicateId {
                    kind,
                    id: this.to_string(),
                });
                last_dup = Some(this);
            }
            continue;
        }
        out.push(item);
    }
    out
}

pub(crate) fn check_window(
    window: Option<Window>,
    kind: EntityKind,
    id: &str,
    problems: &mut Vec<BuildProblem>,
) -> Window {
    let w = window.unwrap_or(Window::ALWAYS);
    if !w.is_well_formed() {
        problems.push(BuildProblem::ReversedWindow {
            kind,
            id: id.to_string(),
            window: w.to_string(),
        });
    }
    w
}

/// Reports a rule whose owner is empty.
pub(crate) fn check_owner(
    owner: &str,
    kind: EntityKind,
    id: &str,
    problems: &mut Vec<BuildProblem>,
) {
    if owner.trim().is_empty() {
        problems.push(BuildProblem::MissingOwner {
            kind,
            id: id.to_string(),
        });
    }
}

/// What rule builders need to resolve scopes, roles and targets.
pub(crate) struct RuleContext<'a> {
    pub(crate) accounts: &'a crate::model::account::Accounts,
    pub(crate) segments: &'a std::collections::HashMap<&'a str, u32>,
    pub(crate) roles: &'a std::collections::BTreeSet<crate::id::RoleName>,
    pub(crate) catalog: &'a crate::model::catalog::Catalog,
    pub(crate) experiments: &'a std::collections::HashMap<String, u32>,
    pub(crate) channels: &'a crate::model::context::Channels,
}

/// Reports a quantity rule (in steps of `10^-decimals`) that no quantity could satisfy or
/// that makes no sense.
pub(crate) fn check_quantity_rule(
    rule: &crate::model::catalog::StepRule,
    decimals: u32,
    kind: EntityKind,
    id: &str,
    problems: &mut Vec<BuildProblem>,
) {
    let q = |s: u64| crate::quantity::Quantity::from_steps(s, decimals);
    let mut bad = |detail: String| {
        problems.push(BuildProblem::InvalidQuantityRule {
            kind,
            id: id.to_string(),
            detail,
        })
    };
    if rule.min == Some(0) {
        bad("min must be more than zero".into());
    }
    if rule.increment == Some(0) {
        bad("increment must be more than zero".into());
    }
    if let (Some(min), Some(max)) = (rule.min, rule.max)
        && max < min
    {
        bad(format!("max {} is below min {}", q(max), q(min)));
    }
    if let Some(max) = rule.max
        && crate::model::catalog::nearest_valid(rule, max).0.is_none()
        && rule.increment.is_some()
    {
        bad(format!(
            "no quantity up to max {} is a multiple of the increment at or above min",
            q(max)
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::{Dataset, SkuData};

    #[test]
    fn a_table_longer_than_the_limit_is_one_problem_naming_its_kind() {
        let sku = |s: &str| SkuData {
            sku: s.into(),
            name: s.into(),
            ..SkuData::default()
        };
        let data = Dataset {
            catalog: vec![sku("A"), sku("B"), sku("C")],
            ..Dataset::default()
        };
        let mut problems = Vec::new();
        check_sizes_against(&data, 2, &mut problems);
        assert_eq!(
            problems,
            vec![BuildProblem::TooLarge {
                kind: EntityKind::Sku,
                count: 3,
                max: 2
            }]
        );
        problems.clear();
        check_sizes_against(&data, 3, &mut problems);
        assert!(problems.is_empty());
    }
}
