//! Build, then resolve: the validated, immutable [`Snapshot`]. Its queries live in
//! [`crate::decide`], its changes in [`crate::govern`].

use crate::error::{BuildError, BuildProblem};
use crate::format::Dataset;
use crate::format::changeset::LogEntry;
use crate::id::PriceListId;
use crate::id::{AccountId, Sku};
use crate::model::access::Users;
use crate::model::account::Accounts;
use crate::model::catalog::Catalog;
use crate::model::payment::{self, PayRule};
use crate::model::pricing::build::{AssignmentRec, build_assignments, build_lists};
use crate::model::pricing::ties::{TieIndex, check_ties};
use crate::model::pricing::{ListBody, Lists};
use crate::model::scope::ScopeIndex;
use crate::model::segment::{SegmentRec, build_segments};
use crate::model::validate::{RuleContext, to_u32};
use crate::model::visibility::{self, VisRule};
use crate::money::Currency;
use std::collections::HashMap;
use std::sync::Arc;

/// Everything a snapshot holds except its price lists and history: shared by every version that
/// a change to prices alone produces. Each part is shared separately. The per-account parts
/// (records, precomputed rules) are flat arrays, read in one cache miss by every query; a
/// change to the account tree copies them once per changeset (about 20 ms at 100,000
/// accounts, the `apply/one_account` bench), which price changes never do.
#[derive(Clone, Debug)]
pub(crate) struct Model {
    pub(crate) accounts: Accounts,
    pub(crate) users: Arc<Users>,
    pub(crate) segments: Arc<Vec<SegmentRec>>,
    pub(crate) catalog: Arc<Catalog>,
    pub(crate) assignments: Arc<Vec<AssignmentRec>>,
    pub(crate) visibility_rules: Arc<Vec<VisRule>>,
    pub(crate) payment_rules: Arc<Vec<PayRule>>,
    pub(crate) pay_scopes: Arc<ScopeIndex>,
    /// Scopes of price assignments and visibility rules, to recompute an account's rules.
    pub(crate) price_scopes: Arc<ScopeIndex>,
    pub(crate) vis_scopes: Arc<ScopeIndex>,
    pub(crate) approval_policies: Arc<Vec<crate::model::approval::Policy>>,
    pub(crate) approval_scopes: Arc<ScopeIndex>,
    /// The price and visibility rules reaching each account, by account index. A flat array,
    /// not a persistent vector: every query reads its account's entry, and at 100,000
    /// accounts a persistent vector's lookup follows three levels of nodes (a cache miss
    /// each) where an array takes one. Only a change to the account tree writes it, copying
    /// the array once per changeset (reference counts, not the rules).
    pub(crate) account_rules: Arc<Vec<crate::model::scope::AccountRules>>,
    /// The price and visibility rules reaching a guest, in precedence order (G3), and the
    /// settings a guest is decided with (G4): precomputed like an account's.
    pub(crate) guest_rules: crate::model::scope::AccountRules,
    pub(crate) guest: crate::model::account::AccountRec,
    /// Experiments, for holdout arms.
    pub(crate) experiments: Arc<Vec<crate::model::experiment::ExperimentRec>>,
    /// Price-list index by id.
    pub(crate) list_index: Arc<HashMap<PriceListId, u32>>,
    /// Which assignments could tie, by list, for checking changes to prices incrementally.
    pub(crate) ties: Arc<TieIndex>,
    /// The declared sales channels (C1).
    pub(crate) channels: Arc<crate::model::context::Channels>,
    /// Reference lists ("list prices") by account and currency.
    pub(crate) references: Arc<crate::model::pricing::reference::ReferenceIndex>,
    /// The dataset as given, except that price lists carry no entries (those live, compactly,
    /// in `lists`) and accounts and the catalogue live in `accounts` and `catalog`: what
    /// [`Snapshot::to_dataset`] and changesets start from.
    pub(crate) source: Arc<Dataset>,
}

/// One built version of the engine's data: the shared model, the price lists, the index of
/// lists by SKU and the change log. What a [`Snapshot`] holds behind its `Arc`.
#[derive(Clone, Debug)]
pub(crate) struct Built {
    pub(crate) version: u64,
    pub(crate) model: Arc<Model>,
    pub(crate) lists: Lists,
    /// Which lists price each SKU (kept in step with `lists`).
    pub(crate) sku_lists: crate::model::pricing::SkuLists,
    pub(crate) log: imbl::Vector<Arc<LogEntry>>,
    /// Where the change log starts: the version its first data is at, and that data's
    /// fingerprint; shared by every version of one history.
    pub(crate) origin: Arc<Origin>,
}

