//! Integer handles: an account, a user or a SKU looked up once, then used for many lines.
//!
//! A host that prices many lines for the same few accounts and users (a cart, an order import,
//! a storefront listing) pays three string lookups per [`Snapshot::quote`]. A handle is the
//! snapshot's own index of the entity, taken once with [`Snapshot::account_handle`],
//! [`Snapshot::user_handle`] or [`Snapshot::sku_handle`]; [`Snapshot::quote_by`] and
//! [`Snapshot::resolve_by`] then skip the lookups and run exactly the decision `quote` and
//! `resolve` run, in the same order (SEMANTICS R1-R3: who asks, then the account, then the SKU).
//!
//! **Handles are a host's tool, never a buyer's.** A handle exists only for an id the snapshot
//! has, so `sku_handle` tells a missing SKU from a hidden one, as
//! [`Snapshot::sku_exists`] does: the host must not show a buyer the difference. When a
//! buyer's SKU has no handle, answer the line as `NotVisible` (the answer `quote` gives for it),
//! or send that line through the string path.
//!
//! **Which snapshot a handle belongs to.** A handle carries the identity of the table it was
//! taken from (the address of the snapshot's account index, user table or catalogue) and
//! borrows the snapshot it came from, so that table stays alive, and no other table can take
//! its address, while the handle exists. It is valid with the snapshot it came from, its clones,
//! and every later version that shares that table: a change to prices, assignments or rules
//! keeps every handle; a change to the account tree keeps account handles (accounts keep their
//! indexes); adding or removing accounts, users or SKUs rebuilds the table, and its handles
//! are then refused. Used with a snapshot whose table is another, a handle gives
//! [`ResolveError::ForeignHandle`], never an answer about another entity.

use crate::decide::audience::Audience;
use crate::decide::core::Party;
use crate::decide::entitlement::Entitled;
use crate::decide::quote::Quote;
use crate::decide::resolution::{Context, Query, Resolution};
use crate::error::{EntityKind, ResolveError};
use crate::model::snapshot::Snapshot;
use jiff::Timestamp;
use std::marker::PhantomData;

/// The address of a table: what a handle checks it is used with.
fn stamp<T>(table: &T) -> usize {
    std::ptr::from_ref(table).addr()
}

macro_rules! handle {
    ($(#[$doc:meta])* $name:ident, $kind:expr) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $name<'s> {
            index: u32,
            /// The address of the table `index` came from (see the module doc).
            table: usize,
            snapshot: PhantomData<&'s Snapshot>,
        }

        impl std::fmt::Debug for $name<'_> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                // The table's address changes from run to run: left out.
                write!(f, concat!(stringify!($name), "({})"), self.index)
            }
        }

        impl<'s> $name<'s> {
            fn new<T>(index: u32, table: &'s T) -> Self {
                $name {
                    index,
                    table: stamp(table),
                    snapshot: PhantomData,
                }
            }

            /// The index, if the handle was taken from `table`.
            fn index_in<T>(self, table: &T) -> Result<u32, ResolveError> {
                if self.table == stamp(table) {
                    Ok(self.index)
                } else {
                    Err(ResolveError::ForeignHandle($kind))
                }
            }
        }
    };
}

handle!(
    /// An account of one snapshot, looked up once ([`Snapshot::account_handle`]).
    ///
    /// Valid with that snapshot, its clones and later versions that keep its accounts (see
    /// [`Snapshot::quote_by`]).
    ///
    /// ```
    /// use tradeterms::{Dataset, Snapshot};
    /// let dataset: Dataset = serde_json::from_str(include_str!("../../examples/data/demo.json")).unwrap();
    /// let snapshot = Snapshot::from_dataset(&dataset).unwrap();
    /// let a = snapshot.account_handle("abb-north").unwrap();
    /// assert_eq!(snapshot.account_handle("abb-north"), Some(a));
    /// assert!(snapshot.account_handle("nobody").is_none());
    /// ```
    AccountHandle,
    EntityKind::Account
);

