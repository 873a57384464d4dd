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
    /// Replay was given a base dataset other than the one the history starts from: replaying
    /// the log on it would make versions that never existed.
    #[error(
        "the base dataset is not the one this history starts from (its fingerprint is {found:016x}, the history's {expected:016x}): replay from the data version 1 was built from"
    )]
    BaseMismatch {
        /// The fingerprint of the history's first data ([`Snapshot::origin_fingerprint`]).
        expected: u64,
        /// The fingerprint of the base given.
        found: u64,
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
        let mut problems = Vec::new();
        crate::model::ids::check_changeset(changeset, &mut problems);
        if !problems.is_empty() {
            return Err(ApplyError::Invalid {
                changeset: match crate::id::IdFault::of(&changeset.id) {
                    None => changeset.id.clone(),
                    Some(_) => crate::id::shown(&changeset.id),
                },
                error: BuildError::new(problems),
            });
        }
        if changeset.base_version != inner.version {
            return Err(ApplyError::Conflict {
                changeset: changeset.id.clone(),
                base_version: changeset.base_version,
                version: inner.version,
            });
        }
        // The history starts here if this is its first change: fingerprint its data now.
        self.origin_fingerprint();
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
            origin: inner.origin.clone(),
        }))
    }

    /// The fingerprint of the data this snapshot's history starts from: version 1's data, as
    /// [`Snapshot::to_dataset`] gives it. Every version of one history has the same; a snapshot
    /// built from equal data has the same in any process, on any platform (FNV-1a 64 of the
    /// data's canonical JSON; a release that changes the dataset format may change it).
    ///
    /// Computed once a history, on its first change or its first call, and kept in the change log.
    ///
    /// ```
    /// use tradeterms::{Dataset, Snapshot};
    /// let data = Dataset::from_json(r#"{ "accounts": [{ "id": "a", "name": "A", "currency": "USD" }] }"#).unwrap();
    /// let snapshot = Snapshot::from_dataset(&data).unwrap();
    /// assert_eq!(snapshot.origin_fingerprint(), Snapshot::from_dataset(&data).unwrap().origin_fingerprint());
    /// ```
    pub fn origin_fingerprint(&self) -> u64 {
        // The cell is unset only on version 1 with an empty log (see `Built::origin`), so the
        // data hashed here is always the history's first.
        *self
            .inner()
            .origin
            .get_or_init(|| fingerprint(&self.to_dataset()))
    }

    /// Rebuilds the snapshot as it was at `version`, from the dataset this snapshot's history
    /// started from and its change log: what a buyer was quoted and why, months later.
    ///
    /// # Errors
    /// [`ApplyError::BaseMismatch`] when `base` is not the data this history starts from (its
    /// [`Snapshot::origin_fingerprint`] differs), [`ApplyError::UnknownVersion`] for a version
    /// the log does not reach, [`ApplyError::Invalid`] when `base` does not build.
    pub fn replay(&self, base: &Dataset, version: u64) -> Result<Snapshot, ApplyError> {
        let mut snapshot = Snapshot::from_dataset(base).map_err(|error| ApplyError::Invalid {
            changeset: "(base dataset)".into(),
            error,
        })?;
        let (expected, found) = (self.origin_fingerprint(), snapshot.origin_fingerprint());
        if expected != found {
            return Err(ApplyError::BaseMismatch { expected, found });
        }
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

/// FNV-1a 64 of a dataset's JSON: a fixed, seedless hash, the same in every process and on every
/// platform (serde_json writes no platform-dependent bytes, and a dataset holds no hash maps:
/// attributes are sorted maps). Not a defence against a forged base, only against a wrong one.
fn fingerprint(data: &Dataset) -> u64 {
    struct Fnv(u64);
    impl std::io::Write for Fnv {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            for &b in buf {
                self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
            }
            Ok(buf.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut hash = Fnv(0xcbf2_9ce4_8422_2325);
    // Serialising a dataset cannot fail (every map key is a string) and the writer never does;
    // were it to, the hash of what was written is still a fixed function of the data.
    let _ = serde_json::to_writer(&mut hash, data);
    hash.0
}