/// Where a history's change log starts: the version it was built at (or cut at), and the
/// fingerprint of the data of that version. Replay starts from that data.
#[derive(Debug)]
pub(crate) struct Origin {
    /// The version of the log's first data: the version a snapshot was built at, or the
    /// version the log was cut at. The log holds the changesets that made every later version.
    pub(crate) start: u64,
    /// The fingerprint of that data. Computed once, when the first changeset is applied to the
    /// start version (or when first asked for), never on a build: hashing a large dataset costs.
    /// INVARIANT: unset only on a snapshot at its history's start version with an empty log (a
    /// build, `from_dataset_at`); every apply sets it, from the start version, before deriving
    /// the next, and a cut sets it from the data of the version it cuts at.
    pub(crate) fingerprint: std::sync::OnceLock<u64>,
}

impl Origin {
    /// The origin of a history starting at `start`, its fingerprint not yet computed.
    pub(crate) fn at(start: u64) -> Arc<Origin> {
        Arc::new(Origin {
            start,
            fingerprint: std::sync::OnceLock::new(),
        })
    }
}

impl std::ops::Deref for Built {
    type Target = Model;

    fn deref(&self) -> &Model {
        &self.model
    }
}

/// A validated, immutable view of a [`Dataset`], ready to answer queries.
///
/// Built once with [`Snapshot::from_dataset`], which checks everything and reports every
/// problem; queries never re-validate. It is `Send + Sync` and cloning it is a reference-count
/// increment, so one snapshot can serve any number of threads.
///
/// ```
/// use tradeterms::{Dataset, Query, Snapshot};
/// let dataset: Dataset = serde_json::from_str(r#"{
///   "accounts": [{ "id": "acme", "name": "Acme", "currency": "USD" }],
///   "users": [{ "id": "ann", "name": "Ann", "memberships": [{ "account": "acme", "roles": ["buyer"] }] }],
///   "catalog": [{ "sku": "BOLT", "name": "Bolt" }],
///   "price_lists": [{ "id": "public", "name": "Public", "owner": "pricing", "currency": "USD",
///                     "entries": [{ "sku": "BOLT", "tiers": [{ "min_qty": 1, "unit_price": "0.25" }] }] }],
///   "assignments": [{ "id": "all", "price_list": "public", "scope": "everyone" }]
/// }"#).unwrap();
/// let snapshot = Snapshot::from_dataset(&dataset).unwrap();
/// let answer = snapshot.resolve(&Query::new("acme", "ann", "BOLT", 3, "2026-01-01T00:00:00Z".parse().unwrap())).unwrap();
/// assert_eq!(answer.outcome.price().unwrap().amount.to_string(), "0.75");
/// ```
#[derive(Clone, Debug)]
pub struct Snapshot {
    inner: Arc<Built>,
}

const _: () = {
    const fn assert_send_sync_clone<T: Send + Sync + Clone>() {}
    assert_send_sync_clone::<Snapshot>();
};

/// The parts of a snapshot built from its rules, once accounts, catalogue and lists are built
/// (see [`build_rules`]).
struct Rules {
    assignments: Vec<AssignmentRec>,
    visibility_rules: Vec<VisRule>,
    vis_scopes: ScopeIndex,
    payment_rules: Vec<PayRule>,
    pay_scopes: ScopeIndex,
    approval_policies: Vec<crate::model::approval::Policy>,
    approval_scopes: ScopeIndex,
    references: crate::model::pricing::reference::ReferenceIndex,
    price_scopes: ScopeIndex,
    ties: TieIndex,
    account_rules: Vec<crate::model::scope::AccountRules>,
    guest_rules: crate::model::scope::AccountRules,
    experiments: Vec<crate::model::experiment::ExperimentRec>,
    channels: crate::model::context::Channels,
}

