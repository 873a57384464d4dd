//! The fast path of `apply`: a changeset made only of price-entry operations. Only the chunks
//! of the lists it touches are copied, every other part of the snapshot is shared, and ties are
//! re-checked only for the assignments the new prices could reach.

use crate::error::{BuildError, BuildProblem};
use crate::format::changeset::{Changeset, EntityRef, LogEntry, Op};
use crate::govern::changeset::ApplyError;
use crate::model::pricing::build::validate_entry;
use crate::model::pricing::table::PriceTable;
use crate::model::pricing::ties::Ties;
use crate::model::pricing::{ListBody, ListRec};
use crate::model::snapshot::{Built, Snapshot};
use std::collections::BTreeMap;
use std::sync::Arc;

impl Snapshot {
    /// The fast path: only price entries change. Copies the touched chunks of the touched lists;
    /// shares everything else.
    pub(crate) fn apply_entries(
        &self,
        changeset: &Changeset,
        entry: Arc<LogEntry>,
    ) -> Result<Snapshot, ApplyError> {
        let inner = self.inner();
        let mut lists = inner.lists.clone();
        let mut sku_lists = inner.sku_lists.clone();
        let mut problems: Vec<BuildProblem> = Vec::new();
        let mut new_skus: BTreeMap<(u32, u32), ()> = BTreeMap::new();
        let not_found = |what: EntityRef| ApplyError::NotFound {
            changeset: changeset.id.clone(),
            what,
        };
        for op in &changeset.ops {
            let list_id = match op {
                Op::SetEntry { list, .. } | Op::Remove(EntityRef::Entry { list, .. }) => list,
                _ => continue,
            };
            let idx = *inner
                .list_index
                .get(list_id)
                .ok_or_else(|| not_found(EntityRef::PriceList(list_id.clone())))?;
            let Some(current) = lists.get(idx as usize).cloned() else {
                return Err(not_found(EntityRef::PriceList(list_id.clone())));
            };
            if !matches!(current.body, ListBody::Absolute(_)) {
                // A relative list has no entries: removing one removes what does not exist,
                // setting one would give it entries of its own.
                if let Op::Remove(key) = op {
                    return Err(not_found(key.clone()));
                }
                problems.push(BuildProblem::RelativeWithEntries {
                    list: list_id.clone(),
                });
                continue;
            }
            // The table of the entry's unit (U2): the base table, or one per further unit.
            let (unit, table) = match op {
                Op::SetEntry { entry, .. } => {
                    let Some((unit, row)) =
                        validate_entry(list_id, entry, &inner.catalog, &mut problems)
                    else {
                        continue;
                    };
                    let table = current.table(unit).cloned().unwrap_or_default();
                    if table.get(row.sku).is_none() {
                        new_skus.insert((idx, row.sku), ());
                        sku_lists = sku_lists.with_added(idx, row.sku);
                    }
                    (unit, table.with_entry(row))
                }
                Op::Remove(EntityRef::Entry { sku, unit, .. }) => {
                    let what = || EntityRef::Entry {
                        list: list_id.clone(),
                        sku: sku.clone(),
                        unit: unit.clone(),
                    };
                    let sku_idx = inner
                        .catalog
                        .lookup(sku.as_str())
                        .ok_or_else(|| not_found(what()))?;
                    let unit = inner
                        .catalog
                        .get(sku_idx)
                        .and_then(|rec| rec.unit(unit.as_ref().map(|u| u.as_str())))
                        .ok_or_else(|| not_found(what()))?;
                    new_skus.remove(&(idx, sku_idx));
                    let table = current
                        .table(unit.index)
                        .and_then(|t| t.without_entry(sku_idx))
                        .ok_or_else(|| not_found(what()))?;
                    (unit.index, table)
                }
                _ => continue,
            };
            lists.set(idx as usize, Arc::new(current.with_table(unit, table)));
        }
        if problems.is_empty() {
            let ties = Ties {
                assignments: &inner.assignments,
                lists: &lists,
                accounts: &inner.accounts,
                segments: &inner.segments,
                catalog: &inner.catalog,
                guests_priced: inner.channels.any_guest_prices(),
            };
            ties.check_new_entries(
                &inner.ties,
                &sku_lists,
                new_skus.keys().copied(),
                &mut problems,
            );
        }
        if !problems.is_empty() {
            return Err(ApplyError::Invalid {
                changeset: changeset.id.clone(),
                error: BuildError::new(problems),
            });
        }
        let mut log = inner.log.clone();
        log.push_back(entry);
        Ok(Snapshot::from_inner(Built {
            version: inner.version.saturating_add(1),
            model: inner.model.clone(),
            lists,
            sku_lists,
            log,
            origin: inner.origin.clone(),
        }))
    }
}

impl ListRec {
    /// The same absolute list with the table of unit index `unit` replaced.
    fn with_table(&self, unit: u16, table: PriceTable) -> ListRec {
        let mut next = ListRec::clone_header(self);
        next.body = self.body.clone();
        match unit.checked_sub(1) {
            None => next.body = ListBody::Absolute(table),
            Some(i) => {
                let i = usize::from(i);
                while next.unit_tables.len() <= i {
                    next.unit_tables.push(PriceTable::default());
                }
                if let Some(slot) = next.unit_tables.get_mut(i) {
                    *slot = table;
                }
            }
        }
        next
    }

    /// A copy of the list's identity and settings, for rebuilding it with another body.
    pub(crate) fn clone_header(&self) -> ListRec {
        ListRec {
            id: self.id.clone(),
            name: self.name.clone(),
            owner: self.owner.clone(),
            currency: self.currency,
            tier_mode: self.tier_mode,
            valid: self.valid,
            quote_only: self.quote_only,
            tax_included: self.tax_included,
            derive_units: self.derive_units,
            cost: self.cost,
            margins: self.margins,
            clamp: self.clamp,
            has_margins: self.has_margins,
            cost_list: self.cost_list,
            unit_tables: self.unit_tables.clone(),
            body: ListBody::Relative {
                base: 0,
                adjustments: Vec::new(),
            },
        }
    }
}
