//! Shared checks used while building a snapshot: ids, windows, owners.

use crate::error::{BuildProblem, EntityKind};
use crate::time::Window;

pub(crate) fn to_u32(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
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
}

/// Reports a quantity rule that no quantity could satisfy or that makes no sense.
pub(crate) fn check_quantity_rule(
    rule: &crate::format::QuantityRule,
    kind: EntityKind,
    id: &str,
    problems: &mut Vec<BuildProblem>,
) {
    let mut bad = |detail: String| {
        problems.push(BuildProblem::InvalidQuantityRule {
            kind,
            id: id.to_string(),
            detail,
        })
    };
    if rule.min == Some(0) {
        bad("min must be at least 1".into());
    }
    if rule.increment == Some(0) {
        bad("increment must be at least 1".into());
    }
    if let (Some(min), Some(max)) = (rule.min, rule.max)
        && max < min
    {
        bad(format!("max {max} is below min {min}"));
    }
    if let Some(max) = rule.max
        && crate::model::catalog::nearest_valid(rule, max).0.is_none()
        && rule.increment.is_some()
    {
        bad(format!(
            "no quantity up to max {max} is a multiple of the increment at or above min"
        ));
    }
}
