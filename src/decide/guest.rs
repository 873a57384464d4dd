//! Guests (SEMANTICS G1-G8): visitors not signed in, on a public storefront, asking with a
//! context alone. [`Snapshot::resolve_guest`], [`Snapshot::quote_guest`] and
//! [`Snapshot::guest_sheet`] run the one decision ([`crate::decide::core`]) for a guest's party:
//! the rules scoped to `guests` and to `everyone`, precomputed at build like an account's, an
//! `open` catalogue and `precedence`. Every answer is redacted for a buyer (A2) whatever the
//! caller wants, so a guest learns no rule id, owner or other list.

use crate::decide::audience::Audience;
use crate::decide::core::{Lean, Party, Verdict};
use crate::decide::explain::Explain;
use crate::decide::quote::{Quote, QuoteOutcome};
use crate::decide::resolution::{Context, Outcome};
use crate::decide::sheet::SheetLine;
use crate::decide::visibility;
use crate::error::ResolveError;
use crate::id::{Sku, UnitId};
use crate::model::context::Ctx;
use crate::model::snapshot::Snapshot;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A guest's question (SEMANTICS G1): a SKU, a quantity, an instant and the context (channel,
/// ship-to country, currency), with no account and no user. The context must name a currency
/// (G4); it should name the storefront's channel, which says whether guests see prices (G5).
///
/// ```
/// use tradeterms::{Context, Currency, GuestQuery};
/// let q = GuestQuery::new("DRILL-18V", 2, "2026-06-01T00:00:00Z".parse().unwrap())
///     .context(Context::default().channel("web").currency(Currency::from_code("USD").unwrap()));
/// assert_eq!(q.qty, 2);
/// let json = serde_json::to_string(&q).unwrap();
/// assert_eq!(serde_json::from_str::<GuestQuery>(&json).unwrap(), q);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct GuestQuery {
    /// The SKU asked about.
    pub sku: Sku,
    /// Quantity, more than zero; decimals within the SKU's `quantity_decimals` (U6).
    pub qty: crate::quantity::Quantity,
    /// The instant the question is asked for; the engine never reads a clock.
    pub at: Timestamp,
    /// The sales channel, ship-to country and currency (required) asked for (G4, C1-C3).
    #[serde(default, skip_serializing_if = "Context::is_empty")]
    pub context: Context,
    /// The unit `qty` counts in: one the SKU declares, its base unit if absent (SEMANTICS U2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<UnitId>,
}

crate::format::builder!(GuestQuery;
    into with_sku(sku: Sku),
    into with_qty(qty: crate::quantity::Quantity),
    set with_at(at: Timestamp),
);

impl GuestQuery {
    /// A guest's question about `qty` of `sku` at `at`, with an empty context: set one with
    /// [`GuestQuery::context`] (a currency is required, G4).
    pub fn new(
        sku: impl Into<Sku>,
        qty: impl Into<crate::quantity::Quantity>,
        at: Timestamp,
    ) -> GuestQuery {
        GuestQuery {
            sku: sku.into(),
            qty: qty.into(),
            at,
            context: Context::default(),
            unit: None,
        }
    }

    /// With this context.
    #[must_use]
    pub fn context(self, context: Context) -> GuestQuery {
        GuestQuery { context, ..self }
    }

    /// With `qty` counted in this unit (U2).
    #[must_use]
    pub fn unit(self, unit: impl Into<UnitId>) -> GuestQuery {
        GuestQuery {
            unit: Some(unit.into()),
            ..self
        }
    }
}

/// The answer to a [`GuestQuery`]: the decision, as a buyer may see it (A2), and the snapshot
/// version that gave it. It has no access report (a guest has no membership) and no visibility
/// explanation (a buyer's answer never has one).
///
/// ```
/// # fn f(r: &tradeterms::GuestResolution) { println!("{r}"); let _ = r.outcome.price(); }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct GuestResolution {
    /// The snapshot version that produced the answer.
    pub version: u64,
    /// The question.
    pub query: GuestQuery,
    /// The decision: `NotVisible`, `SignInForPrice`, `QuoteRequired` or `Priced` (G7).
    pub outcome: Outcome,
}

