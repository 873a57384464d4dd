//! The one scope mechanism every rule kind uses.
//!
//! A rule is scoped to everyone, a segment, one account, or an account and its descendants.
//! [`ScopeIndex`] files rules by scope, and [`ScopeIndex::applicable`] lists the rules that reach
//! an account, most specific first: the account's own rules, then each ancestor's
//! "and descendants" rules nearest first (while the account and the accounts between inherit
//! that rule kind), then segment rules, then rules for everyone. The cost is proportional to the
//! rules that apply, never to the rules that exist. Rules scoped to guests reach no account;
//! [`guest_indices`] lists the rules reaching a guest (guests, then everyone), once at build.

use crate::format::PriceFallback;
use crate::id::RoleName;
use crate::model::account::{AccountRec, Accounts};
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// A scope resolved to indexes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum ScopeKey {
    Everyone,
    Segment(u32),
    Account(u32),
    Subtree(u32),
    /// Guests (G2): reaches no account.
    Guests,
}

/// How a rule reached an account. Precedence compares [`ScopeLevel::class`] only: two segments are
/// equally specific.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum ScopeLevel {
    Own,
    /// `distance` steps up, to `account`.
    Ancestor {
        distance: u32,
        account: u32,
    },
    Segment(u32),
    /// A `guests` rule reaching a guest (G3): ranked as a segment, above everyone.
    Guests,
    Everyone,
}

impl ScopeLevel {
    /// Whether an account whose search goes as far as `fallback` reaches this level (S10).
    pub(crate) fn within(&self, fallback: PriceFallback) -> bool {
        let needed = match self {
            ScopeLevel::Own => PriceFallback::Own,
            ScopeLevel::Ancestor { .. } => PriceFallback::Tree,
            ScopeLevel::Segment(_) | ScopeLevel::Guests => PriceFallback::Segments,
            ScopeLevel::Everyone => PriceFallback::Everyone,
        };
        needed <= fallback
    }

    /// The precedence class, ignoring which segment: rules at the same class compete on
    /// priority. Two segments are equally specific; the guests level ranks as a segment (a
    /// guest is in no segment, so the two never meet).
    pub(crate) fn class(&self) -> (u8, u32) {
        match self {
            ScopeLevel::Own => (0, 0),
            ScopeLevel::Ancestor { distance, .. } => (1, *distance),
            ScopeLevel::Segment(_) | ScopeLevel::Guests => (2, 0),
            ScopeLevel::Everyone => (3, 0),
        }
    }
}

/// The shared precedence key: scope class first, then a rule limited to roles the user holds
/// before a rule for every user at the same scope.
pub(crate) fn precedence_key(level: &ScopeLevel, role_limited: bool) -> (u8, u32, bool) {
    let (class, distance) = level.class();
    (class, distance, !role_limited)
}

/// A rule that may be limited to users holding certain roles.
pub(crate) trait ScopedRule {
    /// The roles the rule is limited to; empty for every user.
    fn roles(&self) -> &[RoleName];

    /// The experiment the rule is tagged with, if any.
    fn experiment(&self) -> Option<u32>;
}

/// The rules of one kind that apply to (account, user), in precedence order: the shared key of
/// [`precedence_key`], then the rule kind's own `tiebreak`. `user_roles` are the roles the user
/// holds at the account (sorted); rules limited to other roles are left out, and so are rules
/// tagged with an experiment whose holdout arm the account is in (`arms` records them), and
/// rules at a level `within` refuses (how far the account's search goes, S10).
#[expect(
    clippy::too_many_arguments,
    reason = "the build passes each precomputed index on its own, not bundled in a struct used only here"
)]
pub(crate) fn applicable_rules<'a, R: ScopedRule>(
    index: &ScopeIndex,
    table: &'a [R],
    account_idx: u32,
    account: &AccountRec,
    accounts: &Accounts,
    inherits: impl Fn(&AccountRec) -> bool,
    within: impl Fn(&ScopeLevel) -> bool,
    user_roles: Option<&[RoleName]>,
    arms: &mut crate::model::experiment::Arms<'_>,
    tiebreak: impl Fn(&R, &R) -> Ordering,
) -> Vec<(ScopeLevel, &'a R)> {
    applicable_indices(
        index,
        table,
        account_idx,
        account,
        accounts,
        inherits,
        within,
        user_roles,
        arms,
        tiebreak,
    )
    .into_iter()
    .filter_map(|(level, i)| table.get(i as usize).map(|r| (level, r)))
    .collect()
}

