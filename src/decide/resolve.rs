//! The explained answer to one query, [`Snapshot::resolve`], and the lookups every query starts
//! with (R1): the SKU and quantity, the account and the user, checked as each call checks them.

use crate::decide::core::{Actor, Party, PartyKey};
use crate::decide::entitlement::Entitled;
use crate::decide::explain::Explain;
use crate::decide::resolution::{Context, Outcome, Query, QueryRef, Resolution, Visibility};
use crate::decide::sheet::PriceSheet;
use crate::error::ResolveError;
use crate::format::Permission;
use crate::id::{AccountId, Sku, UserId};
use crate::model::access::UserRec;
use crate::model::account::AccountRec;
use crate::model::catalog::SkuRec;
use crate::model::context::Ctx;
use crate::model::snapshot::Snapshot;
use jiff::Timestamp;

impl Snapshot {
    /// Answers one query: whether the user may act for the account, whether the SKU is visible
    /// to them, and the explained price of the line. Errors only for the query's own inputs (an
    /// unknown id, a zero quantity) or an amount too large for exact arithmetic.
    ///
    /// # Errors
    /// [`ResolveError::ZeroQuantity`] for a quantity of zero, [`ResolveError::UnknownUser`]
    /// for a user the snapshot does not have, [`ResolveError::Overflow`] when the amount
    /// overflows exact decimal arithmetic. An account or SKU the snapshot does not have is not
    /// an error: it is answered as denied or not visible.
    ///
    /// ```
    /// use tradeterms::{Dataset, Query, Snapshot};
    /// let snapshot = Snapshot::from_dataset(&Dataset::from_json(include_str!("../../examples/data/demo.json"))?)?;
    /// let query = Query::new("abb-north", "john", "DRILL-18V", 2, "2026-06-01T00:00:00Z".parse()?);
    /// let answer = snapshot.resolve(&query)?;
    /// assert_eq!(answer.outcome.price().map(|p| p.amount.to_string()).as_deref(), Some("218.00"));
    /// println!("{answer}"); // the deciding rule, and every losing candidate with its reason
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn resolve(&self, query: &Query) -> Result<Resolution, ResolveError> {
        self.resolve_with(&QueryRef::from(query), || query.clone())
    }

