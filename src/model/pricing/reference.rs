//! Reference lists (SEMANTICS P9): which price list is the "list price" for an account in a
//! currency. Built once; a query walks at most the account's ancestor chain.

use crate::error::{BuildProblem, EntityKind};
use crate::format::reference::ReferenceListData;
use crate::model::account::Accounts;
use crate::model::pricing::ListRec;
use crate::money::Currency;
use std::collections::HashMap;

/// The reference lists by (account, currency) and by currency for every account.
#[derive(Clone, Debug, Default)]
pub(crate) struct ReferenceIndex {
    by_account: HashMap<(u32, Currency), u32>,
    everyone: HashMap<Currency, u32>,
}

impl ReferenceIndex {
    /// Validates the dataset's reference lists: each names an existing list and account, and
    /// one (account or every account, currency) has one reference.
    pub(crate) fn build(
        data: &[ReferenceListData],
        lists: &HashMap<&str, u32>,
        list_recs: &[ListRec],
        accounts: &Accounts,
        problems: &mut Vec<BuildProblem>,
    ) -> ReferenceIndex {
        let mut index = ReferenceIndex::default();
        let mut ids: HashMap<(Option<u32>, Currency), &ReferenceListData> = HashMap::new();
        let dangling =
            |r: &ReferenceListData, kind: EntityKind, to: String| BuildProblem::DanglingReference {
                from_kind: EntityKind::ReferenceList,
                from: r.list.to_string(),
                to_kind: kind,
                to,
            };
        for r in data {
            let Some(li) = lists.get(r.list.as_str()).copied() else {
                problems.push(dangling(r, EntityKind::PriceList, r.list.to_string()));
                continue;
            };
            let Some(list) = list_recs.get(li as usize) else {
                continue;
            };
            if list.cost {
                problems.push(BuildProblem::CostListAssigned {
                    kind: EntityKind::ReferenceList,
                    id: r.list.to_string(),
                    list: list.id.clone(),
                });
                continue;
            }
            let account = match &r.account {
                None => None,
                Some(a) => match accounts.lookup(a.as_str()) {
                    Some(ai) => Some(ai),
                    None => {
                        problems.push(dangling(r, EntityKind::Account, a.to_string()));
                        continue;
                    }
                },
            };
            if let Some(first) = ids.insert((account, list.currency), r) {
                let (first, second) = if first.list <= r.list {
                    (first, r)
                } else {
                    (r, first)
                };
                problems.push(BuildProblem::ConflictingRules {
                    kind: EntityKind::ReferenceList,
                    first: first.list.to_string(),
                    second: second.list.to_string(),
                    what: match &r.account {
                        Some(a) => format!("{} reference of account `{a}`", list.currency),
                        None => format!("{} reference of every account", list.currency),
                    },
                });
                continue;
            }
            match account {
                Some(ai) => index.by_account.insert((ai, list.currency), li),
                None => index.everyone.insert(list.currency, li),
            };
        }
        index
    }

    /// Whether no reference list is named: answers then skip the comparison at no cost.
    pub(crate) fn is_empty(&self) -> bool {
        self.by_account.is_empty() && self.everyone.is_empty()
    }

    /// The reference list for `account` (with its ancestors, nearest first) in `currency`.
    pub(crate) fn for_account(
        &self,
        account: u32,
        ancestors: &[u32],
        currency: Currency,
    ) -> Option<u32> {
        std::iter::once(&account)
            .chain(ancestors)
            .find_map(|a| self.by_account.get(&(*a, currency)).copied())
            .or_else(|| self.everyone.get(&currency).copied())
    }

    /// The reference list named for `account` itself in `currency`, not through an ancestor
    /// or for every account.
    pub(crate) fn own(&self, account: u32, currency: Currency) -> Option<u32> {
        self.by_account.get(&(account, currency)).copied()
    }

    /// Every list named as a reference, sorted, each once (they count as used).
    pub(crate) fn lists(&self) -> Vec<u32> {
        let mut out: Vec<u32> = self
            .by_account
            .values()
            .chain(self.everyone.values())
            .copied()
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}