impl fmt::Display for GuestResolution {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let q = &self.query;
        writeln!(
            f,
            "guest: {} x `{}` at {} (snapshot v{})",
            q.qty, q.sku, q.at, self.version
        )?;
        match &self.outcome {
            Outcome::Denied(r) => writeln!(f, "  DENIED: {r}"),
            Outcome::NotVisible => writeln!(f, "  NOT VISIBLE"),
            Outcome::PriceHidden(r) => writeln!(f, "  PRICE HIDDEN: {r}"),
            Outcome::SignInForPrice => writeln!(f, "  SIGN IN FOR PRICE"),
            Outcome::QuoteRequired(qr) => writeln!(f, "  QUOTE REQUIRED: {}", qr.reason),
            Outcome::Priced(p) => writeln!(
                f,
                "  PRICED: {} {} (list {})",
                p.price.amount, p.price.currency, p.list_name
            ),
        }
    }
}

/// A guest's price sheet: every SKU visible to guests in the sheet's context, in SKU order,
/// with the outcome [`Snapshot::resolve_guest`] would give at the sheet's quantity, redacted
/// for a buyer. The guest-level work (the rules, the index of the visibility rules) is done
/// once when the sheet is created. Like [`PriceSheet`](crate::PriceSheet) it owns a handle on
/// its snapshot: `'static` and `Send`.
///
/// ```
/// use tradeterms::{Context, Currency, Dataset, Snapshot};
/// let snapshot = Snapshot::from_dataset(&Dataset::from_json(r#"{
///   "channels": [{ "id": "web", "guest_prices": true }, { "id": "edi" }],
///   "catalog": [{ "sku": "DRILL", "name": "Drill" }, { "sku": "PROTO", "name": "Prototype" }],
///   "price_lists": [{ "id": "public", "name": "Public", "owner": "pricing", "currency": "USD",
///                     "entries": [{ "sku": "DRILL", "tiers": [{ "min_qty": 1, "unit_price": "129.00" }] }] }],
///   "assignments": [{ "id": "all", "price_list": "public", "scope": "everyone" }],
///   "visibility_rules": [{ "id": "no-proto", "owner": "web", "scope": "guests",
///                          "target": { "sku": "PROTO" }, "effect": "exclude" }]
/// }"#)?)?;
/// let usd = Currency::from_code("USD").unwrap();
/// let sheet = snapshot.guest_sheet(&Context::default().channel("web").currency(usd), "2026-06-01T00:00:00Z".parse()?, 1)?;
/// assert!(format!("{sheet:?}").starts_with("GuestSheet"));
/// let lines = sheet.collect::<Result<Vec<_>, _>>()?;
/// assert_eq!(lines.len(), 1); // the prototype is hidden from guests
/// assert_eq!(lines[0].outcome.price().map(|p| p.amount.to_string()).as_deref(), Some("129.00"));
/// assert!(lines.iter().all(|l| l.visibility.is_none())); // redacted for a buyer
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct GuestSheet {
    snapshot: Snapshot,
    at: Timestamp,
    ctx: Ctx,
    index: visibility::VisIndex,
    next: usize,
    qty: crate::quantity::Quantity,
}

const _: () = {
    const fn assert_send_sync_static<T: Send + Sync + 'static>() {}
    assert_send_sync_static::<GuestSheet>();
};

impl GuestSheet {
    /// The version of the snapshot the sheet answers from.
    pub fn version(&self) -> u64 {
        self.snapshot.version()
    }
}

impl fmt::Debug for GuestSheet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let catalog = self.snapshot.inner().catalog.recs.len();
        f.debug_struct("GuestSheet")
            .field("version", &self.version())
            .field("qty", &self.qty)
            .field("currency", &self.ctx.currency)
            .field("position", &self.next.min(catalog))
            .field("catalog", &catalog)
            .finish()
    }
}

impl Iterator for GuestSheet {
    type Item = Result<SheetLine, ResolveError>;

    fn next(&mut self) -> Option<Self::Item> {
        let inner = self.snapshot.inner();
        let party = Party::guest(inner, self.at, self.ctx, Some(&self.index));
        while let Some(rec) = inner.catalog.recs.get(self.next) {
            let sku = crate::model::validate::to_u32(self.next);
            self.next = self.next.saturating_add(1);
            if !visibility::decide(&party, sku, rec, &mut Lean) {
                continue;
            }
            let mut recorder = Explain::default();
            return Some(
                party
                    .decide(sku, rec, self.qty, None, &mut recorder)
                    .map(|verdict| SheetLine {
                        sku: rec.sku.clone(),
                        unit: None,
                        visibility: None,
                        outcome: recorder
                            .outcome(&party, verdict)
                            .for_audience(Audience::Buyer),
                    })
                    .map_err(|e| e.for_audience(Audience::Buyer)),
            );
        }
        None
    }
}