    /// [`Snapshot::resolve`] of a query that borrows its ids: the same decision and the same
    /// answer. The answer echoes the query, so it owns a copy of the three ids; for the lean
    /// answer without any id copied, see [`Snapshot::quote_ref`].
    ///
    /// # Errors
    /// As [`Snapshot::resolve`].
    ///
    /// ```
    /// use tradeterms::{Dataset, Query, QueryRef, Snapshot};
    /// let snapshot = Snapshot::from_dataset(&Dataset::from_json(include_str!("../../examples/data/demo.json"))?)?;
    /// let at = "2026-06-01T00:00:00Z".parse()?;
    /// let answer = snapshot.resolve_ref(&QueryRef::new("abb-north", "john", "DRILL-18V", 2, at))?;
    /// assert_eq!(answer, snapshot.resolve(&Query::new("abb-north", "john", "DRILL-18V", 2, at))?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn resolve_ref(&self, query: &QueryRef<'_>) -> Result<Resolution, ResolveError> {
        self.resolve_with(query, || query.to_query())
    }

    /// The explained answer to a borrowed query, `owned` making the query the answer echoes.
    fn resolve_with(
        &self,
        query: &QueryRef<'_>,
        owned: impl FnOnce() -> Query,
    ) -> Result<Resolution, ResolveError> {
        if query.qty.is_zero() {
            return Err(ResolveError::ZeroQuantity(Sku::new(query.sku)));
        }
        let (asked, sku) = self.party_and_sku(query)?;
        self.resolve_asked(asked, || sku, owned())
    }

    /// The explained decision once the party is known: shared by [`Snapshot::resolve`] and
    /// [`Snapshot::resolve_by`], so both run the same steps in the same order. `sku` is looked
    /// up only for a user who may see the catalogue (R3 after R2).
    pub(crate) fn resolve_asked<'s>(
        &'s self,
        asked: Result<(Party<'s>, Entitled<'s>), Entitled<'s>>,
        sku: impl FnOnce() -> Option<(u32, &'s SkuRec)>,
        query: Query,
    ) -> Result<Resolution, ResolveError> {
        let version = self.inner().version;
        let (party, entitled) = match asked {
            Ok(asked) => asked,
            Err(refused) => return Ok(Resolution::denied(version, query, &refused)),
        };
        let (visibility, outcome) = match sku() {
            Some((sku, rec)) => party
                .explain(sku, rec, query.qty, query.unit.as_ref())
                .map_err(|e| e.for_audience(query.audience))?,
            None => (Some(party.unknown_sku()), Outcome::NotVisible),
        };
        let audience = query.audience;
        Ok(Resolution {
            version,
            query,
            access: entitled.access(),
            visibility,
            experiments: party.experiments(),
            outcome,
        }
        .for_audience(audience))
    }

    /// Streams the account's price sheet for the user at `at`: every SKU visible to them, in SKU
    /// order, with its outcome at quantity `qty` (use 1 for unit prices). Each line agrees with
    /// [`Snapshot::resolve`] for the same SKU; the account-level work is done once.
    ///
    /// # Errors
    /// [`ResolveError::ZeroSheetQuantity`] for a quantity of zero, [`ResolveError::UnknownUser`]
    /// for a user the snapshot does not have. Each line is a `Result` too: a line whose amount
    /// overflows exact decimal arithmetic is [`ResolveError::Overflow`].
    ///
    /// ```
    /// use tradeterms::{Dataset, Snapshot};
    /// let snapshot = Snapshot::from_dataset(&Dataset::from_json(include_str!("../../examples/data/demo.json"))?)?;
    /// let at = "2026-06-01T00:00:00Z".parse()?;
    /// let sheet = snapshot.price_sheet("abb-north", "john", at, 1)?;
    /// let skus = sheet.map(|line| line.map(|l| l.sku.to_string())).collect::<Result<Vec<_>, _>>()?;
    /// assert!(skus.iter().any(|s| s == "DRILL-18V"));
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
        self.price_sheet_in(account, user, at, qty, &Context::default())
    }

    /// [`Snapshot::price_sheet`] in a context: the channel, ship-to country and currency asked
    /// for (C1-C3).
    ///
    /// # Errors
    /// [`ResolveError::UnknownUser`] for a user the snapshot does not have,
    /// [`ResolveError::UnknownChannel`] for a channel the dataset does not declare, and
    /// [`ResolveError::CurrencyNotAccepted`] for a currency the account does not buy in.
    /// A quantity of 0 is [`ResolveError::ZeroSheetQuantity`].
    pub fn price_sheet_in(
        &self,
        account: impl AsRef<str>,
        user: impl AsRef<str>,
        at: Timestamp,
        qty: impl Into<crate::quantity::Quantity>,
        context: &Context,
    ) -> Result<PriceSheet, ResolveError> {
        let qty: crate::quantity::Quantity = qty.into();
        if qty.is_zero() {
            return Err(ResolveError::ZeroSheetQuantity);
        }
        let (key, access) = match self.sheet_party(account.as_ref(), user.as_ref(), at, context)? {
            Ok((key, entitled)) => (Some(key), entitled.access()),
            Err(refused) => (None, refused.access()),
        };
        Ok(PriceSheet::new(
            self.clone(),
            AccountId::new(account.as_ref()),
            key,
            access,
            qty,
        ))
    }

    /// The party of a sheet, owned ([`PartyKey`]): as [`Snapshot::party_and_sku`] finds it, with its
    /// visibility rules indexed once for every line. `Err` holds the refusal when the user may
    /// not see the catalogue (or the account does not exist).
    pub(crate) fn sheet_party(
        &self,
        account: &str,
        user: &str,
        at: Timestamp,
        context: &Context,
    ) -> Result<Result<(PartyKey, Entitled<'_>), Entitled<'_>>, ResolveError> {
        let channel = self.channel_of(context)?;
        let (user_idx, user_rec) = self.user_rec(user)?;
        let asker = self.asker(user_rec, self.inner().accounts.lookup(account));
        Ok(self
            .party_of(asker, at, channel, context)?
            .map(|(party, entitled)| (PartyKey::of(&party, user_idx), entitled)))
    }

    /// The SKU of a line, for a user already allowed to see the account's catalogue (R3): `None`
    /// for a SKU the catalogue does not have, which every call answers exactly as a hidden one,
    /// so that no one can list the catalogue by probing ids. [`Snapshot::sku_exists`] tells the
    /// two apart for operators.
    pub(crate) fn line_sku(&self, sku: &str) -> Option<(u32, &SkuRec)> {
        self.line_sku_at(self.inner().catalog.lookup(sku)?)
    }

    /// The SKU of a line by its catalogue index (a [`SkuHandle`](crate::decide::handle::SkuHandle)'s).
    pub(crate) fn line_sku_at(&self, idx: u32) -> Option<(u32, &SkuRec)> {
        Some((idx, self.inner().catalog.get(idx)?))
    }

    /// Whether the catalogue has this SKU, visible to anyone or not. An operator's call (a typo
    /// in an import, say): buyer-facing answers never tell a missing SKU from a hidden one.
    ///
    /// ```
    /// use tradeterms::{Dataset, Snapshot};
    /// let dataset: Dataset = serde_json::from_str(include_str!("../../examples/data/demo.json")).unwrap();
    /// let snapshot = Snapshot::from_dataset(&dataset).unwrap();
    /// assert!(snapshot.sku_exists("DRILL-18V"));
    /// assert!(snapshot.sku_exists(&tradeterms::Sku::new("DRILL-18V")));
    /// assert!(!snapshot.sku_exists("NO-SUCH-SKU"));
    /// ```
    pub fn sku_exists(&self, sku: impl AsRef<str>) -> bool {
        self.line_sku(sku.as_ref()).is_some()
    }

    /// Whether the snapshot has this account. An operator's call: answers to users never tell
    /// an account that does not exist from one they may not act for.
    ///
    /// ```
    /// use tradeterms::{Dataset, Snapshot};
    /// let snapshot = Snapshot::from_dataset(&Dataset::from_json(include_str!("../../examples/data/demo.json"))?)?;
    /// assert!(snapshot.account_exists("abb-north"));
    /// assert!(!snapshot.account_exists("nobody"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn account_exists(&self, account: impl AsRef<str>) -> bool {
        self.inner().accounts.lookup(account.as_ref()).is_some()
    }

    /// Who asks, checked before anything an answer could reveal (R1, R2): the user must be
    /// known (the host signed them in; an unknown user is the host's error, `UnknownUser`). An
    /// account the snapshot does not have is answered as one the user may not act for.
    pub(crate) fn entitle(&self, account: &str, user: &str) -> Result<Asker<'_>, ResolveError> {
        let (_, user_rec) = self.user_rec(user)?;
        Ok(self.asker(user_rec, self.inner().accounts.lookup(account)))
    }

    /// A known user's index and record, or `UnknownUser` (R1).
    fn user_rec(&self, user: &str) -> Result<(u32, &UserRec), ResolveError> {
        let users = &self.inner().users;
        users
            .lookup(user)
            .and_then(|u| Some((u, users.get(u)?)))
            .ok_or_else(|| ResolveError::UnknownUser(UserId::new(user)))
    }

    /// A known user asking for the account at `account` (`None`: no such account).
    pub(crate) fn asker<'s>(&'s self, user: &'s UserRec, account: Option<u32>) -> Asker<'s> {
        let accounts = &self.inner().accounts;
        match account.and_then(|idx| Some((idx, accounts.get(idx)?))) {
            Some((idx, acc)) => Asker::At(idx, acc, Entitled::at(user, idx, acc, accounts)),
            None => Asker::Nowhere(Entitled::nowhere(user, accounts)),
        }
    }

    /// The party of a query (the account, the user acting for it, and the instant; or, when the
    /// user may not see the account's catalogue or the account does not exist, their entitlement
    /// alone, which is all a denial may show, R2), and the line's SKU, looked up with them: the
    /// three lookups are independent and made together, before any is used, so that their
    /// cache misses overlap (in a large snapshot each is a miss or two, most of a query's time).
    /// The SKU found is only handed back: the decision reads it after the entitlement (R3 after
    /// R2), exactly as when it is looked up last.
    #[expect(
        clippy::type_complexity,
        reason = "the party of the decision core and the line's SKU, used by quote and resolve"
    )]
    pub(crate) fn party_and_sku(
        &self,
        query: &QueryRef<'_>,
    ) -> Result<
        (
            Result<(Party<'_>, Entitled<'_>), Entitled<'_>>,
            Option<(u32, &SkuRec)>,
        ),
        ResolveError,
    > {
        let inner = self.inner();
        let (user, context) = (query.user, query.context);
        let (user_idx, account_idx, sku_idx) = (
            inner.users.lookup(user),
            inner.accounts.lookup(query.account),
            inner.catalog.lookup(query.sku),
        );
        crate::decide::core::warm(inner, account_idx, user_idx, sku_idx);
        let channel = self.channel_of(context)?;
        let users = &inner.users;
        let user_rec = user_idx
            .and_then(|u| users.get(u))
            .ok_or_else(|| ResolveError::UnknownUser(UserId::new(user)))?;
        let asked = self.party_of(
            self.asker(user_rec, account_idx),
            query.at,
            channel,
            context,
        )?;
        Ok((asked, sku_idx.and_then(|i| self.line_sku_at(i))))
    }

    /// The party of an asker, as [`Snapshot::party_and_sku`] describes it, in the context whose channel
    /// has already been resolved.
    pub(crate) fn party_of<'s>(
        &'s self,
        asker: Asker<'s>,
        at: Timestamp,
        channel: Option<u32>,
        context: &Context,
    ) -> Result<Result<(Party<'s>, Entitled<'s>), Entitled<'s>>, ResolveError> {
        Ok(match asker {
            Asker::At(idx, acc, entitled) if entitled.may(Permission::ViewCatalog) => {
                let ctx = ctx_for(&acc.id, acc, channel, context)?;
                let party = Party::new(self.inner(), idx, acc, Actor::User(entitled), at, ctx);
                Ok((party, entitled))
            }
            Asker::At(_, _, entitled) | Asker::Nowhere(entitled) => Err(entitled),
        })
    }
}