/// As [`applicable_rules`], as indexes into `table`. With `user_roles` `None`, rules limited to
/// roles are all kept (for precomputing an account's rules once, whoever acts for it).
#[expect(
    clippy::too_many_arguments,
    reason = "the build passes each precomputed index on its own, not bundled in a struct used only here"
)]
pub(crate) fn applicable_indices<R: ScopedRule>(
    index: &ScopeIndex,
    table: &[R],
    account_idx: u32,
    account: &AccountRec,
    accounts: &Accounts,
    inherits: impl Fn(&AccountRec) -> bool,
    within: impl Fn(&ScopeLevel) -> bool,
    user_roles: Option<&[RoleName]>,
    arms: &mut crate::model::experiment::Arms<'_>,
    tiebreak: impl Fn(&R, &R) -> Ordering,
) -> Vec<(ScopeLevel, u32)> {
    let mut out: Vec<(ScopeLevel, u32, &R)> = Vec::new();
    index.applicable(account_idx, account, accounts, inherits, |level, i| {
        if !within(&level) {
            return;
        }
        if let Some(rule) = table.get(i as usize) {
            let roles = rule.roles();
            let role_ok = match user_roles {
                None => true,
                Some(held) => {
                    roles.is_empty() || roles.iter().any(|r| held.binary_search(r).is_ok())
                }
            };
            if role_ok && arms.admits(rule.experiment()) {
                out.push((level, i, rule));
            }
        }
    });
    in_precedence_order(out, tiebreak)
}

/// Rules found for one party, sorted by [`precedence_key`] then the kind's `tiebreak`.
fn in_precedence_order<R: ScopedRule>(
    mut out: Vec<(ScopeLevel, u32, &R)>,
    tiebreak: impl Fn(&R, &R) -> Ordering,
) -> Vec<(ScopeLevel, u32)> {
    out.sort_by(|(la, _, ra), (lb, _, rb)| {
        precedence_key(la, !ra.roles().is_empty())
            .cmp(&precedence_key(lb, !rb.roles().is_empty()))
            .then_with(|| tiebreak(ra, rb))
    });
    out.into_iter().map(|(l, i, _)| (l, i)).collect()
}

/// The rules of one kind reaching a guest (G3), as indexes into `table`, in precedence order:
/// `guests` rules, then `everyone` rules. Role-limited rules are left out (a guest holds no
/// role), and so are rules tagged with an experiment (a guest is in no cohort: G3).
pub(crate) fn guest_indices<R: ScopedRule>(
    index: &ScopeIndex,
    table: &[R],
    tiebreak: impl Fn(&R, &R) -> Ordering,
) -> Vec<(ScopeLevel, u32)> {
    let levels = [
        (ScopeLevel::Guests, &index.guests),
        (ScopeLevel::Everyone, &index.everyone),
    ];
    let out = levels
        .into_iter()
        .flat_map(|(level, rules)| rules.iter().map(move |&i| (level, i)))
        .filter_map(|(level, i)| {
            let rule = table.get(i as usize)?;
            (rule.roles().is_empty() && rule.experiment().is_none()).then_some((level, i, rule))
        })
        .collect();
    in_precedence_order(out, tiebreak)
}

/// The rules of each kind that reach one account, precomputed at build time in precedence
/// order (holdout arms applied; role-limited rules kept and filtered per user at query time), so
/// that a query walks no tree and sorts nothing.
#[derive(Clone, Debug, Default)]
pub(crate) struct AccountRules {
    pub(crate) prices: std::sync::Arc<[PriceRule]>,
    pub(crate) visibility: std::sync::Arc<[(ScopeLevel, u32)]>,
    /// Experiments whose price or visibility rules reach the account, with its arm.
    pub(crate) experiments: std::sync::Arc<[crate::model::experiment::ExperimentArm]>,
}

/// A price assignment reaching an account: its level, its index and its list's index. The list
/// is copied here (a snapshot changes an assignment only by rebuilding) so that a query can skip
/// a list that does not price the SKU without reading the assignment (one cache miss a
/// candidate, and an account has four or five).
#[derive(Clone, Copy, Debug)]
pub(crate) struct PriceRule {
    pub(crate) level: ScopeLevel,
    pub(crate) assignment: u32,
    pub(crate) list: u32,
}

impl PriceRule {
    /// The rules of `found` (levels and assignment indexes, as the scope index gives them), each
    /// with its assignment's list.
    pub(crate) fn of(
        found: Vec<(ScopeLevel, u32)>,
        assignments: &[crate::model::pricing::build::AssignmentRec],
    ) -> std::sync::Arc<[PriceRule]> {
        found
            .into_iter()
            .filter_map(|(level, assignment)| {
                Some(PriceRule {
                    level,
                    assignment,
                    list: assignments.get(assignment as usize)?.list,
                })
            })
            .collect()
    }
}

/// Rules of one kind filed by scope; `R` is the rule's index in its own table.
#[derive(Clone, Debug, Default)]
pub(crate) struct ScopeIndex {
    own: BTreeMap<u32, Vec<u32>>,
    subtree: BTreeMap<u32, Vec<u32>>,
    segment: BTreeMap<u32, Vec<u32>>,
    everyone: Vec<u32>,
    /// Rules for guests: they reach no account (G2).
    guests: Vec<u32>,
}

