//! The lean answer: the same decision as [`Snapshot::resolve`], without the explanation.
//!
//! A storefront rendering a listing or a cart asks thousands of questions and needs only the
//! verdict and the price. [`Snapshot::quote`] runs the one decision
//! ([`crate::decide::core`]) with the recorder that keeps nothing, so it builds no candidate
//! list, no tier split and no strings: it allocates nothing but the ids the answer names (and a
//! compared reference price). Its answer agrees with
//! `resolve`'s by construction, which the differential tests check.

use crate::decide::audience::Audience;
use crate::decide::core::{Lean, Party, PartyKey, Verdict};
use crate::decide::entitlement::Entitled;
use crate::decide::resolution::{Context, Query, QueryRef, Reference};
use crate::error::ResolveError;
use crate::id::{AccountId, AssignmentId};
use crate::model::snapshot::Snapshot;
use crate::money::Currency;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// The verdict of a [`Snapshot::quote`].
///
/// ```
/// use tradeterms::{Dataset, Query, QuoteOutcome, Snapshot};
/// let dataset: Dataset = serde_json::from_str(include_str!("../../examples/data/demo.json")).unwrap();
/// let snapshot = Snapshot::from_dataset(&dataset).unwrap();
/// let q = snapshot.quote(&Query::new("abb-north", "john", "DRILL-18V", 2, "2026-06-01T00:00:00Z".parse().unwrap())).unwrap();
/// match q.outcome {
///     QuoteOutcome::Priced { amount, .. } => assert_eq!(amount.to_string(), "218.00"),
///     other => panic!("{other:?}"),
/// }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
#[must_use = "an answer that is not read decides nothing"]
pub enum QuoteOutcome {
    /// The user may not see the account's catalogue.
    Denied,
    /// The SKU is not in the account's catalogue for this user.
    NotVisible,
    /// The user may see the SKU but not its price.
    PriceHidden,
    /// A guest may see the SKU but must sign in for its price: the channel shows guests no
    /// prices (SEMANTICS G5).
    SignInForPrice,
    /// The line needs a quote.
    QuoteRequired,
    /// A price.
    Priced {
        /// The line amount, rounded to the currency's minor units.
        #[serde(with = "crate::money::decimal_str")]
        #[cfg_attr(feature = "schema", schemars(with = "Decimal"))]
        amount: Decimal,
        /// The exact line amount.
        #[serde(with = "crate::money::decimal_str")]
        #[cfg_attr(feature = "schema", schemars(with = "Decimal"))]
        exact_amount: Decimal,
        /// The currency.
        currency: Currency,
        /// Whether the amounts include tax (C5).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        tax_included: bool,
        /// The deciding assignment; absent in a `Buyer` answer (A2).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        assignment: Option<AssignmentId>,
        /// The reference ("list") price and the saving against it.
        reference: Reference,
    },
}

/// A lean answer: the verdict and the snapshot version that gave it.
///
/// ```
/// # fn f(q: &tradeterms::Quote) { let _ = q.version; }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[must_use = "an answer that is not read decides nothing"]
#[non_exhaustive]
pub struct Quote {
    /// The snapshot version.
    pub version: u64,
    /// The verdict.
    pub outcome: QuoteOutcome,
}

impl QuoteOutcome {
    /// The lean form of a verdict.
    pub(crate) fn of(verdict: Verdict<'_>) -> QuoteOutcome {
        match verdict {
            Verdict::Denied(_) => QuoteOutcome::Denied,
            Verdict::NotVisible => QuoteOutcome::NotVisible,
            Verdict::PriceHidden(_) => QuoteOutcome::PriceHidden,
            Verdict::SignInForPrice => QuoteOutcome::SignInForPrice,
            Verdict::QuoteRequired(_) => QuoteOutcome::QuoteRequired,
            Verdict::Priced(w, reference) => QuoteOutcome::Priced {
                amount: w.list.currency.round(w.exact),
                exact_amount: w.exact,
                currency: w.list.currency,
                tax_included: w.list.tax_included,
                assignment: Some(w.assignment.id.clone()),
                reference,
            },
        }
    }
}