/// The rules of `dataset` validated and precomputed (assignments, visibility, payment and
/// approval rules, reference lists, ties, each account's rules, tax), `problems` being what
/// the build found so far: every problem found, if any, else the [`Rules`].
fn build_rules(
    dataset: &Dataset,
    accounts: &Accounts,
    segments: &[SegmentRec],
    users: &Users,
    catalog: &Catalog,
    lists: &[crate::model::pricing::ListRec],
    mut problems: Vec<BuildProblem>,
) -> Result<Rules, Vec<BuildProblem>> {
    let list_index: HashMap<&str, u32> = lists
        .iter()
        .enumerate()
        .map(|(i, l)| (l.id.as_str(), to_u32(i)))
        .collect();
    let segment_index: HashMap<&str, u32> = segments
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), to_u32(i)))
        .collect();
    let (experiments, experiment_index) =
        crate::model::experiment::build(&dataset.experiments, &mut problems);
    let channels = crate::model::context::Channels::build(&dataset.channels, &mut problems);
    let rule_ctx = RuleContext {
        accounts,
        segments: &segment_index,
        roles: &users.role_names,
        catalog,
        experiments: &experiment_index,
        channels: &channels,
    };
    let assignments = build_assignments(dataset, &list_index, lists, &rule_ctx, &mut problems);
    let (visibility_rules, vis_scopes) =
        visibility::build(&dataset.visibility_rules, &rule_ctx, &mut problems);
    let (payment_rules, pay_scopes) =
        payment::build(&dataset.payment_rules, &rule_ctx, &mut problems);
    let (approval_policies, approval_scopes) =
        crate::model::approval::build(&dataset.approval_policies, &rule_ctx, users, &mut problems);
    let references = crate::model::pricing::reference::ReferenceIndex::build(
        &dataset.reference_lists,
        &list_index,
        lists,
        accounts,
        &mut problems,
    );
    if problems.is_empty() {
        check_ties(
            &assignments,
            lists,
            accounts,
            segments,
            catalog,
            channels.any_guest_prices(),
            &mut problems,
        );
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut price_scopes = ScopeIndex::default();
    for (i, a) in assignments.iter().enumerate() {
        price_scopes.insert(a.scope, to_u32(i));
    }
    let ties = TieIndex::build(&assignments, lists);
    let account_rules = precompute_account_rules(
        accounts,
        &price_scopes,
        &assignments,
        &vis_scopes,
        &visibility_rules,
        &experiments,
    );
    let guest_rules = guest_rules(&price_scopes, &assignments, &vis_scopes, &visibility_rules);
    crate::model::pricing::tax::check_relative(lists, &mut problems);
    crate::model::pricing::tax::check_accounts(
        accounts,
        &account_rules,
        &assignments,
        lists,
        &mut problems,
    );
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Rules {
        assignments,
        visibility_rules,
        vis_scopes,
        payment_rules,
        pay_scopes,
        approval_policies,
        approval_scopes,
        references,
        price_scopes,
        ties,
        account_rules,
        guest_rules,
        experiments,
        channels,
    })
}

/// The error of a build that found `problems`: every refused id of the dataset instead, if any
/// (ids are reported first and alone, so no message repeats a refused id). The build checks
/// price entries' ids only as it reads them, so this is where a failed build makes sure.
fn refused(dataset: &Dataset, problems: Vec<BuildProblem>) -> BuildError {
    let mut ids = Vec::new();
    crate::model::ids::check_dataset(dataset, &mut ids);
    BuildError::new(if ids.is_empty() { problems } else { ids })
}

impl Snapshot {
    /// Validates `dataset` and builds a snapshot at version 1. On failure every problem found is
    /// returned, each naming the ids involved.
    ///
    /// # Errors
    /// A [`BuildError`] listing every problem of the data (dangling references, cycles, ties,
    /// bad prices, ...), each naming the ids to fix. Nothing is built.
    pub fn from_dataset(dataset: &Dataset) -> Result<Snapshot, BuildError> {
        Snapshot::from_dataset_at(dataset, 1)
    }