impl ScopeIndex {
    pub(crate) fn insert(&mut self, scope: ScopeKey, rule: u32) {
        let list = match scope {
            ScopeKey::Everyone => &mut self.everyone,
            ScopeKey::Guests => &mut self.guests,
            ScopeKey::Segment(s) => self.segment.entry(s).or_default(),
            ScopeKey::Account(a) => self.own.entry(a).or_default(),
            ScopeKey::Subtree(a) => {
                // The account's own "and descendants" rule is an own rule for the account itself
                // and an inherited one below it.
                self.own.entry(a).or_default().push(rule);
                self.subtree.entry(a).or_default()
            }
        };
        list.push(rule);
    }

    /// Calls `f(level, rule)` for every rule reaching `account`, most specific first.
    /// `inherits(account)` says whether that account receives this rule kind from its parent.
    pub(crate) fn applicable(
        &self,
        account_idx: u32,
        account: &AccountRec,
        accounts: &Accounts,
        inherits: impl Fn(&AccountRec) -> bool,
        mut f: impl FnMut(ScopeLevel, u32),
    ) {
        if let Some(rules) = self.own.get(&account_idx) {
            rules.iter().for_each(|&r| f(ScopeLevel::Own, r));
        }
        let mut receiving = account;
        for (distance, &ancestor) in (1u32..).zip(account.ancestors.iter()) {
            if !inherits(receiving) {
                break;
            }
            if let Some(rules) = self.subtree.get(&ancestor) {
                let level = ScopeLevel::Ancestor {
                    distance,
                    account: ancestor,
                };
                rules.iter().for_each(|&r| f(level, r));
            }
            match accounts.get(ancestor) {
                Some(a) => receiving = a,
                None => break,
            }
        }
        for &segment in account.segments.iter() {
            if let Some(rules) = self.segment.get(&segment) {
                rules
                    .iter()
                    .for_each(|&r| f(ScopeLevel::Segment(segment), r));
            }
        }
        self.everyone
            .iter()
            .for_each(|&r| f(ScopeLevel::Everyone, r));
    }
}

/// Resolves a scope from the data to indexes, reporting a reference to a missing account or
/// segment against the rule `from`.
pub(crate) fn resolve_scope(
    scope: &crate::format::Scope,
    from_kind: crate::error::EntityKind,
    from: &str,
    accounts: &Accounts,
    segments: &std::collections::HashMap<&str, u32>,
    problems: &mut Vec<crate::error::BuildProblem>,
) -> Option<ScopeKey> {
    use crate::error::{BuildProblem, EntityKind};
    use crate::format::Scope;
    let dangling = |to_kind: EntityKind, to: &str| BuildProblem::DanglingReference {
        from_kind,
        from: from.to_string(),
        to_kind,
        to: to.to_string(),
    };
    match scope {
        Scope::Everyone => Some(ScopeKey::Everyone),
        Scope::Guests => {
            // Guests neither pay nor order: only prices and visibility reach them (G2).
            let for_guests = matches!(
                from_kind,
                EntityKind::Assignment | EntityKind::VisibilityRule
            );
            if !for_guests {
                problems.push(BuildProblem::GuestScope {
                    kind: from_kind,
                    id: from.to_string(),
                });
            }
            for_guests.then_some(ScopeKey::Guests)
        }
        Scope::Segment(s) => {
            let key = segments.get(s.as_str()).map(|&i| ScopeKey::Segment(i));
            if key.is_none() {
                problems.push(dangling(EntityKind::Segment, s.as_str()));
            }
            key
        }
        Scope::Account(id) | Scope::Subtree(id) => {
            let Some(idx) = accounts.lookup(id.as_str()) else {
                problems.push(dangling(EntityKind::Account, id.as_str()));
                return None;
            };
            Some(match scope {
                Scope::Account(_) => ScopeKey::Account(idx),
                _ => ScopeKey::Subtree(idx),
            })
        }
    }
}

/// Checks that every role a rule is limited to exists.
pub(crate) fn check_rule_roles(
    roles: &[RoleName],
    existing: &std::collections::BTreeSet<RoleName>,
    kind: crate::error::EntityKind,
    id: &str,
    problems: &mut Vec<crate::error::BuildProblem>,
) -> Vec<RoleName> {
    let mut out = Vec::with_capacity(roles.len());
    for r in roles {
        if existing.contains(r) {
            out.push(r.clone());
        } else {
            problems.push(crate::error::BuildProblem::UnknownRuleRole {
                kind,
                id: id.to_string(),
                role: r.to_string(),
            });
        }
    }
    out.sort();
    out.dedup();
    out
}
