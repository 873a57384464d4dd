//! A host-facing handle that publishes snapshots atomically.
//!
//! Readers take the current snapshot without locks (an atomic pointer load) and keep answering
//! from it even while a writer publishes the next version; a writer applies a changeset to the
//! current snapshot and swaps the result in. Writers are serialised, so a changeset prepared
//! against a version that is no longer current is refused as a conflict rather than lost, and a
//! changeset that fails validation leaves the current snapshot exactly as it was.

use crate::decide::resolution::{Query, Resolution};
use crate::error::ResolveError;
use crate::format::changeset::Changeset;
use crate::govern::changeset::ApplyError;
use crate::model::snapshot::Snapshot;
use arc_swap::ArcSwap;
use std::sync::{Arc, Mutex};

/// Holds the current snapshot for a service: lock-free reads, serialised, atomic publishes.
///
/// ```
/// use tradeterms::{Dataset, Engine, Snapshot};
/// let dataset: Dataset = serde_json::from_str(include_str!("../../examples/data/demo.json")).unwrap();
/// let engine = Engine::new(Snapshot::from_dataset(&dataset).unwrap());
/// let reader = engine.snapshot(); // an Arc<Snapshot>: consistent for as long as it is held
/// assert_eq!(reader.version(), 1);
/// ```
pub struct Engine {
    current: ArcSwap<Snapshot>,
    writer: Mutex<()>,
}

impl Engine {
    /// Starts serving `snapshot`.
    pub fn new(snapshot: Snapshot) -> Engine {
        Engine {
            current: ArcSwap::from_pointee(snapshot),
            writer: Mutex::new(()),
        }
    }

    /// The current snapshot. Every answer from it belongs to one version, whatever is published
    /// meanwhile.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.current.load_full()
    }

    /// The current version.
    pub fn version(&self) -> u64 {
        self.current.load().version()
    }

    /// Resolves a query on the current snapshot.
    pub fn resolve(&self, query: &Query) -> Result<Resolution, ResolveError> {
        self.current.load().resolve(query)
    }

    /// Applies a changeset to the current snapshot and publishes the result, returning the new
    /// version. A changeset prepared against another version is refused
    /// ([`ApplyError::Conflict`]); an invalid one is refused whole; either way the current
    /// snapshot is unchanged.
    pub fn publish(&self, changeset: &Changeset) -> Result<u64, ApplyError> {
        // A poisoned lock only means another writer panicked between load and store, which
        // cannot leave a half-published snapshot: the swap is a single atomic store.
        let _guard = self
            .writer
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let next = self.current.load().apply(changeset)?;
        let version = next.version();
        self.current.store(Arc::new(next));
        Ok(version)
    }
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("version", &self.version())
            .finish()
    }
}

const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Engine>();
};
