//! Changesets: named, attributed, reasoned changes that turn one snapshot version into the next.
//!
//! `snapshot.apply(&changeset)` validates the result exactly as a build would and returns a new
//! snapshot at version + 1; the old one is untouched. A changeset made only of price-entry
//! operations takes the fast path: only the chunks of the lists it touches are copied, every
//! other part of the snapshot is shared, and ties are re-checked only for the assignments those
//! prices could reach. Any other change is applied to the source data and rebuilt. Either way the
//! snapshot keeps a log of every changeset, from which [`Snapshot::replay`] rebuilds any version.

use crate::error::{BuildError, BuildProblem};
use crate::format::changeset::{Changeset, Entity, EntityRef, LogEntry, Op};
use crate::format::{AccountData, Dataset, EntryData};
use crate::id::PriceListId;
use crate::model::pricing::build::validate_entry;
use crate::model::pricing::ties::Ties;
use crate::model::pricing::{ListBody, ListRec};
use crate::model::snapshot::{Built, Snapshot};
use std::collections::BTreeMap;
use std::sync::Arc;

impl Changeset {
    /// The changeset that undoes this one: applied to the snapshot this one produced (version
    /// `before.version() + 1`), it restores every entity it touched to its state in `before`.
    pub fn inverse(&self, before: &Snapshot) -> Changeset {
        let data = before.to_dataset();
        let mut keys: Vec<EntityRef> = self.ops.iter().map(Op::touches).collect();
        keys.sort();
        keys.dedup();
        let ops = keys
            .into_iter()
            .map(|key| match find(&data, &key) {
                Some(Found::Entity(e)) => Op::Upsert(e),
                Some(Found::Entry(list, entry)) => Op::SetEntry { list, entry },
                None => Op::Remove(key),
            })
            .collect();
        Changeset {
            id: format!("{}-inverse", self.id),
            author: self.author.clone(),
            reason: format!("undo {}: {}", self.id, self.reason),
            at: self.at,
            base_version: before.version().saturating_add(1),
            ops,
        }
    }
}

/// Why a changeset was not applied. Nothing is ever half applied: on error the snapshot is
/// unchanged.
///
/// ```
/// use tradeterms::ApplyError;
/// let e = ApplyError::Conflict { changeset: "cs-1".into(), base_version: 3, version: 4 };
/// assert!(e.to_string().contains("prepared against version 3"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ApplyError {
    /// The changeset was prepared against another version.
    #[error(
        "changeset `{changeset}` was prepared against version {base_version} but the snapshot is at version {version}: prepare it again against the current version"
    )]
    Conflict {
        /// The changeset.
        changeset: String,
        /// The version it was prepared against.
        base_version: u64,
        /// The snapshot's version.
        version: u64,
    },
    /// An operation names something that does not exist.
    #[error("changeset `{changeset}` removes or changes {what}, which does not exist")]
    NotFound {
        /// The changeset.
        changeset: String,
        /// What is missing.
        what: EntityRef,
    },
    /// Replay was asked for a version this snapshot's history does not reach.
    #[error("version {version} is not in the change log (the latest is {latest})")]
    UnknownVersion {
        /// The version asked for.
        version: u64,
        /// The latest version in the log.
        latest: u64,
    },
    /// The result would not be a valid dataset.
    #[error("changeset `{changeset}` would make the data invalid: {error}")]
    Invalid {
        /// The changeset.
        changeset: String,
        /// Every problem, as a build would report them.
        error: BuildError,
    },
}

/// Where a key was found in a dataset.
enum Found {
    Entity(Entity),
    Entry(PriceListId, EntryData),
}

