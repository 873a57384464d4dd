//! The one scope mechanism every rule kind uses.
//!
//! A rule is scoped to everyone, a segment, one account, or an account and its descendants.
//! [`ScopeIndex`] files rules by scope, and [`ScopeIndex::applicable`] lists the rules that reach
//! an account, most specific first: the account's own rules, then each ancestor's
//! "and descendants" rules nearest first (while the account and the accounts between inherit
//! that rule kind), then segment rules, then rules for everyone. The cost is proportional to the
//! rules that apply, never to the rules that exist.

use crate::account::{AccountRec, Accounts};
use std::collections::BTreeMap;

/// A scope resolved to indexes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum ScopeKey {
    Everyone,
    Segment(u32),
    Account(u32),
    Subtree(u32),
}

/// How a rule reached an account; the derived order is the precedence order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Level {
    Own,
    /// `distance` steps up, to `account`.
    Ancestor {
        distance: u32,
        account: u32,
    },
    Segment(u32),
    Everyone,
}

impl Level {
    /// The precedence class, ignoring which segment: rules at the same class compete on
    /// priority. Two segments are equally specific.
    pub(crate) fn class(&self) -> (u8, u32) {
        match self {
            Level::Own => (0, 0),
            Level::Ancestor { distance, .. } => (1, *distance),
            Level::Segment(_) => (2, 0),
            Level::Everyone => (3, 0),
        }
    }
}

/// Rules of one kind filed by scope; `R` is the rule's index in its own table.
#[derive(Clone, Debug, Default)]
pub(crate) struct ScopeIndex {
    own: BTreeMap<u32, Vec<u32>>,
    subtree: BTreeMap<u32, Vec<u32>>,
    segment: BTreeMap<u32, Vec<u32>>,
    everyone: Vec<u32>,
}

impl ScopeIndex {
    pub(crate) fn insert(&mut self, scope: ScopeKey, rule: u32) {
        let list = match scope {
            ScopeKey::Everyone => &mut self.everyone,
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
        mut f: impl FnMut(Level, u32),
    ) {
        if let Some(rules) = self.own.get(&account_idx) {
            rules.iter().for_each(|&r| f(Level::Own, r));
        }
        let mut receiving = account;
        for (distance, &ancestor) in (1u32..).zip(account.ancestors.iter()) {
            if !inherits(receiving) {
                break;
            }
            if let Some(rules) = self.subtree.get(&ancestor) {
                let level = Level::Ancestor {
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
                rules.iter().for_each(|&r| f(Level::Segment(segment), r));
            }
        }
        self.everyone.iter().for_each(|&r| f(Level::Everyone, r));
    }
}