    /// Validates `dataset` and builds a snapshot at `version`, whose change log starts there:
    /// a host that restarts, or reloads its data in full, continues its version numbers instead
    /// of answering "version 1" twice for two different data. [`Snapshot::replay`] of this
    /// history starts from this data, at this version.
    ///
    /// # Errors
    /// A [`BuildError`] listing every problem of the data, as [`Snapshot::from_dataset`].
    ///
    /// ```
    /// use tradeterms::{Dataset, Snapshot};
    /// let data = Dataset::from_json(r#"{ "accounts": [{ "id": "a", "name": "A", "currency": "USD" }] }"#)?;
    /// // The last version served before the restart was 41 (the host keeps it with its data).
    /// let snapshot = Snapshot::from_dataset_at(&data, 42)?;
    /// assert_eq!((snapshot.version(), snapshot.log_start()), (42, 42));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_dataset_at(dataset: &Dataset, version: u64) -> Result<Snapshot, BuildError> {
        let mut problems = Vec::new();
        crate::model::validate::check_sizes(dataset, &mut problems);
        if !problems.is_empty() {
            return Err(BuildError::new(problems));
        }
        // Ids first: while one is refused nothing else is checked, so no message repeats it.
        // Price entries' ids are checked as their lists are built (where their text is read
        // anyway); every failure below goes through `refused`, which reports refused ids, if
        // any, instead of what the build found.
        crate::model::ids::check_dataset_but_entries(dataset, &mut problems);
        if !problems.is_empty() {
            return Err(refused(dataset, problems));
        }
        // The catalogue (a million SKUs at `large`) is built on a second core while the
        // accounts, segments and users are built here; its problems follow theirs, as when
        // built one after the other.
        let ((accounts, segments, users), (catalog, catalog_problems)) =
            crate::model::parallel::join(
                || {
                    let mut accounts = Accounts::build(&dataset.accounts, &mut problems);
                    let segments = build_segments(dataset, &mut accounts, &mut problems);
                    let users =
                        Users::build(&dataset.roles, &dataset.users, &accounts, &mut problems);
                    (accounts, segments, users)
                },
                || {
                    let mut found = Vec::new();
                    (Catalog::build(&dataset.catalog, &mut found), found)
                },
            );
        problems.extend(catalog_problems);
        let (lists, entry_ids_valid) = build_lists(dataset, &catalog, &mut problems);
        if !entry_ids_valid {
            return Err(refused(dataset, problems));
        }
        // The rules (assignments, visibility, payment and approval rules, ties, each account's
        // precomputed rules), the list index and the copy of the source are made here while a
        // second core indexes the lists by SKU: neither reads the other. On a failed build
        // that side work is wasted, which costs nothing that a successful build would not.
        // (The source is copied only after the rules pass: a condition nested too deep is
        // refused by them, and copying it first would recurse that deep.) The copy and the
        // index were a third of a second on one core after the join at `large`.
        let n_skus = catalog.recs.len();
        let (rules, sku_lists) = crate::model::parallel::join(
            || {
                let rules = build_rules(
                    dataset, &accounts, &segments, &users, &catalog, &lists, problems,
                )?;
                let list_index: HashMap<PriceListId, u32> = lists
                    .iter()
                    .enumerate()
                    .map(|(i, l)| (l.id.clone(), to_u32(i)))
                    .collect();
                let mut source = dataset.clone_without_entries();
                source.price_lists.sort_by(|a, b| a.id.cmp(&b.id));
                Ok((rules, list_index, source))
            },
            || crate::model::pricing::SkuLists::build(&lists, n_skus),
        );
        let (rules, list_index, source) = rules.map_err(|problems| refused(dataset, problems))?;
        let lists: Lists = lists.into_iter().map(Arc::new).collect();
        Ok(Snapshot {
            inner: Arc::new(Built {
                version,
                lists,
                sku_lists,
                log: imbl::Vector::new(),
                origin: Origin::at(version),
                model: Arc::new(Model {
                    accounts,
                    users: Arc::new(users),
                    segments: Arc::new(segments),
                    catalog: Arc::new(catalog),
                    assignments: Arc::new(rules.assignments),
                    visibility_rules: Arc::new(rules.visibility_rules),
                    payment_rules: Arc::new(rules.payment_rules),
                    pay_scopes: Arc::new(rules.pay_scopes),
                    price_scopes: Arc::new(rules.price_scopes),
                    vis_scopes: Arc::new(rules.vis_scopes),
                    approval_policies: Arc::new(rules.approval_policies),
                    approval_scopes: Arc::new(rules.approval_scopes),
                    list_index: Arc::new(list_index),
                    ties: Arc::new(rules.ties),
                    references: Arc::new(rules.references),
                    source: Arc::new(source),
                    experiments: Arc::new(rules.experiments),
                    account_rules: Arc::new(rules.account_rules),
                    guest_rules: rules.guest_rules,
                    guest: crate::model::account::AccountRec::guest(),
                    channels: Arc::new(rules.channels),
                }),
            }),
        })
    }

    /// The version of this snapshot: 1 when built by [`Snapshot::from_dataset`], the version
    /// given to [`Snapshot::from_dataset_at`], one more for each changeset applied since.
    pub fn version(&self) -> u64 {
        self.inner.version
    }

    /// The version the change log starts from: the version this history was built at, or the
    /// version its log was cut at ([`Snapshot::truncate_log_before`]). The log holds the
    /// changeset of every later version; [`Snapshot::replay`] starts from the data of this one.
    ///
    /// ```
    /// use tradeterms::{Dataset, Snapshot};
    /// let data = Dataset::from_json(r#"{ "accounts": [{ "id": "a", "name": "A", "currency": "USD" }] }"#)?;
    /// assert_eq!(Snapshot::from_dataset(&data)?.log_start(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn log_start(&self) -> u64 {
        self.inner.origin.start
    }

    /// The same data and history at another version: only for a snapshot whose log is empty
    /// (a fresh build), which then starts its history at `version`.
    pub(crate) fn renumbered(&self, version: u64) -> Snapshot {
        let inner = &*self.inner;
        let origin = Origin::at(version);
        if let Some(&fp) = inner.origin.fingerprint.get() {
            let _ = origin.fingerprint.set(fp);
        }
        Snapshot::from_inner(Built {
            version,
            model: inner.model.clone(),
            lists: inner.lists.clone(),
            sku_lists: inner.sku_lists.clone(),
            log: imbl::Vector::new(),
            origin,
        })
    }

    /// Every account id, in id order.
    pub fn account_ids(&self) -> impl Iterator<Item = &AccountId> + '_ {
        self.inner.accounts.recs.iter().map(|a| &a.id)
    }

    /// Every SKU, in SKU order.
    pub fn skus(&self) -> impl Iterator<Item = &Sku> + '_ {
        self.inner.catalog.recs.iter().map(|s| &s.sku)
    }

    /// An account's display name.
    pub fn account_name(&self, account: impl AsRef<str>) -> Option<&str> {
        let idx = self.inner.accounts.lookup(account.as_ref())?;
        self.inner.accounts.get(idx).map(|a| a.name.as_str())
    }

    /// A catalogue item's display name.
    pub fn sku_name(&self, sku: impl AsRef<str>) -> Option<&str> {
        let idx = self.inner.catalog.lookup(sku.as_ref())?;
        self.inner.catalog.get(idx).map(|s| &*s.name)
    }

    /// Number of price entries stored in absolute lists (relative lists store none), in
    /// every unit. A stable diagnostic: what the README's per-entry memory and build figures
    /// divide by, and a figure a host may log after a reload.
    pub fn price_entry_count(&self) -> usize {
        self.inner
            .lists
            .iter()
            .map(|l| match &l.body {
                ListBody::Absolute(t) => t.len(),
                ListBody::Relative { .. } => 0,
            })
            .sum()
    }

    /// The accounts in each arm of an experiment, or `None` if there is no such experiment.
    pub fn cohorts(
        &self,
        experiment: impl AsRef<str>,
    ) -> Option<crate::model::experiment::Cohorts> {
        let experiment = experiment.as_ref();
        let inner = &*self.inner;
        let x = inner.experiments.iter().find(|e| e.id == experiment)?;
        let mut treatment = Vec::new();
        let mut holdout = Vec::new();
        for acc in inner.accounts.recs.iter() {
            let top = crate::model::experiment::top(acc, &inner.accounts);
            match x.arm(top.as_str()) {
                crate::model::experiment::Arm::Treatment => treatment.push(acc.id.clone()),
                crate::model::experiment::Arm::Holdout => holdout.push(acc.id.clone()),
            }
        }
        Some(crate::model::experiment::Cohorts {
            experiment: x.id.clone(),
            treatment,
            holdout,
        })
    }

    /// The currency an account is priced in.
    pub fn account_currency(&self, account: impl AsRef<str>) -> Option<Currency> {
        let idx = self.inner.accounts.lookup(account.as_ref())?;
        self.inner.accounts.get(idx).map(|a| a.currency)
    }

    /// Whether `other` holds the same data at the same version: the same snapshot, or one
    /// that differs only in how much of its change log it keeps.
    pub(crate) fn same_data(&self, other: &Snapshot) -> bool {
        let (a, b) = (&*self.inner, &*other.inner);
        // Lists are compared one shared pointer each when the vectors themselves cannot be
        // (imbl keeps a short vector inline, so two clones of it share no allocation).
        let same_lists = a.lists.ptr_eq(&b.lists)
            || (a.lists.len() == b.lists.len()
                && a.lists
                    .iter()
                    .zip(b.lists.iter())
                    .all(|(x, y)| Arc::ptr_eq(x, y)));
        Arc::ptr_eq(&self.inner, &other.inner)
            || (a.version == b.version && Arc::ptr_eq(&a.model, &b.model) && same_lists)
    }

    /// This snapshot, one change after `base` (which holds the same data as the snapshot it
    /// was derived from), with `base`'s history: `base`'s log and this snapshot's last entry.
    /// What is published when the log was cut between the change and its publication.
    pub(crate) fn on_history_of(&self, base: &Snapshot) -> Snapshot {
        let (inner, b) = (&*self.inner, &*base.inner);
        if Arc::ptr_eq(&inner.origin, &b.origin) {
            return self.clone();
        }
        let mut log = b.log.clone();
        if let Some(last) = inner.log.last() {
            log.push_back(last.clone());
        }
        Snapshot::from_inner(Built {
            version: inner.version,
            model: inner.model.clone(),
            lists: inner.lists.clone(),
            sku_lists: inner.sku_lists.clone(),
            log,
            origin: b.origin.clone(),
        })
    }

    pub(crate) fn inner(&self) -> &Built {
        &self.inner
    }

    pub(crate) fn from_inner(inner: Built) -> Snapshot {
        Snapshot {
            inner: Arc::new(inner),
        }
    }
}