impl Snapshot {
    /// The index of the context's channel: one the dataset declares, or `UnknownChannel` (C1),
    /// checked with the query's other inputs, before anything about the account.
    pub(crate) fn channel_of(&self, context: &Context) -> Result<Option<u32>, ResolveError> {
        context
            .channel
            .as_ref()
            .map(|c| {
                self.inner()
                    .channels
                    .lookup(c.as_str())
                    .ok_or_else(|| ResolveError::UnknownChannel(c.clone()))
            })
            .transpose()
    }
}

/// A query's context at an account the user may see (C3): the currency asked for must be one
/// the account buys in (its default when none is asked), never a silent fallback.
pub(crate) fn ctx_for(
    account: &AccountId,
    acc: &AccountRec,
    channel: Option<u32>,
    context: &Context,
) -> Result<Ctx, ResolveError> {
    let currency = context.currency.unwrap_or(acc.currency);
    if !acc.buys_in(currency) {
        return Err(ResolveError::CurrencyNotAccepted {
            account: account.clone(),
            currency,
        });
    }
    Ok(Ctx {
        channel,
        country: context.ship_to,
        currency,
    })
}

/// The user asking, and the account they ask for if it exists.
pub(crate) enum Asker<'s> {
    /// The account exists: its index, its record and what the user may do there.
    At(u32, &'s AccountRec, Entitled<'s>),
    /// The account does not exist: the user may do nothing there.
    Nowhere(Entitled<'s>),
}

