//! A host-facing handle that publishes snapshots atomically.
//!
//! Readers take the current snapshot without locks (an atomic pointer load) and keep answering
//! from it even while a writer publishes the next version; a writer applies a changeset to the
//! current snapshot and swaps the result in. Writers are serialised, so a changeset prepared
//! against a version that is no longer current is refused as a conflict rather than lost, and a
//! changeset that fails validation leaves the current snapshot exactly as it was.
//!
//! Five ways to change what is served, all under the one writer lock: `publish` (a changeset),
//! `update` (a changeset prepared from the current snapshot, retried on conflict),
//! `publish_prepared` (a previewed snapshot, published as it is), `replace` and `reload` (a
//! whole new snapshot, for a full reload), and `truncate_log_before` (the same data, a shorter
//! change log).

use crate::decide::guest::{GuestQuery, GuestResolution, GuestSheet};
use crate::decide::order::answer::{Order, OrderAnswer};
use crate::decide::quote::{Quote, QuoteSheet};
use crate::decide::resolution::{Context, Payment, Query, QueryRef, Resolution};
use crate::decide::sheet::PriceSheet;
use crate::error::ResolveError;
use crate::format::Dataset;
use crate::format::changeset::Changeset;
use crate::govern::changeset::ApplyError;
use crate::govern::impact::answer::{ImpactOptions, Prepared, PreviewError};
use crate::model::snapshot::Snapshot;
use arc_swap::ArcSwap;
use jiff::Timestamp;
use std::sync::{Arc, Mutex, MutexGuard};

/// Holds the current snapshot for a service: lock-free reads, serialised, atomic publishes.
///
/// Resolves, quotes, orders, payment and price and quote sheets are answered from the current
/// snapshot by the methods of the same names. Every other query of a [`Snapshot`] (the lint,
/// impact between two versions, replay, cohorts, the change log, `to_dataset`) is reached one
/// way: `engine.snapshot()`, an `Arc<Snapshot>` that stays consistent, at one version, for as
/// long as it is held, and can be moved into another thread or a response.
///
/// ```
/// use tradeterms::{Dataset, Engine, Query, Snapshot};
/// let dataset = Dataset::from_json(include_str!("../../examples/data/demo.json"))?;
/// let engine = Engine::new(Snapshot::from_dataset(&dataset)?);
/// let at = "2026-06-01T00:00:00Z".parse()?;
/// let answer = engine.resolve(&Query::new("abb-north", "john", "DRILL-18V", 2, at))?;
/// assert_eq!(answer.version, 1);
/// let reader = engine.snapshot(); // an Arc<Snapshot>: consistent for as long as it is held
/// assert_eq!(reader.lint(at).len(), reader.lint(at).len());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Engine {
    current: ArcSwap<Snapshot>,
    writer: Mutex<()>,
}

impl Engine {
    /// How many times [`Engine::update`] prepares a changeset before it gives up
    /// ([`ApplyError::Contended`]).
    pub const UPDATE_ATTEMPTS: u32 = 8;

    /// Starts serving `snapshot`.
    pub fn new(snapshot: Snapshot) -> Engine {
        Engine {
            current: ArcSwap::from_pointee(snapshot),
            writer: Mutex::new(()),
        }
    }