/// The price and visibility rules reaching each account, in precedence order.
pub(crate) fn precompute_account_rules(
    accounts: &Accounts,
    price_scopes: &ScopeIndex,
    assignments: &[AssignmentRec],
    vis_scopes: &ScopeIndex,
    visibility_rules: &[VisRule],
    experiments: &[crate::model::experiment::ExperimentRec],
) -> Vec<crate::model::scope::AccountRules> {
    accounts
        .recs
        .iter()
        .enumerate()
        .map(|(i, acc)| {
            account_rules_of(
                to_u32(i),
                acc,
                accounts,
                price_scopes,
                assignments,
                vis_scopes,
                visibility_rules,
                experiments,
            )
        })
        .collect()
}

/// The price and visibility rules reaching a guest (G3): `guests` then `everyone` rules, without
/// role-limited or experiment-tagged ones.
pub(crate) fn guest_rules(
    price_scopes: &ScopeIndex,
    assignments: &[AssignmentRec],
    vis_scopes: &ScopeIndex,
    visibility_rules: &[VisRule],
) -> crate::model::scope::AccountRules {
    use crate::model::scope::guest_indices;
    crate::model::scope::AccountRules {
        prices: crate::model::scope::PriceRule::of(
            guest_indices(price_scopes, assignments, AssignmentRec::tiebreak),
            assignments,
        ),
        visibility: guest_indices(vis_scopes, visibility_rules, VisRule::tiebreak).into(),
        experiments: std::sync::Arc::new([]),
    }
}

