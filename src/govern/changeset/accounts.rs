//! The account-tree path of `apply`: a changeset that only re-parents or re-configures existing
//! accounts. Only the subtrees they head are recomputed; everything else is shared.

use crate::error::BuildError;
use crate::format::AccountData;
use crate::format::changeset::{Changeset, LogEntry};
use crate::govern::changeset::ApplyError;
use crate::model::pricing::ties::Ties;
use crate::model::snapshot::{Built, Snapshot};
use std::sync::Arc;

impl Snapshot {
    /// The account-tree path: existing accounts re-parented or re-configured (not their
    /// attributes). Only the subtrees they head are recomputed: ancestor chains, effective
    /// settings and the rules reaching each of their accounts; everything else is shared. `None`
    /// when the change needs a rebuild.
    pub(crate) fn apply_accounts(
        &self,
        changeset: &Changeset,
        changes: &[&AccountData],
        entry: Arc<LogEntry>,
    ) -> Option<Result<Snapshot, ApplyError>> {
        let inner = self.inner();
        let mut problems = Vec::new();
        let (accounts, affected) = inner.accounts.with_changes(changes, &mut problems)?;
        if problems.is_empty() {
            // Policies may have changed below: the tie rule depends on them.
            Ties {
                assignments: &inner.assignments,
                lists: &inner.lists,
                accounts: &accounts,
                segments: &inner.segments,
                catalog: &inner.catalog,
                guests_priced: inner.channels.any_guest_prices(),
            }
            .check_all(&inner.ties, &mut problems);
        }
        if !problems.is_empty() {
            return Some(Err(ApplyError::Invalid {
                changeset: changeset.id.clone(),
                error: BuildError::new(problems),
            }));
        }
        let mut model = (*inner.model).clone();
        // The rules are a flat array (read by every query): copied here once for the
        // changeset, each entry a few reference counts.
        let account_rules = Arc::make_mut(&mut model.account_rules);
        for &idx in &affected {
            let Some(acc) = accounts.get(idx) else {
                continue;
            };
            let rules = crate::model::snapshot::account_rules_of(
                idx,
                acc,
                &accounts,
                &inner.price_scopes,
                &inner.assignments,
                &inner.vis_scopes,
                &inner.visibility_rules,
                &inner.experiments,
            );
            if let Some(slot) = account_rules.get_mut(idx as usize) {
                *slot = rules;
            }
        }
        model.accounts = accounts;
        let mut log = inner.log.clone();
        log.push_back(entry);
        Some(Ok(Snapshot::from_inner(Built {
            version: inner.version.saturating_add(1),
            model: Arc::new(model),
            lists: inner.lists.clone(),
            sku_lists: inner.sku_lists.clone(),
            log,
            origin: inner.origin.clone(),
        })))
    }
}