fn find(data: &Dataset, key: &EntityRef) -> Option<Found> {
    let e = |e: Entity| Some(Found::Entity(e));
    match key {
        EntityRef::Account(id) => data
            .accounts
            .iter()
            .find(|a| &a.id == id)
            .and_then(|a| e(Entity::Account(a.clone()))),
        EntityRef::Role(id) => data
            .roles
            .iter()
            .find(|r| &r.name == id)
            .and_then(|r| e(Entity::Role(r.clone()))),
        EntityRef::User(id) => data
            .users
            .iter()
            .find(|u| &u.id == id)
            .and_then(|u| e(Entity::User(u.clone()))),
        EntityRef::Segment(id) => data
            .segments
            .iter()
            .find(|s| &s.id == id)
            .and_then(|s| e(Entity::Segment(s.clone()))),
        EntityRef::Sku(id) => data
            .catalog
            .iter()
            .find(|s| &s.sku == id)
            .and_then(|s| e(Entity::Sku(s.clone()))),
        EntityRef::PriceList(id) => data
            .price_lists
            .iter()
            .find(|l| &l.id == id)
            .and_then(|l| e(Entity::PriceList(l.clone()))),
        EntityRef::Entry { list, sku } => data
            .price_lists
            .iter()
            .find(|l| &l.id == list)
            .and_then(|l| l.entries.iter().find(|x| &x.sku == sku))
            .map(|entry| Found::Entry(list.clone(), entry.clone())),
        EntityRef::Assignment(id) => data
            .assignments
            .iter()
            .find(|a| &a.id == id)
            .and_then(|a| e(Entity::Assignment(a.clone()))),
        EntityRef::VisibilityRule(id) => data
            .visibility_rules
            .iter()
            .find(|r| &r.id == id)
            .and_then(|r| e(Entity::VisibilityRule(r.clone()))),
        EntityRef::PaymentRule(id) => data
            .payment_rules
            .iter()
            .find(|r| &r.id == id)
            .and_then(|r| e(Entity::PaymentRule(r.clone()))),
        EntityRef::ApprovalPolicy(id) => data
            .approval_policies
            .iter()
            .find(|p| &p.id == id)
            .and_then(|p| e(Entity::ApprovalPolicy(p.clone()))),
    }
}

/// Replaces the item with the same id, or appends it.
fn upsert<T>(items: &mut Vec<T>, item: T, same: impl Fn(&T, &T) -> bool) {
    match items.iter().position(|x| same(x, &item)) {
        Some(pos) => {
            if let Some(slot) = items.get_mut(pos) {
                *slot = item;
            }
        }
        None => items.push(item),
    }
}

/// Removes the item matching `is`; `false` if there was none.
fn remove<T>(items: &mut Vec<T>, is: impl Fn(&T) -> bool) -> bool {
    let before = items.len();
    items.retain(|x| !is(x));
    items.len() != before
}

/// Applies one operation to a dataset; `Err` names what is missing.
fn apply_op(data: &mut Dataset, op: &Op) -> Result<(), EntityRef> {
    match op {
        Op::Upsert(entity) => match entity.clone() {
            Entity::Account(a) => upsert(&mut data.accounts, a, |x, y| x.id == y.id),
            Entity::Role(r) => upsert(&mut data.roles, r, |x, y| x.name == y.name),
            Entity::User(u) => upsert(&mut data.users, u, |x, y| x.id == y.id),
            Entity::Segment(s) => upsert(&mut data.segments, s, |x, y| x.id == y.id),
            Entity::Sku(s) => upsert(&mut data.catalog, s, |x, y| x.sku == y.sku),
            Entity::PriceList(l) => upsert(&mut data.price_lists, l, |x, y| x.id == y.id),
            Entity::Assignment(a) => upsert(&mut data.assignments, a, |x, y| x.id == y.id),
            Entity::VisibilityRule(r) => upsert(&mut data.visibility_rules, r, |x, y| x.id == y.id),
            Entity::PaymentRule(r) => upsert(&mut data.payment_rules, r, |x, y| x.id == y.id),
            Entity::ApprovalPolicy(p) => {
                upsert(&mut data.approval_policies, p, |x, y| x.id == y.id)
            }
        },
        Op::SetEntry { list, entry } => {
            let l = data
                .price_lists
                .iter_mut()
                .find(|l| &l.id == list)
                .ok_or_else(|| EntityRef::PriceList(list.clone()))?;
            upsert(&mut l.entries, entry.clone(), |x, y| x.sku == y.sku);
        }
        Op::Remove(key) => {
            let found = match key {
                EntityRef::Account(id) => remove(&mut data.accounts, |x| &x.id == id),
                EntityRef::Role(id) => remove(&mut data.roles, |x| &x.name == id),
                EntityRef::User(id) => remove(&mut data.users, |x| &x.id == id),
                EntityRef::Segment(id) => remove(&mut data.segments, |x| &x.id == id),
                EntityRef::Sku(id) => remove(&mut data.catalog, |x| &x.sku == id),
                EntityRef::PriceList(id) => remove(&mut data.price_lists, |x| &x.id == id),
                EntityRef::Entry { list, sku } => data
                    .price_lists
                    .iter_mut()
                    .find(|l| &l.id == list)
                    .is_some_and(|l| remove(&mut l.entries, |x| &x.sku == sku)),
                EntityRef::Assignment(id) => remove(&mut data.assignments, |x| &x.id == id),
                EntityRef::VisibilityRule(id) => {
                    remove(&mut data.visibility_rules, |x| &x.id == id)
                }
                EntityRef::PaymentRule(id) => remove(&mut data.payment_rules, |x| &x.id == id),
                EntityRef::ApprovalPolicy(id) => {
                    remove(&mut data.approval_policies, |x| &x.id == id)
                }
            };
            if !found {
                return Err(key.clone());
            }
        }
    }
    Ok(())
}