/// A lean price sheet: every SKU visible to the user for the account, in SKU order, with the
/// verdict [`Snapshot::quote`] would give. The account- and user-level work is done once.
///
/// Like [`PriceSheet`](crate::PriceSheet) it owns a handle on its snapshot: `'static` and
/// `Send`, a handler can return it; its `Debug` names the account, the version and how far it
/// has got.
///
/// ```
/// use tradeterms::{Dataset, QuoteSheet, Snapshot};
/// let dataset: Dataset = serde_json::from_str(include_str!("../../examples/data/demo.json")).unwrap();
/// let snapshot = Snapshot::from_dataset(&dataset).unwrap();
/// let sheet: QuoteSheet = snapshot.quote_sheet("abb-east", "john", "2026-06-01T00:00:00Z".parse().unwrap(), 1).unwrap();
/// drop(snapshot); // the sheet holds its own handle
/// assert!(format!("{sheet:?}").contains("abb-east"));
/// let lines: Vec<_> = sheet.collect::<Result<_, _>>().unwrap();
/// assert_eq!(lines.len(), 6); // seven SKUs, but the saw is hidden from Abb East
/// ```
pub struct QuoteSheet {
    snapshot: Snapshot,
    account: AccountId,
    /// `None` when the user may not see the catalogue (or the account does not exist).
    party: Option<PartyKey>,
    audience: Audience,
    next: usize,
    qty: crate::quantity::Quantity,
}

const _: () = {
    const fn assert_send_sync_static<T: Send + Sync + 'static>() {}
    assert_send_sync_static::<QuoteSheet>();
};

impl QuoteSheet {
    /// The same sheet, each line answered for `audience` (SEMANTICS A1-A3).
    #[must_use]
    pub fn audience(self, audience: Audience) -> Self {
        QuoteSheet { audience, ..self }
    }

    /// The version of the snapshot the sheet answers from.
    pub fn version(&self) -> u64 {
        self.snapshot.version()
    }
}

impl std::fmt::Debug for QuoteSheet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        crate::decide::sheet::sheet_debug(
            f,
            "QuoteSheet",
            &self.snapshot,
            &self.account,
            self.party.as_ref(),
            (self.next, self.qty, self.audience),
        )
    }
}

impl Iterator for QuoteSheet {
    type Item = Result<(crate::id::Sku, QuoteOutcome), ResolveError>;

    fn next(&mut self) -> Option<Self::Item> {
        let party = self.party.as_ref()?.party(self.snapshot.inner())?;
        while let Some(rec) = party.inner.catalog.recs.get(self.next) {
            let sku = crate::model::validate::to_u32(self.next);
            self.next = self.next.saturating_add(1);
            match party.decide(sku, rec, self.qty, None, &mut Lean) {
                Ok(Verdict::NotVisible) => continue,
                Ok(verdict) => {
                    let outcome = QuoteOutcome::of(verdict).for_audience(self.audience);
                    return Some(Ok((rec.sku.clone(), outcome)));
                }
                Err(e) => return Some(Err(e.for_audience(self.audience))),
            }
        }
        None
    }
}