handle!(
    /// A user of one snapshot, looked up once ([`Snapshot::user_handle`]).
    ///
    /// ```
    /// use tradeterms::{Dataset, Snapshot};
    /// let dataset: Dataset = serde_json::from_str(include_str!("../../examples/data/demo.json")).unwrap();
    /// let snapshot = Snapshot::from_dataset(&dataset).unwrap();
    /// assert!(snapshot.user_handle("john").is_some());
    /// ```
    UserHandle,
    EntityKind::User
);

handle!(
    /// A catalogue item of one snapshot, looked up once ([`Snapshot::sku_handle`]). A host's
    /// tool: it exists for hidden SKUs too (see [`Snapshot::sku_handle`]).
    ///
    /// ```
    /// use tradeterms::{Dataset, Snapshot};
    /// let dataset: Dataset = serde_json::from_str(include_str!("../../examples/data/demo.json")).unwrap();
    /// let snapshot = Snapshot::from_dataset(&dataset).unwrap();
    /// assert!(snapshot.sku_handle("DRILL-18V").is_some());
    /// assert!(snapshot.sku_handle("NO-SUCH-SKU").is_none());
    /// ```
    SkuHandle,
    EntityKind::Sku
);

/// A [`Query`] by handles: the same question, its ids looked up once. Answered by
/// [`Snapshot::quote_by`] and [`Snapshot::resolve_by`].
///
/// ```
/// use tradeterms::{Dataset, HandleQuery, Snapshot};
/// let dataset: Dataset = serde_json::from_str(include_str!("../../examples/data/demo.json")).unwrap();
/// let snapshot = Snapshot::from_dataset(&dataset).unwrap();
/// let (account, user) = (snapshot.account_handle("abb-north").unwrap(), snapshot.user_handle("john").unwrap());
/// let sku = snapshot.sku_handle("DRILL-18V").unwrap();
/// let q = HandleQuery::new(account, user, sku, 2, "2026-06-01T00:00:00Z".parse().unwrap());
/// assert_eq!(q.qty, 2);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct HandleQuery<'s> {
    /// The account acted for.
    pub account: AccountHandle<'s>,
    /// The acting user.
    pub user: UserHandle<'s>,
    /// The SKU asked about.
    pub sku: SkuHandle<'s>,
    /// Quantity, more than zero; decimals within the SKU's `quantity_decimals` (U6).
    pub qty: crate::quantity::Quantity,
    /// The instant the question is asked for.
    pub at: Timestamp,
    /// Who will read the answer (SEMANTICS A1-A3).
    pub audience: Audience,
}

