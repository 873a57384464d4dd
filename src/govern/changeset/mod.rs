//! Changesets: named, attributed, reasoned changes that turn one snapshot version into the next.
//!
//! `snapshot.apply(&changeset)` validates the result exactly as a build would and returns a new
//! snapshot at version + 1; the old one is untouched. A changeset made only of price-entry
//! operations takes the fast path: only the chunks of the lists it touches are copied, every
//! other part of the snapshot is shared, and ties are re-checked only for the assignments those
//! prices could reach. Any other change is applied to the source data and rebuilt. Either way the
//! snapshot keeps a log of every changeset, from which [`Snapshot::replay`] rebuilds any version.
//!
//! Here: the dispatch between the paths and the rebuild, the log, replay, `to_dataset` and
//! `inverse`. The price-entry fast path is in `entries`, the account-tree path (existing
//! accounts re-parented or re-configured) in `accounts`, the edits of a dataset in `dataset`.

mod accounts;
mod dataset;
mod entries;

use crate::error::BuildError;
use crate::format::changeset::{Changeset, Entity, EntityRef, LogEntry, Op};
use crate::format::{AccountData, Dataset, EntryData};
use crate::govern::changeset::dataset::{Finder, Found, apply_ops};
use crate::model::pricing::ListBody;
use crate::model::snapshot::{Built, Snapshot};
use std::sync::Arc;

impl Changeset {
    /// The changeset that undoes this one: applied to the snapshot this one produced (version
    /// `before.version() + 1`), it restores every entity it touched to its state in `before`.
    pub fn inverse(&self, before: &Snapshot) -> Changeset {
        let data = before.to_dataset();
        let finder = Finder::new(&data);
        let mut keys: Vec<EntityRef> = self.ops.iter().map(Op::touches).collect();
        keys.sort();
        keys.dedup();
        let ops = keys
            .into_iter()
            .map(|key| match finder.find(&key) {
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
        apply_ops(&mut data, &changeset.ops).map_err(|what| ApplyError::NotFound {
            changeset: changeset.id.clone(),
            what,
        })?;
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