impl Snapshot {
    /// The data this snapshot was built from (with every change applied), as a [`Dataset`]
    /// that builds an equal snapshot. Price entries come back in SKU order.
    pub fn to_dataset(&self) -> Dataset {
        let inner = self.inner();
        let mut data = (*inner.source).clone();
        data.accounts = inner.accounts.data.iter().cloned().collect();
        data.catalog = inner.catalog.to_data();
        for l in data.price_lists.iter_mut() {
            let Some(rec) = inner
                .list_index
                .get(&l.id)
                .and_then(|&i| inner.lists.get(i as usize))
            else {
                continue;
            };
            if let ListBody::Absolute(table) = &rec.body {
                l.entries = table
                    .iter()
                    .filter_map(|(sku, e)| {
                        let id = inner.catalog.get(sku)?.sku.clone();
                        Some(EntryData {
                            sku: id,
                            tiers: e
                                .tiers
                                .iter()
                                .map(|t| crate::format::TierData {
                                    min_qty: t.min_qty,
                                    unit_price: t.unit_price,
                                })
                                .collect(),
                            valid: e.extra.valid,
                            quantity: e.extra.quantity,
                            quote_above: e.extra.quote_above,
                        })
                    })
                    .collect();
            }
        }
        data
    }

    /// The change log: one entry per changeset applied since the snapshot was built, oldest
    /// first.
    pub fn change_log(&self) -> Vec<LogEntry> {
        self.inner().log.iter().map(|e| (**e).clone()).collect()
    }

    /// Applies a changeset, returning the snapshot at the next version. The result is validated
    /// exactly as a build would be; `self` is untouched and stays valid for its readers.
    pub fn apply(&self, changeset: &Changeset) -> Result<Snapshot, ApplyError> {
        let inner = self.inner();
        if changeset.base_version != inner.version {
            return Err(ApplyError::Conflict {
                changeset: changeset.id.clone(),
                base_version: changeset.base_version,
                version: inner.version,
            });
        }
        let only_entries = changeset.ops.iter().all(|op| {
            matches!(
                op,
                Op::SetEntry { .. } | Op::Remove(EntityRef::Entry { .. })
            )
        });
        let mut touched: Vec<EntityRef> = changeset.ops.iter().map(Op::touches).collect();
        touched.sort();
        touched.dedup();
        let entry = Arc::new(LogEntry {
            version: inner.version.saturating_add(1),
            changeset: Arc::new(changeset.clone()),
            touched,
        });
        if only_entries {
            return self.apply_entries(changeset, entry);
        }
        let accounts: Vec<&AccountData> = changeset
            .ops
            .iter()
            .filter_map(|op| match op {
                Op::Upsert(Entity::Account(a)) => Some(a),
                _ => None,
            })
            .collect();
        if accounts.len() == changeset.ops.len()
            && let Some(result) = self.apply_accounts(changeset, &accounts, entry.clone())
        {
            return result;
        }
        let mut data = self.to_dataset();
        for op in &changeset.ops {
            apply_op(&mut data, op).map_err(|what| ApplyError::NotFound {
                changeset: changeset.id.clone(),
                what,
            })?;
        }
        let rebuilt = Snapshot::from_dataset(&data).map_err(|error| ApplyError::Invalid {
            changeset: changeset.id.clone(),
            error,
        })?;
        let mut log = inner.log.clone();
        log.push_back(entry);
        let built = rebuilt.inner();
        Ok(Snapshot::from_inner(Built {
            version: inner.version.saturating_add(1),
            model: built.model.clone(),
            lists: built.lists.clone(),
            sku_lists: built.sku_lists.clone(),
            log,
        }))
    }