impl Snapshot {
    /// The verdict and price of one line, exactly as [`Snapshot::resolve`] decides them, without
    /// building an explanation. Allocates nothing beyond the answer's ids (and a compared
    /// reference price, when the dataset names reference lists).
    ///
    /// # Errors
    /// As [`Snapshot::resolve`]: [`ResolveError::ZeroQuantity`], [`ResolveError::UnknownUser`],
    /// [`ResolveError::Overflow`].
    ///
    /// ```
    /// use tradeterms::{Dataset, Query, QuoteOutcome, Snapshot};
    /// let snapshot = Snapshot::from_dataset(&Dataset::from_json(include_str!("../../examples/data/demo.json"))?)?;
    /// let query = Query::new("abb-north", "john", "DRILL-18V", 2, "2026-06-01T00:00:00Z".parse()?);
    /// let quote = snapshot.quote(&query)?;
    /// assert!(matches!(quote.outcome, QuoteOutcome::Priced { .. }));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn quote(&self, query: &Query) -> Result<Quote, ResolveError> {
        self.quote_ref(&QueryRef::from(query))
    }

    /// [`Snapshot::quote`] of a query that borrows its ids: the same decision and the same
    /// answer, looking the ids up as given, without copying one. The hot path of a host that
    /// reads ids from a request.
    ///
    /// # Errors
    /// As [`Snapshot::quote`].
    ///
    /// ```
    /// use tradeterms::{Dataset, Query, QueryRef, Snapshot};
    /// let snapshot = Snapshot::from_dataset(&Dataset::from_json(include_str!("../../examples/data/demo.json"))?)?;
    /// let at = "2026-06-01T00:00:00Z".parse()?;
    /// let line = String::from("DRILL-18V"); // say, read from a request
    /// let quote = snapshot.quote_ref(&QueryRef::new("abb-north", "john", &line, 2, at))?;
    /// assert_eq!(quote, snapshot.quote(&Query::new("abb-north", "john", "DRILL-18V", 2, at))?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn quote_ref(&self, query: &QueryRef<'_>) -> Result<Quote, ResolveError> {
        if query.qty.is_zero() {
            return Err(ResolveError::ZeroQuantity(crate::id::Sku::new(query.sku)));
        }
        let (asked, sku) = self.party_and_sku(query)?;
        self.quote_asked(asked, || sku, query.qty, query.unit, query.audience)
    }

    /// The lean decision once the party is known: shared by [`Snapshot::quote`] and
    /// [`Snapshot::quote_by`], so both run the same steps in the same order. `sku` is looked up
    /// only for a user who may see the catalogue (R3 after R2).
    pub(crate) fn quote_asked<'s>(
        &'s self,
        asked: Result<(Party<'s>, Entitled<'s>), Entitled<'s>>,
        sku: impl FnOnce() -> Option<(u32, &'s crate::model::catalog::SkuRec)>,
        qty: impl Into<crate::quantity::Quantity>,
        unit: Option<&str>,
        audience: Audience,
    ) -> Result<Quote, ResolveError> {
        let qty: crate::quantity::Quantity = qty.into();
        let outcome = match asked {
            Err(_) => QuoteOutcome::Denied,
            Ok((party, _)) => match sku() {
                Some((sku, rec)) => QuoteOutcome::of(
                    party
                        .decide(sku, rec, qty, unit, &mut Lean)
                        .map_err(|e| e.for_audience(audience))?,
                )
                .for_audience(audience),
                None => QuoteOutcome::NotVisible,
            },
        };
        Ok(Quote {
            version: self.inner().version,
            outcome,
        })
    }

    /// The lean counterpart of [`Snapshot::price_sheet`]: every visible SKU with its
    /// [`QuoteOutcome`] at `qty`, in SKU order, without explanations. Empty for a user who may
    /// not see the catalogue.
    ///
    /// # Errors
    /// As [`Snapshot::price_sheet`]: [`ResolveError::ZeroSheetQuantity`] and
    /// [`ResolveError::UnknownUser`] up front, [`ResolveError::Overflow`] on a line.
    pub fn quote_sheet(
        &self,
        account: impl AsRef<str>,
        user: impl AsRef<str>,
        at: jiff::Timestamp,
        qty: impl Into<crate::quantity::Quantity>,
    ) -> Result<QuoteSheet, ResolveError> {
        let qty: crate::quantity::Quantity = qty.into();
        self.quote_sheet_in(account, user, at, qty, &Context::default())
    }

    /// [`Snapshot::quote_sheet`] in a context: the channel, ship-to country and currency asked
    /// for (C1-C3).
    ///
    /// # Errors
    /// [`ResolveError::UnknownUser`] for a user the snapshot does not have,
    /// [`ResolveError::UnknownChannel`] for a channel the dataset does not declare, and
    /// [`ResolveError::CurrencyNotAccepted`] for a currency the account does not buy in.
    /// A quantity of 0 is [`ResolveError::ZeroSheetQuantity`].
    pub fn quote_sheet_in(
        &self,
        account: impl AsRef<str>,
        user: impl AsRef<str>,
        at: jiff::Timestamp,
        qty: impl Into<crate::quantity::Quantity>,
        context: &Context,
    ) -> Result<QuoteSheet, ResolveError> {
        let qty: crate::quantity::Quantity = qty.into();
        if qty.is_zero() {
            return Err(ResolveError::ZeroSheetQuantity);
        }
        // Every SKU is decided: the key indexes the visibility rules once.
        let party = self
            .sheet_party(account.as_ref(), user.as_ref(), at, context)?
            .ok()
            .map(|(key, _)| key);
        Ok(QuoteSheet {
            snapshot: self.clone(),
            account: AccountId::new(account.as_ref()),
            party,
            audience: Audience::Operator,
            next: 0,
            qty,
        })
    }
}