impl Snapshot {
    /// Answers a guest's question (SEMANTICS G1-G7): whether the SKU is visible to guests and,
    /// on a channel that shows guests prices, its price from the assignments scoped to
    /// `guests` or `everyone`; on any other channel (or none) a visible SKU is
    /// [`Outcome::SignInForPrice`]. The answer is always redacted for a buyer (A2). A SKU the
    /// catalogue does not have is `NotVisible`, as a hidden one.
    ///
    /// # Errors
    /// [`ResolveError::ZeroQuantity`] for a quantity of zero, [`ResolveError::UnknownChannel`]
    /// for a channel the dataset does not declare, [`ResolveError::GuestCurrencyRequired`]
    /// when the context names no currency (G4); for a visible SKU,
    /// [`ResolveError::UnknownUnit`] for a unit it is not sold in and
    /// [`ResolveError::Overflow`] (naming no list) when the amount overflows.
    ///
    /// ```
    /// use tradeterms::{Context, Currency, Dataset, GuestQuery, Outcome, Snapshot};
    /// let snapshot = Snapshot::from_dataset(&Dataset::from_json(r#"{
    ///   "channels": [{ "id": "web", "guest_prices": true }, { "id": "edi" }],
    ///   "catalog": [{ "sku": "DRILL", "name": "Drill" }, { "sku": "PROTO", "name": "Prototype" }],
    ///   "price_lists": [{ "id": "public", "name": "Public", "owner": "pricing", "currency": "USD",
    ///                     "entries": [{ "sku": "DRILL", "tiers": [{ "min_qty": 1, "unit_price": "129.00" }] }] }],
    ///   "assignments": [{ "id": "all", "price_list": "public", "scope": "everyone" }],
    ///   "visibility_rules": [{ "id": "no-proto", "owner": "web", "scope": "guests",
    ///                          "target": { "sku": "PROTO" }, "effect": "exclude" }]
    /// }"#)?)?;
    /// let usd = Currency::from_code("USD").unwrap();
    /// let at = "2026-06-01T00:00:00Z".parse()?;
    /// // The web shop shows guests the public prices...
    /// let web = GuestQuery::new("DRILL", 1, at).context(Context::default().channel("web").currency(usd));
    /// assert_eq!(snapshot.resolve_guest(&web)?.outcome.price().map(|p| p.amount.to_string()).as_deref(), Some("129.00"));
    /// // ...EDI asks them to sign in.
    /// let edi = GuestQuery::new("DRILL", 1, at).context(Context::default().channel("edi").currency(usd));
    /// assert_eq!(snapshot.resolve_guest(&edi)?.outcome, Outcome::SignInForPrice);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn resolve_guest(&self, query: &GuestQuery) -> Result<GuestResolution, ResolveError> {
        let party = self.guest_party(query)?;
        let outcome = match self.line_sku(query.sku.as_str()) {
            Some((sku, rec)) => {
                let mut recorder = Explain::default();
                let verdict = party
                    .decide(
                        sku,
                        rec,
                        query.qty,
                        query.unit.as_ref().map(|u| u.as_str()),
                        &mut recorder,
                    )
                    .map_err(|e| e.for_audience(Audience::Buyer))?;
                recorder.outcome(&party, verdict)
            }
            None => Outcome::NotVisible,
        };
        Ok(GuestResolution {
            version: self.inner().version,
            query: query.clone(),
            outcome: outcome.for_audience(Audience::Buyer),
        })
    }

    /// The lean answer to a guest's question: the verdict and price
    /// [`Snapshot::resolve_guest`] decides, without building an explanation, redacted for a
    /// buyer (no assignment).
    ///
    /// # Errors
    /// As [`Snapshot::resolve_guest`].
    ///
    /// ```
    /// use tradeterms::{Context, Currency, Dataset, GuestQuery, QuoteOutcome, Snapshot};
    /// let snapshot = Snapshot::from_dataset(&Dataset::from_json(r#"{
    ///   "channels": [{ "id": "web", "guest_prices": true }, { "id": "edi" }],
    ///   "catalog": [{ "sku": "DRILL", "name": "Drill" }, { "sku": "PROTO", "name": "Prototype" }],
    ///   "price_lists": [{ "id": "public", "name": "Public", "owner": "pricing", "currency": "USD",
    ///                     "entries": [{ "sku": "DRILL", "tiers": [{ "min_qty": 1, "unit_price": "129.00" }] }] }],
    ///   "assignments": [{ "id": "all", "price_list": "public", "scope": "everyone" }],
    ///   "visibility_rules": [{ "id": "no-proto", "owner": "web", "scope": "guests",
    ///                          "target": { "sku": "PROTO" }, "effect": "exclude" }]
    /// }"#)?)?;
    /// let ctx = Context::default().channel("web").currency(Currency::from_code("USD").unwrap());
    /// let quote = snapshot.quote_guest(&GuestQuery::new("DRILL", 1, "2026-06-01T00:00:00Z".parse()?).context(ctx))?;
    /// assert!(matches!(quote.outcome, QuoteOutcome::Priced { assignment: None, .. }));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn quote_guest(&self, query: &GuestQuery) -> Result<Quote, ResolveError> {
        let party = self.guest_party(query)?;
        let outcome = match self.line_sku(query.sku.as_str()) {
            Some((sku, rec)) => {
                let unit = query.unit.as_ref().map(|u| u.as_str());
                let verdict: Verdict<'_> = party
                    .decide(sku, rec, query.qty, unit, &mut Lean)
                    .map_err(|e| e.for_audience(Audience::Buyer))?;
                QuoteOutcome::of(verdict)
            }
            None => QuoteOutcome::NotVisible,
        };
        Ok(Quote {
            version: self.inner().version,
            outcome: outcome.for_audience(Audience::Buyer),
        })
    }

    /// The guests' price sheet in `context` at `at`: every SKU visible to guests, in SKU order,
    /// with its outcome at quantity `qty` (use 1 for unit prices), redacted for a buyer. Each
    /// line agrees with [`Snapshot::resolve_guest`] for the same SKU.
    ///
    /// # Errors
    /// [`ResolveError::ZeroSheetQuantity`] for a quantity of zero,
    /// [`ResolveError::UnknownChannel`] for a channel the dataset does not declare, and
    /// [`ResolveError::GuestCurrencyRequired`] when the context names no currency. Each line
    /// is a `Result` too: a line whose amount overflows is [`ResolveError::Overflow`].
    ///
    /// See [`GuestSheet`] for an example.
    pub fn guest_sheet(
        &self,
        context: &Context,
        at: Timestamp,
        qty: impl Into<crate::quantity::Quantity>,
    ) -> Result<GuestSheet, ResolveError> {
        let qty: crate::quantity::Quantity = qty.into();
        if qty.is_zero() {
            return Err(ResolveError::ZeroSheetQuantity);
        }
        let ctx = self.guest_ctx(context)?;
        let index = visibility::VisIndex::new(&Party::guest(self.inner(), at, ctx, None));
        Ok(GuestSheet {
            snapshot: self.clone(),
            at,
            ctx,
            index,
            next: 0,
            qty,
        })
    }

    /// A guest's party for a query, once its inputs are checked (G7): the quantity, the
    /// channel, the currency, in that order, before anything about the SKU.
    fn guest_party(&self, query: &GuestQuery) -> Result<Party<'_>, ResolveError> {
        if query.qty.is_zero() {
            return Err(ResolveError::ZeroQuantity(query.sku.clone()));
        }
        let ctx = self.guest_ctx(&query.context)?;
        Ok(Party::guest(self.inner(), query.at, ctx, None))
    }

    /// A guest's context (G4): a declared channel, if any (C1), and the currency asked for,
    /// which is required: a guest has no account whose default could stand in.
    fn guest_ctx(&self, context: &Context) -> Result<Ctx, ResolveError> {
        let channel = self.channel_of(context)?;
        let currency = context
            .currency
            .ok_or(ResolveError::GuestCurrencyRequired)?;
        Ok(Ctx {
            channel,
            country: context.ship_to,
            currency,
        })
    }
}