    /// The fast path: only price entries change. Copies the touched chunks of the touched lists;
    /// shares everything else.
    fn apply_entries(
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
            let ListBody::Absolute(table) = &current.body else {
                problems.push(BuildProblem::RelativeWithEntries {
                    list: list_id.clone(),
                });
                continue;
            };
            let table = match op {
                Op::SetEntry { entry, .. } => {
                    let Some(row) = validate_entry(list_id, entry, &inner.catalog, &mut problems)
                    else {
                        continue;
                    };
                    if table.get(row.sku).is_none() {
                        new_skus.insert((idx, row.sku), ());
                        sku_lists = sku_lists.with_added(idx, row.sku);
                    }
                    table.with_entry(row)
                }
                Op::Remove(EntityRef::Entry { sku, .. }) => {
                    let what = || EntityRef::Entry {
                        list: list_id.clone(),
                        sku: sku.clone(),
                    };
                    let sku_idx = inner
                        .catalog
                        .lookup(sku.as_str())
                        .ok_or_else(|| not_found(what()))?;
                    new_skus.remove(&(idx, sku_idx));
                    table
                        .without_entry(sku_idx)
                        .ok_or_else(|| not_found(what()))?
                }
                _ => continue,
            };
            lists.set(
                idx as usize,
                Arc::new(ListRec {
                    body: ListBody::Absolute(table),
                    ..ListRec::clone_header(&current)
                }),
            );
        }
        if problems.is_empty() {
            let ties = Ties {
                assignments: &inner.assignments,
                lists: &lists,
                accounts: &inner.accounts,
                segments: &inner.segments,
                catalog: &inner.catalog,
            };
            for &(list, sku) in new_skus.keys() {
                ties.check_new_entry(&inner.ties, list, sku, &mut problems);
            }
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
        }))
    }

    /// The account-tree path: existing accounts re-parented or re-configured (not their
    /// attributes). Only the subtrees they head are recomputed: ancestor chains, effective
    /// settings and the rules reaching each of their accounts; everything else is shared. `None`
    /// when the change needs a rebuild.
    fn apply_accounts(
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
            if let Some(slot) = model.account_rules.get_mut(idx as usize) {
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
        })))
    }

    /// Rebuilds the snapshot as it was at `version`, from the dataset this snapshot's history
    /// started from and its change log: what a buyer was quoted and why, months later.
    pub fn replay(&self, base: &Dataset, version: u64) -> Result<Snapshot, ApplyError> {
        let mut snapshot = Snapshot::from_dataset(base).map_err(|error| ApplyError::Invalid {
            changeset: "(base dataset)".into(),
            error,
        })?;
        for entry in self.inner().log.iter() {
            if entry.version > version {
                break;
            }
            snapshot = snapshot.apply(&entry.changeset)?;
        }
        if snapshot.version() != version {
            return Err(ApplyError::UnknownVersion {
                version,
                latest: self.version(),
            });
        }
        Ok(snapshot)
    }
}

impl ListRec {
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
            body: ListBody::Relative {
                base: 0,
                adjustments: Vec::new(),
            },
        }
    }
}