/// The price and visibility rules reaching one account.
#[expect(
    clippy::too_many_arguments,
    reason = "the build passes each precomputed index on its own, not bundled in a struct used only here"
)]
pub(crate) fn account_rules_of(
    idx: u32,
    acc: &crate::model::account::AccountRec,
    accounts: &Accounts,
    price_scopes: &ScopeIndex,
    assignments: &[AssignmentRec],
    vis_scopes: &ScopeIndex,
    visibility_rules: &[VisRule],
    experiments: &[crate::model::experiment::ExperimentRec],
) -> crate::model::scope::AccountRules {
    {
        {
            let mut arms = crate::model::experiment::Arms::new(experiments, acc, accounts);
            let prices = crate::model::scope::applicable_indices(
                price_scopes,
                assignments,
                idx,
                acc,
                accounts,
                |a| a.inherit.price_lists,
                |level| level.within(acc.fallback),
                None,
                &mut arms,
                AssignmentRec::tiebreak,
            );
            let visibility = crate::model::scope::applicable_indices(
                vis_scopes,
                visibility_rules,
                idx,
                acc,
                accounts,
                |a| a.inherit.visibility,
                |_| true,
                None,
                &mut arms,
                VisRule::tiebreak,
            );
            crate::model::scope::AccountRules {
                prices: crate::model::scope::PriceRule::of(prices, assignments),
                visibility: visibility.into(),
                experiments: arms.report().into(),
            }
        }
    }
}