impl<'s> HandleQuery<'s> {
    /// Builds a query by handles, for the `Operator` audience.
    pub fn new(
        account: AccountHandle<'s>,
        user: UserHandle<'s>,
        sku: SkuHandle<'s>,
        qty: impl Into<crate::quantity::Quantity>,
        at: Timestamp,
    ) -> HandleQuery<'s> {
        HandleQuery {
            account,
            user,
            sku,
            qty: qty.into(),
            at,
            audience: Audience::Operator,
        }
    }

    /// The same query, answered for `audience`.
    #[must_use]
    pub fn with_audience(self, audience: Audience) -> HandleQuery<'s> {
        HandleQuery { audience, ..self }
    }

    /// The same query for another SKU (the handles of one snapshot are `Copy`: a host resolving
    /// an order's lines changes only the SKU).
    #[must_use]
    pub fn with_sku(self, sku: SkuHandle<'s>) -> HandleQuery<'s> {
        HandleQuery { sku, ..self }
    }

    /// The same query for another account.
    #[must_use]
    pub fn with_account(self, account: AccountHandle<'s>) -> HandleQuery<'s> {
        HandleQuery { account, ..self }
    }

    /// The same query for another quantity.
    #[must_use]
    pub fn with_qty(self, qty: impl Into<crate::quantity::Quantity>) -> HandleQuery<'s> {
        HandleQuery {
            qty: qty.into(),
            ..self
        }
    }

    /// The same query for another user.
    #[must_use]
    pub fn with_user(self, user: UserHandle<'s>) -> HandleQuery<'s> {
        HandleQuery { user, ..self }
    }
}

impl Snapshot {
    /// The handle of an account, for [`Snapshot::quote_by`] and [`Snapshot::resolve_by`];
    /// `None` if the snapshot has no such account. An operator's or host's call, like
    /// [`Snapshot::account_exists`]: it tells an account that does not exist from one a user
    /// may not act for.
    pub fn account_handle(&self, account: impl AsRef<str>) -> Option<AccountHandle<'_>> {
        let accounts = &self.inner().accounts;
        let index = accounts.lookup(account.as_ref())?;
        Some(AccountHandle::new(index, &*accounts.index))
    }

    /// The handle of a user, for [`Snapshot::quote_by`] and [`Snapshot::resolve_by`]; `None`
    /// if the snapshot has no such user (which `quote` answers with
    /// [`ResolveError::UnknownUser`]).
    pub fn user_handle(&self, user: impl AsRef<str>) -> Option<UserHandle<'_>> {
        let users = &*self.inner().users;
        let index = users.lookup(user.as_ref())?;
        Some(UserHandle::new(index, users))
    }

    /// The handle of a catalogue item, for [`Snapshot::quote_by`] and
    /// [`Snapshot::resolve_by`]; `None` if the catalogue has no such SKU.
    ///
    /// A host's call, never to be answered to a buyer as it is: like [`Snapshot::sku_exists`]
    /// it has a handle for a hidden SKU and none for a missing one, so a buyer who saw the
    /// difference could list the catalogue by probing ids. For a buyer's line whose SKU has no
    /// handle, answer `NotVisible`, as `quote` does.
    pub fn sku_handle(&self, sku: impl AsRef<str>) -> Option<SkuHandle<'_>> {
        let catalog = &*self.inner().catalog;
        let index = catalog.lookup(sku.as_ref())?;
        Some(SkuHandle::new(index, catalog))
    }

    /// The indexes a query by handles names, each checked against this snapshot's tables.
    fn indexes(&self, query: &HandleQuery<'_>) -> Result<(u32, u32, u32), ResolveError> {
        let inner = self.inner();
        Ok((
            query.account.index_in(&*inner.accounts.index)?,
            query.user.index_in(&*inner.users)?,
            query.sku.index_in(&*inner.catalog)?,
        ))
    }

    /// [`Snapshot::quote`] by handles: the same decision and the same answer as `quote` on the
    /// handles' ids, without looking the ids up.
    ///
    /// A handle is valid with the snapshot it was taken from, its clones, and the later
    /// versions that keep the table it indexes (a change to prices, assignments or rules keeps
    /// them all; a change to the account tree keeps account handles; adding or removing an
    /// account, a user or a SKU does not). Handles are a host's tool: see
    /// [`Snapshot::sku_handle`].
    ///
    /// # Errors
    ///
    /// [`ResolveError::ForeignHandle`] for a handle of a table this snapshot does not have
    /// (checked first), then as [`Snapshot::quote`].
    ///
    /// # Example
    ///
    /// ```
    /// use tradeterms::{Dataset, HandleQuery, Query, Snapshot};
    /// let dataset: Dataset = serde_json::from_str(include_str!("../../examples/data/demo.json")).unwrap();
    /// let snapshot = Snapshot::from_dataset(&dataset).unwrap();
    /// let at = "2026-06-01T00:00:00Z".parse().unwrap();
    /// let account = snapshot.account_handle("abb-north").unwrap();
    /// let john = snapshot.user_handle("john").unwrap();
    /// for sku in ["DRILL-18V", "SAW-CIRC"] {
    ///     let by_handle = snapshot.quote_by(&HandleQuery::new(account, john, snapshot.sku_handle(sku).unwrap(), 2, at)).unwrap();
    ///     assert_eq!(by_handle, snapshot.quote(&Query::new("abb-north", "john", sku, 2, at)).unwrap());
    /// }
    /// // A handle of another snapshot is refused.
    /// let other = Snapshot::from_dataset(&dataset).unwrap();
    /// let foreign = other.account_handle("abb-north").unwrap();
    /// let q = HandleQuery::new(foreign, john, snapshot.sku_handle("DRILL-18V").unwrap(), 2, at);
    /// assert!(snapshot.quote_by(&q).is_err());
    /// ```
    pub fn quote_by(&self, query: &HandleQuery<'_>) -> Result<Quote, ResolveError> {
        let (asked, _, _, sku) = self.asked_by(query)?;
        self.quote_asked(
            asked,
            || self.line_sku_at(sku),
            query.qty,
            None,
            query.audience,
        )
    }

    /// The party of a handle query, checked as `quote_by` and `resolve_by` both check it:
    /// handles first, then the quantity, then the user's entitlement (R1, R2). Handle queries
    /// name no context: the account's currency, no channel or country. Also returns the account,
    /// the user's record and the SKU, by index.
    #[expect(
        clippy::type_complexity,
        reason = "the party of the decision core and the three resolved handles, used once each by two callers"
    )]
    fn asked_by<'s>(
        &'s self,
        query: &HandleQuery<'_>,
    ) -> Result<
        (
            Result<(Party<'s>, Entitled<'s>), Entitled<'s>>,
            u32,
            &'s crate::model::access::UserRec,
            u32,
        ),
        ResolveError,
    > {
        let (account, user, sku) = self.indexes(query)?;
        let inner = self.inner();
        crate::decide::core::warm(inner, Some(account), Some(user), Some(sku));
        if query.qty.is_zero() {
            return Err(ResolveError::ZeroQuantity(
                inner.catalog.sku_of(sku).clone(),
            ));
        }
        let user = inner
            .users
            .get(user)
            .ok_or(ResolveError::ForeignHandle(EntityKind::User))?;
        let asked = self.party_of(
            self.asker(user, Some(account)),
            query.at,
            None,
            &Context::default(),
        )?;
        Ok((asked, account, user, sku))
    }

    /// [`Snapshot::resolve`] by handles: the same decision and the same explained answer as
    /// `resolve` on the handles' ids (its `query` names them), without looking the ids up.
    /// Which snapshots a handle is valid with: see [`Snapshot::quote_by`].
    ///
    /// # Errors
    ///
    /// [`ResolveError::ForeignHandle`] for a handle of a table this snapshot does not have
    /// (checked first), then as [`Snapshot::resolve`].
    ///
    /// # Example
    ///
    /// ```
    /// use tradeterms::{Dataset, HandleQuery, Query, Snapshot};
    /// let dataset: Dataset = serde_json::from_str(include_str!("../../examples/data/demo.json")).unwrap();
    /// let snapshot = Snapshot::from_dataset(&dataset).unwrap();
    /// let at = "2026-06-01T00:00:00Z".parse().unwrap();
    /// let q = HandleQuery::new(
    ///     snapshot.account_handle("abb-north").unwrap(),
    ///     snapshot.user_handle("john").unwrap(),
    ///     snapshot.sku_handle("DRILL-18V").unwrap(),
    ///     2,
    ///     at,
    /// );
    /// let answer = snapshot.resolve_by(&q).unwrap();
    /// assert_eq!(answer, snapshot.resolve(&Query::new("abb-north", "john", "DRILL-18V", 2, at)).unwrap());
    /// ```
    pub fn resolve_by(&self, query: &HandleQuery<'_>) -> Result<Resolution, ResolveError> {
        let (asked, account, user, sku) = self.asked_by(query)?;
        let inner = self.inner();
        let sku_id = inner.catalog.sku_of(sku);
        let named = Query {
            account: inner.accounts.id_of(account).clone(),
            user: user.id.clone(),
            sku: sku_id.clone(),
            qty: query.qty,
            at: query.at,
            unit: None,
            audience: query.audience,
            context: Context::default(),
        };
        self.resolve_asked(asked, || self.line_sku_at(sku), named)
    }
}
