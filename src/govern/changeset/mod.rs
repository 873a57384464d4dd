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
    /// Replay or [`Snapshot::change_log_since`] was asked for a version before the change
    /// log's start: the log was cut there ([`Snapshot::truncate_log_before`]) or the history
    /// was built there ([`Snapshot::from_dataset_at`]).
    #[error(
        "version {version} is before the change log's start at version {start}: replay it from the archive kept before the cut"
    )]
    BeforeLogStart {
        /// The version asked for.
        version: u64,
        /// The first version the log can rebuild ([`Snapshot::log_start`]).
        start: u64,
    },
    /// Replay was given a base dataset other than the one the history starts from: replaying
    /// the log on it would make versions that never existed.
    #[error(
        "the base dataset is not the one this history starts from (its fingerprint is {found:016x}, the history's {expected:016x}): replay from the data of the change log's start version"
    )]
    BaseMismatch {
        /// The fingerprint of the history's first data ([`Snapshot::origin_fingerprint`]).
        expected: u64,
        /// The fingerprint of the base given.
        found: u64,
    },
    /// A dataset given whole (replay's base, [`Engine::reload`](crate::Engine::reload)'s
    /// data) does not build.
    #[error("the dataset given does not build: {error}")]
    InvalidDataset {
        /// Every problem, as a build reports them.
        error: BuildError,
    },
    /// A checkpoint given to [`Snapshot::truncate_log_before`] is not a version of this
    /// history that it still holds.
    #[error(
        "the checkpoint at version {version} is not a version of this history (its log starts at {start} and ends at {latest}): cut at a snapshot this history produced"
    )]
    NotInHistory {
        /// The checkpoint's version.
        version: u64,
        /// The first version the log can rebuild.
        start: u64,
        /// The latest version.
        latest: u64,
    },
    /// The snapshot is at the last version a `u64` counts: no changeset can follow it.
    #[error(
        "the snapshot is at version {version}, the last one: reload the data at a lower version"
    )]
    VersionExhausted {
        /// The snapshot's version.
        version: u64,
    },
    /// A snapshot given to [`Engine::replace`](crate::Engine::replace) is not newer than the
    /// one served: answers would carry one version number for two different data.
    #[error(
        "the snapshot given is at version {version} but the engine already serves version {current}: build it at a higher version (`Snapshot::from_dataset_at`) or use `Engine::reload`"
    )]
    NotNewer {
        /// The version given.
        version: u64,
        /// The version served.
        current: u64,
    },
    /// [`Engine::update`](crate::Engine::update) lost the race to other writers on every
    /// attempt.
    #[error(
        "changeset `{changeset}` lost to other writers {attempts} times in a row: try again later"
    )]
    Contended {
        /// The changeset of the last attempt.
        changeset: String,
        /// How many times it was prepared.
        attempts: u32,
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

crate::error::error_codes!(
    /// Every [`ApplyError::code`], one per variant: stable, renaming one is a breaking change.
    /// A build error inside (`invalid`, `invalid_dataset`) is written as `error`, with its
    /// problems and their codes ([`BuildProblem::CODES`](crate::BuildProblem::CODES));
    /// fingerprints as 16 hexadecimal digits, as the message shows them.
    ///
    /// ```
    /// use tradeterms::ApplyError;
    /// let e = ApplyError::Conflict { changeset: "cs-1".into(), base_version: 3, version: 4 };
    /// let json = serde_json::to_value(&e).unwrap();
    /// assert_eq!((json["code"].as_str(), json["changeset"].as_str()), (Some("conflict"), Some("cs-1")));
    /// assert_eq!((&json["base_version"], &json["version"]), (&3.into(), &4.into()));
    /// assert_eq!(json["message"], e.to_string());
    /// ```
    ApplyError {
        Conflict { changeset, base_version, version } => "conflict",
        NotFound { changeset, what } => "not_found",
        UnknownVersion { version, latest } => "unknown_version",
        BeforeLogStart { version, start } => "before_log_start",
        BaseMismatch { expected as fingerprint_hex, found as fingerprint_hex } => "base_mismatch",
        InvalidDataset { error } => "invalid_dataset",
        NotInHistory { version, start, latest } => "not_in_history",
        VersionExhausted { version } => "version_exhausted",
        NotNewer { version, current } => "not_newer",
        Contended { changeset, attempts } => "contended",
        Invalid { changeset, error } => "invalid",
    }
);

/// A dataset fingerprint as JSON writes it: 16 hexadecimal digits, as messages show it (a
/// 64-bit number would lose digits in JavaScript).
fn fingerprint_hex(value: &u64) -> String {
    format!("{value:016x}")
}

impl Snapshot {
    /// The data this snapshot was built from (with every change applied), as a [`Dataset`]
    /// that builds an equal snapshot. Price entries come back in SKU order.
    pub fn to_dataset(&self) -> Dataset {
        let inner = self.inner();
        let mut data = (*inner.source).clone();
        data.accounts = inner
            .accounts
            .data
            .iter()
            .map(crate::model::account::StoredAccount::to_data)
            .collect();
        data.catalog = inner.catalog.to_data();
        for l in data.price_lists.iter_mut() {
            let Some(rec) = inner
                .list_index
                .get(&l.id)
                .and_then(|&i| inner.lists.get(i as usize))
            else {
                continue;
            };
            if matches!(rec.body, ListBody::Absolute(_)) {
                l.entries = rec
                    .tables()
                    .flat_map(|(unit, table)| table.iter().map(move |(sku, e)| (unit, sku, e)))
                    .filter_map(|(unit, sku, e)| {
                        let sku_rec = inner.catalog.get(sku)?;
                        let decimals = sku_rec.decimals();
                        let q = |steps| crate::quantity::Quantity::from_steps(steps, decimals);
                        Some(EntryData {
                            sku: sku_rec.sku.clone(),
                            tiers: e
                                .tiers
                                .iter()
                                .map(|t| crate::format::TierData {
                                    min_qty: q(t.min_qty),
                                    unit_price: t.unit_price,
                                })
                                .collect(),
                            valid: e.extra.valid,
                            quantity: e.extra.quantity.map(|r| r.to_data(decimals)),
                            quote_above: e.extra.quote_above.map(q),
                            unit: (unit != 0).then(|| {
                                crate::id::UnitId::new(sku_rec.unit_name(
                                    crate::model::catalog::Unit {
                                        index: unit,
                                        contains: 1,
                                    },
                                ))
                            }),
                        })
                    })
                    .collect();
            }
        }
        data
    }

    /// The change log: one entry per changeset applied since the log's start
    /// ([`Snapshot::log_start`]), oldest first. [`Snapshot::change_log_since`] reads it
    /// incrementally, without copying.
    pub fn change_log(&self) -> Vec<LogEntry> {
        self.inner().log.iter().map(|e| (**e).clone()).collect()
    }

    /// The log entries of every version after `version`, oldest first, borrowed: what a host
    /// that persists the log reads after each publish, from the last version it stored.
    ///
    /// # Errors
    /// [`ApplyError::BeforeLogStart`] when `version` is before [`Snapshot::log_start`]: the
    /// entries right after it are no longer held, and an iterator starting later would skip
    /// them silently. A `version` at or after the current one gives an empty iterator.
    ///
    /// ```
    /// use tradeterms::{Changeset, Dataset, Snapshot};
    /// let v1 = Snapshot::from_dataset(&Dataset::from_json(include_str!("../../../examples/data/demo.json"))?)?;
    /// let change = Changeset::from_json(include_str!("../../../examples/data/changeset.json"))?;
    /// let v2 = v1.apply(&change)?;
    /// let ids: Vec<&str> = v2.change_log_since(1)?.map(|e| e.changeset.id.as_str()).collect();
    /// assert_eq!(ids, [change.id.as_str()]);
    /// assert_eq!(v2.change_log_since(2)?.count(), 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn change_log_since(
        &self,
        version: u64,
    ) -> Result<impl Iterator<Item = &LogEntry> + '_, ApplyError> {
        let inner = self.inner();
        let start = inner.origin.start;
        let skip = version
            .checked_sub(start)
            .ok_or(ApplyError::BeforeLogStart { version, start })?;
        // Entry i of the log made version start + 1 + i: those after `version` start at
        // `version - start`, clamped to the log (a later version asks for nothing).
        let skip = usize::try_from(skip)
            .unwrap_or(usize::MAX)
            .min(inner.log.len());
        Ok(inner.log.focus().narrow(skip..).into_iter().map(|e| &**e))
    }

    /// The same snapshot with its change log cut before `checkpoint`: the entries of versions
    /// up to the checkpoint's are dropped, and the log starts at the checkpoint's version, so
    /// a long-running host does not carry every changeset forever. The data and every answer
    /// are unchanged; `self` is untouched.
    ///
    /// The checkpoint is a snapshot of this history (a version the host held, or one rebuilt
    /// with [`Snapshot::replay`]), not a version number, because replay after the cut starts
    /// from the checkpoint's data: keep `checkpoint.to_dataset()`, the new replay base, before
    /// cutting. The history's fingerprint ([`Snapshot::origin_fingerprint`]) becomes that
    /// data's, so replaying on the old base is refused ([`ApplyError::BaseMismatch`]), and
    /// versions before the cut are refused ([`ApplyError::BeforeLogStart`]). A checkpoint at
    /// the log's start changes nothing.
    ///
    /// # Errors
    /// [`ApplyError::NotInHistory`] when the checkpoint's version is outside this log, or it is
    /// not a snapshot this history produced (its last change is not this log's change of that
    /// version).
    ///
    /// ```
    /// use tradeterms::{ApplyError, Changeset, Dataset, Snapshot};
    /// let v1 = Snapshot::from_dataset(&Dataset::from_json(include_str!("../../../examples/data/demo.json"))?)?;
    /// let v2 = v1.apply(&Changeset::from_json(include_str!("../../../examples/data/changeset.json"))?)?;
    /// let base = v2.to_dataset(); // archived by the host: replay's base from now on
    /// let cut = v2.truncate_log_before(&v2)?;
    /// assert_eq!((cut.log_start(), cut.change_log().len()), (2, 0));
    /// assert_eq!(cut.replay(&base, 2)?.version(), 2);
    /// assert!(matches!(cut.replay(&base, 1), Err(ApplyError::BeforeLogStart { .. })));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn truncate_log_before(&self, checkpoint: &Snapshot) -> Result<Snapshot, ApplyError> {
        let inner = self.inner();
        let (start, cut) = (inner.origin.start, checkpoint.version());
        let not_in_history = || ApplyError::NotInHistory {
            version: cut,
            start,
            latest: inner.version,
        };
        let dropped = cut
            .checked_sub(start)
            .filter(|_| cut <= inner.version)
            .and_then(|d| usize::try_from(d).ok())
            .ok_or_else(not_in_history)?;
        if dropped == 0 {
            return Ok(self.clone());
        }
        // The checkpoint's last change must be this log's change of its version: the same
        // entry (shared by every version derived from it), or an equal one (a replay).
        let ours = inner.log.get(dropped.saturating_sub(1));
        let theirs = checkpoint.inner().log.last();
        let same = match (ours, theirs) {
            (Some(a), Some(b)) => a.version == cut && (Arc::ptr_eq(a, b) || a == b),
            _ => false,
        };
        if !same {
            return Err(not_in_history());
        }
        let origin = crate::model::snapshot::Origin::at(cut);
        let _ = origin
            .fingerprint
            .set(fingerprint(&checkpoint.to_dataset()));
        Ok(Snapshot::from_inner(Built {
            version: inner.version,
            model: inner.model.clone(),
            lists: inner.lists.clone(),
            sku_lists: inner.sku_lists.clone(),
            log: inner.log.skip(dropped),
            origin,
        }))
    }

    /// Applies a changeset, returning the snapshot at the next version. The result is validated
    /// exactly as a build would be; `self` is untouched and stays valid for its readers.
    ///
    /// # Errors
    /// [`ApplyError::Conflict`] when the changeset was prepared against another version,
    /// [`ApplyError::NotFound`] when it removes or changes something that does not exist,
    /// [`ApplyError::Invalid`] when the result would not build (every problem listed, as a
    /// build lists them), [`ApplyError::VersionExhausted`] at version `u64::MAX`. Nothing is
    /// half applied: `self` is unchanged either way.
    ///
    /// ```
    /// use tradeterms::{ApplyError, Changeset, Dataset, Snapshot};
    /// let v1 = Snapshot::from_dataset(&Dataset::from_json(include_str!("../../../examples/data/demo.json"))?)?;
    /// let change = Changeset::from_json(include_str!("../../../examples/data/changeset.json"))?;
    /// let v2 = v1.apply(&change)?;
    /// assert_eq!((v1.version(), v2.version()), (1, 2));
    /// assert_eq!(v2.change_log()[0].changeset.id, change.id);
    /// // Prepared against version 1: refused on version 2.
    /// assert!(matches!(v2.apply(&change), Err(ApplyError::Conflict { .. })));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
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
        let next = inner
            .version
            .checked_add(1)
            .ok_or(ApplyError::VersionExhausted {
                version: inner.version,
            })?;
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
            version: next,
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
            version: next,
            model: built.model.clone(),
            lists: built.lists.clone(),
            sku_lists: built.sku_lists.clone(),
            log,
            origin: inner.origin.clone(),
        }))
    }

    /// The fingerprint of the data this snapshot's history starts from: the data of
    /// [`Snapshot::log_start`] (version 1's for a snapshot built by [`Snapshot::from_dataset`]),
    /// as [`Snapshot::to_dataset`] gives it. Every version of one history has the same until its
    /// log is cut ([`Snapshot::truncate_log_before`]), which moves it to the data at the cut; a
    /// snapshot built from equal data has the same in any process, on any platform (FNV-1a 64
    /// of the data's canonical JSON; a release that changes the dataset format may change it).
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
        // The cell is unset only at the history's start version with an empty log (see
        // `Origin::fingerprint`), so the data hashed here is always the history's first.
        *self
            .inner()
            .origin
            .fingerprint
            .get_or_init(|| fingerprint(&self.to_dataset()))
    }

    /// Rebuilds the snapshot as it was at `version`, from the data this snapshot's change log
    /// starts from and the log: what a buyer was quoted and why, months later. `base` is the
    /// data of [`Snapshot::log_start`]: the dataset version 1 was built from, the one given to
    /// [`Snapshot::from_dataset_at`], or, after [`Snapshot::truncate_log_before`], the
    /// checkpoint's `to_dataset()`.
    ///
    /// # Errors
    /// [`ApplyError::BeforeLogStart`] for a version before the log's start,
    /// [`ApplyError::InvalidDataset`] when `base` does not build, [`ApplyError::BaseMismatch`]
    /// when `base` is not the data this log starts from (its [`Snapshot::origin_fingerprint`]
    /// differs), [`ApplyError::UnknownVersion`] for a version after the latest.
    ///
    /// ```
    /// use tradeterms::{Changeset, Dataset, Query, Snapshot};
    /// let base = Dataset::from_json(include_str!("../../../examples/data/demo.json"))?;
    /// let v1 = Snapshot::from_dataset(&base)?;
    /// let v2 = v1.apply(&Changeset::from_json(include_str!("../../../examples/data/changeset.json"))?)?;
    /// let again = v2.replay(&base, 1)?; // months later: version 1, rebuilt
    /// let q = Query::new("abb-north", "john", "DRILL-18V", 2, "2026-06-01T00:00:00Z".parse()?);
    /// assert_eq!(again.resolve(&q)?, v1.resolve(&q)?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn replay(&self, base: &Dataset, version: u64) -> Result<Snapshot, ApplyError> {
        let start = self.log_start();
        if version < start {
            return Err(ApplyError::BeforeLogStart { version, start });
        }
        if version > self.version() {
            return Err(ApplyError::UnknownVersion {
                version,
                latest: self.version(),
            });
        }
        let mut snapshot = Snapshot::from_dataset_at(base, start)
            .map_err(|error| ApplyError::InvalidDataset { error })?;
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