    /// The current snapshot. Every answer from it belongs to one version, whatever is published
    /// meanwhile: the one way to every query of [`Snapshot`] the engine does not answer itself.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.current.load_full()
    }

    /// The current version.
    pub fn version(&self) -> u64 {
        self.current.load().version()
    }

    /// Resolves a query on the current snapshot ([`Snapshot::resolve`]).
    ///
    /// # Errors
    /// As [`Snapshot::resolve`]: a [`ResolveError`] for the query's own inputs (an unknown
    /// user, a quantity of zero, an amount that overflows).
    pub fn resolve(&self, query: &Query) -> Result<Resolution, ResolveError> {
        self.current.load().resolve(query)
    }

    /// Quotes a query on the current snapshot ([`Snapshot::quote`]).
    ///
    /// # Errors
    /// As [`Snapshot::quote`]: a [`ResolveError`] for the query's own inputs.
    pub fn quote(&self, query: &Query) -> Result<Quote, ResolveError> {
        self.current.load().quote(query)
    }

    /// Resolves an order on the current snapshot ([`Snapshot::resolve_order`]).
    ///
    /// # Errors
    /// As [`Snapshot::resolve_order`]: a [`ResolveError`] for the order's own inputs (no
    /// lines, an unknown user, a quantity of zero, a subtotal that overflows).
    pub fn resolve_order(&self, order: &Order) -> Result<OrderAnswer, ResolveError> {
        self.current.load().resolve_order(order)
    }

    /// The payment terms and methods of an account for a user, on the current snapshot
    /// ([`Snapshot::payment`]).
    ///
    /// # Errors
    /// As [`Snapshot::payment`]: [`ResolveError::UnknownUser`] for a user the snapshot does
    /// not have.
    pub fn payment(
        &self,
        account: impl AsRef<str>,
        user: impl AsRef<str>,
    ) -> Result<Payment, ResolveError> {
        self.current.load().payment(account, user)
    }

    /// Resolves a query that borrows its ids on the current snapshot
    /// ([`Snapshot::resolve_ref`]).
    ///
    /// # Errors
    /// As [`Snapshot::resolve`].
    pub fn resolve_ref(&self, query: &QueryRef<'_>) -> Result<Resolution, ResolveError> {
        self.current.load().resolve_ref(query)
    }

    /// Quotes a query that borrows its ids on the current snapshot ([`Snapshot::quote_ref`]):
    /// no id is copied.
    ///
    /// # Errors
    /// As [`Snapshot::quote`].
    pub fn quote_ref(&self, query: &QueryRef<'_>) -> Result<Quote, ResolveError> {
        self.current.load().quote_ref(query)
    }

    /// The price sheet of an account for a user on the current snapshot
    /// ([`Snapshot::price_sheet`]). The sheet holds that snapshot: it streams from one version
    /// whatever is published meanwhile, and a handler can return it.
    ///
    /// # Errors
    /// As [`Snapshot::price_sheet`]: [`ResolveError::ZeroSheetQuantity`] and
    /// [`ResolveError::UnknownUser`] up front.
    ///
    /// ```
    /// use tradeterms::{Dataset, Engine, PriceSheet, Snapshot};
    /// let engine = Engine::new(Snapshot::from_dataset(&Dataset::from_json(include_str!("../../examples/data/demo.json"))?)?);
    /// fn handler(engine: &Engine, account: &str, user: &str) -> Result<PriceSheet, tradeterms::ResolveError> {
    ///     engine.price_sheet(account, user, "2026-06-01T00:00:00Z".parse().unwrap(), 1)
    /// }
    /// let sheet = handler(&engine, "abb-north", "john")?;
    /// assert_eq!(sheet.version(), 1);
    /// assert!(sheet.count() > 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn price_sheet(
        &self,
        account: impl AsRef<str>,
        user: impl AsRef<str>,
        at: Timestamp,
        qty: impl Into<crate::quantity::Quantity>,
    ) -> Result<PriceSheet, ResolveError> {
        let qty: crate::quantity::Quantity = qty.into();
        self.current.load().price_sheet(account, user, at, qty)
    }

    /// [`Engine::price_sheet`] in a context ([`Snapshot::price_sheet_in`]).
    ///
    /// # Errors
    /// As [`Snapshot::price_sheet_in`].
    pub fn price_sheet_in(
        &self,
        account: impl AsRef<str>,
        user: impl AsRef<str>,
        at: Timestamp,
        qty: impl Into<crate::quantity::Quantity>,
        context: &Context,
    ) -> Result<PriceSheet, ResolveError> {
        let qty: crate::quantity::Quantity = qty.into();
        self.current
            .load()
            .price_sheet_in(account, user, at, qty, context)
    }

    /// The lean sheet of an account for a user on the current snapshot
    /// ([`Snapshot::quote_sheet`]), holding that snapshot as [`Engine::price_sheet`]'s does.
    ///
    /// # Errors
    /// As [`Snapshot::quote_sheet`].
    pub fn quote_sheet(
        &self,
        account: impl AsRef<str>,
        user: impl AsRef<str>,
        at: Timestamp,
        qty: impl Into<crate::quantity::Quantity>,
    ) -> Result<QuoteSheet, ResolveError> {
        let qty: crate::quantity::Quantity = qty.into();
        self.current.load().quote_sheet(account, user, at, qty)
    }

    /// [`Engine::quote_sheet`] in a context ([`Snapshot::quote_sheet_in`]).
    ///
    /// # Errors
    /// As [`Snapshot::quote_sheet_in`].
    pub fn quote_sheet_in(
        &self,
        account: impl AsRef<str>,
        user: impl AsRef<str>,
        at: Timestamp,
        qty: impl Into<crate::quantity::Quantity>,
        context: &Context,
    ) -> Result<QuoteSheet, ResolveError> {
        let qty: crate::quantity::Quantity = qty.into();
        self.current
            .load()
            .quote_sheet_in(account, user, at, qty, context)
    }

    /// Answers a guest's question on the current snapshot ([`Snapshot::resolve_guest`]),
    /// redacted for a buyer.
    ///
    /// # Errors
    /// As [`Snapshot::resolve_guest`].
    pub fn resolve_guest(&self, query: &GuestQuery) -> Result<GuestResolution, ResolveError> {
        self.current.load().resolve_guest(query)
    }

    /// Quotes a guest's question on the current snapshot ([`Snapshot::quote_guest`]).
    ///
    /// # Errors
    /// As [`Snapshot::quote_guest`].
    pub fn quote_guest(&self, query: &GuestQuery) -> Result<Quote, ResolveError> {
        self.current.load().quote_guest(query)
    }

    /// The guests' price sheet on the current snapshot ([`Snapshot::guest_sheet`]), holding
    /// that snapshot as [`Engine::price_sheet`]'s does.
    ///
    /// # Errors
    /// As [`Snapshot::guest_sheet`].
    pub fn guest_sheet(
        &self,
        context: &Context,
        at: Timestamp,
        qty: impl Into<crate::quantity::Quantity>,
    ) -> Result<GuestSheet, ResolveError> {
        let qty: crate::quantity::Quantity = qty.into();
        self.current.load().guest_sheet(context, at, qty)
    }

    /// The writer lock. A poisoned lock only means another writer panicked between load and
    /// store, which cannot leave a half-published snapshot: the swap is a single atomic store.
    fn write_lock(&self) -> MutexGuard<'_, ()> {
        self.writer
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Applies a changeset to the current snapshot and publishes the result, returning the new
    /// version. A changeset prepared against another version is refused
    /// ([`ApplyError::Conflict`]); an invalid one is refused whole; either way the current
    /// snapshot is unchanged.
    ///
    /// # Errors
    /// As [`Snapshot::apply`]: [`ApplyError::Conflict`] when the changeset's `base_version`
    /// is not the current version, [`ApplyError::NotFound`] or [`ApplyError::Invalid`] when
    /// it cannot be applied.
    ///
    /// ```
    /// use tradeterms::{ApplyError, Changeset, Dataset, Engine, Snapshot};
    /// let engine = Engine::new(Snapshot::from_dataset(&Dataset::from_json(include_str!("../../examples/data/demo.json"))?)?);
    /// let change = Changeset::from_json(include_str!("../../examples/data/changeset.json"))?;
    /// assert_eq!(engine.publish(&change)?, 2);
    /// // The same changeset again was prepared against version 1: refused, nothing changes.
    /// assert!(matches!(engine.publish(&change), Err(ApplyError::Conflict { .. })));
    /// assert_eq!(engine.version(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn publish(&self, changeset: &Changeset) -> Result<u64, ApplyError> {
        let _guard = self.write_lock();
        let next = self.current.load().apply(changeset)?;
        let version = next.version();
        self.current.store(Arc::new(next));
        Ok(version)
    }

    /// Prepares a changeset from the current snapshot with `prepare` and publishes it,
    /// preparing it again from the new current snapshot when another writer published first:
    /// the way to make a change that depends on the data ("raise every price of this list by
    /// 3 %") without losing a concurrent one. Returns the new version.
    ///
    /// `prepare` is called with the snapshot the change is applied to and may be called up to
    /// [`Engine::UPDATE_ATTEMPTS`] times; the changeset's `base_version` is set to that
    /// snapshot's version. The changeset is applied outside the writer lock, so readers and
    /// other writers are not held up by a slow one; only the swap is serialised.
    ///
    /// # Errors
    /// [`ApplyError::Contended`] when another writer published first on every attempt;
    /// [`ApplyError::NotFound`] or [`ApplyError::Invalid`] when the changeset prepared cannot be
    /// applied (not retried: the same data gives the same changeset).
    ///
    /// ```
    /// use tradeterms::{Changeset, Dataset, Engine, Op, Snapshot};
    /// let engine = Engine::new(Snapshot::from_dataset(&Dataset::from_json(include_str!("../../examples/data/demo.json"))?)?);
    /// let template = Changeset::from_json(include_str!("../../examples/data/changeset.json"))?;
    /// let version = engine.update(|current| {
    ///     template.clone().with_id(format!("reprice-v{}", current.version()))
    /// })?;
    /// assert_eq!(version, 2);
    /// assert_eq!(engine.snapshot().change_log()[0].changeset.id, "reprice-v1");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn update<F>(&self, mut prepare: F) -> Result<u64, ApplyError>
    where
        F: FnMut(&Snapshot) -> Changeset,
    {
        let mut last = String::new();
        for _ in 0..Engine::UPDATE_ATTEMPTS {
            let current = self.current.load_full();
            let mut changeset = prepare(&current);
            changeset.base_version = current.version();
            let next = current.apply(&changeset)?;
            let _guard = self.write_lock();
            if Arc::ptr_eq(&self.current.load(), &current) {
                let version = next.version();
                self.current.store(Arc::new(next));
                return Ok(version);
            }
            last = changeset.id;
        }
        Err(ApplyError::Contended {
            changeset: last,
            attempts: Engine::UPDATE_ATTEMPTS,
        })
    }

    /// Previews a changeset on the current snapshot ([`Snapshot::preview`]): the snapshot it
    /// makes and its impact, nothing published. [`Engine::publish_prepared`] publishes it.
    ///
    /// # Errors
    /// As [`Snapshot::preview`]: [`PreviewError::Apply`] when the changeset cannot be applied,
    /// [`PreviewError::Resolve`] when an answer compared overflows.
    pub fn preview(
        &self,
        changeset: &Changeset,
        options: &ImpactOptions,
    ) -> Result<Prepared, PreviewError> {
        self.current.load().preview(changeset, options)
    }

    /// Publishes the snapshot of a preview as it is, without applying its changeset again (the
    /// apply, its validation and the impact were paid once, when previewing), if the snapshot
    /// it was prepared from is still the one served. Returns the new version.
    ///
    /// # Errors
    /// [`ApplyError::Conflict`] when another change was published since the preview (or the
    /// preview was made on a snapshot this engine does not serve): preview again.
    ///
    /// ```
    /// use tradeterms::{Changeset, Dataset, Engine, ImpactOptions, Snapshot};
    /// let engine = Engine::new(Snapshot::from_dataset(&Dataset::from_json(include_str!("../../examples/data/demo.json"))?)?);
    /// let change = Changeset::from_json(include_str!("../../examples/data/changeset.json"))?;
    /// let prepared = engine.preview(&change, &ImpactOptions::at("2026-06-01T00:00:00Z".parse()?))?;
    /// if prepared.impact().total_changes < 1_000 { // reviewed: publish what was previewed
    ///     assert_eq!(engine.publish_prepared(&prepared)?, 2);
    /// }
    /// // Published once: the same preview is now stale.
    /// assert!(engine.publish_prepared(&prepared).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn publish_prepared(&self, prepared: &Prepared) -> Result<u64, ApplyError> {
        let _guard = self.write_lock();
        let current = self.current.load();
        if !current.same_data(&prepared.base) {
            return Err(ApplyError::Conflict {
                changeset: prepared.changeset.clone(),
                base_version: prepared.base_version(),
                version: current.version(),
            });
        }
        let version = prepared.snapshot.version();
        // The log may have been cut since the preview: publish with the served history.
        self.current
            .store(Arc::new(prepared.snapshot.on_history_of(&current)));
        Ok(version)
    }

    /// Serves `snapshot` in place of the current one, whatever it holds: a full reload (the
    /// nightly export of the ERP), built by the host with [`Snapshot::from_dataset_at`] at a
    /// version above the current one, so that no version number names two different data.
    /// The change log served starts again with `snapshot`'s. Returns its version.
    ///
    /// # Errors
    /// [`ApplyError::NotNewer`] when `snapshot`'s version is not above the current version;
    /// the current snapshot is then unchanged. [`Engine::reload`] picks the version itself.
    ///
    /// ```
    /// use tradeterms::{Dataset, Engine, Snapshot};
    /// let data = Dataset::from_json(include_str!("../../examples/data/demo.json"))?;
    /// let engine = Engine::new(Snapshot::from_dataset(&data)?);
    /// let nightly = Snapshot::from_dataset_at(&data, engine.version() + 1)?;
    /// assert_eq!(engine.replace(nightly)?, 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn replace(&self, snapshot: Snapshot) -> Result<u64, ApplyError> {
        let _guard = self.write_lock();
        let current = self.current.load().version();
        let version = snapshot.version();
        if version <= current {
            return Err(ApplyError::NotNewer { version, current });
        }
        self.current.store(Arc::new(snapshot));
        Ok(version)
    }

    /// Builds `dataset` and serves it in place of the current snapshot, one version above the
    /// current: a full reload. The build runs outside the writer lock (readers and writers go on
    /// meanwhile); the version is taken when the result is swapped in, so it follows whatever
    /// was published during the build. The change log served starts again at that version.
    /// Returns it.
    ///
    /// # Errors
    /// [`ApplyError::InvalidDataset`] when `dataset` does not build (every problem listed);
    /// [`ApplyError::VersionExhausted`] when the current version is `u64::MAX`. The current
    /// snapshot is then unchanged.
    ///
    /// ```
    /// use tradeterms::{Dataset, Engine, Snapshot};
    /// let data = Dataset::from_json(include_str!("../../examples/data/demo.json"))?;
    /// let engine = Engine::new(Snapshot::from_dataset(&data)?);
    /// assert_eq!(engine.reload(&data)?, 2);
    /// assert_eq!(engine.snapshot().log_start(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn reload(&self, dataset: &Dataset) -> Result<u64, ApplyError> {
        let built = Snapshot::from_dataset(dataset)
            .map_err(|error| ApplyError::InvalidDataset { error })?;
        let _guard = self.write_lock();
        let current = self.current.load().version();
        let version = current
            .checked_add(1)
            .ok_or(ApplyError::VersionExhausted { version: current })?;
        self.current.store(Arc::new(built.renumbered(version)));
        Ok(version)
    }

    /// Cuts the served snapshot's change log before `checkpoint`
    /// ([`Snapshot::truncate_log_before`]): the data and version served are unchanged, the
    /// changesets up to the checkpoint's version are dropped. Keep `checkpoint.to_dataset()`
    /// first: replay starts from it afterwards.
    ///
    /// # Errors
    /// [`ApplyError::NotInHistory`] when the checkpoint is not a version of the served
    /// history that its log still holds.
    ///
    /// ```
    /// use tradeterms::{Changeset, Dataset, Engine, Snapshot};
    /// let engine = Engine::new(Snapshot::from_dataset(&Dataset::from_json(include_str!("../../examples/data/demo.json"))?)?);
    /// engine.publish(&Changeset::from_json(include_str!("../../examples/data/changeset.json"))?)?;
    /// let checkpoint = engine.snapshot();
    /// let archive = checkpoint.to_dataset(); // stored by the host with its version
    /// engine.truncate_log_before(&checkpoint)?;
    /// assert_eq!((engine.version(), engine.snapshot().log_start()), (2, 2));
    /// assert_eq!(engine.snapshot().replay(&archive, 2)?.version(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn truncate_log_before(&self, checkpoint: &Snapshot) -> Result<(), ApplyError> {
        let _guard = self.write_lock();
        let cut = self.current.load().truncate_log_before(checkpoint)?;
        self.current.store(Arc::new(cut));
        Ok(())
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