impl Resolution {
    /// The answer to a user who may not see the account's catalogue, or asks for an account
    /// that does not exist: their refusal and nothing else (R2).
    pub(crate) fn denied(version: u64, query: Query, refused: &Entitled<'_>) -> Resolution {
        Resolution {
            version,
            query,
            access: refused.access(),
            visibility: None,
            experiments: Vec::new(),
            outcome: Outcome::Denied(refused.refusal(Permission::ViewCatalog)),
        }
    }
}

impl<'s> Party<'s> {
    /// The visibility of a SKU the catalogue does not have: not visible, decided by no rule,
    /// as a hidden SKU no rule names would be (R3).
    pub(crate) fn unknown_sku(&self) -> Visibility {
        Visibility {
            visible: false,
            mode: self.account.catalog_mode,
            decided_by: None,
            effect: None,
            overridden: Vec::new(),
        }
    }

    /// The explained decision for one line: the visibility (absent when the user may not see
    /// the catalogue) and the outcome.
    pub(crate) fn explain(
        &self,
        sku: u32,
        rec: &'s SkuRec,
        qty: crate::quantity::Quantity,
        unit: Option<&crate::id::UnitId>,
    ) -> Result<
        (
            Option<crate::decide::resolution::Visibility>,
            crate::decide::resolution::Outcome,
        ),
        ResolveError,
    > {
        let mut recorder = Explain::default();
        let verdict = self.decide(sku, rec, qty, unit.map(|u| u.as_str()), &mut recorder)?;
        let visibility = self.may_view_catalog().then(|| {
            let visible = !matches!(verdict, crate::decide::core::Verdict::NotVisible);
            recorder.visibility(self, visible)
        });
        Ok((visibility, recorder.outcome(self, verdict)))
    }

    /// The experiments whose rules reached the account, with its arm in each (X4); none for a
    /// user who may not see the catalogue.
    pub(crate) fn experiments(&self) -> Vec<crate::model::experiment::ExperimentArm> {
        match self.rules {
            Some(r) if self.may_view_catalog() => r.experiments.to_vec(),
            _ => Vec::new(),
        }
    }
}
